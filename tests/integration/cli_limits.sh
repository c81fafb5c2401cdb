#!/usr/bin/env bash
# What one CLI session may cost the daemon (issue 11): 100 lines of 1 MiB and 10,000 lines of
# 500 characters from a user-EXEC session leave rampartd's memory where it was, every line is
# answered, and "show history" holds the last 10 lines; 12,000 commands sent before any answer
# is read are all answered, with no more than one command's output built ahead of the reader.
source "$(dirname "$0")/lib.sh"
make_ns
start_daemon
rss() { awk '/^VmRSS/ {print $2}' "/proc/$DAEMON_PID/status"; }
# The control socket's frames, as a client without the shell sends and reads them.
cat >"$WORK/control_client.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
buf = b""
async_text = b""  # what came unsolicited (debug and monitor lines), in order
def frame(t, payload):
    s.sendall(bytes([t]) + struct.pack(">I", len(payload)) + payload)
def read_until_prompt():
    global buf, async_text
    out = b""
    while True:
        while len(buf) < 5 or len(buf) < 5 + struct.unpack(">I", buf[1:5])[0]:
            chunk = s.recv(1 << 20)
            if not chunk:
                sys.exit("connection closed")
            buf += chunk
        n = struct.unpack(">I", buf[1:5])[0]
        t, payload, buf = buf[0], buf[5:5 + n], buf[5 + n:]
        if t == 10:
            out += payload[4:]
        elif t == 11:
            return out, payload[1:]
        elif t == 14:
            async_text += payload
        else:
            sys.exit("unexpected frame %d" % t)
PY
client() { PYTHONPATH="$WORK" python3 - "$SOCK" "$DAEMON_PID"; }
before=$(rss)
client <<'PY' || fail "the session was not answered as expected"
from control_client import *
frame(1, b"interactive=0 login=0")
_, prompt = read_until_prompt()
assert prompt == b"rampart> ", prompt
invalid = b" " * (len(prompt) + 512) + b"^\nERROR: % Invalid input detected at '^' marker.\n"
for i in range(100):
    frame(2, b"show version " + b"a" * ((1 << 20) - 13))  # the largest frame there is
    out, p = read_until_prompt()
    assert out == invalid and p == prompt, (out[:80], p)
comment = b"! " + b"c" * 498
for i in range(10000):
    # Sent in batches: the answers come back in order.
    frame(2, comment + str(i).encode())
    if i % 100 == 99:
        for _ in range(100):
            out, p = read_until_prompt()
            assert out == b"" and p == prompt, (out[:80], p)
frame(2, b"show history")
out, _ = read_until_prompt()
lines = out.decode().splitlines()
assert len(lines) == 10 and lines[-1] == "  show history", lines
assert lines[0] == "  " + (comment + b"9991").decode(), lines[0][:20]
PY
after=$(rss)
# Before the fix the history alone held 100 MiB of the long lines and 5 MB of the others.
(( after - before < 16384 )) || fail "rampartd grew from ${before} kB to ${after} kB"
echo "cli_limits: long lines (rss ${before} kB -> ${after} kB)"

# A client that sends 12,000 commands before it reads any answer: each command waits until the
# client has taken the output before it (rampartd builds no more than one command's output ahead
# of the reader), and every answer comes, in order. Before, all 12,000 outputs (about 18 MB)
# were built at once and the client was cut off at 16 MB.
before=$(rss)
client <<'PY' || fail "the pipelined session was not answered as expected"
from control_client import *
def rss():
    for line in open("/proc/%s/status" % sys.argv[2]):
        if line.startswith("VmRSS"):
            return int(line.split()[1])
frame(1, b"interactive=0 login=0")
read_until_prompt()
frame(2, b"enable")
read_until_prompt()
frame(2, b"")
_, prompt = read_until_prompt()
assert prompt == b"rampart# ", prompt
frame(2, b"show running-config")
config, _ = read_until_prompt()
assert len(config) > 1000, len(config)
start = rss()
for i in range(12000):
    frame(2, b"show running-config")
import time
time.sleep(1)  # the daemon handles what it will before a byte is read
grown = rss() - start
for i in range(12000):
    out, p = read_until_prompt()
    assert out == config and p == prompt, (i, out[:80], p)
print("12,000 answers of %d bytes each, read after the last was sent; rampartd grew %d kB meanwhile"
      % (len(config), grown))
assert grown < 8192, grown
PY
after=$(rss)

# The same client with "terminal monitor" at level debugging: each command is a 111009 line for
# it. The lines that come while it is more than 1 MB behind are dropped; once it has caught up it
# is told how many, and "show counters" counts them. Every line is either shown or counted.
client <<'PY' || fail "the monitor lines of a terminal that fell behind were not accounted for"
from control_client import *
import control_client, re
frame(1, b"interactive=0 login=0")
read_until_prompt()
for line in [b"enable", b"", b"configure terminal", b"logging enable",
             b"logging monitor debugging", b"end", b"terminal monitor"]:
    frame(2, line)
    read_until_prompt()
for i in range(3000):
    frame(2, b"show running-config")
import time
time.sleep(1)
for i in range(3000):
    read_until_prompt()
frame(2, b"show counters protocol DEBUG")
counters, _ = read_until_prompt()
time.sleep(0.5)
frame(2, b"")  # collects what came since
read_until_prompt()
text = control_client.async_text.decode()
shown = text.count("executed cmd: show running-config")
told = sum(int(n) for n in re.findall(r"WARNING: (\d+) debug/monitor lines were not shown", text))
m = re.search(r"DEBUG +TERMINAL_BEHIND +(\d+)", counters.decode())
counted = int(m.group(1)) if m else 0
m = re.search(r"DEBUG +LINES_DROPPED +(\d+)", counters.decode())
queue_full = int(m.group(1)) if m else 0
print("3,000 commands: %d monitor lines shown, %d not shown and told, %d counted, %d lost to a "
      "full queue" % (shown, told, counted, queue_full))
assert told > 0 and told == counted, (told, counted)
assert shown + told + queue_full == 3000, (shown, told, queue_full)
PY
echo "PASS cli_limits (rss ${before} kB -> ${after} kB)"
