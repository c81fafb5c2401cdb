#!/usr/bin/env bash
# The firewall with real traffic (issue 12): rampartd's configuration (ASA 8.3 forms: object NAT,
# access-group, MPF inspect ftp) compiled into one nftables ruleset in the appliance namespace.
#
#   outside ns  eth0 203.0.113.2/24 ──── eth0 203.0.113.1/24  (outside, 0)     appliance
#   inside ns   eth0 192.0.2.10/24 ───── eth1 192.0.2.1/24    (inside, 100)
#   dmz ns      eth0 198.51.100.10/24 ── eth2 198.51.100.1/24 (dmz, 50)
#
# Shows: inside -> outside through interface PAT (the outside server sees 203.0.113.1); outside
# -> the DMZ web server through its static 203.0.113.10 and the ACL; everything else denied and
# counted (the deny ACEs' counters read back); FTP passive and active through PAT with inspect
# ftp; a long-lived TCP connection surviving an unrelated rule change, and one whose own permit
# is removed going on until "clear conn" cuts it (a new one refused); the ruleset replaced in
# one transaction (never absent while it changes); forwarding only with a ruleset in force.
source "$(dirname "$0")/lib.sh"
OUT=rfo$$ DMZ=rfd$$ IN=rfi$$
PY=/usr/bin/python3  # Debian's, which has pyftpdlib
$PY -c 'import pyftpdlib' 2>/dev/null || fail "python3-pyftpdlib is not installed (scripts/deps)"
PIDS=()
lab_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for ns in $OUT $DMZ $IN; do ip netns del "$ns" 2>/dev/null || true; done
  cleanup
}
trap lab_cleanup EXIT

wire_hosts "$OUT" "$IN" "$DMZ"
ip -n "$OUT" addr add 203.0.113.2/24 dev eth0
ip -n "$OUT" route add 192.0.2.0/24 via 203.0.113.1   # so "outside -> inside" is attempted
ip -n "$OUT" route add 198.51.100.0/24 via 203.0.113.1
ip -n "$IN" addr add 192.0.2.10/24 dev eth0
ip -n "$IN" route add default via 192.0.2.1
ip -n "$DMZ" addr add 198.51.100.10/24 dev eth0
ip -n "$DMZ" route add default via 198.51.100.1

cat >"$FLASH/startup-config" <<'CFG'
hostname fw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.1 255.255.255.0
 no shutdown
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 192.0.2.1 255.255.255.0
 no shutdown
interface GigabitEthernet0/2
 nameif dmz
 security-level 50
 ip address 198.51.100.1 255.255.255.0
 no shutdown
object network INSIDE-NET
 subnet 192.0.2.0 255.255.255.0
 nat (inside,outside) dynamic interface
object network WEB
 host 198.51.100.10
 nat (dmz,outside) static 203.0.113.10
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8001
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8002
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8003
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8004
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8005
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8006
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8080
access-list OUTSIDE_IN extended deny tcp host 203.0.113.2 host 198.51.100.10 eq 8008
access-list OUTSIDE_IN extended permit tcp any object WEB eq www
access-list OUTSIDE_IN extended deny ip any any
access-group OUTSIDE_IN in interface outside
class-map inspection_default
 match default-inspection-traffic
policy-map global_policy
 class inspection_default
  inspect ftp
service-policy global_policy global
CFG

# Web and FTP servers, started before the appliance.
mkdir -p "$WORK/www"
echo "rampart-fw-ok" >"$WORK/www/index.html"
(cd "$WORK/www" && exec ip netns exec "$OUT" $PY -m http.server 8000 >"$WORK/http-out.log" 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec "$DMZ" $PY -m http.server 80 >"$WORK/http-dmz.log" 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec "$DMZ" $PY -m http.server 8080 >/dev/null 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec "$IN" $PY -m http.server 80 >/dev/null 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec "$OUT" $PY -m pyftpdlib -i 203.0.113.2 -p 21 \
  >"$WORK/ftp.log" 2>&1) &
PIDS+=($!)
# A TCP echo server for the long-lived connection.
ip netns exec "$OUT" $PY -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.2", 9000)); s.listen(1)
c, _ = s.accept()
while True:
    d = c.recv(100)
    if not d: break
    c.sendall(d)
