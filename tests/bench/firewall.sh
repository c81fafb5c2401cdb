#!/usr/bin/env bash
# The firewall's cost (issue 12): new TCP connections per second and UDP packets per second from
# an inside host to an outside server through the appliance, side by side in one run on the same
# veths:
#   (1) the kernel forwarding with no ruleset at all (the ceiling of this topology);
#   (2) Rampart with a small policy (security levels, interface PAT);
#   (3) Rampart with a 1,000-line ACL on the inside (the permitting ACE is the last) and 1,000
#       NAT rules ahead of the PAT rule that translates the flow (1,000 static port forwards,
#       which section 2 puts before dynamic rules);
#   (4) Rampart with (2)'s policy and a crypto map on the outside interface, so that the VPN
#       dataplane's packet workers run on that port (their XDP program and rings) while none of
#       this traffic is VPN traffic.
# Prints the figures and each run's ratio to (1). UDP packets/s go both ways: inside to outside,
# and outside to inside (iperf3 -R), the direction that enters on the port with the crypto map.
# A benchmark, not a test: it never fails on a figure.
#   [BIN=DIR] tests/bench/firewall.sh [seconds]      (as root, after scripts/build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-5}
BIN=${BIN:-$PWD/build/bin}  # BIN=DIR: another build's binaries
id=$$
A=rfa$id I=rfi$id O=rfo$id
WORK=$(mktemp -d /tmp/rampart-fwbench.XXXXXX)
PIDS=()
DAEMON=
cleanup() {
  for p in "${PIDS[@]}" $DAEMON; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for ns in $A $I $O; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "error at line $LINENO (rc $?)" >&2' ERR

for ns in $A $I $O; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n $A link add eth0 type veth peer name o$id
ip -n $A link add eth1 type veth peer name i$id
ip -n $A link set o$id netns $O
ip -n $A link set i$id netns $I
ip -n $O link set o$id name eth0
ip -n $I link set i$id name eth0
ip -n $O addr add 198.51.100.2/26 dev eth0
ip -n $I addr add 192.0.2.10/24 dev eth0
for ns in $O $I; do
  ip -n "$ns" link set eth0 up
  ip netns exec "$ns" ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true  # a host on a wire
done
ip -n $I route add default via 192.0.2.1
ip -n $O route add 192.0.2.0/24 via 198.51.100.1  # for run (1), which translates nothing
ip netns exec $O "$BIN/conn_rate" server 9000 &
PIDS+=($!)
ip netns exec $O iperf3 -s -D --pidfile "$WORK/iperf.pid" >/dev/null
sleep 0.3
PIDS+=("$(cat "$WORK/iperf.pid")")

cps() { ip netns exec $I "$BIN/conn_rate" client 198.51.100.2 9000 "$SECS" 64 | sed -n 's/.* rate \([0-9]*\)\/s.*/\1/p'; }
pps() {  # pps [-R]: UDP packets/s that arrived, inside to outside (or outside to inside)
  ip netns exec $I iperf3 -c 198.51.100.2 -u -b 0 -l 64 -t "$SECS" -J "$@" 2>/dev/null |
    python3 -c 'import json,sys; e=json.load(sys.stdin)["end"]["sum"]; print(int((e["packets"]-e["lost_packets"])/e["seconds"]))'
}

# (1) no ruleset: plain addresses and forwarding in the appliance namespace.
ip -n $A addr add 198.51.100.1/26 dev eth0
ip -n $A addr add 192.0.2.1/24 dev eth1
ip -n $A link set eth0 up
ip -n $A link set eth1 up
ip netns exec $A sysctl -qw net.ipv4.ip_forward=1
base_cps=$(cps) base_pps=$(pps) base_rpps=$(pps -R)
ip -n $A addr flush dev eth0
ip -n $A addr flush dev eth1
ip netns exec $A sysctl -qw net.ipv4.ip_forward=0

# Rampart with the configuration in $WORK/$1 as its startup-config.
run_rampart() {
  rm -rf "$WORK/flash" && mkdir -p "$WORK/flash"
  cp "$WORK/$1" "$WORK/flash/startup-config"
  ip netns exec $A "$BIN/rampartd" --flash "$WORK/flash" --control "$WORK/sock" --foreground \
    >"$WORK/rampartd-$1.log" 2>&1 &
  DAEMON=$!
  for _ in $(seq 400); do
    ip netns exec $A nft list table ip rampart_fw >/dev/null 2>&1 && break
    sleep 0.05
  done
  ip netns exec $A nft list table ip rampart_fw >/dev/null 2>&1 || {
    cat "$WORK/rampartd-$1.log"; echo "the firewall's ruleset never appeared"; exit 1; }
  sleep 0.5
}
stop_rampart() { kill "$DAEMON"; wait "$DAEMON" 2>/dev/null || true; DAEMON=; }

base_lines() {
  printf '%s\n' "interface GigabitEthernet0/0" " nameif outside" " security-level 0" \
    " ip address 198.51.100.1 255.255.255.192" "interface GigabitEthernet0/1" " nameif inside" \
    " security-level 100" " ip address 192.0.2.1 255.255.255.0" \
    "object network LAN" " subnet 192.0.2.0 255.255.255.0" \
    " nat (inside,outside) dynamic interface"
}
base_lines >"$WORK/small.cfg"
{
  base_lines
  printf '%s\n' "crypto ipsec ikev1 transform-set TS esp-aes esp-sha-hmac" \
    "access-list SITE extended permit ip 192.0.2.0 255.255.255.0 203.0.113.0 255.255.255.0" \
    "crypto map CM 10 match address SITE" "crypto map CM 10 set peer 198.51.100.50" \
    "crypto map CM 10 set ikev1 transform-set TS" "crypto map CM interface outside" \
    "crypto ikev1 enable outside"
} >"$WORK/vpn.cfg"
{
  base_lines
  for n in $(seq 1000); do
    printf 'object network fwd-%d\n host 192.0.2.20\n nat (inside,outside) static interface service tcp %d %d\n' \
      "$n" $((20000 + n)) $((20000 + n))
  done
  for n in $(seq 999); do
    printf 'access-list BIG extended deny tcp host 192.0.2.%d host 198.51.100.%d eq %d\n' \
      $((n % 200 + 20)) $((n % 60 + 3)) $((1000 + n))
  done
  echo "access-list BIG extended permit ip 192.0.2.0 255.255.255.0 any"
  echo "access-group BIG in interface inside"
} >"$WORK/big.cfg"

run_rampart small.cfg
small_cps=$(cps) small_pps=$(pps) small_rpps=$(pps -R)
stop_rampart
run_rampart big.cfg
rules=$(ip netns exec $A nft list table ip rampart_fw | grep -c -E '(accept|drop|snat|dnat|masquerade|jump)' || true)
big_cps=$(cps) big_pps=$(pps) big_rpps=$(pps -R)
stop_rampart
run_rampart vpn.cfg
io=$(grep -o 'dataplane: .*AF_[A-Z_]* ([^)]*)' "$WORK/rampartd-vpn.cfg.log" | head -1 || true)
vpn_cps=$(cps) vpn_pps=$(pps) vpn_rpps=$(pps -R)
stop_rampart

ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')"; }
echo "firewall benchmark, ${SECS}s per figure, inside host -> outside server through the box"
line() {  # line LABEL CPS PPS RPPS: the figures and their ratios to (1)
  printf '%-44s %10s %6s %10s %6s %10s %6s\n' "$1" "$2" "$(ratio "$2" "$base_cps")" "$3" \
    "$(ratio "$3" "$base_pps")" "$4" "$(ratio "$4" "$base_rpps")"
}
printf '%-44s %10s %6s %10s %6s %10s %6s\n' "" "conn/s" "ratio" "UDP out/s" "ratio" "UDP in/s" \
  "ratio"
line "(1) kernel forwarding, no ruleset" "$base_cps" "$base_pps" "$base_rpps"
line "(2) Rampart, levels + interface PAT" "$small_cps" "$small_pps" "$small_rpps"
line "(3) Rampart, 1,000 ACEs + 1,000 NAT rules" "$big_cps" "$big_pps" "$big_rpps"
line "(4) Rampart, (2) + a crypto map on outside" "$vpn_cps" "$vpn_pps" "$vpn_rpps"
echo "(3) compiled to $rules nftables rules with a verdict or translation"
echo "(4) packet workers on outside: ${io:-not reported in the log}"
