#!/usr/bin/env bash
# The connection table's views at size: rampartd (seed 000's head-end on the lab's addresses)
# with COUNT connections in its namespace's conntrack table (loaded with `conntrack -R`: TCP,
# established, inside hosts 192.0.2.10-.249 to 198.51.100.2:80), then the wall time of
# `show conn count` and of the whole `show conn`, and how long a second console waits for
# `show clock` while the first runs `show conn count` (the event loop's stall, which IKE and
# DPD see too) against the same answer alone.
# A benchmark, not a test: no time fails it; it fails only when the table did not load.
#   tests/bench/conn_view.sh [BIN] [COUNT]      (as root, after scripts/build; COUNT <= 48,000)
here=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${1:-$here/../../build/bin}
COUNT=${2:-40000}
source "$here/../integration/lib.sh" "$BIN_DIR"
source "$here/console_timing.sh"

make_vpn_lab
start_daemon
out=$(cli "configure terminal" "$(ezvpn_gateway_lines)" "end")
grep -E 'ERROR|Invalid' <<<"$out" && { echo "$out"; fail "configuration refused"; }

# 240 hosts x 200 source ports: every connection its own tuple, all inside the lab.
python3 - "$COUNT" >"$WORK/conntrack.txt" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    host, port = 10 + i // 200, 40000 + i % 200
    print(f"-I -s 192.0.2.{host} -d 198.51.100.2 -p tcp --sport {port} --dport 80 "
          "--state ESTABLISHED -t 3600 -u ASSURED")
PY
ip netns exec "$NS" conntrack -R "$WORK/conntrack.txt" >/dev/null 2>&1 || true
loaded=$(ip netns exec "$NS" conntrack -C)
((loaded >= COUNT)) || fail "only $loaded of $COUNT connections loaded"

echo "connection views with $loaded connections in the table ($(nproc) cores)"
timed_cli "show conn count" "show conn count"
echo "    $(grep -m1 'in use' <<<"$LAST_CLI_OUT")"
timed_cli "show conn" "show conn"
answer_during "show conn count"
