#!/usr/bin/env bash
# The TACACS+ client (control/aaa/tacacs_client) against tests/tools/tacacs_server over real TCP
# between two namespaces, through tests/tools/tacacs_probe:
#
#   $NS (client)  192.0.2.1, 192.0.2.2 --veth-- $INS (servers)  192.0.2.10 key "tackey"
#                                                            192.0.2.11 key "tackey" --drop
#                                                            192.0.2.12 nothing listening
#
# ASCII and PAP logins, wrong password, expired password, priv-lvl 15 and 1 by authorization,
# VPN attributes, accounting records in the server's log, wrong key, a silent server (Timeout
# within the timeout), no server (Error), single-connection reuse, concurrent sessions, the
# source address, and debug output that never shows the password or the key.
source "$(dirname "$0")/lib.sh"

SERVER_PIDS=()
stop_servers() {
  for pid in "${SERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap 'stop_servers; cleanup' EXIT

ip netns add "$NS"
ip netns add "$INS"
ip -n "$NS" link set lo up
ip -n "$INS" link set lo up
ip -n "$NS" link add eth0 type veth peer name "t$$"
ip -n "$NS" link set "t$$" netns "$INS"
ip -n "$INS" link set "t$$" name eth0
ip -n "$NS" addr add 192.0.2.1/24 dev eth0
ip -n "$NS" addr add 192.0.2.2/24 dev eth0
for a in 10 11 12; do ip -n "$INS" addr add "192.0.2.$a/24" dev eth0; done
ip -n "$NS" link set eth0 up
ip -n "$INS" link set eth0 up

cat >"$WORK/users" <<'EOF'
# user password priv-lvl [expired] [attribute=value ...]
alice secret15 15
bob bobpass 1 acl=VPN-FILTER idletime=30 timeout=60
carol oldpass 1 expired
EOF

# start_server NAME ADDR [OPTION...]: a tacacs_server in $INS, ready when it says so.
start_server() {
  local name=$1 addr=$2
  shift 2
  ip netns exec "$INS" "$BIN/tacacs_server" --listen "$addr:49" --users "$WORK/users" \
    --acct-log "$WORK/acct.log" --ready "$WORK/$name.ready" "$@" 2>"$WORK/$name.log" &
  SERVER_PIDS+=($!)
  for _ in $(seq 200); do
    [[ -f "$WORK/$name.ready" ]] && return 0
    sleep 0.025
  done
  fail "tacacs_server $name did not start: $(cat "$WORK/$name.log")"
}

probe() { ip netns exec "$NS" "$BIN/tacacs_probe" --timeout-ms 1500 "$@" 2>>"$WORK/probe.err"; }

# expect PATTERN PROBE-ARGS...: every answer line of the probe matches PATTERN.
expect() {
  local pattern=$1 out
  shift
  out=$(probe "$@") || true
  [[ -n "$out" ]] || fail "no answer from: $*"
  while read -r line; do
    [[ "$line" =~ $pattern ]] || fail "$* -> '$line', expected /$pattern/"
  done <<<"$out"
  echo "ok: $* -> $(head -n 1 <<<"$out")"
}

start_server main 192.0.2.10 --key tackey
start_server silent 192.0.2.11 --key tackey --drop
S=(--server 192.0.2.10 --key tackey)

# Logins: ASCII (the ASA's) and PAP.
expect '^kind=Accept ' "${S[@]}" auth alice secret15 ssh
expect '^kind=Accept ' "${S[@]}" --pap auth alice secret15 ssh
expect '^kind=Accept ' "${S[@]}" auth bob bobpass vpn
expect '^kind=Reject .*message=Invalid password' "${S[@]}" auth alice wrong ssh
expect '^kind=Reject ' "${S[@]}" --pap auth alice wrong ssh
expect '^kind=Reject ' "${S[@]}" auth nobody secret15 ssh
expect '^kind=PasswordExpired ' "${S[@]}" auth carol oldpass vpn
grep -q "session aborted by the client" "$WORK/main.log" || fail "no abort after GETDATA"

# Authorization: priv-lvl for exec, the ASA's VPN attributes (minutes become seconds).
expect '^kind=Accept .* priv=15( |$)' "${S[@]}" authz alice shell
expect '^kind=Accept .* priv=1$' "${S[@]}" authz bob shell
expect '^kind=Accept .* priv=1 acl=VPN-FILTER idle=1800 timeout=3600' "${S[@]}" authz bob vpn
expect '^kind=Reject ' "${S[@]}" authz nobody shell

# Accounting: session START/WATCHDOG/STOP and a command, each one line in the server's log.
expect '^kind=Accept ' "${S[@]}" acct start bob S77
expect '^kind=Accept ' "${S[@]}" acct interim bob S77
expect '^kind=Accept ' "${S[@]}" acct stop bob S77
expect '^kind=Accept ' "${S[@]}" acct command alice 15 show running-config
log=$(cat "$WORK/acct.log")
grep -q '^user=bob port=vpn rem_addr=198.51.100.2 .*flags=start task_id=S77 service=ppp' \
  <<<"$log" || fail "no START record: $log"
grep -q 'flags=watchdog task_id=S77 .*bytes_in=1000 bytes_out=2000 .*elapsed_time=42' \
  <<<"$log" || fail "no WATCHDOG record: $log"
grep -q 'flags=stop task_id=S77 .*elapsed_time=42 disc-cause=1$' <<<"$log" ||
  fail "no STOP record: $log"
grep -q '^user=alice .*priv_lvl=15 flags=stop task_id=[0-9]* service=shell priv-lvl=15 cmd=show running-config$' \
  <<<"$log" || fail "no command record: $log"
[[ $(wc -l <<<"$log") -eq 4 ]] || fail "expected 4 accounting lines: $log"

# A wrong key: the server cannot read us and answers with its own key; we cannot read that.
expect '^kind=BadAuthenticator ' --server 192.0.2.10 --key wrongkey auth alice secret15 ssh
# No key while the server has one: it drops the connection.
expect '^kind=Error ' --server 192.0.2.10 auth alice secret15 ssh

# A server that accepts and never answers: Timeout, at the 1.5 s timeout (not before it, and
# nowhere near the 5 s default; a loaded CI machine adds some hundreds of ms, which is not
# what this checks).
start=$(date +%s%N)
expect '^kind=Timeout rtt_ms=(1[4-9]|2[0-9])[0-9][0-9] ' --server 192.0.2.11 --key tackey auth alice x ssh
elapsed=$((($(date +%s%N) - start) / 1000000))
((elapsed < 4000)) || fail "the silent server took ${elapsed} ms"
# No server listening: connection refused, at once.
expect '^kind=Error .*refused' --server 192.0.2.12 --key tackey auth alice secret15 ssh

# Single-connection mode: five sessions, one TCP connection; without it, five.
before=$(grep -c "connection .* from" "$WORK/main.log")
expect '^kind=Accept ' "${S[@]}" --repeat 5 auth alice secret15 ssh
after=$(grep -c "connection .* from" "$WORK/main.log")
((after - before == 1)) || fail "single-connection mode used $((after - before)) connections"
expect '^kind=Accept ' "${S[@]}" --no-single --repeat 5 auth alice secret15 ssh
final=$(grep -c "connection .* from" "$WORK/main.log")
((final - after == 5)) || fail "without single-connection: $((final - after)) connections"

# A kept connection the server has closed meanwhile (it restarted): the next session notices
# and opens a fresh one instead of failing.
probe "${S[@]}" --repeat 2 --pause-ms 1500 auth alice secret15 ssh >"$WORK/restart.out" &
probe_pid=$!
for _ in $(seq 200); do
  [[ -s "$WORK/restart.out" ]] && break
  sleep 0.025
done
kill "${SERVER_PIDS[0]}"
wait "${SERVER_PIDS[0]}" 2>/dev/null || true
rm -f "$WORK/main.ready"
start_server main 192.0.2.10 --key tackey
wait "$probe_pid" || fail "restart: $(cat "$WORK/restart.out")"
[[ $(grep -c '^kind=Accept ' "$WORK/restart.out") -eq 2 ]] ||
  fail "across a server restart: $(cat "$WORK/restart.out")"
echo "ok: a kept connection closed by the server is replaced"

# Concurrent sessions from one client: each gets its own connection and its own answer.
out=$(probe "${S[@]}" --parallel 8 auth alice secret15 ssh)
[[ $(grep -c '^kind=Accept ' <<<"$out") -eq 8 ]] || fail "parallel logins: $out"
out=$(probe "${S[@]}" --parallel 4 --repeat 3 authz bob vpn)
[[ $(grep -c '^kind=Accept .*priv=1 acl=VPN-FILTER' <<<"$out") -eq 12 ]] ||
  fail "parallel authorization: $out"
echo "ok: 8 parallel logins, 12 parallel authorizations"

# The source address: the server sees the one we bind.
expect '^kind=Accept ' "${S[@]}" --no-single --source 192.0.2.2 auth alice secret15 ssh
grep -q "connection .* from 192.0.2.2$" "$WORK/main.log" || fail "source 192.0.2.2 not used"

# Debug: the ASA's wording, and never the password or the key.
: >"$WORK/probe.err"
probe "${S[@]}" --debug auth alice secret15 ssh >/dev/null
probe "${S[@]}" --debug --pap auth alice secret15 ssh >/dev/null
probe "${S[@]}" --debug authz bob vpn >/dev/null
dbg=$(cat "$WORK/probe.err")
for line in "Sending TACACS Start message. Session id: " "tacp_procpkt_authen: GETPASS" \
  "mkpkt_continue - response: ***" "tacp_procpkt_authen: PASS" "TACACS Session finished." \
  "tacp_procpkt_author: PASS_ADD"; do
  grep -qF "$line" <<<"$dbg" || fail "debug lacks '$line': $dbg"
done
if grep -qE "secret15|tackey" <<<"$dbg"; then fail "debug shows a secret: $dbg"; fi
echo "ok: debug lines, no secrets"
echo PASS
