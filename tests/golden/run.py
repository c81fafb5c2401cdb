#!/usr/bin/env python3
"""Golden CLI transcripts: keystrokes in, byte-exact screen out.

Each tests/golden/cases/NAME.in is fed to the real `rampart` shell (piped stdin = a scripted
console session) against a real `rampartd` running in a private network namespace with three
veth NICs eth0..eth2 (fixed MACs), so interface commands reach a kernel and nothing outside
the namespace is touched. The screen must equal NAME.refout byte for byte.

Directives in .in files (lines starting with "#@", never sent to the shell):
  #@restart           stop rampartd (SIGTERM), start it again on the same flash, new session
  #@kill              kill -9 rampartd, start it again on the same flash, new session
  #@flash FILE        before starting: copy tests/FILE to the flash as startup-config
  #@show-flash        print the flash's startup-config file into the transcript
  #@paste FILE        send the lines of tests/FILE as if pasted at the console

Lines of a .refout that begin with "~~" are regular expressions for one line of output (for
uptime and the like); use them sparingly.

Usage: run.py BUILD_DIR [CASE ...]      (exit 1 on any difference; prints a unified diff)
       run.py BUILD_DIR --update CASE   (write the .refout: review it by hand before committing)
"""
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
CASES = os.path.join(HERE, "cases")


class Lab:
    """A network namespace with eth0..eth2 (veth) and one rampartd in it."""

    def __init__(self, build):
        self.build = build
        self.ns = f"rgold{os.getpid()}"
        self.tmp = tempfile.mkdtemp(prefix="rampart-golden-")
        self.flash = os.path.join(self.tmp, "flash")
        os.mkdir(self.flash)
        self.sock = os.path.join(self.tmp, "control.sock")
        self.proc = None
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        try:
            self._populate()
        except Exception:
            self.close()
            raise

    def _populate(self):
        subprocess.run(["ip", "-n", self.ns, "link", "set", "lo", "up"], check=True)
        # veth pairs (this kernel has no dummy driver); the peer ends are not ethN, so the
        # appliance sees exactly eth0..eth2.
        for i in range(3):
            subprocess.run(["ip", "-n", self.ns, "link", "add", f"eth{i}", "address",
                            f"02:00:5e:00:53:0{i + 1}", "type", "veth", "peer", "name",
                            f"wire{i}"], check=True)
            subprocess.run(["ip", "-n", self.ns, "link", "set", f"wire{i}", "up"], check=True)

    def start(self):
        log = open(os.path.join(self.tmp, "rampartd.log"), "a")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, os.path.join(self.build, "bin", "rampartd"),
             "--flash", self.flash, "--control", self.sock, "--foreground",
             "--snmp-dir", os.path.join(self.tmp, "snmp")],
            stdout=log, stderr=log)
        for _ in range(200):
            if os.path.exists(self.sock):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("rampartd exited at start; see " + log.name)
            time.sleep(0.025)
        raise RuntimeError("rampartd did not open its control socket")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=10)
        self.proc = None
        if sig == signal.SIGKILL and os.path.exists(self.sock):
            os.unlink(self.sock)  # a killed daemon cannot remove it

    def session(self, text):
        r = subprocess.run([os.path.join(self.build, "bin", "rampart"), "--control", self.sock],
                           input=text.encode(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        return r.stdout.decode(errors="replace")

    def close(self):
        try:
            self.stop()
        finally:
            subprocess.run(["ip", "netns", "del", self.ns], check=False)
            shutil.rmtree(self.tmp, ignore_errors=True)


def run_case(build, name):
    with open(os.path.join(CASES, name + ".in")) as f:
        lines = f.read().splitlines(keepends=True)
    lab = Lab(build)
    screen = ""
    try:
        pending = []
        started = False
        for line in lines + ["#@end\n"]:
            if not line.startswith("#@"):
                pending.append(line)
                continue
            words = line[2:].split()
            if words[0] == "paste":
                with open(os.path.join(TESTS, words[1])) as f:
                    pending.extend(f.read().splitlines(keepends=True))
                continue
            if words[0] == "flash":
                shutil.copy(os.path.join(TESTS, words[1]), os.path.join(lab.flash, "startup-config"))
                continue
            if not started:
                lab.start()
                started = True
            if pending:
                screen += lab.session("".join(pending))
                pending = []
            if words[0] in ("restart", "kill"):
                lab.stop(signal.SIGTERM if words[0] == "restart" else signal.SIGKILL)
                lab.start()
            elif words[0] == "show-flash":
                with open(os.path.join(lab.flash, "startup-config")) as f:
                    screen += f.read()
    finally:
        lab.close()
    return screen


# Fields that differ on every run by design; --update writes them as regex lines.
VOLATILE = [
    (re.compile(r"^(username \S+ password )\$sha512\$5000\$\S+( pbkdf2.*)$"),
     lambda m: "~~" + re.escape(m.group(1)) + r"\$sha512\$5000\$[A-Za-z0-9+/=$]+" +
     re.escape(m.group(2))),
    (re.compile(r"^Cryptochecksum:[0-9a-f]{32}$"), lambda m: "~~Cryptochecksum:[0-9a-f]{32}"),
    (re.compile(r"^Cryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} $"),
     lambda m: "~~Cryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} "),
    (re.compile(r"^\d+ bytes copied in \d+\.\d+ secs$"), lambda m: r"~~\d+ bytes copied in \d+\.\d+ secs"),
    # A syslog line's timestamp ("logging timestamp"): "Dec 05 2026 13:05:01".
    (re.compile(r"^[A-Z][a-z]{2} \d\d \d{4} \d\d:\d\d:\d\d(.*)$"),
     lambda m: r"~~[A-Z][a-z]{2} \d\d \d{4} \d\d:\d\d:\d\d" + re.escape(m.group(1))),
]


def volatile(text):
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        for pattern, repl in VOLATILE:
            m = pattern.match(body)
            if m:
                line = repl(m) + ("\n" if line.endswith("\n") else "")
                break
        out.append(line)
    return "".join(out)


def matches(expected, actual):
    exp, act = expected.splitlines(), actual.splitlines()
    if len(exp) != len(act) or expected.endswith("\n") != actual.endswith("\n"):
        return False
    for e, a in zip(exp, act):
        if e.startswith("~~"):
            if not re.fullmatch(e[2:], a):
                return False
        elif e != a:
            return False
    return True


def main():
    build = os.path.abspath(sys.argv[1])
    args = sys.argv[2:]
    update = "--update" in args
    names = [a for a in args if a != "--update"] or sorted(
        f[:-3] for f in os.listdir(CASES) if f.endswith(".in"))
    failed = 0
    for name in names:
        actual = run_case(build, name)
        ref = os.path.join(CASES, name + ".refout")
        if update:
            with open(ref, "w") as f:
                f.write(volatile(actual))
            print(f"updated {name}.refout: review it line by line before committing")
            continue
        expected = open(ref).read() if os.path.exists(ref) else ""
        if matches(expected, actual):
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name}")
            sys.stdout.writelines(difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                f"{name}.refout", f"{name} (actual)"))
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
