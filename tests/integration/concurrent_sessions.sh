#!/usr/bin/env bash
# Several sessions at once: a change made in one is visible in another at once, and a session
# that stays open does not block the others.
source "$(dirname "$0")/lib.sh"
make_ns
start_daemon
# Session A stays connected (reading from a FIFO) while B and C come and go.
mkfifo "$WORK/a.in"
"$BIN/rampart" --control "$SOCK" <"$WORK/a.in" >"$WORK/a.out" &
apid=$!
exec 7>"$WORK/a.in"
printf 'enable\n\nconfigure terminal\nhostname shared-fw\n' >&7
# A is still connected and has not left config mode: B must see its change anyway.
for _ in $(seq 100); do
  out=$(cli "show running-config hostname")
  # Both, in one session: B's first prompts may come before A's change lands.
  grep -q '^hostname shared-fw$' <<<"$out" && grep -q '^shared-fw# ' <<<"$out" && break
  sleep 0.05
done
grep -q '^hostname shared-fw$' <<<"$out" || fail "B does not see A's change: $out"
grep -q '^shared-fw# ' <<<"$out" || fail "B's prompt does not follow the new hostname"
cli "configure terminal" "tunnel-group FROM-C type remote-access" "end" >/dev/null
printf 'show running-config tunnel-group\nexit\nexit\n' >&7
exec 7>&-
wait "$apid"
grep -q '^tunnel-group FROM-C type remote-access$' "$WORK/a.out" || fail "A does not see C's change"
echo "PASS concurrent_sessions"
