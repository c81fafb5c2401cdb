#!/usr/bin/env bash
# End-to-end throughput, side by side in one run on the same veths: iperf3 from a vpnc client
# to the inside host (1) through Rampart, (2) through strongSwan's kernel-libipsec as the server,
# and (3) plain IP forwarding with no tunnel (the ceiling of this topology). Prints Mbit/s and
# the CPU seconds each run cost. A benchmark, not a test: it never fails on a figure.
#   tests/bench/vpn_throughput.sh [seconds]      (as root, after scripts/build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-5}
BIN=build/bin
id=$$
C=rbc$id A=rba$id I=rbi$id
WORK=$(mktemp -d /tmp/rampart-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for ns in $C $A $I; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "error at line $LINENO (rc $?)" >&2' ERR
for ns in $C $A $I; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n $A link add eth0 type veth peer name c$id
ip -n $A link add eth1 type veth peer name i$id
ip -n $A link set c$id netns $C
ip -n $A link set i$id netns $I
ip -n $C link set c$id name eth0
ip -n $I link set i$id name eth0
ip -n $C addr add 198.51.100.2/26 dev eth0
ip -n $C link set eth0 up
ip -n $I addr add 192.0.2.10/24 dev eth0
ip -n $I link set eth0 up
ip -n $I route add default via 192.0.2.1
ip netns exec $I ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true  # as a host on a wire
ip netns exec $I iperf3 -s -D --pidfile "$WORK/iperf.pid" >/dev/null
sleep 0.3
PIDS+=("$(cat "$WORK/iperf.pid")")

cat >"$WORK/vpnc.conf" <<EOC
IPSec gateway 198.51.100.1
IPSec ID EZ
IPSec secret bench-key
Xauth username cisco
Xauth password cisco
EOC
cat >"$WORK/vpnc-script" <<'EOS'
#!/bin/sh
if [ "$reason" = connect ]; then
  ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
  ip link set "$TUNDEV" mtu 1400 up
  ip route add 192.0.2.0/24 dev "$TUNDEV"
  touch "$(dirname "$0")/up"
fi
EOS
chmod +x "$WORK/vpnc-script"

proc_cpu() {  # proc_cpu PID: CPU seconds (user + system, all threads) the process has used
  [[ -n "${1:-}" && -r /proc/$1/stat ]] || { echo 0; return; }
  awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"
}
measure() {  # measure LABEL SERVER_PID: iperf3 from the client, Mbit/s, and who was busy
  local c0 c1 out mbps v0 v1 s0 s1
  c0=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  v0=$(proc_cpu "$VPNC"); s0=$(proc_cpu "${2:-}")
  out=$(ip netns exec $C iperf3 -c 192.0.2.10 -t "$SECS" -J 2>&1) || echo "iperf3: $(tail -c 300 <<<"$out")" >&2
  c1=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  v1=$(proc_cpu "$VPNC"); s1=$(proc_cpu "${2:-}")
  mbps=$(python3 -c 'import json,sys
try: print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6, 1))
except Exception: print("n/a")' <<<"$out")
  # A process at ~100 % of one core is the bottleneck: vpnc is single-threaded, the server's
  # share is over all its threads.
  printf '%-34s %10s Mbit/s   %6.1f CPU-s (all cores)   vpnc %3.0f%%  server %3.0f%% of a core\n' \
    "$1" "$mbps" "$(echo "($c1 - $c0) / $(getconf CLK_TCK)" | bc -l)" \
    "$(echo "($v1 - $v0) * 100 / $SECS" | bc -l)" "$(echo "($s1 - $s0) * 100 / $SECS" | bc -l)"
}
vpnc_up() {
  rm -f "$WORK/up"
  ip netns exec $C vpnc --no-detach --pid-file "$WORK/vpnc.pid" --script "$WORK/vpnc-script" \
    "$WORK/vpnc.conf" >"$WORK/vpnc.log" 2>&1 &
  VPNC=$!
  PIDS+=("$VPNC")
  for _ in $(seq 100); do [[ -f "$WORK/up" ]] && return 0; sleep 0.1; done
  echo "vpnc did not connect"; tail -5 "$WORK/vpnc.log"; return 1
}
vpnc_down() { kill "$VPNC" 2>/dev/null; wait "$VPNC" 2>/dev/null || true; }

echo "iperf3 -t $SECS, client -> inside host, $(nproc) cores"
# (1) Rampart.
mkdir -p "$WORK/flash"
sed -e 's/ezvpn-lab-key/bench-key/' tests/lab/factory-default.cfg >"$WORK/flash/startup-config"
ip netns exec $A $BIN/rampartd --flash "$WORK/flash" --control "$WORK/ctl" --foreground \
  >"$WORK/rampartd.log" 2>&1 &
RAMPARTD=$!
PIDS+=("$RAMPARTD")
sleep 1
vpnc_up
sleep 1.5
measure "vpnc -> Rampart (userspace ESP)" "$RAMPARTD"
vpnc_down
kill "$RAMPARTD"; wait "$RAMPARTD" 2>/dev/null || true
ip netns exec $A nft delete table ip rampart_dataplane 2>/dev/null || true

# (2) strongSwan with kernel-libipsec as the server, same addresses.
ip netns exec $A sysctl -qw net.ipv4.ip_forward=1
cat >"$WORK/strongswan.conf" <<EOC
charon {
  load = random nonce openssl aes sha1 sha2 md5 hmac gmp kernel-libipsec kernel-netlink socket-default vici xauth-generic attr
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  plugins { vici { socket = unix://$WORK/vici.sock } }
}
EOC
cat >"$WORK/swanctl.conf" <<EOC
connections {
  ez {
    version = 1
    aggressive = yes
    pools = pool
    local { auth = psk }
    remote { auth = psk }
    remote-xauth { auth = xauth }
    children { ez { local_ts = 192.0.2.0/24
                    esp_proposals = aes128-sha1,aes256-sha1 } }
    proposals = aes128-sha1-modp1024,aes256-sha1-modp1024
  }
}
pools { pool { addrs = 203.0.113.10-203.0.113.50 } }
secrets {
  ike-ez { secret = bench-key }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
ip netns exec $A unshare -m sh -c "mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$WORK/strongswan.conf /usr/lib/ipsec/charon" \
  >"$WORK/charon.log" 2>&1 &
CHARON=$!
PIDS+=("$CHARON")
for _ in $(seq 100); do [[ -S "$WORK/vici.sock" ]] && break; sleep 0.05; done
swanctl --load-all --file "$WORK/swanctl.conf" --uri "unix://$WORK/vici.sock" >/dev/null 2>&1
if vpnc_up; then
  sleep 1
  measure "vpnc -> strongSwan kernel-libipsec" "$(pgrep -P "$CHARON" charon || echo "$CHARON")"
  vpnc_down
fi

# (3) No tunnel: the kernel forwards, the ceiling of these veths and cores.
ip -n $C route add 192.0.2.0/24 via 198.51.100.1 2>/dev/null || true
measure "no tunnel (kernel forwarding)"
