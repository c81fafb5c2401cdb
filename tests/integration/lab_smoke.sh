#!/usr/bin/env bash
# The README's lab: it comes up, the appliance answers on both sides, and leaving the console
# removes every namespace it made.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d)
trap 'exec 7>&- 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkfifo "$WORK/in"
scripts/lab --no-build <"$WORK/in" >"$WORK/out" 2>&1 &
lab=$!
exec 7>"$WORK/in"
for _ in $(seq 200); do grep -q '^rampart> ' "$WORK/out" && break; sleep 0.05; done
client=$(grep -o 'rlab-client-[0-9]*' "$WORK/out" | head -n 1)
inside=${client/client/inside}
ip netns exec "$client" ping -c 1 -W 2 198.51.100.1 >/dev/null || { cat "$WORK/out"; echo "FAIL: outside does not answer"; exit 1; }
ip netns exec "$inside" ping -c 1 -W 2 192.0.2.1 >/dev/null || { echo "FAIL: inside does not answer"; exit 1; }
# The lab's vpnc client is connected: traffic crosses the tunnel and the console shows it.
grep -q 'vpnc is connected as 203.0.113.100' "$WORK/out" || { cat "$WORK/out"; echo "FAIL: vpnc"; exit 1; }
sleep 1.5  # the dataplane worker picks up the interfaces on its next tick
ip netns exec "$client" ping -c 2 -W 2 192.0.2.10 >/dev/null || { echo "FAIL: no ping through the tunnel"; exit 1; }
printf 'enable\n\nshow interface ip brief\nterminal pager 0\nshow crypto ipsec sa\nexit\n' >&7
exec 7>&-
wait "$lab"
grep -qE '^GigabitEthernet0/1 +192\.0\.2\.1 +YES CONFIG up +up$' "$WORK/out" || { cat "$WORK/out"; echo "FAIL: console"; exit 1; }
grep -qE '#pkts encaps: [1-9]' "$WORK/out" || { cat "$WORK/out"; echo "FAIL: no tunnel on the console"; exit 1; }
if ip netns | grep -q "${client#rlab-client-}"; then echo "FAIL: namespaces left behind"; exit 1; fi
echo "PASS lab_smoke"
