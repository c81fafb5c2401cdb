#!/usr/bin/env bash
# A startup-config with bad lines loads everything else, and reports each bad line by number.
source "$(dirname "$0")/lib.sh"
make_ns
cat >"$FLASH/startup-config" <<'CFG'
hostname loaded-fw
interface GigabitEthernet0/0
 nameif outside
 ip address 198.51.100.1 255.255.255.0
crypto ikev1 policy 10
 encryption blowfish
 hash sha
this is not a command
tunnel-group EZ type remote-access
tunnel-group EZ ipsec-attributes
 ikev1 pre-shared-key loaded-secret
route nowhere 0.0.0.0 0.0.0.0 198.51.100.254
CFG
start_daemon
out=$(cli "show startup-config errors" "show running-config hostname" \
  "show running-config crypto ikev1" "show running-config tunnel-group")
echo "$out"
grep -q '^ERROR: line 6: encryption blowfish$' <<<"$out" || fail "line 6 not reported"
grep -q '^ERROR: line 8: this is not a command$' <<<"$out" || fail "line 8 not reported"
grep -q '^ERROR: line 12: route nowhere' <<<"$out" || fail "line 12 not reported"
grep -q '^hostname loaded-fw$' <<<"$out" || fail "hostname not loaded"
grep -q '^ hash sha$' <<<"$out" || fail "policy line after the bad one not loaded"
grep -q '^ ikev1 pre-shared-key \*\*\*\*\*$' <<<"$out" || fail "tunnel-group not loaded"
grep -q 'loaded-secret' <<<"$out" && fail "a secret was printed"
grep -q 'loaded-secret' "$WORK/rampartd.log" && fail "a secret was logged"
# An unknown packet I/O (--packet-io, or RAMPART_PACKET_IO) is refused at start with its usage,
# before anything is touched.
for how in "--packet-io af_bogus" "env"; do
  rc=0
  if [[ "$how" == env ]]; then
    out=$(RAMPART_PACKET_IO=af_bogus ip netns exec "$NS" "$BIN/rampartd" --flash "$WORK/f2" \
      --control "$WORK/c2.sock" --foreground 2>&1) || rc=$?
  else
    out=$(ip netns exec "$NS" "$BIN/rampartd" --flash "$WORK/f2" --control "$WORK/c2.sock" \
      --foreground $how 2>&1) || rc=$?
  fi
  ((rc == 2)) || fail "$how: exit status $rc, not 2"
  grep -q '^rampartd: --packet-io af_bogus: not af_xdp, af_packet or auto$' <<<"$out" ||
    fail "$how: $out"
  [[ ! -e "$WORK/c2.sock" ]] || fail "$how: rampartd went on"
done
echo "PASS startup_errors"
