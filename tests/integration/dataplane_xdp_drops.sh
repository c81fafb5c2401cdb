#!/usr/bin/env bash
# An ESP flood into a stalled dataplane on AF_XDP shows in show interface instead of vanishing:
#
#   client ns  eth0 198.51.100.2/26 ──veth── eth0 198.51.100.1/26  appliance ns: rampartd,
#              (raw ESP, unknown SPIs)         rampart_steer → AF_XDP socket on queue 0
#
# rampartd is stopped (SIGSTOP: its worker neither drains the RX ring nor gives frames back to
# the fill ring) while the client sends more ESP to the outside address than the socket's 4,096
# receive frames hold; the kernel refuses the rest at the redirect (fill ring empty). Once
# rampartd runs again, show interface counts each refused frame once, as "no buffer" and in
# "packets dropped", and the worker takes the 4,096 it held (no SA: ipsec-tun-down).
#   native  the appliance's eth0 is the veth: native XDP. veth counts a failed redirect in its
#           own rx_dropped (the kernel's no buffer) and per queue (ethtool rx_queue_0_drops, the
#           reference here): counted once, not twice.
#   generic eth0 is a macvlan on the veth: generic XDP, where the kernel counts a failed
#           redirect nowhere; only the socket's own count shows it. Then rampartd's default
#           (auto), which takes native XDP alone, runs that port on AF_PACKET.
#   dataplane_xdp_drops.sh BIN [native|generic]
source "$(dirname "$0")/lib.sh"
MODE=${2:-native}
export RAMPART_PACKET_IO=af_xdp  # the scenario is AF_XDP's
FLOOD=6000
RING=4096  # XskPort::kRxFrames

make_vpn_lab
if [[ "$MODE" == generic ]]; then
  ip -n "$NS" link set eth0 name low0
  ip -n "$NS" link add eth0 link low0 type macvlan mode bridge
  ip -n "$NS" link set low0 up
fi
ezvpn_gateway_lines >"$FLASH/startup-config"
start_daemon
on_xdp() { cli "show version" | grep -q "VPN packet I/O .*AF_XDP ($MODE, copy mode)"; }
wait_for 10 on_xdp ||
  { cli "show version" | grep "VPN packet I/O"; tail -20 "$WORK/rampartd.log"; fail "not on AF_XDP ($MODE)"; }
cli "show version" | grep "VPN packet I/O"

# counter TEXT WORDS: the number just before WORDS in show interface's block.
counter() { sed -n "s/.* \([0-9][0-9]*\) $2\b.*/\1/p" <<<"$1" | head -1; }
taken() { cli "show asp drop" | sed -n 's/.*(ipsec-tun-down) *\([0-9]*\)$/\1/p'; }
veth_drops() { ip netns exec "$NS" ethtool -S eth0 | awk '/rx_queue_0_drops:/ {print $2}'; }
kernel_dropped() { ip netns exec "$NS" cat /sys/class/net/eth0/statistics/rx_dropped; }
block() { sed -n '/packets input, .* no buffer/,/output errors/p; /packets dropped/p' <<<"$1"; }

before=$(cli "show interface GigabitEthernet0/0")
block "$before"
taken_before=$(taken)
kernel_before=$(kernel_dropped)
[[ "$MODE" == native ]] && veth_before=$(veth_drops)

# The client reaches the box's MAC without ARP.
mac=$(ip -n "$NS" -br link show eth0 | awk '{print $3}')
ip -n "$CNS" neigh replace 198.51.100.1 lladdr "$mac" dev eth0 nud permanent

kill -STOP "$DAEMON_PID"
ip netns exec "$CNS" python3 - "$FLOOD" <<'EOPY' || { kill -CONT "$DAEMON_PID"; fail "flood"; }
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)  # ESP; the kernel writes the IP header
for n in range(int(sys.argv[1])):
    # SPI 0x0bad0000 + n (no SA has it), sequence n + 1, 40 bytes of "ciphertext".
    s.sendto(struct.pack("!II", 0x0BAD0000 + n, n + 1) + bytes(40), ("198.51.100.1", 0))
EOPY
[[ "$MODE" == native ]] && veth_refused=$(($(veth_drops) - veth_before))
kernel=$(($(kernel_dropped) - kernel_before))
kill -CONT "$DAEMON_PID"

# The worker takes what its RX ring held (all of it, if the flood got that far).
held() { (($(taken) - ${taken_before:-0} >= RING)); }
wait_for 10 held || true
got=$(($(taken) - ${taken_before:-0}))
after=$(cli "show interface GigabitEthernet0/0")
block "$after"
delta() { echo $(($(counter "$after" "$1") - $(counter "$before" "$1"))); }
no_buffer=$(delta "no buffer")
overrun=$(delta overrun)
errors=$(delta "input errors")
dropped=$(delta "packets dropped")
echo "flood of $FLOOD: the worker took $got afterwards; show interface moved: no buffer +$no_buffer," \
  "overrun +$overrun, input errors +$errors, packets dropped +$dropped"
((got == RING)) || fail "the worker took $got of the flood, expected the $RING its ring held"
((no_buffer > 0)) || fail "nothing counted: the flood did not outrun the socket"
# Every frame of the flood is either taken or counted, once (a frame lost before the program
# would show as neither; none is on this cable).
((got + no_buffer == FLOOD)) || fail "$got taken + $no_buffer no buffer != $FLOOD sent"
echo "the kernel's own rx_dropped for eth0 moved by $kernel"
if [[ "$MODE" == native ]]; then
  # veth counted them itself, in rx_dropped and per queue: shown once, not twice.
  echo "veth refused $veth_refused at the redirect (rx_queue_0_drops)"
  ((no_buffer == veth_refused)) || fail "no buffer +$no_buffer, veth refused $veth_refused"
  ((kernel == veth_refused)) || fail "veth's rx_dropped +$kernel, refused $veth_refused"
else
  # The kernel counted them nowhere: without the sockets' count they would have vanished.
  ((kernel == 0)) || fail "the kernel's rx_dropped moved by $kernel in generic mode"
fi
# The RX ring has a slot for every receive frame: the fill ring always empties first.
((overrun == 0 && errors == 0)) || fail "overrun +$overrun, input errors +$errors"
((dropped >= no_buffer)) || fail "packets dropped +$dropped below no buffer +$no_buffer"

stop_daemon
if [[ "$MODE" == generic ]]; then
  # rampartd's default (auto) takes native XDP alone: on this port, which has only generic mode
  # (a copy of every frame it receives, transit included), it runs on AF_PACKET and says why.
  check_xdp_detached eth0
  export RAMPART_PACKET_IO=auto
  start_daemon
  on_packet() { cli "show version" | grep -q "VPN packet I/O .*AF_PACKET (native XDP refused"; }
  wait_for 10 on_packet ||
    { cli "show version" | grep "VPN packet I/O"; tail -20 "$WORK/rampartd.log"; fail "auto took generic XDP"; }
  cli "show version" | grep "VPN packet I/O"
  grep "AF_XDP unavailable" "$WORK/rampartd.log"
  ! ip -n "$NS" link show eth0 | grep -q "prog/xdp" || fail "an XDP program on eth0 under auto"
  stop_daemon
fi
echo "PASS dataplane_xdp_drops $MODE"
