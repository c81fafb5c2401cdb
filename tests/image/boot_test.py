#!/usr/bin/env python3
"""The appliance image under qemu (software emulation, two virtio NICs), driven like a person
at the serial console: BIOS boot, enable, show version, configure the outside interface, a user,
console login and SSH, write memory, a power cut, SSH through the NIC, an upgrade by
"copy tftp:" + "boot system" + "reload", a broken firmware that falls back, and a UEFI boot.
Also: the build is reproducible (the same inputs give the same image bytes).

  tests/image/boot_test.py BUILD_DIR

qemu runs in a network namespace of its own, so its user-mode network (192.0.2.0/24 with the
TFTP server at 192.0.2.2) and the forwarded SSH port exist only there.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOT_TIMEOUT = 420  # seconds to the console prompt under emulation, with margin for a busy CI
PASSWORD = "Adm1n-Secr3t"
NS = f"rimg-{os.getpid()}"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def version_of_tree():
    for line in open(os.path.join(ROOT, "CMakeLists.txt")):
        if line.startswith("project(rampart VERSION"):
            return line.split()[2]
    raise SystemExit("no version in CMakeLists.txt")


def build(out, *args):
    subprocess.run([os.path.join(ROOT, "images/build"), "--out", out, *args], check=True,
                   stdout=sys.stdout, stderr=sys.stderr)


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Box:
    """One power-on of the appliance: qemu with the disk, its serial console as pexpect."""

    def __init__(self, disk, tftp_dir, uefi=False, vars_file=None, ssh_port=2222,
                 log="serial.log"):
        cmd = ["ip", "netns", "exec", NS, "qemu-system-x86_64", "-accel", "tcg", "-m", "1024",
               "-smp", "2", "-nographic", "-serial", "mon:stdio",
               "-drive", f"file={disk},format=raw,if=virtio",
               "-netdev", "user,id=n0,net=192.0.2.0/24,host=192.0.2.2,dhcpstart=192.0.2.200,"
                          f"tftp={tftp_dir},hostfwd=tcp:127.0.0.1:{ssh_port}-192.0.2.10:22",
               "-device", "virtio-net-pci,netdev=n0",
               "-netdev", "user,id=n1,net=198.51.100.0/24,host=198.51.100.2,restrict=on",
               "-device", "virtio-net-pci,netdev=n1",
               "-smbios", "type=1,serial=RMPQEMU0001"]
        if uefi:
            cmd += ["-machine", "q35",
                    "-drive", "if=pflash,format=raw,unit=0,readonly=on,"
                              "file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                    "-drive", f"if=pflash,format=raw,unit=1,file={vars_file}"]
        else:
            cmd += ["-machine", "pc"]
        self.started = time.monotonic()
        self.p = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", codec_errors="replace",
                               timeout=60, maxread=65536)
        self.p.logfile_read = open(os.path.join(LOGDIR, log), "a")
        self.prompt = None  # the first console prompt, once seen

    def wait_console(self, what, timeout=BOOT_TIMEOUT):
        if self.prompt is None:
            self.p.expect(["rampart> ", "Username: "], timeout=timeout)
            self.prompt = self.p.after
            secs = time.monotonic() - self.started
            print(f"     {what}: power-on to the console prompt in {secs:.0f} s", flush=True)
        return self.prompt

    def reloading(self):
        """The box restarts: the next wait_console waits for a new prompt."""
        self.started = time.monotonic()
        self.prompt = None

    def poll_console(self, what):
        """Reads what the console printed so far (its boot must not stall on a full serial
        line while the test waits on another box); True once the prompt is there."""
        try:
            self.wait_console(what, timeout=0.05)
        except pexpect.TIMEOUT:
            pass
        return self.prompt is not None

    def line(self, text, expect=None, timeout=60):
        self.p.sendline(text)
        if expect:
            self.p.expect(expect, timeout=timeout)
        return self.p.before

    def cmd(self, text, prompt="rampart# ", timeout=60):
        """Runs a command at the privileged prompt and returns its output."""
        self.p.sendline(text)
        self.p.expect_exact(prompt, timeout=timeout)
        return self.p.before

    def login(self):
        self.line("admin", "Password: ")
        self.line(PASSWORD, "rampart> ")

    def enable(self):
        self.line("enable", "Password: ")
        self.line("", "rampart# ")
        self.cmd("terminal pager 0")  # no "<--- More --->" in what the test reads

    def power_off(self):
        self.p.terminate(force=True)
        self.p.close()


def ssh(args, password):
    return pexpect.spawn("ip", ["netns", "exec", NS, "ssh", "-p", "2222", "-o",
                                "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                                "-o", "PubkeyAuthentication=no", "-o",
                                "PreferredAuthentications=password"] + args,
                         encoding="utf-8", codec_errors="replace", timeout=120)


def host_keys(kind="ed25519"):
    r = subprocess.run(["ip", "netns", "exec", NS, "ssh-keyscan", "-p", "2222", "-t", kind,
                        "127.0.0.1"], capture_output=True, text=True, timeout=60)
    return r.stdout.strip()


def ssh_checks():
    s = ssh(["admin@127.0.0.1"], PASSWORD)
    s.expect("password: ")
    s.sendline(PASSWORD)
    i = s.expect(["rampart> ", "denied", pexpect.EOF, pexpect.TIMEOUT])
    check(i == 0, "SSH login as admin lands at the Rampart prompt")
    if i != 0:
        print(s.before)
    if i == 0:
        s.sendline("enable")
        s.expect("Password: ")
        s.sendline("")
        s.expect_exact("rampart# ")
        s.sendline("terminal pager 0")
        s.expect_exact("rampart# ")
        s.sendline("show running-config")
        s.expect_exact("rampart# ")
        run = s.before
        check("ssh 192.0.2.0 255.255.255.0 outside" in run and "username admin" in run,
              "show running-config over SSH")
        s.sendline("exit")
    s.close()
    bad = ssh(["admin@127.0.0.1"], "wrong")
    bad.expect("password: ")
    bad.sendline("not-the-password")
    i = bad.expect(["password: ", "rampart> ", pexpect.EOF, pexpect.TIMEOUT])
    check(i == 0, "SSH with a wrong password is refused")
    bad.close()
    # A command on the ssh line still gets the Rampart shell, never a Unix shell.
    cmd = ssh(["-n", "admin@127.0.0.1", "id; cat /etc/passwd"], PASSWORD)
    cmd.expect("password: ")
    cmd.sendline(PASSWORD)
    cmd.expect([pexpect.EOF, pexpect.TIMEOUT])
    out = cmd.before or ""
    check("uid=" not in out and "root:x:0" not in out, "no Unix shell over SSH")
    cmd.close()


def main():
    global LOGDIR
    build_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    work = tempfile.mkdtemp(prefix="rampart-boot-")
    LOGDIR = work
    version = version_of_tree()
    major, minor, patch = version.split(".")
    upgrade = f"{major}.{minor}.{int(patch) + 1}"
    broken = f"{major}.{minor}.{int(patch) + 2}"
    out = os.path.join(build_dir, "images")
    t0 = time.monotonic()
    build(out)
    build(out, "--version", upgrade)
    build(out, "--version", broken, "--broken")
    again = os.path.join(work, "again")
    build(again)
    img = f"rampart-{version}.img"
    check(sha(os.path.join(out, img)) == sha(os.path.join(again, img)),
          "the same inputs build the same image bytes")
    size = os.path.getsize(os.path.join(out, img))
    print(f"     image {size >> 20} MiB; builds took {time.monotonic() - t0:.0f} s")
    check(size < 200 << 20, "the image is under 200 MB")

    subprocess.run(["ip", "netns", "add", NS], check=True)
    subprocess.run(["ip", "-n", NS, "link", "set", "lo", "up"], check=True)
    disk = os.path.join(work, "disk.img")
    shutil.copyfile(os.path.join(out, img), disk)
    asa_version = f"{major}.{minor}({patch})"
    try:
        # ---- BIOS: first boot, configuration, write memory -------------------------------
        box = Box(disk, out)
        box.wait_console("BIOS boot")
        box.enable()
        v = box.cmd("show version")
        check(f"Software Version {asa_version}" in v, "show version: the version")
        check(f'System image file is "disk0:/rampart-{version}.bin"' in v, "show version: image")
        check("Serial Number: RMPQEMU0001" in v, "show version: serial number from the machine")
        check("GigabitEthernet0/0" in v and "GigabitEthernet0/1" in v,
              "show version: both NICs as GigabitEthernet0/0 and 0/1")
        check("Internal ATA Compact Flash" in v and "slot A" in v, "show version: flash, slot")
        for line in ["configure terminal", "interface GigabitEthernet0/0", "nameif outside",
                     "security-level 0", "ip address 192.0.2.10 255.255.255.0", "no shutdown",
                     "exit", f"username admin password {PASSWORD} privilege 15",
                     "aaa authentication ssh console LOCAL",
                     "aaa authentication serial console LOCAL",
                     "ssh 192.0.2.0 255.255.255.0 outside", "ssh timeout 10", "end"]:
            box.p.sendline(line)
            box.p.expect(r"rampart\(?[a-z-]*\)?# ")
            if "ERROR" in box.p.before:  # a line the console garbled or the CLI refused
                print(f"     {line!r} answered: {box.p.before.strip()!r}", flush=True)
        # SNMP: the image carries snmpd; rampartd starts it for a polling host and reads its
        # counters over snmpd's unix socket (an error line if snmpd is absent or silent).
        for line in ["configure terminal",
                     "snmp-server host outside 192.0.2.1 community Bt3stC0mm version 2c", "end"]:
            box.line(line, r"rampart\(?[a-z-]*\)?# ")
        stats = ""
        for _ in range(10):
            stats = box.cmd("show snmp-server statistics")
            if "SNMP packets input" in stats:
                break
            time.sleep(2)
        check("SNMP packets input" in stats and "ERROR" not in stats,
              "snmpd runs in the image (show snmp-server statistics reads it)")
        aaa = box.cmd("show running-config aaa")
        check("aaa authentication serial console LOCAL" in aaa,
              "the console login line is in the running configuration")
        check("[OK]" in box.cmd("write memory"), "write memory")
        d = box.cmd("dir disk0:")
        check(f"rampart-{version}.bin" in d and "startup-config" in d and "bytes free" in d,
              "dir disk0: lists the firmware and the startup configuration")
        time.sleep(2)
        ssh_checks()
        keys = host_keys()
        check("ssh-ed25519" in keys, "sshd offers the host key made on first boot")
        rsa = host_keys("rsa")
        check("ssh-rsa" in rsa, "sshd offers the default RSA key")
        box.p.sendline("configure terminal")
        box.p.expect_exact("rampart(config)# ")
        box.p.sendline("crypto key generate rsa modulus 2048 noconfirm")
        box.p.expect_exact("rampart(config)# ", timeout=300)
        box.cmd("end")
        mp = box.cmd("show crypto key mypubkey rsa")
        check("Modulus Size (bits): 2048" in mp and "Key Data:" in mp,
              "show crypto key mypubkey rsa")
        time.sleep(3)
        new_rsa = host_keys("rsa")
        check("ssh-rsa" in new_rsa and new_rsa != rsa,
              "crypto key generate rsa replaces the SSH host key")
        if failures:
            print(box.cmd("more disk0:/log/messages")[-3000:])
        box.power_off()  # a power cut, not a clean shutdown

        # ---- the configuration survives; console login is asked now -----------------------
        box = Box(disk, out)
        prompt = box.wait_console("BIOS boot after a power cut")
        check(prompt == "Username: ", "the console asks for a user (aaa authentication serial)")
        box.line("admin", "Password: ")
        box.line("wrong-password", "Username: ")
        box.login()
        box.enable()
        run = box.cmd("show running-config")
        check("ip address 192.0.2.10 255.255.255.0" in run and "ssh timeout 10" in run,
              "the configuration came back after the power cut")
        time.sleep(2)
        check(host_keys() == keys, "the SSH host key is the same after the power cut (on flash)")

        # ---- upgrade: copy tftp:, boot system, reload -------------------------------------
        new = f"rampart-{upgrade}.bin"
        c = box.cmd(f"copy /noconfirm tftp://192.0.2.2/{new} disk0:/{new}", timeout=600)
        check("bytes copied" in c, f"copy tftp: {new} to disk0:")
        c = box.cmd(f"verify disk0:/{new}", timeout=120)
        check("Digital signature successfully validated" in c,
              "verify: the upgrade file carries the build's release signature")
        for line in ["configure terminal", f"boot system disk0:/{new}", "end"]:
            box.p.sendline(line)
            box.p.expect(r"rampart\(?[a-z-]*\)?# ")
        box.cmd("write memory", timeout=300)  # after a copy: see the broken-firmware step
        bv = box.cmd("show bootvar")
        check(f"BOOT variable = disk0:/{new}" in bv, "show bootvar names the new image")
        box.reloading()
        box.line("reload", r"Proceed with reload\? \[confirm\]")
        box.p.sendline("")
        box.wait_console("reload into the new firmware")
        box.login()
        box.enable()
        v = box.cmd("show version")
        up_asa = f"{major}.{minor}({int(patch) + 1})"
        check(f"Software Version {up_asa}" in v and f'"disk0:/{new}"' in v and "slot B" in v,
              "after the upgrade show version reports the new firmware in slot B")
        run = box.cmd("show running-config")
        check(f"boot system disk0:/{new}" in run and "ip address 192.0.2.10 255.255.255.0" in run,
              "the configuration came back after reload")

        # ---- a broken firmware falls back --------------------------------------------------
        bad = f"rampart-{broken}-broken.bin"
        c = box.cmd(f"copy /noconfirm tftp://192.0.2.2/{bad} disk0:/{bad}", timeout=600)
        check("bytes copied" in c, f"copy tftp: {bad}")
        for line in ["configure terminal", f"no boot system disk0:/{new}",
                     f"boot system disk0:/{bad}", "end"]:
            box.p.sendline(line)
            box.p.expect(r"rampart\(?[a-z-]*\)?# ")
        # Right after a 28 MB copy the flash's sync can take minutes under TCG on a loaded host
        # (the long stage runs beside two sanitizer builds): wait for the prompt, not a clock.
        box.cmd("write memory", timeout=300)
        box.reloading()
        box.line("reload", r"Proceed with reload\? \[confirm\]")
        box.p.sendline("")
        i = box.p.expect(["SHUTDOWN NOW", "%Warning[^\n]*"])
        check(i == 0, "reload installs the broken firmware in the other slot")
        if i:
            print("    ", box.p.after)
        box.wait_console("reload into a broken firmware, then back")
        box.login()
        box.enable()
        v = box.cmd("show version")
        check(f"Software Version {up_asa}" in v and "slot B" in v,
              "the broken firmware fell back to the previous one")
        bv = box.cmd("show bootvar")
        check(f"Last boot of disk0:/{bad} failed" in bv, "show bootvar reports the failed boot")
        # A UEFI power-on of a fresh disk boots while the BIOS console idles towards its timeout
        # (two minutes of the test's run instead of one after the other).
        disk2 = os.path.join(work, "disk-uefi.img")
        shutil.copyfile(os.path.join(out, img), disk2)
        vars_file = os.path.join(work, "OVMF_VARS.fd")
        shutil.copyfile("/usr/share/OVMF/OVMF_VARS_4M.fd", vars_file)
        uefi = Box(disk2, out, uefi=True, vars_file=vars_file, ssh_port=2223,
                   log="serial-uefi.log")
        # console timeout: an idle console is logged off and asks for a user again.
        box.p.sendline("configure terminal")
        box.p.expect_exact("rampart(config)# ")
        box.p.sendline("console timeout 1")
        box.p.expect_exact("rampart(config)# ")
        t = time.monotonic()
        logged_off = False
        while not logged_off and time.monotonic() - t < 100:
            try:
                box.p.expect("Logoff", timeout=0.5)
                logged_off = True
            except pexpect.TIMEOUT:
                uefi.poll_console("UEFI boot")
        idle = time.monotonic() - t
        if logged_off:
            box.p.expect("Username: ", timeout=60)
        check(logged_off and idle >= 55, f"console timeout 1 logs an idle console off ({idle:.0f} s)")
        box.power_off()

        # ---- UEFI ----------------------------------------------------------------------------
        box = uefi
        box.wait_console("UEFI boot")
        box.enable()
        v = box.cmd("show version")
        check(f"Software Version {asa_version}" in v, "UEFI boot: show version")
        box.power_off()
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        check(False, f"the console answered as expected ({type(e).__name__})")
        print(open(os.path.join(LOGDIR, "serial.log"), errors="replace").read()[-4000:])
    finally:
        subprocess.run(["ip", "netns", "del", NS])
        if not failures:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"serial log kept in {work}/serial.log")
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
