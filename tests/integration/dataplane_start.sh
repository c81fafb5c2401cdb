#!/usr/bin/env bash
# A client that connects the moment rampartd starts (the appliance booting with a remote-access
# startup-config while vpnc waits) and pings the inside host every 50 ms as soon as its tunnel
# is up: the dataplane is up before IKE answers, so the first pings get through, and any that
# do not are counted in show asp drop. Once the dataplane started a second after IKE, and the
# first 9 pings were lost with no drop counted anywhere (issue 11).
#   dataplane_start.sh BIN
source "$(dirname "$0")/lib.sh"

make_vpn_lab
ezvpn_gateway_lines >"$FLASH/startup-config"
start_daemon  # returns once the control socket is there; IKE answers from then on
start_vpnc
wait_for 20 test -f "$WORK/vpnc-env.connect" ||
  { tail -30 "$WORK/vpnc.log"; tail -20 "$WORK/rampartd.log"; fail "vpnc did not connect"; }
# vpnc runs its script before its quick mode; what the tunnel device takes meanwhile waits in
# its queue and leaves once the SA is up.
ip netns exec "$CNS" ping -c 20 -i 0.05 -W 2 192.0.2.10 >"$WORK/ping.out" || true
cat "$WORK/ping.out"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping.out")
lost=$((20 - ${received:-0}))
drops=$(cli "show asp drop")
echo "$drops"
# Every drop the dataplane counted (the rows of "Frame drop:").
counted=$(awk '/^Frame drop:/ {on = 1; next} /^Last clearing/ {on = 0} on && NF {s += $NF} END {print s + 0}' <<<"$drops")
echo "lost $lost of 20 pings; drops counted: $counted"
((lost == 0 || lost <= counted)) || fail "$lost pings lost, only $counted drops counted"
# The dataplane was there first: no more than the first ping or two may fall before the SA.
((lost <= 2)) || fail "$lost of the first 20 pings lost"
echo "PASS dataplane_start"
