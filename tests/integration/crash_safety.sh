#!/usr/bin/env bash
# kill -9 during repeated "write memory": the startup-config is always one whole version,
# never a torn or empty file.
source "$(dirname "$0")/lib.sh"
make_ns
start_daemon
# A large configuration, so that a write takes long enough to be interrupted.
lines=("configure terminal")
for i in $(seq 1 400); do lines+=("access-list ACL$i extended permit ip 192.0.2.0 255.255.255.0 host 198.51.100.$((i % 250 + 1))"); done
lines+=("end")
cli "${lines[@]}" >/dev/null
end=$((SECONDS + 25))
rounds=0
while ((SECONDS < end)); do
  rounds=$((rounds + 1))
  name="fw$((rounds % 2))"
  cli "configure terminal" "hostname $name" "end" "write memory" "write memory" "write memory" >/dev/null 2>&1 &
  writer=$!
  sleep "0.0$((RANDOM % 9 + 1))"
  stop_daemon -KILL
  wait "$writer" 2>/dev/null || true
  if [[ -e "$FLASH/startup-config" ]]; then
    f="$FLASH/startup-config"
    head -n 1 "$f" | grep -q '^: Saved$' || fail "round $rounds: torn file head"
    tail -n 1 "$f" | grep -q '^: end$' || fail "round $rounds: torn file tail"
    grep -qE '^hostname (rampart|fw0|fw1)$' "$f" || fail "round $rounds: no hostname"
    [[ $(grep -c '^access-list ' "$f") -eq 400 ]] || fail "round $rounds: ACL count"
  fi
  start_daemon
  # The daemon comes back with a whole configuration.
  cli "show running-config hostname" | grep -qE '^hostname (rampart|fw0|fw1)$' || fail "round $rounds: restart"
done
ls "$FLASH" | grep -q '\.tmp\.' && echo "note: temporary files left by killed writes: $(ls "$FLASH")"
echo "PASS crash_safety ($rounds rounds)"
