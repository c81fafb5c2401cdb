#!/usr/bin/env bash
# AAA under load (issue 13): N vpnc logins (default 200, C at a time) authenticated by XAUTH
# against FreeRADIUS, through a group whose first server never answers (timeout 2 s, so the
# first logins wait for it until it is marked FAILED), while an unrelated console session runs
# "show version" in a loop. Prints logins per second, the slowest login, and the worst stall the
# console saw. Clients come from 16 addresses (the per-address admission limits are not what is
# measured here). A benchmark, not a test: nothing fails on a time.
#   tests/bench/aaa_logins.sh [BIN] [N] [C]
here=$(cd "$(dirname "$0")" && pwd)
set -- "${1:-$here/../../build/bin}" "${2:-200}" "${3:-8}"
N=$2 C=$3
source "$here/../integration/lib.sh" "$1"
source "$here/../integration/radius_lib.sh"
PIDS=()
LOGINS=()
# (Under set -e a failing kill in the trap would end it before the clean-up: "|| true".)
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"; radius_stop_all; cleanup' EXIT
KEY=load-k3y

make_vpn_lab
ip -n "$INS" addr add 192.0.2.12/24 dev eth0  # the dead server: nothing answers there
# Clients from 16 addresses: one address may have only 5 negotiations open and start 10 a
# second (issue 11's admission limits), which would measure those limits instead.
for a in $(seq 10 25); do ip -n "$CNS" addr add "198.51.100.$a/26" dev eth0; done
radius_prepare "$WORK/raddb" 192.0.2.10 192.0.2.1 "$KEY"
for i in $(seq -w 1 "$N"); do
  printf 'user%s\tCleartext-Password := "pw%s"\n\tMessage-Authenticator = 0x00\n\n' "$i" "$i"
done >"$WORK/raddb/mods-config/files/authorize"
radius_users "$WORK/raddb"
radius_start "$INS" "$WORK/raddb" 192.0.2.10

start_daemon
mapfile -t lines < <(ezvpn_gateway_lines \
  "aaa-server RAD protocol radius" \
  "aaa-server RAD (inside) host 192.0.2.12" "key $KEY" "authentication-port 1812" \
  "accounting-port 1813" "timeout 2" "retry-interval 1" "exit" \
  "aaa-server RAD (inside) host 192.0.2.10" "key $KEY" "authentication-port 1812" \
  "accounting-port 1813" "timeout 2" "retry-interval 1" "exit" \
  "tunnel-group EZ general-attributes" "authentication-server-group RAD" "exit")
out=$(cli "configure terminal" "${lines[@]}" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"

# The unrelated console: one "show version" after another, the slowest answer kept.
( worst=0
  while [[ ! -f "$WORK/stop" ]]; do
    t0=$(date +%s%N)
    cli "show version" >/dev/null
    dt=$((($(date +%s%N) - t0) / 1000000))
    ((dt > worst)) && { worst=$dt; echo "$worst" >"$WORK/worst"; }
    sleep 0.05
  done ) &
PIDS+=($!)

login() {  # login I: one vpnc login as userI, up and down; prints its time in ms or "fail"
  local i=$1 d=$WORK/c$1
  mkdir -p "$d"
  printf '%s\n' "IPSec gateway 198.51.100.1" "IPSec ID EZ" "IPSec secret cisco123" \
    "Xauth username user$i" "Xauth password pw$i" "Local Port 0" \
    "Local Addr 198.51.100.$((10 + 10#$i % 16))" >"$d/conf"
  printf '#!/bin/sh\n[ "$reason" = connect ] && touch %s/up\nexit 0\n' "$d" >"$d/script"
  chmod +x "$d/script"
  local t0 p
  t0=$(date +%s%N)
  ip netns exec "$CNS" vpnc --no-detach --debug 1 --pid-file "$d/pid" --dh dh2 --pfs nopfs \
    --script "$d/script" "$d/conf" >"$d/log" 2>&1 &
  p=$!
  for _ in $(seq 300); do
    [[ -f "$d/up" ]] && break
    kill -0 "$p" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -f "$d/up" ]]; then echo $((($(date +%s%N) - t0) / 1000000)); else echo "fail user$i: vpnc: $(grep -v "^$" "$d/log" | tail -1)"; fi
  kill "$p" 2>/dev/null
  wait "$p" 2>/dev/null || true  # vpnc ends with a status of its own on SIGTERM
}

start=$(date +%s%N)
running=0
for i in $(seq -w 1 "$N"); do
  if ((running >= C)); then wait -n "${LOGINS[@]}" 2>/dev/null || true; running=$((running - 1)); fi
  login "$i" >"$WORK/t$i" &
  LOGINS+=($!)
  running=$((running + 1))
done
wait "${LOGINS[@]}" 2>/dev/null || true
elapsed=$((($(date +%s%N) - start) / 1000000))
touch "$WORK/stop"
ok=$(cat "$WORK"/t* | grep -vc fail || true)
failed=$(cat "$WORK"/t* | grep -c fail || true)
slowest=$(cat "$WORK"/t* | grep -v fail | sort -n | tail -1)
median=$(cat "$WORK"/t* | grep -v fail | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "logins: $ok ok, $failed failed, in $((elapsed / 1000)).$((elapsed % 1000 / 100)) s, $C at a time"
awk -v n="$ok" -v ms="$elapsed" 'BEGIN { printf "logins per second: %.1f\n", n * 1000 / ms }'
echo "login time: median $median ms, slowest $slowest ms"
# Why a login did not come up: how far the gateway got with that user (its log), and what
# vpnc said last.
why() {
  local u=$1 log=$WORK/rampartd.log
  if grep -q "Username = $u, .*Cannot obtain an IP address" "$log"; then
    echo "the address pool was empty (713132): sessions that ended still held their addresses"
  elif grep -q "Username = $u, .*PHASE 2 COMPLETED" "$log"; then
    echo "the gateway completed quick mode: vpnc was late to run its script"
  elif grep -q "Username = $u, .*PHASE 1 COMPLETED" "$log"; then
    echo "phase 1 and XAUTH done, no quick mode"
  elif grep -q "user = $u\$" "$log"; then
    echo "authenticated by RADIUS, phase 1 not completed"
  else
    echo "the gateway never got to XAUTH for it"
  fi
}
{ grep -h '^fail' "$WORK"/t* || true; } | while read -r _ user rest; do
  echo "${user%:}: $rest; $(why "${user%:}")"
done | head -20
echo "worst console stall (show version): $(cat "$WORK/worst" 2>/dev/null || echo 0) ms"
cli "show aaa-server RAD" | grep -E "Server Address|Server status|Number of (authentication requests|accepts|rejects|timeouts)|Average round trip"
