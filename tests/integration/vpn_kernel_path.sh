#!/usr/bin/env bash
# VPN traffic goes through the kernel's firewall: the dataplane writes what it decrypts into the
# outside's TUN device (eth0-vpn) and encrypts what the kernel routes back into it, so netfilter
# sees every VPN packet as it sees any forwarded one:
#   - a deny rule in the kernel's forward path from eth0-vpn to the inside (a plain nftables
#     table beside the firewall's) drops a vpnc client's pings to the inside host (the SA
#     decrypted them; the kernel's rule counted and dropped them), and they pass again once the
#     rule goes;
#   - hairpin, configured as on an ASA: "same-security-traffic permit intra-interface" and
#     "nat (outside,outside) dynamic interface" for the pool; the client reaches an "Internet"
#     web server beyond the outside interface through the tunnel, the server sees the
#     appliance's address, and the answer comes back through the tunnel. Without the
#     same-security-traffic line the same fetch is refused.
#   vpn_kernel_path.sh BIN
source "$(dirname "$0")/lib.sh"
WNS=rweb$$
HTTP_PID=
cleanup_web() {
  [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"
  [[ -n "$HTTP_PID" ]] && kill "$HTTP_PID" 2>/dev/null
  ip netns del "$WNS" 2>/dev/null || true
  cleanup
}
trap cleanup_web EXIT

make_vpn_lab
# The Internet: the client's namespace also routes to a web server's network
# (198.51.100.128/26) behind it, which the appliance reaches by a static route on the outside.
ip netns add "$WNS"
ip -n "$WNS" link set lo up
ip -n "$CNS" link add eth1 type veth peer name "w$$"
ip -n "$CNS" link set "w$$" netns "$WNS"
ip -n "$WNS" link set "w$$" name eth0
ip -n "$CNS" addr add 198.51.100.129/26 dev eth1
ip -n "$CNS" link set eth1 up
ip netns exec "$CNS" sysctl -qw net.ipv4.ip_forward=1
ip -n "$WNS" addr add 198.51.100.130/26 dev eth0
ip -n "$WNS" link set eth0 up
ip -n "$WNS" route add default via 198.51.100.129
# What the appliance sends on to the server is routed there, not into the client's own tunnel.
ip -n "$CNS" rule add iif eth0 lookup 100
ip -n "$CNS" route add 198.51.100.128/26 dev eth1 table 100
mkdir -p "$WORK/www"
echo "hello from the Internet" >"$WORK/www/index.html"
ip netns exec "$WNS" python3 -u -m http.server --bind 198.51.100.130 --directory "$WORK/www" 80 \
  >"$WORK/http.log" 2>&1 &
HTTP_PID=$!
listening() { ip netns exec "$WNS" ss -ltn | grep -q '198.51.100.130:80 '; }
wait_for 10 listening || { cat "$WORK/http.log"; fail "the web server did not start"; }

start_daemon
out=$(cli "configure terminal" \
  "$(ezvpn_gateway_lines "route outside 198.51.100.128 255.255.255.192 198.51.100.2 1" "end")")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"
start_vpnc
wait_for 20 test -f "$WORK/vpnc-env.connect" || { tail -30 "$WORK/vpnc.log"; fail "vpnc did not connect"; }
sa_up() { cli "show crypto ipsec sa" | grep -q 'current_peer: '; }
wait_for 15 sa_up || fail "no IPsec SA"
# The client sends the web server's address into its tunnel too (beside the split network).
ip -n "$CNS" route add 198.51.100.130/32 dev "$(sed -n 's/^TUNDEV=//p' "$WORK/vpnc-env.connect")"
ip -n "$NS" link show eth0-vpn >/dev/null || fail "no TUN device eth0-vpn in the appliance"
decaps() { cli "show crypto ipsec sa" | sed -n 's/.*#pkts decaps: \([0-9]*\).*/\1/p'; }

ip netns exec "$CNS" ping -c 3 -i 0.2 -W 2 192.0.2.10 >/dev/null || fail "no ping through the tunnel"

# A deny rule in the kernel's forward path, VPN to inside.
printf '%s\n' 'table ip test_deny {' ' chain forward {' \
  '  type filter hook forward priority 0; policy accept;' \
  '  iifname "eth0-vpn" oifname "eth1" ip daddr 192.0.2.10 counter drop' ' }' '}' |
  ip netns exec "$NS" nft -f - || fail "nft deny rule"
before=$(decaps)
ip netns exec "$CNS" ping -c 5 -i 0.2 -W 1 192.0.2.10 >"$WORK/ping.denied" &&
  fail "pings crossed the kernel's deny rule"
after=$(decaps)
dropped=$(ip netns exec "$NS" nft list table ip test_deny | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
echo "denied: SA decapsulated $((after - before)), the kernel's rule dropped $dropped"
((after - before >= 5)) || fail "the dataplane did not decrypt the denied pings"
((dropped >= 5)) || fail "the kernel's deny rule did not count the pings ($dropped)"
ip netns exec "$NS" nft delete table ip test_deny
ip netns exec "$CNS" ping -c 3 -i 0.2 -W 2 192.0.2.10 >/dev/null || fail "no ping once the rule went"

# Hairpin: in through the tunnel, out the outside, PAT to the interface, and back. First
# without same-security-traffic: the ASA drops a flow that leaves by the interface it came in.
out=$(cli "configure terminal" "object network VPN-POOL" " subnet 203.0.113.0 255.255.255.0" \
  " nat (outside,outside) dynamic interface" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "NAT refused: $out"
ip netns exec "$CNS" curl -sS --max-time 3 --interface 203.0.113.10 http://198.51.100.130/ \
  >/dev/null 2>&1 && fail "hairpin passed without same-security-traffic permit intra-interface"
out=$(cli "configure terminal" "same-security-traffic permit intra-interface" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "same-security-traffic refused: $out"
ip netns exec "$CNS" tshark -q -i eth0 -f 'host 198.51.100.130' -w "$WORK/clear.pcap" >/dev/null 2>&1 &
T_CLEAR=$!
sleep 2
before=$(decaps)
page=$(ip netns exec "$CNS" curl -sS --max-time 10 --interface 203.0.113.10 http://198.51.100.130/) ||
  { cli "show asp drop"; fail "no web page through the tunnel and the box"; }
after=$(decaps)
sleep 0.5
kill "$T_CLEAR"; wait "$T_CLEAR" 2>/dev/null || true
[[ "$page" == "hello from the Internet" ]] || fail "page: $page"
grep -q '^198.51.100.1 - - .*"GET / HTTP' "$WORK/http.log" ||
  { cat "$WORK/http.log"; fail "the web server did not see the appliance's outside address"; }
((after - before >= 4)) || fail "the hairpinned connection did not go through the tunnel"
# Between the client and the appliance the web traffic is ESP only; in clear it is seen only
# from the appliance's address, on the client's way on to the server.
clear=$(tshark -r "$WORK/clear.pcap" -Y 'ip.src == 203.0.113.10 || ip.dst == 203.0.113.10' 2>/dev/null | wc -l)
((clear == 0)) || fail "$clear packets of the client's address in clear on the outside wire"
echo "hairpin: page fetched, the server saw 198.51.100.1, SA decapsulated $((after - before))"
check_packet_io eth0 4  # the packet I/O asked for (RAMPART_PACKET_IO) carried the tunnel
echo "PASS vpn_kernel_path"
