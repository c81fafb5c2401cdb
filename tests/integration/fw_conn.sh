#!/usr/bin/env bash
# The connection table as the operator sees it, with real traffic through the box: "show conn"
# lists a curl download and a UDP flow on the right interfaces with their byte counts, "clear
# conn address" cuts a long-lived TCP connection (its next segments no longer pass), syslog
# 302013/302014/302015 reach rampartd's log (its foreground syslog copy), "show conn count".
# The firewall is rampartd's own (security levels; an inside ACL with a logged permit and a
# deny; inspect ftp from the default global policy): 106100, 106023, 106001 and 106006 come
# from its nflog rules, and "show access-list" shows its hit counts. A connection to the box
# survives a plain "clear conn"; the test's one rule of its own drops invalid packets to the
# box, so that a cleared connection to it could not be picked up again.
source "$(dirname "$0")/lib.sh"
[[ -n "${KEEP:-}" ]] && trap "cp -r \"\$WORK\" \"\$KEEP\"; cleanup" EXIT

make_vpn_lab
ip -n "$CNS" route add 192.0.2.0/24 via 198.51.100.1
ip -n "$INS" addr add 192.0.2.11/24 dev eth0
ip netns exec "$NS" nft -f - <<'NFT' || fail "test ruleset"
table ip fwtest {
  chain input {
    type filter hook input priority 0;
    ct state invalid drop
  }
}
NFT

