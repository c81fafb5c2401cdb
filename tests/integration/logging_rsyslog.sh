#!/usr/bin/env bash
# Remote syslog with a real receiver: Debian's rsyslogd in the inside namespace takes the
# appliance's messages over UDP (192.0.2.50:514) and TCP (192.0.2.51:1470):
#
#   $NS rampartd  eth0 192.0.2.1 (inside) --veth-- $INS eth0 192.0.2.50, .51  rsyslogd -n
#
# Configuration commands make 111008/111010 (notifications): they arrive with PRI <165>
# (facility 20 local4), the timestamp and the device-id. Then rsyslogd is killed: the CLI
# still answers, "show logging" shows the TCP host not connected with the new messages queued,
# and once rsyslogd is back they arrive over TCP (queued, not lost). Never the system's rsyslog:
# our own configuration, pid file and output file, in our namespace.
source "$(dirname "$0")/lib.sh"
command -v rsyslogd >/dev/null || fail "rsyslogd is not installed (scripts/deps)"

ONS=rlo$$  # an outside host, for traffic through the box (the hostdown policy)
RS_PID=
stop_rsyslog() {
  if [[ -n "$RS_PID" ]]; then kill -9 "$RS_PID" 2>/dev/null || true; wait "$RS_PID" 2>/dev/null || true; fi
  RS_PID=
}
ECHO_PID= LONG_PID=
trap 'stop_rsyslog; kill $ECHO_PID $LONG_PID 2>/dev/null; ip netns del $ONS 2>/dev/null; cleanup' EXIT

wire_hosts "$INS" "$ONS"
ip -n "$ONS" addr add 203.0.113.2/24 dev eth0
ip -n "$ONS" route add 192.0.2.0/24 via 203.0.113.1
ip -n "$INS" addr add 192.0.2.50/24 dev eth0
ip -n "$INS" addr add 192.0.2.51/24 dev eth0
ip -n "$INS" route add default via 192.0.2.1

mkdir -p "$WORK/rs"
cat >"$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK/rs")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="192.0.2.50" port="514")
input(type="imtcp" address="192.0.2.51" port="1470")
template(name="seen" type="string" string="%inputname% %syslogfacility% %syslogseverity% %rawmsg%\n")
*.* action(type="omfile" file="$WORK/received.log" template="seen")
CONF
RECEIVED=$WORK/received.log

start_rsyslog() {
  ip netns exec "$INS" rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslog.pid" \
    >>"$WORK/rsyslog.out" 2>&1 &
  RS_PID=$!
  wait_for 10 sh -c "ip netns exec $INS ss -ltn | grep -q '192.0.2.51:1470'" ||
    fail "rsyslogd did not listen: $(cat "$WORK/rsyslog.out")"
}
start_rsyslog

start_daemon
cli 'configure terminal' 'interface GigabitEthernet0/0' ' nameif inside' \
  ' ip address 192.0.2.1 255.255.255.0' ' security-level 100' ' no shutdown' ' exit' \
  'interface GigabitEthernet0/1' ' nameif outside' ' security-level 0' \
  ' ip address 203.0.113.1 255.255.255.0' ' no shutdown' ' exit' \
  'logging enable' 'logging timestamp' 'logging device-id hostname' 'logging trap notifications' \
  'logging buffered informational' \
  'logging host inside 192.0.2.50' 'logging host inside 192.0.2.51 tcp/1470' >/dev/null
wait_for 10 bash -c "$BIN/rampart --control $SOCK <<<\$'enable\n\nshow logging' | grep -q 'Logging to inside 192.0.2.51 tcp/1470 Connected'" ||
  fail "the TCP syslog host did not connect: $(cli 'show logging')"

cli 'configure terminal' 'hostname lab1' >/dev/null
# <PRI> 165 = local4 (20) * 8 + notifications (5); "Mmm dd yyyy hh:mm:ss DEVICE-ID : %ASA-...".
ts='[A-Z][a-z]{2} [0-9]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}'
want111008="<165>$ts rampart : %ASA-5-111008: User 'enable_15' executed the 'hostname lab1' command\\."
want111010="<165>$ts rampart : %ASA-5-111010: User 'enable_15', running 'CLI' from IP 0\\.0\\.0\\.0, executed 'hostname lab1'"
for input in imudp imtcp; do
  wait_for 10 grep -qE "^$input 20 5 $want111008\$" "$RECEIVED" ||
    fail "no 111008 over $input: $(cat "$RECEIVED" 2>/dev/null)"
  grep -qE "^$input 20 5 $want111010\$" "$RECEIVED" || fail "no 111010 over $input"
done
# Below the trap level (111009 is debugging): not sent.
grep -q '111009' "$RECEIVED" && fail "a debugging message went to the syslog hosts"
echo "PASS: 111008/111010 over UDP and TCP with PRI 165, timestamp and device-id"

# The hostdown policy needs traffic through the box: an echo server outside, and a connection
# from the inside host opened while the syslog server is up (it must keep flowing after).
ip netns exec "$ONS" python3 -c '
import socketserver
class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while (d := self.request.recv(100)):
            self.request.sendall(d)
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("203.0.113.2", 9000), Echo).serve_forever()
' &
ECHO_PID=$!
# new_conn: a new TCP connection from inside to outside through the box echoes a byte.
new_conn() {
  ip netns exec "$INS" timeout 5 python3 -c '
import socket
c = socket.create_connection(("203.0.113.2", 9000), timeout=1.5)
c.sendall(b"x"); assert c.recv(1) == b"x"'
}
wait_for 10 new_conn || fail "no connection through the box with the syslog server up"
mkfifo "$WORK/go"
ip netns exec "$INS" python3 -c '
import socket, sys
c = socket.create_connection(("203.0.113.2", 9000), timeout=5)
c.sendall(b"one"); print(c.recv(10).decode(), flush=True)
open(sys.argv[1]).read()
c.sendall(b"two"); print(c.recv(10).decode(), flush=True)
' "$WORK/go" >"$WORK/long.out" 2>&1 &
LONG_PID=$!
wait_for 5 grep -q one "$WORK/long.out" || fail "the long connection did not open"

