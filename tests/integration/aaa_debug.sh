#!/usr/bin/env bash
# "debug tacacs" on a console session of rampartd: the TACACS+ client's lines of a
# "test aaa-server authentication" against tests/tools/tacacs_server reach that session, never
# with the password or the key; another session without the debug sees none of them; after
# "undebug all" no more lines come.
#
#   $NS (rampartd) inside 192.0.2.1 --veth-- $INS 192.0.2.10 tacacs_server, key $KEY
source "$(dirname "$0")/lib.sh"

KEY=Tk3y-d3bug-41
PASSWORD=Pw-d3bug-77
SERVER_PID=
trap 'if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi; cleanup' EXIT

make_vpn_lab
cat >"$WORK/users" <<EOF
alice $PASSWORD 15
EOF
ip netns exec "$INS" "$BIN/tacacs_server" --listen 192.0.2.10:49 --users "$WORK/users" \
  --acct-log "$WORK/acct.log" --ready "$WORK/tac.ready" --key "$KEY" 2>"$WORK/tac.log" &
SERVER_PID=$!
for _ in $(seq 200); do
  [[ -f "$WORK/tac.ready" ]] && break
  sleep 0.025
done
[[ -f "$WORK/tac.ready" ]] || fail "tacacs_server did not start: $(cat "$WORK/tac.log")"

start_daemon
out=$(cli "configure terminal" \
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit" \
  "aaa-server TAC protocol tacacs+" \
  "aaa-server TAC (inside) host 192.0.2.10" "key $KEY" "timeout 3" "exit" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused: $out"

# The TACACS+ client's debug lines (control/aaa/tacacs_client.cpp, tacacs_session.cpp).
DEBUG_LINE='^(mk_pkt - type|mkpkt_continue|Tacacs packet sent|Sending TACACS|Received TACACS|tacp_procpkt_authen|TACACS)'
test_line="test aaa-server authentication TAC host 192.0.2.10 username alice password $PASSWORD"

# A session without the debug: the answer, no debug line.
plain=$(cli "$test_line" "show debug")
echo "$plain" >"$WORK/plain.out"
grep -q "INFO: Authentication Successful" <<<"$plain" || fail "no successful test: $plain"
grep -q -E "$DEBUG_LINE" <<<"$plain" && fail "debug lines on a session that did not ask: $plain"

# The session with "debug tacacs": the client's lines arrive.
dbg=$(cli "debug tacacs" "show debug" "$test_line" "show debug")
echo "$dbg" >"$WORK/debug.out"
grep -q "debug tacacs enabled at level 1" <<<"$dbg" || fail "show debug: $dbg"
grep -q "INFO: Authentication Successful" <<<"$dbg" || fail "no successful test: $dbg"
lines=$(grep -c -E "$DEBUG_LINE" <<<"$dbg" || true)
((lines >= 4)) || fail "too few debug lines ($lines): $dbg"
grep -q "^user: alice" <<<"$dbg" || fail "the debug does not name the user: $dbg"
grep -q "^mkpkt_continue - response: \*\*\*" <<<"$dbg" || fail "the password's CONTINUE is not masked: $dbg"
grep -q "^tacp_procpkt_authen: PASS" <<<"$dbg" || fail "no PASS in the debug: $dbg"
# Shown as the exchange goes on: the server's PASS before the test's result.
pass_at=$(grep -n "^tacp_procpkt_authen: PASS" <<<"$dbg" | head -n 1 | cut -d: -f1)
result_at=$(grep -n "INFO: Authentication Successful" <<<"$dbg" | head -n 1 | cut -d: -f1)
((pass_at < result_at)) || fail "the debug lines came after the result: $dbg"
# The password appears only in the echoed command line, never in a debug line; the key never.
grep -v "test aaa-server" <<<"$dbg" | grep -q -- "$PASSWORD" && fail "a debug line shows the password"
grep -q -- "$KEY" <<<"$dbg" && fail "a debug line shows the key"
grep -q -- "$KEY" "$WORK/rampartd.log" && fail "the daemon's log shows the key"

# Wrong password: the reject's lines arrive too, still without the secret.
bad=$(cli "debug tacacs session" "test aaa-server authentication TAC host 192.0.2.10 username alice password Wr0ng-9x" "show debug")
grep -q "ERROR: Authentication Rejected" <<<"$bad" || fail "a wrong password was not refused: $bad"
grep -q "^tacp_procpkt_authen: FAIL" <<<"$bad" || fail "no FAIL in the debug: $bad"
grep -q "debug tacacs session enabled at level 1" <<<"$bad" || fail "show debug: $bad"
grep -v "test aaa-server" <<<"$bad" | grep -q "Wr0ng-9x" && fail "a debug line shows the wrong password"

# undebug: the same test prints no debug line.
off=$(cli "debug tacacs" "undebug all" "$test_line" "show debug")
after=$(grep -c -E "$DEBUG_LINE" <<<"$off" || true)
((after == 0)) || fail "debug lines after undebug all: $off"
echo "ok: $lines debug lines, no password, no key; none without the debug"
