#!/usr/bin/env bash
# Seed 000's interface lines reach the kernel through netlink, and show commands read back
# the kernel's state: address, link state, static route.
source "$(dirname "$0")/lib.sh"
make_ns
start_daemon
out=$(cli "configure terminal" "interface GigabitEthernet0/0" "nameif outside" \
  "security-level 0" "ip address 198.51.100.1 255.255.255.0" "no shutdown" "exit" \
  "route outside 203.0.113.0 255.255.255.0 198.51.100.254 1" "end" "show interface ip brief" \
  "show route")
echo "$out"
ip -n "$NS" -4 addr show eth0 | grep -q "inet 198.51.100.1/24" || fail "eth0 has no 198.51.100.1/24"
ip -n "$NS" link show eth0 | grep -q "state UP\|,UP" || fail "eth0 is not up"
ip -n "$NS" route show 203.0.113.0/24 | grep -q "via 198.51.100.254 dev eth0 proto 201" \
  || fail "static route missing: $(ip -n "$NS" route)"
# The line protocol follows the carrier, which the kernel raises a moment after the link.
brief_up() { cli "show interface ip brief" | grep -qE '^GigabitEthernet0/0 +198\.51\.100\.1 +YES CONFIG up +up$'; }
wait_for 10 brief_up || fail "show interface ip brief: $(cli "show interface ip brief")"
grep -qE '^S +203\.0\.113\.0 255\.255\.255\.0 \[1/0\] via 198\.51\.100\.254, outside$' <<<"$out" || fail "show route S"
grep -qE '^C +198\.51\.100\.0 255\.255\.255\.0 is directly connected, outside$' <<<"$out" || fail "show route C"

# mtu reaches the link.
cli "configure terminal" "mtu outside 1400" "end" >/dev/null
ip -n "$NS" link show eth0 | grep -q "mtu 1400" || fail "mtu not applied"

# Change and remove: the kernel follows.
cli "configure terminal" "interface GigabitEthernet0/0" "ip address 198.51.100.2 255.255.255.128" \
  "shutdown" "exit" "no route outside 203.0.113.0 255.255.255.0 198.51.100.254" "end" >/dev/null
ip -n "$NS" -4 addr show eth0 | grep -q "inet 198.51.100.2/25" || fail "new address not applied"
ip -n "$NS" -4 addr show eth0 | grep -q "198.51.100.1/" && fail "old address left behind"
ip -n "$NS" link show eth0 | grep -q "state DOWN\|<BROADCAST,MULTICAST>" || fail "eth0 not shut down"
[[ -z "$(ip -n "$NS" route show 203.0.113.0/24)" ]] || fail "route not removed"
# A route we did not install is never touched.
cli "configure terminal" "interface GigabitEthernet0/1" "nameif inside" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "end" >/dev/null
ip -n "$NS" route add 192.0.2.128/25 via 192.0.2.2
cli "configure terminal" "route outside 203.0.113.0 255.255.255.0 198.51.100.3" "end" >/dev/null
[[ -n "$(ip -n "$NS" route show 192.0.2.128/25)" ]] || fail "a foreign route was removed"

# System views against a real host on the inside wire: the appliance pings it (5/5) and a
# documentation address nobody holds (0/5), show arp lists the host's MAC, and show interface's
# input counter grows with the replies.
ip netns add "$INS"
ip -n "$NS" link set wire1 netns "$INS"
ip -n "$INS" link set wire1 address 02:00:5e:00:53:aa up
ip -n "$INS" addr add 192.0.2.10/24 dev wire1
input_packets() {
  cli "show interface GigabitEthernet0/1" | grep -oE '^ +[0-9]+ packets input' | head -n 1 | grep -oE '[0-9]+'
}
before=$(input_packets)
out=$(cli "ping inside 192.0.2.10" "ping inside 192.0.2.99 timeout 1" "show arp" \
  "show interface GigabitEthernet0/1" "show nameif" "show cpu usage" "show memory")