# The receiver goes away.
stop_rsyslog
wait_for 10 bash -c "$BIN/rampart --control $SOCK <<<\$'enable\n\nshow logging' | grep -q 'tcp/1470 Not connected'" ||
  fail "the TCP host still shows connected: $(cli 'show logging')"
out=$(cli 'configure terminal' 'hostname lab2' 'hostname lab3' 'show version')
grep -q 'Rampart\|Version' <<<"$out" || fail "the CLI did not answer with the syslog server down: $out"
show=$(cli 'show logging')
grep -qE 'Logging to inside 192\.0\.2\.51 tcp/1470 Not connected \(0 messages lost, [1-9][0-9]* queued\)' <<<"$show" ||
  fail "the messages are not queued: $show"
echo "PASS: with the TCP server down the CLI answers; messages queued"

# The ASA's TCP syslog rule: server down and no permit-hostdown -> 414003 once, new connections
# through the box denied, open ones and the CLI unaffected.
want414003='%ASA-3-414003: TCP Syslog Server inside:192.0.2.51/1470 not responding. New connections are denied based on logging permit-hostdown policy'
wait_for 5 grep -qF "$want414003" "$WORK/rampartd.log" ||
  fail "no 414003: $(grep 4140 "$WORK/rampartd.log")"
new_conn 2>/dev/null && fail "a new connection passed with the TCP syslog server down"
echo >"$WORK/go"
wait "$LONG_PID" || true
LONG_PID=
grep -q two "$WORK/long.out" || fail "the open connection stopped: $(cat "$WORK/long.out")"
(($(grep -c '414003' "$WORK/rampartd.log") == 1)) || fail "414003 more than once per outage"
cli "show asp drop" | grep -qE '\(syslog-hostdown\) +[1-9]' ||
  fail "show asp drop does not count the denied connection: $(cli "show asp drop")"
cli 'configure terminal' 'logging permit-hostdown' >/dev/null
wait_for 5 new_conn || fail "logging permit-hostdown: a new connection still denied"
cli 'configure terminal' 'no logging permit-hostdown' >/dev/null
wait_for 5 bash -c "! ip netns exec $INS timeout 5 python3 -c 'import socket; socket.create_connection((\"203.0.113.2\", 9000), timeout=1.5)' 2>/dev/null" ||
  fail "no logging permit-hostdown: new connections not denied again"
echo "PASS: TCP syslog server down: 414003, new connections denied (open ones flow), permit-hostdown lets them pass"

start_rsyslog
wait_for 20 grep -qE "^imtcp 20 5 <165>$ts lab2 : %ASA-5-111008: User 'enable_15' executed the 'hostname lab3' command\\.\$" "$RECEIVED" ||
  fail "the queued messages did not arrive after rsyslogd came back: $(cat "$RECEIVED")"
grep -qE "^imtcp .*'hostname lab2'" "$RECEIVED" || fail "hostname lab2's message was lost"
show=$(cli 'show logging')
grep -qx '        Logging to inside 192.0.2.51 tcp/1470 Connected' <<<"$show" ||
  fail "not reconnected, or messages still queued or lost over TCP: $show"
# UDP is fire-and-forget: what was sent while nobody listened is counted as lost.
grep -qE 'Logging to inside 192\.0\.2\.50 \([1-9][0-9]* messages lost, 0 queued\)' <<<"$show" ||
  fail "UDP messages sent while rsyslogd was down are not counted as lost: $show"
echo "PASS: queued messages sent after rsyslogd returned"

grep -qF '%ASA-6-414004: TCP Syslog Server inside:192.0.2.51/1470 - Connection restored' \
  "$WORK/rampartd.log" || fail "no 414004: $(grep 4140 "$WORK/rampartd.log")"
wait_for 5 new_conn || fail "the TCP syslog server is back: new connections still denied"
grep -qE "^imtcp 20 3 <163>.*%ASA-3-414003: " "$RECEIVED" || fail "414003 was not sent once the server was back"
echo "PASS: TCP syslog server back: 414004, new connections pass"

# logging console: the serial console's login (rampart --login) shows the messages at the
# console level; any other session (ssh, a script) does not.
cli "configure terminal" "logging console notifications" "end" >/dev/null
out=$({ printf 'enable\n\nconfigure terminal\nhostname fwcon\n'; sleep 1; echo end; sleep 1; } |
  "$BIN/rampart" --control "$SOCK" --login)
echo "$out"
grep -qE "%ASA-5-111008: User 'enable_15' executed the 'hostname fwcon' command\.$" <<<"$out" ||
  fail "logging console: the console login did not show the message"
other=$(cli "configure terminal" "hostname fwother" "end")
grep -q '%ASA-' <<<"$other" && fail "logging console: a non-console session showed messages"
grep -qE 'Console logging: level notifications, [1-9][0-9]* messages logged' <<<"$(cli 'show logging')" ||
  fail "logging console: not counted in show logging"
echo "PASS: logging console on the console login only"