start_daemon
out=$(cli "configure terminal" \
  "interface GigabitEthernet0/0" "nameif outside" "security-level 0" \
  "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit" \
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit" \
  "access-list IN extended permit tcp any any eq 9000 log" \
  "access-list IN extended deny tcp any any eq 2323" \
  "access-list IN extended permit ip any any" \
  "access-group IN in interface inside" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"

# A web server and a UDP listener outside; a 2 MB download and a datagram from inside.
mkdir -p "$WORK/www"
head -c 2000000 /dev/urandom >"$WORK/www/blob"
(cd "$WORK/www" && exec ip netns exec "$CNS" python3 -m http.server 8080 --bind 198.51.100.2) \
  >/dev/null 2>&1 &
HTTP_PID=$!
ip netns exec "$CNS" nc -u -l 198.51.100.2 5353 >"$WORK/udp.out" 2>/dev/null &
UDP_PID=$!
ip netns exec "$CNS" nc -l 198.51.100.2 9000 >"$WORK/tick.out" 2>/dev/null &
TICK_SRV=$!
stop_hosts() { kill $HTTP_PID $UDP_PID $TICK_SRV ${TICK_CLI:-} ${FTP_PID:-} ${BOX_SRV:-} ${BOX_CLI:-} 2>/dev/null || true; }
trap 'stop_hosts; [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"; cleanup' EXIT
wait_for 10 ip netns exec "$INS" curl -s -o /dev/null http://198.51.100.2:8080/ ||
  fail "web server"
ip netns exec "$INS" curl -s -o "$WORK/blob.got" http://198.51.100.2:8080/blob
cmp -s "$WORK/blob.got" "$WORK/www/blob" || fail "download"
echo hello | ip netns exec "$INS" nc -u -w1 -s 192.0.2.10 -p 40053 198.51.100.2 5353 || true
# A long-lived connection from 192.0.2.11: a line every 100 ms.
wait_for 5 bash -c "ip netns exec $CNS ss -ltn | grep -q ' 198.51.100.2:9000 '" ||
  fail "no listener for the long-lived connection"
(while sleep 0.1; do echo tick; done) | ip netns exec "$INS" nc -s 192.0.2.11 198.51.100.2 9000 &
TICK_CLI=$!
wait_for 10 test -s "$WORK/tick.out" || fail "long-lived connection"

conn=$(cli "show conn")
echo "$conn" | grep -E '^(TCP|UDP)' || true
# The download: outside server first, inside client second, its bytes counted (headers too).
bytes=$(grep -oE '^TCP outside 198\.51\.100\.2:8080 inside 192\.0\.2\.10:[0-9]+, idle [0-9]+:[0-9]{2}:[0-9]{2}, bytes [0-9]+' <<<"$conn" |
  awk '{print $NF}' | sort -n | tail -1)
[[ -n "$bytes" ]] && ((bytes > 2000000)) || fail "show conn lacks the download (bytes '$bytes')"
grep -qE '^UDP outside 198\.51\.100\.2:5353 inside 192\.0\.2\.10:40053, idle [0-9:]+, bytes [1-9][0-9]*, flags -$' <<<"$conn" ||
  fail "show conn lacks the UDP flow"
grep -qE '^TCP outside 198\.51\.100\.2:9000 inside 192\.0\.2\.11:[0-9]+, idle 0:00:0[0-9], bytes [1-9][0-9]*, flags UIO$' <<<"$conn" ||
  fail "show conn lacks the long-lived connection"
grep -qE '^[0-9]+ in use, [0-9]+ most used$' <<<"$conn" || fail "show conn header"
count=$(cli "show conn count" | grep -E '^[0-9]+ in use')
n_lines=$(grep -cE '^(TCP|UDP|ICMP) ' <<<"$conn")
[[ "${count%% *}" -ge "$n_lines" ]] || fail "show conn count '$count' for $n_lines lines"
cli "show conn address 192.0.2.11" | grep -qE '^TCP outside 198\.51\.100\.2:9000 inside 192\.0\.2\.11:' ||
  fail "show conn address"
cli "show conn address 192.0.2.11" | grep -qE '^UDP ' && fail "show conn address shows other hosts"
cli "show conn protocol udp" | grep -qE '^TCP ' && fail "show conn protocol udp shows TCP"
cli "show local-host 192.0.2.11" | grep -q 'local host: <192.0.2.11>,' || fail "show local-host"

# Cutting the long-lived connection: the server sees no tick after it.
cleared=$(cli "clear conn address 192.0.2.11")
grep -qE '^[1-9][0-9]* connection\(s\) deleted\.$' <<<"$cleared" || fail "clear conn: $cleared"
sleep 0.5
before=$(wc -c <"$WORK/tick.out")
sleep 1.5
after=$(wc -c <"$WORK/tick.out")
((after == before)) || fail "ticks still pass after clear conn ($before -> $after bytes)"
cli "show conn" | grep -qE 'inside 192\.0\.2\.11:' && fail "the cleared connection is listed"

# Syslog: built and torn down, in the ASA's words.
log="$WORK/rampartd.log"
wait_for 5 grep -qE '%ASA-6-302013: Built outbound TCP connection [0-9]+ for outside:198\.51\.100\.2/8080 \(198\.51\.100\.2/8080\) to inside:192\.0\.2\.10/[0-9]+ \(192\.0\.2\.10/[0-9]+\)$' "$log" ||
  fail "no 302013 for the download"
wait_for 5 grep -qE '%ASA-6-302014: Teardown TCP connection [0-9]+ for outside:198\.51\.100\.2/9000 to inside:192\.0\.2\.11/[0-9]+ duration 0:00:0[0-9] bytes [1-9][0-9]* Xlate Clear$' "$log" ||
  fail "no 302014 for the cleared connection"
grep -qE '%ASA-6-302015: Built outbound UDP connection [0-9]+ for outside:198\.51\.100\.2/5353 \(198\.51\.100\.2/5353\) to inside:192\.0\.2\.10/40053 \(192\.0\.2\.10/40053\)$' "$log" ||
  fail "no 302015 for the UDP flow"
# Denied from outside, logged by the ruleset to nflog group 1, written in the ASA's words.
ip netns exec "$INS" nc -z -w1 198.51.100.2 2323 || true
ip netns exec "$CNS" nc -z -w1 192.0.2.10 22 || true
echo x | ip netns exec "$CNS" nc -u -w1 192.0.2.10 7 || true
wait_for 5 grep -qE '%ASA-4-106023: Deny tcp src inside:192\.0\.2\.10/[0-9]+ dst outside:198\.51\.100\.2/2323 by access-group "IN" \[0x0, 0x0\]$' "$log" ||
  fail "no 106023"
wait_for 5 grep -qE '%ASA-2-106001: Inbound TCP connection denied from 198\.51\.100\.2/[0-9]+ to 192\.0\.2\.10/22 flags SYN on interface outside$' "$log" ||
  fail "no 106001"
wait_for 5 grep -qE '%ASA-2-106006: Deny inbound UDP from 198\.51\.100\.2/[0-9]+ to 192\.0\.2\.10/7 on interface outside$' "$log" ||
  fail "no 106006"
grep -qE '%ASA-6-106100: access-list IN permitted tcp inside/192\.0\.2\.11\([0-9]+\) -> outside/198\.51\.100\.2\(9000\) hit-cnt 1 first hit \[0x[0-9a-f]+, 0x0\]$' "$log" ||
  fail "no 106100 for the logged permit"
# Hit counts from the ruleset's counters: the logged permit (the ticks' connection), the deny
# (the probe to 2323) and the permit of everything else (the downloads).
acl=$(cli "show access-list IN")
echo "$acl" | grep '^access-list' || true
grep -qE '^access-list IN line 1 extended permit tcp any any eq 9000 log .*\(hitcnt=[1-9][0-9]*\) 0x[0-9a-f]{8} $' <<<"$acl" ||
  fail "show access-list: no hits on line 1"
grep -qE '^access-list IN line 2 extended deny tcp any any eq 2323 \(hitcnt=[1-9][0-9]*\) 0x[0-9a-f]{8} $' <<<"$acl" ||
  fail "show access-list: no hits on line 2"
grep -qE '^access-list IN line 3 extended permit ip any any \(hitcnt=[1-9][0-9]*\) 0x[0-9a-f]{8} $' <<<"$acl" ||
  fail "show access-list: no hits on line 3"
# FTP through the box, watched by the kernel's ftp helper: "show service-policy" counts the
# packets of the connections it inspected.
ip netns exec "$CNS" /usr/bin/python3 -m pyftpdlib -i 198.51.100.2 -p 21 -d "$WORK/www" \
  >/dev/null 2>&1 &
FTP_PID=$!
wait_for 10 ip netns exec "$INS" curl -s -o "$WORK/ftp.got" ftp://198.51.100.2/blob ||
  fail "FTP download"
cmp -s "$WORK/ftp.got" "$WORK/www/blob" || fail "FTP download differs"
sp=$(cli "show service-policy")
grep -qE '^      Inspect: ftp, packet [1-9][0-9]*, lock fail 0, drop 0, reset-drop 0$' <<<"$sp" ||
  fail "show service-policy counts no FTP packets: $(grep ftp <<<"$sp")"
# A connection to the box itself (as the administrator's SSH is) survives "clear conn", and
# goes with "clear conn all".
ip netns exec "$NS" nc -l 198.51.100.1 7000 >"$WORK/box.out" 2>/dev/null &
BOX_SRV=$!
listening() { ip netns exec "$1" ss -ltn | grep -q " $2 "; }
wait_for 5 listening "$NS" 198.51.100.1:7000 || fail "no listener on the box"
(while sleep 0.1; do echo tick; done) | ip netns exec "$CNS" nc 198.51.100.1 7000 &
BOX_CLI=$!
wait_for 10 test -s "$WORK/box.out" || fail "connection to the box"
grows() {
  local before after
  sleep 0.5
  before=$(wc -c <"$1")
  sleep 1.5
  after=$(wc -c <"$1")
  ((after > before))
}
cli "clear conn" | grep -qE '^[0-9]+ connection\(s\) deleted\.$' || fail "clear conn"
grows "$WORK/box.out" || fail "clear conn cut the connection to the box"
cli "show conn all" | grep -qE '^TCP outside 198\.51\.100\.2:[0-9]+ NP Identity Ifc 198\.51\.100\.1:7000,' ||
  fail "show conn all lacks the connection to the box"
cli "show conn" | grep -q 'NP Identity Ifc' && fail "show conn lists a connection to the box"
cli "clear conn all" | grep -qE '^[1-9][0-9]* connection\(s\) deleted\.$' || fail "clear conn all"
grows "$WORK/box.out" && fail "clear conn all left the connection to the box"
# Bad input is refused with the ASA's words and counted.
bad=$(cli "show conn address 192.0.2.11 netmask 255.0.255.0")
grep -q "Invalid input detected at '^' marker" <<<"$bad" || fail "a bad netmask was taken"
cli "show counters" | grep -qE '^CLI +INVALID_INPUT +[1-9]' || fail "bad input not counted"
asan_clean
echo "fw_conn: OK"
