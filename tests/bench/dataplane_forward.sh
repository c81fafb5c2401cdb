#!/usr/bin/env bash
# Runs dataplane_bench (the packet workers end to end over veth, with an ESP generator and
# limits measured in the same run) in namespaces of its own: the appliance's eth0/eth1 cabled
# to a generator namespace's o0/i0, with static neighbours so that nothing waits on ARP. The ESP
# table runs on AF_PACKET and on AF_XDP (issue 16), side by side.
# A benchmark, not a test: it prints figures and never fails on them.
#   tests/bench/dataplane_forward.sh [seconds-per-run] [--sas N]   (as root, after scripts/build)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-2}
shift || true
BENCH_ARGS=("$@") # the loop below sets the positional parameters
A=rdpa$$ G=rdpg$$
cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $G 2>/dev/null || true; }
trap cleanup EXIT
ip netns add $A
ip netns add $G
for ns in $A $G; do
  ip -n $ns link set lo up
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
# Two queues a cable, so that two workers on AF_XDP have a socket each (one per RX queue).
Q="numtxqueues 2 numrxqueues 2"
ip -n $A link add eth0 address 02:00:5e:00:53:01 $Q type veth peer name o0 address 02:00:5e:00:53:a0 $Q
ip -n $A link add eth1 address 02:00:5e:00:53:02 $Q type veth peer name i0 address 02:00:5e:00:53:b0 $Q
ip -n $A link set o0 netns $G
ip -n $A link set i0 netns $G
ip -n $A addr add 198.51.100.1/26 dev eth0
ip -n $A addr add 192.0.2.1/24 dev eth1
for ns_if in "$A eth0" "$A eth1" "$G o0" "$G i0"; do
  set -- $ns_if
  ip -n "$1" link set "$2" up
  ip netns exec "$1" ethtool -K "$2" gro off tso off gso off >/dev/null 2>&1 || true
done
ip -n $A neigh add 192.0.2.10 lladdr 02:00:5e:00:53:b0 dev eth1 nud permanent
for i in $(seq 2 9); do
  ip -n $A neigh add 198.51.100.$i lladdr 02:00:5e:00:53:a0 dev eth0 nud permanent
done
ip netns exec $A build/bin/dataplane_bench --gen-ns $G --seconds "$SECS" "${BENCH_ARGS[@]}"
