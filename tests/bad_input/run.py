#!/usr/bin/env python3
"""The bad-input catalogue (catalogue.py) against one rampartd in a namespace lab.

  client ns  eth0 198.51.100.2/26   ──veth── eth0 198.51.100.1/26    outside (crypto ikev1 enable)
             eth1 198.51.100.130/26 ──veth── eth2 198.51.100.129/26  dmz (no crypto ikev1 enable)
                                             eth1 192.0.2.1/24       inside (veth, peer idle)

For each case: read its counter, send the input (network: from the client namespace; cli: a
scripted console session; config: the lab's startup-config plus the case's lines, then
`reload noconfirm`, which restarts the same process), wait for the ASA's words and the counter's
move, then check that the daemon is the same process and still answers. Prints one line per case
and a last line "N passed, N failed".

Usage: run.py BUILD_DIR [CASE_ID ...]
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import catalogue  # noqa: E402

ENABLE = "catalogue-enable-1"
PSK = "right-key-4711"
BASE = f"""hostname rampart
enable password {ENABLE}
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.1 255.255.255.192
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 192.0.2.1 255.255.255.0
interface GigabitEthernet0/2
 nameif dmz
 security-level 50
 ip address 198.51.100.129 255.255.255.192
crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac
crypto dynamic-map DYN 10 set ikev1 transform-set TRA
crypto map MAP 65000 ipsec-isakmp dynamic DYN
crypto map MAP interface outside
crypto ikev1 enable outside
crypto ikev1 policy 10
 authentication pre-share
 encryption aes
 hash sha
 group 2
 lifetime 86400
tunnel-group 198.51.100.2 type ipsec-l2l
tunnel-group 198.51.100.2 ipsec-attributes
 ikev1 pre-shared-key {PSK}
