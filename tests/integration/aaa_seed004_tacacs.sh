#!/usr/bin/env bash
# Seed 004's PIX 6.3 configuration, whole, as the startup-config (issue 13): its VPN clients are
# authenticated by its TACACS+ server, through the seed's own lines
#   aaa-server AuthInbound protocol tacacs+
#   aaa-server AuthInbound (inside) host 10.89.129.134 secretkey timeout 10
#   crypto map mymap client authentication AuthInbound
#   vpngroup vpn3000 ... password ...   (single DES, MD5, the pool VPNpool)
# The lab is seed004_lib.sh's; the TACACS+ server (tests/tools/tacacs_server, key "secretkey")
# is the seed's 192.0.2.134, behind the seed's inside router 192.0.2.193 as the seed's route
# has it; vpnc connects from the Internet (198.51.100.3) as group vpn3000.
#  1. The right password: XAUTH answered by the server (113004 naming it, the server logs the
#     login), an address from VPNpool (192.0.2.200-204), the session in vpn-sessiondb.
#  2. A wrong password: refused (113005, the server logs the failure), vpnc is not connected.
#  3. "show aaa-server AuthInbound" counts both requests, one accept, one reject.
#  4. The seed configures no accounting: the server receives no record.
#  5. SSH administrators known only to the TACACS+ server, with the seed's config plus the lines
#     that enable it (ssh from the inside router's segment, "aaa authentication ssh console
#     AuthInbound", "aaa authorization exec authentication-server"): exec authorization
#     (service=shell) at the server that authenticated decides the level, priv-lvl 15 in
#     privileged EXEC, 1 in user EXEC; a user it refuses gets no session and 113021.
#  6. No secret of the seed is shown by "show running-config" (the key is masked), no password
#     is in rampartd's log.
#   aaa_seed004_tacacs.sh BIN
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seed004_lib.sh"
source "$(dirname "$0")/ssh_lib.sh"
TACACS_PID=
trap '[[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"; [[ -n "$TACACS_PID" ]] && kill "$TACACS_PID" 2>/dev/null; cleanup' EXIT
USER_PW=t4cacs-Pw1
export VPNC_GROUP=vpn3000 VPNC_SECRET=vpn3000-secret VPNC_WEAK=1

# The Internet namespace is vpnc's ($CNS), the inside router's is $INS: cleanup removes both.
seed004_lab "$CNS" "$INS"
ip -n "$INS" addr add 192.0.2.134/32 dev lo
cat >"$WORK/tacacs-users" <<EOF
vpnuser $USER_PW 1
sshadmin Adm-t4cacs-15 15
sshop Op-t4cacs-1 1
sshnoexec No-t4cacs-x 15 noexec
EOF
cat >>"$FLASH/startup-config" <<'EOF'
ssh 192.0.2.192 255.255.255.240 inside
aaa authentication ssh console AuthInbound
aaa authorization exec authentication-server
EOF
ip netns exec "$INS" "$BIN/tacacs_server" --listen 192.0.2.134:49 --users "$WORK/tacacs-users" \
  --key secretkey --acct-log "$WORK/tacacs-acct.log" --ready "$WORK/tacacs.ready" \
  2>"$WORK/tacacs.log" &
TACACS_PID=$!
wait_for 5 test -f "$WORK/tacacs.ready" || fail "tacacs_server did not start: $(cat "$WORK/tacacs.log")"
ip -n "$INS" route add default via 192.0.2.194

ssh_start_daemon
seed004_wait_takeover
errors=$(cli "show startup-config errors")
grep -qE 'aaa-server AuthInbound|client authentication|vpngroup' <<<"$errors" &&
  { echo "$errors"; fail "a line of the seed's VPN authentication was not applied"; }

# ---- 1. the right password ------------------------------------------------------------------
vpnc_connect vpnuser "$USER_PW" ||
  { tail -20 "$WORK/vpnc.log"; tail -30 "$WORK/rampartd.log"; fail "vpnuser did not connect"; }
addr=$(sed -n 's/^INTERNAL_IP4_ADDRESS=//p' "$WORK/vpnc-env.connect")
[[ "$addr" =~ ^192\.0\.2\.(20[0-4])$ ]] || fail "address $addr is not from VPNpool"
grep -q 'AAA user authentication Successful : server = *192.0.2.134 : user = vpnuser$' \
  "$WORK/rampartd.log" || { grep 11300 "$WORK/rampartd.log"; fail "no 113004 naming 192.0.2.134"; }
grep -q ': login PASS for vpnuser$' "$WORK/tacacs.log" ||
  { cat "$WORK/tacacs.log"; fail "the TACACS+ server did not log the login"; }
