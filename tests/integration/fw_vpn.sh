#!/usr/bin/env bash
# The firewall's rules for VPN traffic, with a real vpnc client (issue 12):
#   - NAT exemption, the ASA 8.3+ way: the inside network is PATed to the outside
#     ("nat (inside,outside) dynamic interface"), and "nat (inside,outside) source static LAN
#     LAN destination static VPN VPN" exempts what goes to the VPN pool. The inside host opens
#     a connection to the client and the client sees the inside host's own address; without
#     the exemption the same connection is PATed and never reaches the client (the SA carries
#     only the inside network).
#   - vpn-filter: the group-policy's filter (written with the client as source) lets ICMP
#     between the client and the inside host through in both directions and stops TCP both
#     ways; show access-list counts its permit's hits.
#   - "no sysopt connection permit-vpn": decrypted traffic then meets the outside interface's
#     security level and ACL like any other traffic arriving there.
#   fw_vpn.sh BIN
source "$(dirname "$0")/lib.sh"
HTTP_IN= HTTP_CL=
cleanup_fw_vpn() {
  [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"
  for p in $HTTP_IN $HTTP_CL; do kill "$p" 2>/dev/null || true; done
  cleanup
}
trap cleanup_fw_vpn EXIT

make_vpn_lab
mkdir -p "$WORK/www"
echo "inside page" >"$WORK/www/index.html"
ip netns exec "$INS" python3 -u -m http.server --bind 192.0.2.10 --directory "$WORK/www" 80 \
  >"$WORK/http-inside.log" 2>&1 &
HTTP_IN=$!

start_daemon
out=$(cli "configure terminal" "$(ezvpn_gateway_lines \
  "object network LAN" "subnet 192.0.2.0 255.255.255.0" "nat (inside,outside) dynamic interface" \
  "object network VPN" "subnet 203.0.113.0 255.255.255.0" "exit" \
  "nat (inside,outside) source static LAN LAN destination static VPN VPN" "end")")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused: $out"
start_vpnc
wait_for 20 test -f "$WORK/vpnc-env.connect" || { tail -30 "$WORK/vpnc.log"; fail "vpnc did not connect"; }
CLIENT=$(sed -n 's/^INTERNAL_IP4_ADDRESS=//p' "$WORK/vpnc-env.connect")
[[ "$CLIENT" == 203.0.113.* ]] || fail "client address $CLIENT"
ip netns exec "$CNS" python3 -u -m http.server --bind "$CLIENT" --directory "$WORK/www" 8080 \
  >"$WORK/http-client.log" 2>&1 &
HTTP_CL=$!
listening() { ip netns exec "$CNS" ss -ltn | grep -q "$CLIENT:8080 "; }
wait_for 10 listening || fail "the client's web server did not start"

# The client reaches the inside untranslated.
ip netns exec "$CNS" curl -sS --max-time 5 "http://192.0.2.10/" >/dev/null ||
  fail "the client cannot fetch from the inside host"
grep -q "^$CLIENT - - " "$WORK/http-inside.log" ||
  { cat "$WORK/http-inside.log"; fail "the inside host did not see the client's own address"; }
# The inside host reaches the client: exempt from the inside network's PAT.
ip netns exec "$INS" curl -sS --max-time 5 "http://$CLIENT:8080/" >/dev/null ||
  { cli "show nat" "show asp drop"; fail "the inside host cannot reach the client"; }
grep -q '^192.0.2.10 - - ' "$WORK/http-client.log" ||
  { cat "$WORK/http-client.log"; fail "the client did not see the inside host's own address"; }
echo "exemption: both ways untranslated ($CLIENT <-> 192.0.2.10)"

# Without the exemption the inside host's connection is PATed to the outside address, which
# the client's SA does not carry: it never arrives.
out=$(cli "configure terminal" "no nat (inside,outside) source static LAN LAN destination static VPN VPN" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "no nat refused: $out"
ip netns exec "$INS" curl -sS --max-time 3 "http://$CLIENT:8080/" >/dev/null 2>&1 &&
  fail "the inside host reached the client without the exemption"
grep -q '^198.51.100.1 - - ' "$WORK/http-client.log" &&
  fail "a PATed connection reached the client"
out=$(cli "configure terminal" "nat (inside,outside) source static LAN LAN destination static VPN VPN" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "nat refused: $out"
echo "exemption: without it the inside host's connection does not reach the client"

# vpn-filter: ICMP only, between the pool and the inside host.
out=$(cli "configure terminal" \
  "access-list VF extended permit icmp 203.0.113.0 255.255.255.0 host 192.0.2.10" \
  "group-policy EZ attributes" "vpn-filter value VF" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "vpn-filter refused: $out"
ip netns exec "$CNS" ping -c 2 -i 0.3 -W 2 192.0.2.10 >/dev/null ||
  fail "the filter stopped the client's ping it permits"
ip netns exec "$INS" ping -c 2 -i 0.3 -W 2 "$CLIENT" >/dev/null ||
  fail "the filter stopped the inside host's ping it permits (read the other way round)"
ip netns exec "$CNS" curl -sS --max-time 3 "http://192.0.2.10/" >/dev/null 2>&1 &&
  fail "the filter let the client's TCP through"
ip netns exec "$INS" curl -sS --max-time 3 "http://$CLIENT:8080/" >/dev/null 2>&1 &&
  fail "the filter let the inside host's TCP to the client through"
acl=$(cli "show access-list VF")
echo "$acl" | grep -q 'access-list VF line 1 extended permit icmp' || { echo "$acl"; fail "show access-list VF"; }
hits=$(echo "$acl" | sed -n 's/.*permit icmp.*(hitcnt=\([0-9]*\)).*/\1/p' | head -1)
((hits >= 2)) || { echo "$acl"; fail "the filter's permit counted $hits hits"; }
out=$(cli "configure terminal" "group-policy EZ attributes" "vpn-filter none" "end")
ip netns exec "$CNS" curl -sS --max-time 5 "http://192.0.2.10/" >/dev/null ||
  fail "TCP still refused once the filter went"
echo "vpn-filter: ICMP both ways, TCP refused both ways, $hits hits on its permit"

# Without "sysopt connection permit-vpn" decrypted traffic meets the outside interface's rules:
# from security level 0 to 100 it needs the outside ACL's permit.
out=$(cli "configure terminal" "no sysopt connection permit-vpn" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "no sysopt refused: $out"
ip netns exec "$CNS" curl -sS --max-time 3 "http://192.0.2.10/" >/dev/null 2>&1 &&
  fail "decrypted traffic passed the outside's security level without permit-vpn"
out=$(cli "configure terminal" \
  "access-list OUTSIDE_IN extended permit tcp 203.0.113.0 255.255.255.0 host 192.0.2.10 eq www" \
  "access-group OUTSIDE_IN in interface outside" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "OUTSIDE_IN refused: $out"
ip netns exec "$CNS" curl -sS --max-time 5 "http://192.0.2.10/" >/dev/null ||
  fail "the outside ACL's permit did not let the client's TCP in"
ip netns exec "$CNS" ping -c 1 -W 2 192.0.2.10 >/dev/null 2>&1 &&
  fail "the client's ping passed, which the outside ACL does not permit"
echo "no sysopt connection permit-vpn: the outside ACL decides for decrypted traffic"
echo "PASS fw_vpn"