"""
SECRETS = [ENABLE, PSK]


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, **kw)


class Lab:
    def __init__(self, build):
        self.build = build
        self.ns, self.cns = f"rbad{os.getpid()}", f"rbadc{os.getpid()}"
        self.tmp = tempfile.mkdtemp(prefix="rampart-badinput-")
        self.flash = os.path.join(self.tmp, "flash")
        os.mkdir(self.flash)
        self.sock = os.path.join(self.tmp, "control.sock")
        self.log = os.path.join(self.tmp, "rampartd.log")
        self.proc = self.console = None
        self.console_out = os.path.join(self.tmp, "console.out")
        sh("ip", "netns", "add", self.ns)
        sh("ip", "netns", "add", self.cns)
        try:
            self._wire()
        except Exception:
            self.close()
            raise

    def _wire(self):
        ns, cns, p = self.ns, self.cns, os.getpid()
        for n in (ns, cns):
            sh("ip", "-n", n, "link", "set", "lo", "up")
        for mine, theirs, addr in (("eth0", "eth0", "198.51.100.2/26"),
                                   ("eth2", "eth1", "198.51.100.130/26")):
            peer = f"b{p}{mine}"
            sh("ip", "-n", ns, "link", "add", mine, "type", "veth", "peer", "name", peer)
            sh("ip", "-n", ns, "link", "set", peer, "netns", cns)
            sh("ip", "-n", cns, "link", "set", peer, "name", theirs)
            sh("ip", "-n", cns, "addr", "add", addr, "dev", theirs)
            sh("ip", "-n", cns, "link", "set", theirs, "up")
        sh("ip", "-n", ns, "link", "add", "eth1", "type", "veth", "peer", "name", "inpeer")
        sh("ip", "-n", ns, "link", "set", "inpeer", "up")

    def start(self):
        with open(os.path.join(self.flash, "startup-config"), "w") as f:
            f.write(BASE)
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, os.path.join(self.build, "bin", "rampartd"),
             "--flash", self.flash, "--control", self.sock, "--foreground"],
            stdout=open(self.log, "a"), stderr=subprocess.STDOUT)
        self.wait_ready()
        self.open_console()

    def wait_ready(self):
        for _ in range(400):
            if os.path.exists(self.sock) and "rampart#" in self.session(["show clock"], 5):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("rampartd exited; see " + self.log)
            time.sleep(0.025)
        raise RuntimeError("rampartd does not answer")

    def open_console(self):
        # A console watching IKE as an operator would; kept open across the network cases.
        self.console = subprocess.Popen(
            [os.path.join(self.build, "bin", "rampart"), "--control", self.sock],
            stdin=subprocess.PIPE, stdout=open(self.console_out, "a"), stderr=subprocess.STDOUT)
        self.console.stdin.write(
            f"enable\n{ENABLE}\nterminal pager 0\ndebug crypto isakmp 127\n".encode())
        self.console.stdin.flush()

    def console_text(self, pump=False):
        if pump and self.console and self.console.poll() is None:
            # The scripted shell shows waiting debug lines when it next talks to the daemon.
            self.console.stdin.write(b"\n")
            self.console.stdin.flush()
            time.sleep(0.2)
        with open(self.console_out, errors="replace") as f:
            return f.read()

    def session(self, lines, timeout=30, enable=True):
        text = (f"enable\n{ENABLE}\n" if enable else "") + "".join(l + "\n" for l in lines)
        try:
            r = subprocess.run([os.path.join(self.build, "bin", "rampart"), "--control",
                                self.sock], input=text.encode(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ""
        return r.stdout.decode(errors="replace")

    def close(self):
        for p in (self.console, self.proc):
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        for n in (self.cns, self.ns):
            subprocess.run(["ip", "netns", "del", n], check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def read_counter(lab, counter):
    m = re.search(counter.regex, lab.session([counter.show]), re.M)
    return int(m.group(1)) if m else 0


def numbered(regex, first_line):
    for k in (2, 1):
        regex = regex.replace(f"{{n+{k}}}", str(first_line + k))
    return regex.replace("{n}", str(first_line))


def act(lab, case):
    """Sends the case's input; returns the text its words are searched in (or a callable)."""
    if case.channel == "network":
        r = subprocess.run(["ip", "netns", "exec", lab.cns, "/usr/bin/python3",
                            os.path.join(HERE, "peer.py"), case.id], cwd=HERE,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        if r.returncode:
            raise AssertionError("sender: " + r.stdout.decode(errors="replace").strip())
        return None
    if case.channel == "cli":
        return lab.session(case.lines, enable=case.enable)
    with open(os.path.join(lab.flash, "startup-config"), "w") as f:
        f.write(BASE + "".join(l + "\n" for l in case.lines))
    pid = lab.proc.pid
    lab.session(["reload noconfirm"])
    time.sleep(0.3)
    lab.wait_ready()
    if lab.proc.poll() is not None or lab.proc.pid != pid:
        raise AssertionError("reload did not restart the same process")
    return lab.session(["show startup-config errors"])


def run_case(lab, case):
    first_line = BASE.count("\n") + 1
    before = 0 if case.channel == "config" else read_counter(lab, case.counter)
    mark = len(lab.console_text())
    answer = act(lab, case)
    words = numbered(case.words, first_line) if case.words else None
    deadline = time.time() + 6
    while True:
        after = read_counter(lab, case.counter)
        if case.where == "debug":
            text = lab.console_text(pump=True)[mark:]
        elif case.where == "counter":
            text = lab.session([case.counter.show])
        else:
            text = answer
        found = words is None or re.search(words, text, re.M)
        if (found and after - before == case.delta) or time.time() > deadline:
            break
        time.sleep(0.2)
    problems = []
    if not found:
        problems.append(f"no /{words}/ in the {case.where} answer:\n{text[-1500:]}")
    if after - before != case.delta:
        problems.append(f"{case.counter.show}: /{case.counter.regex}/ moved {before} -> {after},"
                        f" wanted +{case.delta}")
    for secret in SECRETS + ([case.secret] if case.secret else []):
        if secret in (text or "") or secret in (answer or ""):
            problems.append(f"a secret was printed: {secret}")
    alive = lab.proc.poll() is None and "Rampart Adaptive Security Appliance" in lab.session(
        ["show version"])
    if not alive:
        problems.append("the daemon does not answer any more")
    return problems


def main():
    build = os.path.abspath(sys.argv[1])
    wanted = sys.argv[2:]
    order = {"network": 0, "cli": 1, "config": 2}  # config cases reload: they go last
    cases = sorted((c for c in catalogue.CASES if not wanted or c.id in wanted),
                   key=lambda c: order[c.channel])
    lab = Lab(build)
    passed = failed = 0
    try:
        lab.start()
        time.sleep(1.5)  # the dataplane workers take the outside port on their next tick
        for case in cases:
            try:
                problems = run_case(lab, case)
            except Exception as e:  # a broken case must not stop the others
                problems = [f"{type(e).__name__}: {e}"]
            if problems:
                failed += 1
                print(f"FAIL {case.id:32} {case.channel:8} {case.what}")
                for p in problems:
                    print("     " + p.replace("\n", "\n     "))
            else:
                passed += 1
                print(f"ok   {case.id:32} {case.channel:8} {case.what}")
            sys.stdout.flush()
        with open(lab.log, errors="replace") as f:
            log = f.read()
        for secret in SECRETS + [c.secret for c in cases if c.secret]:
            if secret in log or secret in lab.console_text():
                failed += 1
                print(f"FAIL a secret reached the daemon's log or the console: {secret}")
    finally:
        if os.environ.get("BAD_INPUT_KEEP_CONSOLE"):
            shutil.copy(lab.console_out, "/tmp/bad-input-console.out")
        lab.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
