#!/usr/bin/env bash
# A client that connects the moment rampartd starts (the appliance booting with a remote-access
# startup-config while vpnc waits) and pings the inside host every 50 ms as soon as its tunnel
# is up: the dataplane is up before IKE answers, so the first pings get through, and any that
# do not are counted in show asp drop (on the packet I/O RAMPART_PACKET_IO asks for). Once the
# dataplane started a second after IKE, and the first 9 pings were lost with no drop counted
# anywhere (issue 11).
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
# The pings went through the crypto engine chosen at start (RAMPART_CRYPTO, when set, picks
# it): its own section counts each one decrypted and each reply encrypted.
engines=$(cli "show crypto accelerator statistics")
echo "$engines" | sed -n '/^\[Accelerator/,/Batches/p'
active=$(awk '/^\[Accelerator/ {a = $0} /Status: Active/ {print a}' <<<"$engines")
[[ -n "$active" ]] || fail "no active crypto engine"
count() { awk -v sec="$active" -v f="$1" '/^\[Accelerator/ {on = ($0 == sec)}
  on && $0 ~ "^ +" f ": " {print $NF}' <<<"$engines"; }
dec=$(count "Decrypted packets")
enc=$(count "Encrypted packets")
echo "$active: decrypted $dec, encrypted $enc, ${received:-0} pings answered"
((dec >= ${received:-0} && enc >= ${received:-0})) ||
  fail "the active engine counted $dec decrypted, $enc encrypted for ${received:-0} pings"
# show version names the engine: OpenSSL when asked for, intel-ipsec-mb otherwise (the default
# wherever the CPU runs it, as here and on the CI's).
device=$(cli "show version" | grep "Encryption hardware device")
echo "$device"
if [[ "${RAMPART_CRYPTO:-}" == openssl ]]; then
  grep -q "OpenSSL .*(RAMPART_CRYPTO=openssl)" <<<"$device" || fail "show version: not OpenSSL"
else
  grep -q "intel-ipsec-mb" <<<"$device" || fail "show version does not name intel-ipsec-mb"
fi
# The packet I/O asked for (RAMPART_PACKET_IO): on AF_XDP, every ESP packet of the pings came
# through the XDP program's sockets; killed, rampartd leaves no program steering into them.
check_packet_io eth0 "${received:-0}"
stop_daemon -KILL
check_xdp_detached eth0
# A port that refuses our program (another XDP program is on it: libxdp's pass-all filter) runs
# on AF_PACKET, with a log line and show version saying why, and the other program untouched.
if [[ "${RAMPART_PACKET_IO:-auto}" != af_packet ]]; then
  ip -n "$NS" link set dev eth0 xdp obj /usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o sec xdp
  start_daemon
  refused() { grep -q "dataplane: eth0: AF_XDP unavailable (XDP attach refused: .*), the port runs on AF_PACKET" "$WORK/rampartd.log"; }
  wait_for 10 refused || { tail -5 "$WORK/rampartd.log"; fail "no log line for the refused port"; }
  grep "AF_XDP unavailable" "$WORK/rampartd.log"
  line=$(cli "show version" | grep "VPN packet I/O")
  echo "$line"
  grep -q ": AF_PACKET (XDP attach refused: " <<<"$line" || fail "show version: $line"
  ip -n "$NS" link show eth0 | grep -q "name xdpfilt_alw_all" || fail "the other program was touched"
fi
echo "PASS dataplane_start"
