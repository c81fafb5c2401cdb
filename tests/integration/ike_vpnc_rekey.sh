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
# 5 pings a second across the rekey (at 102-108 s of the 120 s lifetime): the run ends 15 s
# after the outbound SPI changed, or at 150 s if it never does.
ip netns exec "$CNS" ping -i 0.2 -W 1 -w 150 192.0.2.10 >"$WORK/ping.out" &
PING_PID=$!
spi_changed() {
  local spi
  spi=$(cli "show crypto ipsec sa" | sed -n 's/.*current outbound spi: \([0-9A-F]*\).*/\1/p')
  [[ -n "$spi" && "$spi" != "$first" ]]
}
for _ in $(seq 140); do spi_changed && break; sleep 1; done
sleep 15
kill -INT "$PING_PID" 2>/dev/null || true
wait "$PING_PID" || true
tail -3 "$WORK/ping.out"
# Lost: the sequence numbers up to the last answered one that got no answer (a ping still in
# flight when the run stopped is not a loss).
read -r sent received < <(sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p' "$WORK/ping.out" |
  awk '{ n++; if ($1 > max) max = $1 } END { print max + 0, n + 0 }')
lost=$((sent - received))
show=$(cli "show crypto ipsec sa")
now=$(sed -n 's/.* current outbound spi: \([0-9A-F]*\).*/\1/p' <<<"$show" | head -n 1)
echo "outbound SPI after: $now; pings lost: $lost of $sent"
[[ -n "$now" && "$now" != "$first" ]] || { echo "$show"; tail -30 "$WORK/vpnc.log"; fail "no new SA"; }
kill -0 "$VPNC_PID" 2>/dev/null || fail "vpnc is gone"
((lost <= 1)) || { cli "show asp drop"; echo "$show"; fail "$lost pings lost across the rekey"; }
echo "PASS ike_vpnc_rekey"
