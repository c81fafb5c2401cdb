#!/usr/bin/env bash
# Operators' TextFSM templates (ntc-templates, shared/conformance) parse our show output
# unmodified, into the fields we configured.
source "$(dirname "$0")/lib.sh"
CONF=$(cd "$(dirname "$0")/../../.." && pwd)/shared/conformance
[[ -d "$CONF" ]] || CONF=$(cd "$(dirname "$0")/../.." && pwd)/../shared/conformance
[[ -x "$CONF/textfsm-parse" ]] || fail "no conformance templates at $CONF"
make_ns
start_daemon
cli "configure terminal" "interface GigabitEthernet0/0" "nameif outside" "exit" \
  "access-list peer1 extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 255.255.255.192" \
  "crypto ipsec ikev1 transform-set AES-256_SHA esp-aes-256 esp-sha-hmac" \
  "crypto map Standard-1 20 match address peer1" "crypto map Standard-1 20 set pfs group5" \
  "crypto map Standard-1 20 set peer 198.51.100.2" \
  "crypto map Standard-1 20 set ikev1 transform-set AES-256_SHA" \
  "crypto map Standard-1 20 set security-association lifetime seconds 28800" \
  "crypto map Standard-1 interface outside" \
  "crypto ikev1 policy 5" "authentication pre-share" "encryption aes-256" "hash sha" "group 5" \
  "exit" "tunnel-group 198.51.100.2 type ipsec-l2l" "tunnel-group 198.51.100.2 ipsec-attributes" \
  "ikev1 pre-shared-key l2l-key" "end" >/dev/null
parse() {  # parse TEMPLATE SECTION: the section's output through the template, as JSON
  cli "terminal pager 0" "show running-config $2" "exit" |
    awk -v cmd="rampart# show running-config $2" '$0 == cmd {on = 1; next} /^rampart# / {on = 0} on' \
      >"$WORK/out.txt"
  /usr/bin/python3 "$CONF/textfsm-parse" "$CONF/ntc-templates/$1" <"$WORK/out.txt"
}
j=$(parse cisco_asa_show_running-config_crypto_map.textfsm "crypto map") || fail "crypto map did not parse"
echo "$j"
grep -q '"MAP": "Standard-1"' <<<"$j" && grep -q '"PFS": "group5"' <<<"$j" &&
  grep -q '"PEER": "198.51.100.2"' <<<"$j" && grep -q '"TRANSFORM": "AES-256_SHA"' <<<"$j" &&
  grep -q '"SA": "28800"' <<<"$j" || fail "crypto map fields"
j=$(parse cisco_asa_show_running-config_crypto_ikev1.textfsm "crypto ikev1") || fail "ikev1 did not parse"
echo "$j"
grep -q '"POLICY_ID": "5"' <<<"$j" && grep -q '"ENCRYPTION": "aes-256"' <<<"$j" &&
  grep -q '"DH_GROUP": "group 5"' <<<"$j" && grep -q '"LIFETIME": "86400"' <<<"$j" || fail "ikev1 fields"
j=$(parse cisco_asa_show_running-config_ipsec.textfsm "ipsec") || fail "ipsec did not parse"
echo "$j"
grep -q '"NAME": "AES-256_SHA"' <<<"$j" && grep -q '"esp-aes-256"' <<<"$j" || fail "ipsec fields"
j=$(parse cisco_asa_show_running-config_tunnel-group.textfsm "tunnel-group") || fail "tunnel-group did not parse"
echo "$j"
grep -q '"NAME": "198.51.100.2"' <<<"$j" && grep -q '"IKEV1_PSK": "\*\*\*\*\*"' <<<"$j" || fail "tunnel-group fields"
echo "PASS textfsm_conformance"
