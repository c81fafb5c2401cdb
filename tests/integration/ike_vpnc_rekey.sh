#!/usr/bin/env bash
# vpnc across a phase-2 lifetime (issue 17): the head-end rekeys before the SA expires, as an ASA
# does. vpnc never rekeys by itself, and a quick mode it starts after the gateway deleted an
# expired SA leaves it encrypting with the old keys, so without our rekey every vpnc tunnel died
# at its first lifetime (895 of 1,478 pings lost over 5 minutes at 120 s).
#   ike_vpnc_rekey.sh BIN
source "$(dirname "$0")/lib.sh"

make_vpn_lab
ezvpn_gateway_lines "crypto ipsec security-association lifetime seconds 120" \
  >"$FLASH/startup-config"
start_daemon
start_vpnc
wait_for 20 test -f "$WORK/vpnc-env.connect" ||
  { tail -30 "$WORK/vpnc.log"; tail -20 "$WORK/rampartd.log"; fail "vpnc did not connect"; }
has_sa() { cli "show crypto ipsec sa" | grep -q 'current outbound spi'; }
# The tunnel carries a first ping before the measured run starts.
ip netns exec "$CNS" ping -c 1 -W 2 192.0.2.10 >/dev/null || true
wait_for 10 has_sa || fail "no IPsec SA"
first=$(cli "show crypto ipsec sa" | sed -n 's/.*current outbound spi: \([0-9A-F]*\).*/\1/p')
echo "outbound SPI before the rekey: $first"
# 150 s at 5 pings a second: the rekey falls at 102-108 s.
ip netns exec "$CNS" ping -c 750 -i 0.2 -W 1 192.0.2.10 >"$WORK/ping.out" || true
tail -3 "$WORK/ping.out"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping.out")
lost=$((750 - ${received:-0}))
show=$(cli "show crypto ipsec sa")
now=$(sed -n 's/.* current outbound spi: \([0-9A-F]*\).*/\1/p' <<<"$show" | head -n 1)
echo "outbound SPI after: $now; pings lost: $lost of 750"
[[ -n "$now" && "$now" != "$first" ]] || { echo "$show"; tail -30 "$WORK/vpnc.log"; fail "no new SA"; }
kill -0 "$VPNC_PID" 2>/dev/null || fail "vpnc is gone"
((lost <= 1)) || { cli "show asp drop"; echo "$show"; fail "$lost pings lost across the rekey"; }
echo "PASS ike_vpnc_rekey"
