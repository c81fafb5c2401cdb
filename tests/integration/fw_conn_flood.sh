#!/usr/bin/env bash
# A flood of new connections overflows the conntrack event socket (rampartd runs with a tiny
# one): the loss is counted and shown ("show counters": FW CONN_EVENT_OVERFLOW and
# CONN_EVENTS_LOST), the CLI keeps answering during the flood (the events are read on their own
# thread), and "show conn count" still counts what the kernel holds (it reads the table, not
# the events).
source "$(dirname "$0")/lib.sh"
[[ -n "${KEEP:-}" ]] && trap "cp -r \"\$WORK\" \"\$KEEP\"; cleanup" EXIT
FLOWS=20000

make_vpn_lab
ip -n "$CNS" route add 192.0.2.0/24 via 198.51.100.1
start_daemon --conntrack-buffer 4096
out=$(cli "configure terminal" \
  "interface GigabitEthernet0/0" "nameif outside" "security-level 0" \
  "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit" \
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"
# Through rampartd's firewall (inside to outside by security levels): one flow gets through.
ip netns exec "$CNS" nc -u -l 198.51.100.2 9 >"$WORK/first.out" 2>/dev/null &
FIRST=$!
trap 'kill $FIRST 2>/dev/null || true; cleanup' EXIT
wait_for 10 bash -c "echo x | ip netns exec $INS nc -u -w0 198.51.100.2 9; test -s $WORK/first.out" ||
  fail "no forwarding"

# $FLOWS UDP flows, each from its own source port, as fast as one process can open them.
ip netns exec "$INS" python3 - "$FLOWS" <<'PY' &
import socket, sys
n = int(sys.argv[1])
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.0.2.10", 20000 + i))
    s.sendto(b"x", ("198.51.100.2", 9))
    s.close()
PY
FLOOD=$!
# The CLI answers while the flood runs (once it is well under way).
flowing() { (($(ip netns exec "$NS" conntrack -C) > 2000)); }
wait_for 20 flowing || fail "the flood did not start"
kill -0 "$FLOOD" 2>/dev/null || echo "note: the flood ended before the CLI was asked"
start=$(date +%s%N)
cli "show version" | grep -q "Rampart" || fail "no answer during the flood"
ms=$((($(date +%s%N) - start) / 1000000))
echo "show version during the flood: ${ms} ms"
((ms < 3000)) || fail "the CLI took ${ms} ms during the flood"
wait "$FLOOD"

kernel=$(ip netns exec "$NS" conntrack -C)
count=$(cli "show conn count" | grep -oE '^[0-9]+ in use' | cut -d' ' -f1)
echo "kernel $kernel entries, show conn count $count"
((count >= FLOWS && count <= kernel)) || fail "show conn count $count (kernel $kernel)"
# Every flow is accounted for, once the reader has caught up: a 302015 written, or its event
# counted lost.
accounted() {
  counters=$(cli "show counters")
  lost=$(grep -oE '^FW +CONN_EVENTS_LOST +[0-9]+' <<<"$counters" | awk '{print $3}')
  built=$(grep -c '%ASA-6-302015: Built outbound UDP' "$WORK/rampartd.log" || true)
  ((${lost:-0} + built >= FLOWS))
}
wait_for 20 accounted || fail "${lost:-0} lost + $built built < $FLOWS flows"
echo "$counters" | grep -E '^FW' || true
echo "302015 written for $built flows, $lost events counted lost"
grep -qE '^FW +CONN_EVENT_OVERFLOW +[1-9][0-9]* +Summary$' <<<"$counters" ||
  fail "no overflow counted"
((lost > 0 && lost <= FLOWS)) || fail "events lost: $lost"
asan_clean
echo "fw_conn_flood: OK"
