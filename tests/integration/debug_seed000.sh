#!/usr/bin/env bash
# Debug fidelity against seed 000: vpnc negotiates with rampartd configured from seed 000's own
# configuration (tests/fixtures/seed000-asa83.cfg, its addresses moved into the lab's plan)
# while a console session runs `debug crypto isakmp 127` and `debug crypto ipsec 127`; the
# session's transcript is held against the seed's ASA lines (tests/golden/seed000_debug.txt) by
# tests/golden/debug_match.py, which prints the seed lines that did not appear and fails below
# MIN_PERCENT (95 by default). Two more sessions debug with a `debug crypto condition`: on
# another peer (they see none of it) and on the client's tunnel-group (they see its lines).
# Then strongSwan's charon, as an EzVPN client from the same host, negotiates the same way before
# a fresh console, held against the same lines (fails below SWAN_MIN_PERCENT; the golden file's
# notes are about vpnc and are not printed for it).
#   debug_seed000.sh BIN [MIN_PERCENT] [SWAN_MIN_PERCENT]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/swanctl_ezvpn.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MIN=${2:-95}
SWAN_MIN=${3:-95}
CHARON_PID=
trap '[[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"; charon_stop; cleanup' EXIT

# Behind a NAT, as the seed's client was (NAT-T, UDP 4500).
make_vpn_lab nat
start_daemon

# The seed's configuration on the lab's addresses: outside 198.51.100.1/26, the user's framed
# address on the inside subnet (as the seed's 192.168.1.100 is), DNS and domain from the plan.
config=$(sed -e 's/10\.48\.67\.14 255\.255\.254\.0/198.51.100.1 255.255.255.192/' \
  -e 's/192\.168\.1\.100 255\.255\.255\.0/192.0.2.100 255.255.255.0/' \
  -e 's/192\.168\.1\.99/192.0.2.53/' -e 's/jyoungta-labdomain\.cisco\.com/example.com/' \
  -e 's/pre-shared-key \*\*\*\*\*/pre-shared-key cisco123/' "$SRC/tests/fixtures/seed000-asa83.cfg")
mapfile -t lines <<<"$config"
out=$(cli "configure terminal" "${lines[@]}" \
  "interface GigabitEthernet0/0" "no shutdown" "exit" \
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "seed 000's configuration refused"

# The operator's console, debugs on, left open while the client connects.
mkfifo "$WORK/console.in"
"$BIN/rampart" --control "$SOCK" <"$WORK/console.in" >"$WORK/console.out" 2>&1 &
CONSOLE_PID=$!
exec 7>"$WORK/console.in"
printf 'enable\n\nterminal pager 0\ndebug crypto isakmp 127\ndebug crypto ipsec 127\n' >&7
wait_for 5 grep -q 'debug crypto ipsec 127' "$WORK/console.out" || fail "console did not start"
# Two more, each with a debug crypto condition: one names another peer (it must see none of this
# negotiation), one the client's tunnel-group (it must see it from the first line that names it).
consoles=()
for who in "peer 192.0.2.99" "group EZ"; do
  mkfifo "$WORK/cond-${who% *}.in"
  "$BIN/rampart" --control "$SOCK" <"$WORK/cond-${who% *}.in" >"$WORK/cond-${who% *}.out" 2>&1 &
  consoles+=($!)
  exec {fd}>"$WORK/cond-${who% *}.in"
  printf 'enable\n\nterminal pager 0\ndebug crypto isakmp 127\ndebug crypto condition %s\n' \
    "$who" >&$fd
  printf 'show crypto debug-condition\n' >&$fd
  eval "cond_${who% *}=$fd"
  wait_for 5 grep -q 'turned ON' "$WORK/cond-${who% *}.out" || fail "condition not set ($who)"
done

vpnc_connect cisco cisco || { tail -30 "$WORK/vpnc.log"; fail "vpnc did not connect"; }
grep -qx 'INTERNAL_IP4_ADDRESS=192.0.2.100' "$WORK/vpnc-env.connect" || fail "framed address"
sa_up() { cli "show crypto ipsec sa" | grep -q 'current_peer: '; }
wait_for 15 sa_up || fail "no IPsec SA"
# The session prints pending debug lines as it handles its next command.
printf 'undebug all\n' >&7
phase2_done() { grep -q 'PHASE 2 COMPLETED' "$WORK/console.out"; }
wait_for 5 phase2_done || fail "no PHASE 2 COMPLETED on the console"
printf 'exit\n' >&7
exec 7>&-
wait "$CONSOLE_PID" || true
for c in peer group; do
  fd=$(eval echo "\$cond_$c")
  printf 'exit\n' >&$fd
  exec {fd}>&-
done
for p in "${consoles[@]}"; do wait "$p" || true; done
grep -q 'IKE peer IP address filters:' "$WORK/cond-peer.out" || fail "condition not shown"
grep -q '\[IKEv1' "$WORK/cond-peer.out" && fail "a condition on another peer showed this one's lines"
grep -q 'Group = EZ, Username = cisco, IP = .*PHASE 1 COMPLETED' "$WORK/cond-group.out" ||
  fail "a condition on the client's group did not show its lines"

python3 "$SRC/tests/golden/debug_match.py" "$SRC/tests/golden/seed000_debug.txt" \
  "$WORK/console.out" "$MIN" || fail "debug lines differ from seed 000's"

# ---- strongSwan: vpnc leaves (its Deletes end its session), charon comes from the same host.
kill "$VPNC_PID" 2>/dev/null || true
wait "$VPNC_PID" 2>/dev/null || true
VPNC_PID=
no_sa() { cli "show crypto isakmp sa" | grep -q "There are no IKEv1 SAs"; }
wait_for 10 no_sa || fail "vpnc's session did not end"
mkfifo "$WORK/swan-console.in"
"$BIN/rampart" --control "$SOCK" <"$WORK/swan-console.in" >"$WORK/swan-console.out" 2>&1 &
CONSOLE_PID=$!
exec 7>"$WORK/swan-console.in"
printf 'enable\n\nterminal pager 0\ndebug crypto isakmp 127\ndebug crypto ipsec 127\n' >&7
wait_for 5 grep -q 'debug crypto ipsec 127' "$WORK/swan-console.out" || fail "console did not start"
charon_start cisco
charon_secrets cisco cisco
timeout 20 swanctl --initiate --child ra --uri "unix://$WORK/vici.sock" >"$WORK/initiate.out" 2>&1 ||
  { grep -E 'IKE\]|CFG\]' "$WORK/charon.log" | tail -30; fail "strongSwan could not connect"; }
wait_for 15 sa_up || fail "no IPsec SA for strongSwan"
printf 'undebug all\n' >&7
phase2_done() { grep -q 'PHASE 2 COMPLETED' "$WORK/swan-console.out"; }
wait_for 5 phase2_done || fail "no PHASE 2 COMPLETED for strongSwan on the console"
printf 'exit\n' >&7
exec 7>&-
wait "$CONSOLE_PID" || true
echo "--- strongSwan (charon $(dpkg-query -W -f="\${Version}" strongswan-charon 2>/dev/null))"
python3 "$SRC/tests/golden/debug_match.py" "$SRC/tests/golden/seed000_debug.txt" \
  "$WORK/swan-console.out" "$SWAN_MIN" --no-notes || fail "strongSwan's debug lines differ from seed 000's"
echo PASS