echo "$out"
after=$(input_packets)
grep -qxF 'Sending 5, 100-byte ICMP Echos to 192.0.2.10, timeout is 2 seconds:' <<<"$out" || fail "ping header"
grep -qE '^Success rate is 100 percent \(5/5\), round-trip min/avg/max = [0-9]+/[0-9]+/[0-9]+ ms$' <<<"$out" \
  || fail "ping to the inside host"
grep -qxF '?????' <<<"$out" && grep -qxF 'Success rate is 0 percent (0/5)' <<<"$out" || fail "ping to nobody"
grep -qE '^ +inside 192\.0\.2\.10 0200\.5e00\.53aa [0-9]+$' <<<"$out" || fail "show arp"
grep -qE '^  Traffic Statistics for "inside":$' <<<"$out" || fail "show interface traffic statistics"
grep -qE '^      1 minute input rate [0-9]+ pkts/sec,  [0-9]+ bytes/sec$' <<<"$out" &&
  grep -qE '^      5 minute drop rate, [0-9]+ pkts/sec$' <<<"$out" || fail "show interface rate lines"
[[ -n "$before" && -n "$after" ]] && ((after >= before + 5)) || fail "input counter: $before -> $after"
grep -qE '^GigabitEthernet0/1 +inside +100$' <<<"$out" || fail "show nameif"
grep -qE '^CPU utilization for 5 seconds = [0-9]+%; 1 minute: [0-9]+%; 5 minutes: [0-9]+%$' <<<"$out" || fail "show cpu usage"
grep -qE '^Free memory: +[0-9]+ bytes \( ?[0-9]+%\)$' <<<"$out" || fail "show memory"

# traceroute over a real two-hop path: the inside host routes for a far host (203.0.113.20 in
# $XNS) behind it. Hop 1 is the router's time exceeded, hop 2 the far host's port unreachable;
# a neighbour nobody answers gives "*" on every hop (our own stack's unreachable is no answer).
ip netns add "$XNS"
ip link add "f$$" netns "$INS" type veth peer name eth0 netns "$XNS"
ip -n "$INS" addr add 203.0.113.1/24 dev "f$$"
ip -n "$INS" link set "f$$" up
ip -n "$XNS" addr add 203.0.113.20/24 dev eth0
ip -n "$XNS" link set eth0 up
ip -n "$XNS" route add default via 203.0.113.1
# Routers answer every probe here: no ICMP rate limit in the lab's namespaces.
ip netns exec "$INS" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0
ip netns exec "$XNS" sysctl -qw net.ipv4.icmp_ratelimit=0
cli "configure terminal" "no route outside 203.0.113.0 255.255.255.0 198.51.100.3" \
  "route inside 203.0.113.0 255.255.255.0 192.0.2.10" "end" >/dev/null
out=$(cli "traceroute 203.0.113.20 timeout 2" "traceroute 192.0.2.99 timeout 1 probe 1 ttl 1 2" \
  "traceroute 203.0.113.20 source inside timeout 2 probe 1 use-icmp")
echo "$out"
grep -qxF 'Tracing the route to 203.0.113.20' <<<"$out" || fail "traceroute header"
grep -qE '^ 1  192\.0\.2\.10 [0-9]+ msec [0-9]+ msec [0-9]+ msec$' <<<"$out" || fail "traceroute hop 1"
grep -qE '^ 2  203\.0\.113\.20 [0-9]+ msec [0-9]+ msec [0-9]+ msec$' <<<"$out" || fail "traceroute hop 2"
grep -qE '^ 2  203\.0\.113\.20 [0-9]+ msec$' <<<"$out" || fail "traceroute use-icmp hop 2"
grep -qE '^ 3 ' <<<"$out" && fail "traceroute went past the target"
grep -qxF ' 1  *' <<<"$out" && grep -qxF ' 2  *' <<<"$out" || fail "traceroute to nobody"
echo "PASS netns_interfaces"
