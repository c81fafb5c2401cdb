#!/usr/bin/env bash
# Group-name probing and aggressive-mode key capture with ike-scan (issue 11): an aggressive
# mode first message naming a real group and one naming a group that does not exist must get
# answers that cannot be told apart (both answered, the same payloads of the same lengths), a
# bad proposal must be refused alike for both, and an identity naming a LAN-to-LAN group must
# not get an answer keyed with that group's key (its HASH_R does not verify with the key).
#   ike_scan_groups.sh BIN
source "$(dirname "$0")/lib.sh"
make_vpn_lab direct
start_daemon
out=$(cli "configure terminal" \
  "interface GigabitEthernet0/0" "nameif outside" "security-level 0" \
  "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit" \
  "crypto ikev1 enable outside" \
  "crypto ikev1 policy 10" "authentication pre-share" "encryption aes" "hash sha" "group 2" "exit" \
  "tunnel-group EZ type remote-access" \
  "tunnel-group EZ ipsec-attributes" "ikev1 pre-shared-key cisco123" "exit" \
  "tunnel-group 203.0.113.5 type ipsec-l2l" \
  "tunnel-group 203.0.113.5 ipsec-attributes" "ikev1 pre-shared-key sitekey9" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"

# scan ID TRANS [extra]: one aggressive-mode probe; prints ike-scan's answer line with the
# values that differ on every run (cookies, the responder's KE/nonce/hash bytes) left out.
scan() {
  ip netns exec "$CNS" ike-scan --aggressive --id="$1" --trans="$2" --dhgroup=2 --retry=1 \
    --timeout=2000 "${@:3}" 198.51.100.1 2>&1 |
    grep -E 'Handshake returned|Notify message' |
    sed -E -e 's/^198\.51\.100\.1[[:space:]]+//' -e 's/CKY-R=[0-9a-f]+/CKY-R=*/' -e 's/msgid=[0-9a-f]+/msgid=*/' || true
}
aes="(1=7,14=128,2=2,3=1,4=2)"
real=$(scan EZ "$aes")
fake=$(scan NOSUCHGROUP "$aes")
echo "known group:   $real"
echo "unknown group: $fake"
[[ "$real" == *"Aggressive Mode Handshake returned"* ]] || fail "no answer for a known group"
[[ "$fake" == *"Aggressive Mode Handshake returned"* ]] || fail "no answer for an unknown group"
[[ "$real" == "$fake" ]] || fail "known and unknown groups are answered differently"

des="(1=1,2=1,3=1,4=2)"
real=$(scan EZ "$des")
fake=$(scan NOSUCHGROUP "$des")
echo "bad proposal, known group:   $real"
echo "bad proposal, unknown group: $fake"
[[ "$real" == *"NO-PROPOSAL-CHOSEN"* && "$real" == "$fake" ]] ||
  fail "a bad proposal is refused differently for known and unknown groups"

# The LAN-to-LAN group named from elsewhere: whatever comes back must not verify with its key.
ip netns exec "$CNS" ike-scan --aggressive --id=203.0.113.5 --trans="$aes" --dhgroup=2 \
  --retry=1 --pskcrack="$WORK/l2l.psk" 198.51.100.1 >/dev/null 2>&1 || true
[[ -s "$WORK/l2l.psk" ]] || fail "no answer to crack (expected a decoy)"
echo sitekey9 >"$WORK/words"
if psk-crack -d "$WORK/words" "$WORK/l2l.psk" 2>&1 | grep -q 'key "sitekey9" matches'; then
  fail "an aggressive-mode answer for a LAN-to-LAN group was keyed with its pre-shared key"
fi
# Control: the same check finds the key of the remote-access group, so it would have caught it.
ip netns exec "$CNS" ike-scan --aggressive --id=EZ --trans="$aes" --dhgroup=2 --retry=1 \
  --pskcrack="$WORK/ez.psk" 198.51.100.1 >/dev/null 2>&1 || true
echo cisco123 >"$WORK/words"
psk-crack -d "$WORK/words" "$WORK/ez.psk" 2>&1 | grep -q 'key "cisco123" matches' ||
  fail "psk-crack did not find the remote-access key (the check itself is broken)"
echo PASS