' &
PIDS+=($!)

# Python takes a moment to listen, longer on a loaded machine: the first request raced the
# outside server once in CI (the ASan build beside it), so each listener is awaited.
listening() { ip netns exec "$1" ss -ltnH "sport = :$2" | grep -q LISTEN; }
for server in "$OUT 8000" "$DMZ 80" "$DMZ 8080" "$IN 80" "$OUT 21" "$OUT 9000"; do
  # shellcheck disable=SC2086
  wait_for 10 listening $server || fail "a test server did not start: $server"
done

start_daemon
nft_fw() { ip netns exec "$NS" nft "$@"; }
for _ in $(seq 100); do nft_fw list table ip rampart_fw >/dev/null 2>&1 && break; sleep 0.1; done
nft_fw list table ip rampart_fw >/dev/null 2>&1 || { cat "$WORK/rampartd.log"; fail "no ruleset"; }
cli "show running-config" >"$WORK/running"
for line in "nat (inside,outside) dynamic interface" "access-group OUTSIDE_IN in interface outside" \
  "inspect ftp"; do
  grep -qF "$line" "$WORK/running" || fail "the CLI did not take \"$line\" (slices A/B): $(cat "$WORK/running")"
done
[[ $(ip netns exec "$NS" sysctl -n net.ipv4.ip_forward) == 1 ]] || fail "forwarding is off"
[[ $(ip netns exec "$NS" sysctl -n net.netfilter.nf_conntrack_acct) == 1 ]] || fail "conntrack accounting"
echo "ok: ruleset in force, forwarding on"