db=$(cli "show vpn-sessiondb remote")
grep -Eq 'Username +: vpnuser ' <<<"$db" || { echo "$db"; fail "no session for vpnuser"; }
grep -Eq "Assigned IP +: $addr " <<<"$db" || { echo "$db"; fail "sessiondb: assigned IP"; }
echo "ok   vpnuser authenticated by TACACS+ at 192.0.2.134, address $addr from VPNpool"
kill "$VPNC_PID" 2>/dev/null || true
wait "$VPNC_PID" 2>/dev/null || true
VPNC_PID=
gone() { ! cli "show vpn-sessiondb remote" | grep -q "Username"; }
wait_for 15 gone || fail "the session stayed after vpnc left"

# ---- 2. a wrong password ------------------------------------------------------------------
if vpnc_connect vpnuser not-the-password; then fail "a wrong password was let in"; fi
grep -q 'AAA user authentication Rejected : reason = .* : server = *192.0.2.134 : user = \*\*\*\*\*' \
  "$WORK/rampartd.log" || { grep 11300 "$WORK/rampartd.log"; fail "no 113005 for the wrong password"; }
grep -q ': login FAIL for vpnuser$' "$WORK/tacacs.log" || fail "the server did not log the failure"
echo "ok   a wrong password is refused by the server"

# ---- 3. the server's counters -------------------------------------------------------------
show=$(cli "show aaa-server AuthInbound")
count() { sed -nE "s/^Number of $1[[:space:]]+([0-9]+)$/\1/p" <<<"$show"; }
grep -Eq '^Server Address: +192\.0\.2\.134$' <<<"$show" || { echo "$show"; fail "show aaa-server: host"; }
grep -Eq '^Server Protocol: +tacacs\+$' <<<"$show" || { echo "$show"; fail "show aaa-server: protocol"; }
(($(count "authentication requests") >= 2 && $(count accepts) == 1 && $(count rejects) >= 1)) ||
  { echo "$show"; fail "show aaa-server counters"; }
echo "ok   show aaa-server AuthInbound: $(count "authentication requests") requests," \
  "$(count accepts) accept, $(count rejects) reject"

# ---- 4. no accounting: the seed has none ---------------------------------------------------
[[ ! -s "$WORK/tacacs-acct.log" ]] || { cat "$WORK/tacacs-acct.log"; fail "accounting not configured, yet sent"; }
(($(count "accounting requests") == 0)) || fail "accounting requests counted"
echo "ok   no accounting record (the seed configures none)"

# ---- 5. SSH administrators of the TACACS+ server ----------------------------------------------
ssh_wait_listen 192.0.2.194
ssh_lands tac-admin "$INS" sshadmin Adm-t4cacs-15 192.0.2.194 "pixfirewall#"
ssh_lands tac-op "$INS" sshop Op-t4cacs-1 192.0.2.194 "pixfirewall>"
grep -q ': authorization for sshadmin service=shell' "$WORK/tacacs.log" ||
  { cat "$WORK/tacacs.log"; fail "no exec (shell) authorization at the server"; }
ssh_refused tac-noexec "$INS" sshnoexec No-t4cacs-x 192.0.2.194
grep -q ': login PASS for sshnoexec$' "$WORK/tacacs.log" || fail "sshnoexec's password was not accepted"
grep -qF '%ASA-3-113021: Attempted console login failed. User sshnoexec did NOT have appropriate Admin Rights.' \
  "$WORK/rampartd.log" || { grep -E '1130|6050' "$WORK/rampartd.log"; fail "no 113021 for sshnoexec"; }
ssh_refused tac-wrong "$INS" sshop not-the-password 192.0.2.194
echo "ok   SSH: priv-lvl 15 lands in privileged EXEC, 1 in user EXEC, exec authorization FAIL refused (113021)"

# ---- 6. secrets stay hidden -----------------------------------------------------------------
run=$(cli "show running-config")
aaa_run=$(cli "show running-config aaa-server")
grep -A3 -E '^aaa-server AuthInbound \(inside\) host 192\.0\.2\.134$' <<<"$aaa_run" |
  grep -Eq '^ key \*+$' || { echo "$aaa_run"; fail "the server's key is not shown masked"; }
for secret in secretkey vpn3000-secret cisco1234 "$USER_PW" Adm-t4cacs-15 No-t4cacs-x; do
  grep -qF -- "$secret" <<<"$run" && fail "show running-config shows a secret"
done
grep -qF -e "$USER_PW" -e Adm-t4cacs-15 -e Op-t4cacs-1 "$WORK/rampartd.log" &&
  fail "rampartd's log shows a password"
echo "ok   show running-config masks the key"
asan_clean
echo PASS