counter() {  # counter NAME: its packets
  nft_fw list counter ip rampart_fw "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
curl_in() { ip netns exec "$IN" curl -sS -m 5 "$@"; }

# 1. Inside -> outside through interface PAT.
[[ $(curl_in http://203.0.113.2:8000/index.html) == rampart-fw-ok ]] || fail "inside -> outside"
grep -q '^203.0.113.1 ' "$WORK/http-out.log" || fail "the outside server did not see the PAT address: $(cat "$WORK/http-out.log")"
echo "ok: inside -> outside through PAT (seen as 203.0.113.1)"

# 2. Outside -> the published server: static NAT + ACL.
[[ $(ip netns exec "$OUT" curl -sS -m 5 http://203.0.113.10/index.html) == rampart-fw-ok ]] ||
  fail "outside -> static 203.0.113.10"
grep -q '^203.0.113.2 ' "$WORK/http-dmz.log" || fail "the DMZ server did not see the client's address"
(($(counter acl_0_9_0) >= 1)) || fail "the permit ACE did not count"
echo "ok: outside -> 203.0.113.10:80 (static + ACL), hit counted"

# 3. Everything else denied, and counted by the deny ACEs: 8080 by its own line (line 7, one of
# the eight host/port lines the compiler turns into one map lookup), the rest by the last line.
ip netns exec "$OUT" curl -s -m 2 http://203.0.113.10:8080/ >/dev/null && fail "outside -> 8080 passed"
(($(counter acl_0_7_0) >= 1)) || fail "line 7 did not count the 8080 attempt"
(($(counter acl_0_8_0) == 0)) || fail "line 8 counted what it does not match"
before=$(counter acl_0_10_0)
ip netns exec "$OUT" curl -s -m 2 http://203.0.113.10:8081/ >/dev/null && fail "outside -> 8081 passed"
ip netns exec "$OUT" curl -s -m 2 http://192.0.2.10/ >/dev/null && fail "outside -> inside passed"
ip netns exec "$OUT" ping -c 1 -W 1 198.51.100.10 >/dev/null && fail "outside -> dmz ping passed"
after=$(counter acl_0_10_0)
((after >= before + 3)) || fail "the deny ACE counted $before -> $after"
# Lower to higher without an ACL: dmz (50) -> inside (100).
ip netns exec "$DMZ" curl -s -m 2 http://192.0.2.10/ >/dev/null && fail "dmz -> inside passed"
# An address we answer ARP for is no way into the box.
ip netns exec "$OUT" curl -s -m 2 telnet://203.0.113.10:22 </dev/null && fail "203.0.113.10:22 reached the box"
ip netns exec "$OUT" ip neigh show 203.0.113.10 | grep -q lladdr || fail "no proxy ARP for 203.0.113.10"
echo "ok: denied and counted ($before -> $after), dmz -> inside denied by levels"

# 4. FTP through PAT with inspect ftp, passive and active.
[[ $(curl_in --ftp-pasv ftp://203.0.113.2/index.html) == rampart-fw-ok ]] || fail "FTP passive: $(tail "$WORK/ftp.log")"
[[ $(curl_in --ftp-port - ftp://203.0.113.2/index.html) == rampart-fw-ok ]] || fail "FTP active: $(tail "$WORK/ftp.log")"
ip netns exec "$NS" conntrack -L 2>/dev/null | grep -q 'helper=ftp' || fail "no FTP helper on the control connection"
echo "ok: FTP passive and active through PAT"

# 5. A long-lived connection across rule changes, and the table never absent meanwhile.
mkfifo "$WORK/go"
ip netns exec "$IN" $PY -c '
import socket, sys
c = socket.create_connection(("203.0.113.2", 9000), timeout=10)
c.sendall(b"one"); print(c.recv(10).decode(), flush=True)
open(sys.argv[1]).read()
c.sendall(b"two"); print(c.recv(10).decode(), flush=True)
' "$WORK/go" >"$WORK/long.out" 2>&1 &
LONG=$!
PIDS+=($LONG)
for _ in $(seq 50); do grep -q one "$WORK/long.out" && break; sleep 0.1; done
grep -q one "$WORK/long.out" || fail "the long-lived connection did not start: $(cat "$WORK/long.out")"
( while [[ ! -e "$WORK/stop" ]]; do
    nft_fw list table ip rampart_fw >/dev/null 2>&1 || echo MISSING
  done >"$WORK/watch" ) &
WATCH=$!
gen_before=$(nft_fw list ruleset | grep -c 'counter acl_' || true)
cli "configure terminal" "access-list OUTSIDE_IN extended permit icmp any host 198.51.100.10" "end" >/dev/null
for _ in $(seq 50); do
  (($(nft_fw list ruleset | grep -c 'counter acl_') > gen_before)) && break
  sleep 0.1
done
(($(nft_fw list ruleset | grep -c 'counter acl_') > gen_before)) || fail "the rule change was not applied"
cli "configure terminal" "no access-list OUTSIDE_IN extended permit icmp any host 198.51.100.10" "end" >/dev/null
sleep 1.5
touch "$WORK/stop"
wait $WATCH
[[ ! -s "$WORK/watch" ]] && echo "ok: table present throughout ($(wc -l <"$WORK/watch") gaps)" ||
  fail "the table was absent during a change"
echo >"$WORK/go"
wait $LONG || true
grep -q two "$WORK/long.out" || fail "the long-lived connection did not survive: $(cat "$WORK/long.out")"
# The permit line kept its count across the replacements (same line, same text).
(($(counter acl_0_9_0) >= 1)) || fail "hit count lost across the change"
echo "ok: long-lived TCP connection survived the rule changes, counts kept"

# 6. A connection whose own permit is removed: it goes on (the ASA keeps established
# connections across an ACL change), a new one is refused, and "clear conn" cuts the old one.
ip netns exec "$OUT" $PY -c '
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.2", 9001)); s.listen(8)
def echo(c):
    while (d := c.recv(100)):
        c.sendall(d)
while True:
    threading.Thread(target=echo, args=(s.accept()[0],), daemon=True).start()
' &
PIDS+=($!)
# The echo server listens before anyone connects (a loaded machine starts python slowly).
listening_9001() { ip netns exec "$OUT" ss -ltn | grep -q '203.0.113.2:9001 '; }
wait_for 10 listening_9001 || fail "the echo server on 9001 did not start"
out=$(cli "configure terminal" \
  "access-list INSIDE_IN extended permit tcp 192.0.2.0 255.255.255.0 host 203.0.113.2 eq 9001" \
  "access-list INSIDE_IN extended permit icmp any any" \
  "access-group INSIDE_IN in interface inside" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "INSIDE_IN refused: $out"
mkfifo "$WORK/go2" "$WORK/go3"
ip netns exec "$IN" $PY -c '
import socket, sys
c = socket.create_connection(("203.0.113.2", 9001), timeout=5)
for word, gate in (("one", None), ("two", sys.argv[1]), ("three", sys.argv[2])):
    if gate: open(gate).read()
    try:
        c.sendall(word.encode()); print(c.recv(10).decode(), flush=True)
    except OSError as e:
        print("cut", word, e, flush=True); break
' "$WORK/go2" "$WORK/go3" >"$WORK/own.out" 2>&1 &
OWN=$!
PIDS+=($OWN)
wait_for 10 grep -qx one "$WORK/own.out" || fail "the connection to 9001 did not start: $(cat "$WORK/own.out")"
out=$(cli "configure terminal" \
  "no access-list INSIDE_IN extended permit tcp 192.0.2.0 255.255.255.0 host 203.0.113.2 eq 9001" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "removing the permit refused: $out"
sleep 1
ip netns exec "$IN" $PY -c '
import socket
socket.create_connection(("203.0.113.2", 9001), timeout=2)' 2>/dev/null &&
  fail "a new connection passed once its permit was removed"
echo >"$WORK/go2"
wait_for 5 grep -qx two "$WORK/own.out" || fail "the established connection did not go on: $(cat "$WORK/own.out")"
cli "clear conn address 192.0.2.10 port 9001" | grep -qE '^[1-9][0-9]* connection\(s\) deleted\.$' ||
  fail "clear conn deleted nothing"
echo >"$WORK/go3"
wait $OWN || true
grep -qx three "$WORK/own.out" && fail "the connection went on after clear conn: $(cat "$WORK/own.out")"
echo "ok: its permit removed, the connection went on and a new one was refused; clear conn cut it"

# 7. ICMP to the box: answered with no icmp rule; "icmp permit host 203.0.113.2 echo outside"
# then "icmp deny any outside": the permitted host's ping is answered, another address of the
# same namespace is not, and each drop is counted; the inside interface is untouched.
ping_box() { ip netns exec "$OUT" ping -c 1 -W 1 -I "$1" 203.0.113.1 >/dev/null; }
ip -n "$OUT" addr add 203.0.113.3/24 dev eth0
ping_box 203.0.113.2 || fail "no icmp rule: the box did not answer a ping"
ping_box 203.0.113.3 || fail "no icmp rule: the box did not answer the second address"
out=$(cli "configure terminal" "icmp permit host 203.0.113.2 echo outside" \
  "icmp deny any outside" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "icmp rules refused: $out"
denied() { ! ping_box 203.0.113.3; }
wait_for 10 denied || fail "icmp deny any outside: the box still answered 203.0.113.3"
ping_box 203.0.113.2 || fail "icmp permit host 203.0.113.2 echo: the box did not answer"
acl_drops() { cli "show asp drop" | awk '/\(acl-drop\)/ {print $NF}'; }
before=$(acl_drops)
ping_box 203.0.113.3 && fail "icmp deny any outside: a later ping was answered"
sleep 1.5  # the counters are read each second
after=$(acl_drops)
((after > before)) || fail "the denied ping was not counted in show asp drop (acl-drop $before -> $after)"
grep -q '%ASA-3-313001: Denied ICMP type=8, code=0 from 203.0.113.3 on interface outside$' \
  "$WORK/rampartd.log" || fail "no 313001 for the denied ping"
ip netns exec "$IN" ping -c 1 -W 1 192.0.2.1 >/dev/null || fail "inside lost its ICMP to the box"
cli "configure terminal" "clear configure icmp" "end" >/dev/null
wait_for 10 ping_box 203.0.113.3 || fail "clear configure icmp: the box did not answer again"
echo "ok: icmp permit/deny to the box (permitted host answered, others dropped and counted)"

grep -q "firewall: ruleset applied" "$WORK/rampartd.log" || fail "no apply logged"
echo "PASS"
