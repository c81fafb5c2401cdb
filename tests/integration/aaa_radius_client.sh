#!/usr/bin/env bash
# The RADIUS client (aaa::make_radius_client over radcli) against a real FreeRADIUS 3.2:
#
#   NAS ns     eth0 192.0.2.1/24 ──── eth0 192.0.2.134/24   RADIUS ns (freeradius -f -d DIR)
#
# Shows: an Access-Accept whose Framed-IP-Address, Class, Filter-Id, Session-Timeout, Cisco
# Group-Policy and Reply-Message reach aaa::Authorization (the users entry only matches when our
# request carries NAS-Port-Type Virtual, Service-Type Framed, the ASA's Tunnel-Group-Name and
# Client-Type VSAs and Calling-Station-Id, so the request attributes are checked by the server);
# authorization with the username as the password; Access-Reject for a wrong password; a wrong
# shared secret (Timeout: FreeRADIUS drops both requests, their Message-Authenticator or
# Request Authenticator failing); an Accept without a Message-Authenticator refused; accounting Start/Stop in FreeRADIUS's detail file with the octet counts
# (Gigawords beyond 2^32), the Class echoed and the terminate cause; and with the server
# stopped, Timeout within the configured timeout after the retransmissions that fit into it;
# forged Access-Accepts (right Identifier, no key; or from another address) never believed;
# MS-CHAPv2 (password-management): Accept only with the server's MS-CHAP2-Success verified,
# Reject, E=648 PasswordExpired, a change (MS-CHAP2-CPW + NT-Enc-PW) that the directory behind
# FreeRADIUS decrypts to the new password (a wrong old password changes nothing), then the new
# password accepted and the old refused; no password in the debug lines.
# Then SSH end to end (OpenSSH -> PAM -> rampartd -> FreeRADIUS, the client in the server's
# namespace): administrators known only to FreeRADIUS log in under "aaa authorization exec
# authentication-server", NAS-Prompt in user EXEC, Administrative or shell:priv-lvl=15 in
# privileged EXEC, Framed-User refused with 113021; a wrong password refused; a name only the
# local database knows gets in (LOCAL) only once the server no longer answers.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/radius_lib.sh"
source "$(dirname "$0")/ssh_lib.sh"
RNS=rrad$$
KEY=$WORK/key
BADKEY=$WORK/badkey
RADDB=$WORK/raddb
command -v freeradius >/dev/null || fail "freeradius is not installed (scripts/deps)"
[[ -x "$BIN/radius_probe" ]] || fail "$BIN/radius_probe not built (RAMPART_TESTS)"

rad_cleanup() {
  radius_stop_all
  ip netns del "$RNS" 2>/dev/null || true
  cleanup
}
trap rad_cleanup EXIT

# ---- the two namespaces and their cable ------------------------------------------------------
ip netns add "$NS"
ip netns add "$RNS"
ip -n "$NS" link set lo up
ip -n "$RNS" link set lo up
ip -n "$NS" link add eth0 type veth peer name "r$$"
ip -n "$NS" link set "r$$" netns "$RNS"
ip -n "$RNS" link set "r$$" name eth0
ip -n "$NS" addr add 192.0.2.1/24 dev eth0
ip -n "$RNS" addr add 192.0.2.134/24 dev eth0
ip -n "$NS" link set eth0 up
ip -n "$RNS" link set eth0 up

# ---- FreeRADIUS's configuration: a copy of Debian's, our client and users ------------------
printf 'k3y,with:odd chars\n' >"$KEY"
printf 'not-the-key\n' >"$BADKEY"
chmod 600 "$KEY" "$BADKEY"
radius_prepare "$RADDB" 192.0.2.134 192.0.2.1 "$(cat "$KEY")"
cat >"$RADDB/mods-config/files/authorize" <<'USERS'
alice	Cleartext-Password := "wonderland", NAS-Port-Type == Virtual, Service-Type == Framed-User, ASA-TunnelGroupName == "RA-GROUP", ASA-ClientType == 2, Calling-Station-Id == "198.51.100.2"
	Framed-IP-Address = 203.0.113.77,
	Framed-IP-Netmask = 255.255.255.0,
	Class = "OU=engineering;",
	Class = "CACS:0a0b0c",
	Filter-Id = "vpn_acl",
	Session-Timeout = 3600,
	Idle-Timeout = 600,
	ASA-Simultaneous-Logins = 2,
	Reply-Message = "welcome alice",
	Message-Authenticator = 0x00

dave	Cleartext-Password := "dave"
	Filter-Id = "no_message_authenticator"

carol	Cleartext-Password := "carol"
	ASA-Group-Policy = "contractors",
	Class = "OU=engineering;",
	Message-Authenticator = 0x00

nasop	Cleartext-Password := "N4s-prompt-1"
	Service-Type = NAS-Prompt-User,
	Message-Authenticator = 0x00

radadmin	Cleartext-Password := "R4d-admin-6"
	Service-Type = Administrative-User,
	Message-Authenticator = 0x00

privop	Cleartext-Password := "Pr1v-op-15"
	Service-Type = NAS-Prompt-User,
	Cisco-AVPair = "shell:priv-lvl=15",
	Message-Authenticator = 0x00

vpnonly	Cleartext-Password := "Vpn-0nly-2"
	Service-Type = Framed-User,
	Message-Authenticator = 0x00

mary	NAS-Port-Type == Virtual
	Message-Authenticator = 0x00

erin	NAS-Port-Type == Virtual
	Message-Authenticator = 0x00

# Anyone else (a name only the appliance's local database knows): rejected, with a
# Message-Authenticator as every answer our client takes.
DEFAULT
	Message-Authenticator = 0x00,
	Fall-Through = Yes

USERS
# password-management: the directory behind rlm_mschap says "Password expired" for erin until a
# change (MS-CHAP2-CPW) has gone through.
AD=$WORK/ad
radius_directory "$RADDB" "$AD"
printf 'Mary-Pass1' >"$AD/mary.pw"
printf 'Old-Pass1' >"$AD/erin.pw"
: >"$AD/erin.expired"
radius_users "$RADDB"

start_radius() { radius_start "$RNS" "$RADDB" 192.0.2.134; }
stop_radius() { radius_stop_all; }

probe() {  # probe OP [ARGS...]: the client in the NAS namespace, its answer in $OUT
  OUT=$(ip netns exec "$NS" "$BIN/radius_probe" "$1" --server 192.0.2.134 --source 192.0.2.1 \
    --nas 192.0.2.1 --client 198.51.100.2 --tunnel-group RA-GROUP "${@:2}")
}
expect() {  # expect LINE: the probe's last answer has this line
  grep -qxF "$1" <<<"$OUT" || { echo "$OUT"; fail "expected '$1'"; }
}

start_radius

# ---- Access-Accept and what it authorises ---------------------------------------------------
probe auth --port 1812 --key-file "$KEY" --user alice --password wonderland --debug 2>"$WORK/debug"
expect "kind=Accept"
expect "framed_ip=203.0.113.77"
expect "framed_mask=255.255.255.0"
expect "group_policy=engineering"
expect "filter_acl=vpn_acl"
expect "session_timeout=3600"
expect "idle_timeout=600"
expect "simultaneous_logins=2"
expect "class=OU=engineering;"
expect "class=CACS:0a0b0c"
expect "message=welcome alice"
expect "retransmissions=0"
echo "accept: ok"
# debug radius: the request decoded, the password never.
grep -qxF "RADIUS packet decode (authentication request)" "$WORK/debug" || fail "no debug lines"
grep -qxF "Radius: Value (String) = (...)" "$WORK/debug" || fail "password not masked"
grep -qxF "rad_procpkt: ACCEPT" "$WORK/debug" || fail "no rad_procpkt line"
if grep -q "wonderland\|k3y" "$WORK/debug"; then fail "debug output shows a secret"; fi
echo "debug: ok"

# Twenty calls at once on one client, as rampartd's workers make them.
probe auth --port 1812 --key-file "$KEY" --user alice --password wonderland --threads 20
expect "concurrent_accepts=20"
echo "concurrent: ok"

# The Group-Policy VSA wins over Class, as on the ASA.
probe auth --port 1812 --key-file "$KEY" --user carol --password carol
expect "kind=Accept"
expect "group_policy=contractors"

# A server that signs its Access-Accept without a Message-Authenticator (FreeRADIUS before
# 3.2.5 unless told to add one, as the users entries above do): refused, since nothing but
# the MD5 Response Authenticator would protect it (Blast-RADIUS, CVE-2024-3596); accepted
# only by a client told not to require it.
probe auth --port 1812 --key-file "$KEY" --user dave --password dave --timeout-ms 2000 --retry-ms 1000
expect "kind=BadAuthenticator"
probe auth --port 1812 --key-file "$KEY" --user dave --password dave --no-require-message-authenticator
expect "kind=Accept"
expect "filter_acl=no_message_authenticator"
echo "message-authenticator: ok"

# RADIUS authorization: an Access-Request whose password is the username.
probe authz --port 1812 --key-file "$KEY" --user carol
expect "kind=Accept"
expect "group_policy=contractors"
echo "authorization: ok"

# ---- Access-Reject --------------------------------------------------------------------------
probe auth --port 1812 --key-file "$KEY" --user alice --password wrong
expect "kind=Reject"
echo "reject: ok"

# ---- MS-CHAPv2 (password-management) ----------------------------------------------------------
# The server proves it knows the password too (MS-CHAP2-Success checked, else no Accept).
probe auth --port 1812 --key-file "$KEY" --user mary --password Mary-Pass1 --mschapv2 --debug 2>"$WORK/debug"
expect "kind=Accept"
grep -qxF "Radius: Type = 25 (0x19) MS-CHAP2-Response" "$WORK/debug" || fail "no MS-CHAP2-Response"
grep -q "User-Password" "$WORK/debug" && fail "an MS-CHAPv2 request with a User-Password"
grep -q "Mary-Pass1" "$WORK/debug" && fail "debug output shows the password"
probe auth --port 1812 --key-file "$KEY" --user mary --password wrong --mschapv2
expect "kind=Reject"
# RFC 2759: at most 256 characters; a longer one is refused here, not counted against the server.
probe auth --port 1812 --key-file "$KEY" --user mary --password "$(printf 'x%.0s' {1..300})" --mschapv2
expect "kind=Reject"
expect "message=password too long"
# The expired account: E=648, then the change with the old and the new password.
probe auth --port 1812 --key-file "$KEY" --user erin --password Old-Pass1 --mschapv2
expect "kind=PasswordExpired"
probe auth --port 1812 --key-file "$KEY" --user erin --password Wrong-Old --new-password New-Pass2 --mschapv2
expect "kind=Reject"
[[ $(cat "$AD/erin.pw") == Old-Pass1 ]] || fail "a change with a wrong old password went through"
probe auth --port 1812 --key-file "$KEY" --user erin --password Old-Pass1 --new-password New-Pass2 --mschapv2 --debug 2>"$WORK/debug"
expect "kind=Accept"
[[ $(cat "$AD/erin.pw") == New-Pass2 ]] || fail "the directory decrypted '$(cat "$AD/erin.pw")'"
grep -qxF "Radius: Type = 27 (0x1B) MS-CHAP2-CPW" "$WORK/debug" || fail "no MS-CHAP2-CPW"
grep -q "Old-Pass1\|New-Pass2" "$WORK/debug" && fail "debug output shows a password"
probe auth --port 1812 --key-file "$KEY" --user erin --password New-Pass2 --mschapv2
expect "kind=Accept"
probe auth --port 1812 --key-file "$KEY" --user erin --password Old-Pass1 --mschapv2
expect "kind=Reject"
echo "mschapv2: ok"

# ---- a wrong shared secret --------------------------------------------------------------------
# Our Access-Request's Message-Authenticator does not verify with the server's key:
# FreeRADIUS drops it silently ("invalid Message-Authenticator"), so the client times out
# after its retransmission. (radcli's own rc_aaa() would have taken the server's Reject.)
probe auth --port 1812 --key-file "$BADKEY" --user alice --password wonderland \
  --timeout-ms 2000 --retry-ms 1000
expect "kind=Timeout"
expect "retransmissions=1"
# An Accounting-Request's Request Authenticator is checked by the server, which drops it.
probe acct-start --port 1813 --key-file "$BADKEY" --user alice --session bad1 \
  --timeout-ms 2000 --retry-ms 1000
expect "kind=Timeout"
echo "wrong key: ok"

# ---- forged answers (an inside host on the server's segment) ----------------------------------
# A responder on port 1645 that answers every request at once with an Access-Accept of the right
# Identifier but no knowledge of the key: from the server's address (bad authenticator, dropped
# while we wait), or from another address (the connected socket never delivers it).
ip -n "$RNS" addr add 192.0.2.135/24 dev eth0
cat >"$WORK/forger.py" <<'PY'
import os, socket, sys
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("192.0.2.134", 1645))
tx = rx
if sys.argv[1] == "other-address":
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind(("192.0.2.135", 1645))
while True:
    req, peer = rx.recvfrom(4096)
    attrs = bytes([11, 8]) + b"forged"
    tx.sendto(bytes([2, req[1]]) + (20 + len(attrs)).to_bytes(2, "big") + os.urandom(16) + attrs, peer)
PY
for mode in same-address other-address; do
  ip netns exec "$RNS" python3 "$WORK/forger.py" "$mode" &
  FORGER=$!
  sleep 0.3
  probe auth --port 1645 --key-file "$KEY" --user alice --password wonderland \
    --timeout-ms 2000 --retry-ms 1000
  kill "$FORGER"; wait "$FORGER" 2>/dev/null || true
  if grep -q "forged" <<<"$OUT"; then echo "$OUT"; fail "a forged Access-Accept was believed ($mode)"; fi
  [[ $mode == same-address ]] && expect "kind=BadAuthenticator" || expect "kind=Timeout"
done
echo "forged replies: ok"

# ---- accounting into the detail file -----------------------------------------------------------
probe acct-start --port 1813 --key-file "$KEY" --user alice --session 0A0B0C01 \
  --framed-ip 203.0.113.77 --class "OU=engineering;"
expect "kind=Accept"
probe acct-stop --port 1813 --key-file "$KEY" --user alice --session 0A0B0C01 \
  --framed-ip 203.0.113.77 --class "OU=engineering;" --in-octets 5000000123 --out-octets 4242 \
  --in-packets 3500000 --out-packets 17 --seconds 95 --cause Idle-Timeout
expect "kind=Accept"
detail=$(cat "$RADDB"/log/radacct/192.0.2.1/detail-* 2>/dev/null) || fail "no detail file"
stop_record=$(awk '/Acct-Status-Type = Stop/,/^$/' <<<"$detail")
start_record=$(awk '/Acct-Status-Type = Start/,/^$/' <<<"$detail")
for line in 'Acct-Session-Id = "0A0B0C01"' 'User-Name = "alice"' 'Class = 0x4f553d656e67696e656572696e673b' \
  'Framed-IP-Address = 203.0.113.77' 'NAS-Port-Type = Virtual' 'ASA-TunnelGroupName = "RA-GROUP"'; do
  grep -qF "$line" <<<"$start_record" || { echo "$start_record"; fail "Start lacks $line"; }
done
# 5000000123 = 1 * 2^32 + 705032827
for line in 'Acct-Input-Octets = 705032827' 'Acct-Input-Gigawords = 1' 'Acct-Output-Octets = 4242' \
  'Acct-Input-Packets = 3500000' 'Acct-Output-Packets = 17' 'Acct-Session-Time = 95' \
  'Acct-Terminate-Cause = Idle-Timeout' 'Acct-Session-Id = "0A0B0C01"'; do
  grep -qF "$line" <<<"$stop_record" || { echo "$stop_record"; fail "Stop lacks $line"; }
done
grep -q 'Acct-Output-Gigawords' <<<"$stop_record" && fail "Gigawords sent for a count below 2^32"
echo "accounting: ok"

# ---- the server stopped: Timeout within the timeout ----------------------------------------
stop_radius
start=$(date +%s%N)
probe auth --port 1812 --key-file "$KEY" --user alice --password wonderland \
  --timeout-ms 3000 --retry-ms 1000
ms=$((($(date +%s%N) - start) / 1000000))
expect "kind=Timeout"
expect "retransmissions=2"
((ms >= 2900 && ms < 4500)) || fail "timeout took $ms ms, configured 3000"
echo "server stopped: ok ($ms ms)"

# ---- SSH logins of administrators FreeRADIUS knows ---------------------------------------------
# The appliance's key for this part is a plain word (the CLI's key is one token).
sed -i 's/^\tsecret = .*/\tsecret = "Rad1us-ssh-key"/' "$RADDB/clients.conf"
start_radius
cat >"$FLASH/startup-config" <<'EOF'
hostname radfw
interface GigabitEthernet0/0
 nameif inside
 security-level 100
 ip address 192.0.2.1 255.255.255.0
 no shutdown
username localadm password L0cal-adm1n privilege 15
aaa-server RAD protocol radius
aaa-server RAD (inside) host 192.0.2.134
 key Rad1us-ssh-key
 authentication-port 1812
 accounting-port 1813
 timeout 2
aaa authentication ssh console RAD LOCAL
aaa authorization exec authentication-server
ssh 192.0.2.0 255.255.255.0 inside
EOF
ssh_start_daemon
ssh_wait_listen 192.0.2.1
ssh_lands nasop "$RNS" nasop N4s-prompt-1 192.0.2.1 "radfw>"
ssh_lands radadmin "$RNS" radadmin R4d-admin-6 192.0.2.1 "radfw#"
ssh_lands privop "$RNS" privop Pr1v-op-15 192.0.2.1 "radfw#"
grep -q '%ASA-6-605005: Login permitted from 192.0.2.134/ssh for user "nasop"' "$WORK/rampartd.log" ||
  fail "no 605005 for nasop"
echo "ssh: NAS-Prompt in user EXEC, Administrative and priv-lvl 15 in privileged EXEC: ok"
# The shared uid's reach: a process on it (what any AAA administrator's shell runs as) gets no
# session by naming a user, not even one the server accepted earlier (that word was used once),
# and cannot ask rampartd to check passwords.
cat >"$WORK/shared_uid.py" <<'PY'
import socket, struct, sys
def frame(t, payload):
    return bytes([t]) + struct.pack(">I", len(payload)) + payload
def first_frame(t, payload):
    s = socket.socket(socket.AF_UNIX)
    s.connect("/run/rampart/control.sock")
    s.sendall(frame(t, payload))
    head = s.recv(5)
    body = s.recv(65536) if head[1:] != b"\0\0\0\0" else b""
    return head[0], body
kind, _ = first_frame(1, b"interactive=0 user=" + sys.argv[1].encode())
assert kind == 13, "a session on the shared uid without the server's word (frame %d)" % kind
kind, body = first_frame(5, b"radadmin\0R4d-admin-6\0192.0.2.66")
assert kind == 15 and body == b"0", "the shared uid checked a password"
print("refused")
PY
for who in radadmin nobody-known; do
  out=$(nsenter -t "$DAEMON_PID" -m -- setpriv --reuid 2000 --regid 2000 --clear-groups \
    /usr/bin/python3 - "$who" <"$WORK/shared_uid.py" 2>&1) || fail "shared uid as $who: $out"
  [[ $out == refused ]] || fail "shared uid as $who: $out"
done
echo "ssh: the shared uid gets no session or password check on its own word: ok"
ssh_refused vpnonly "$RNS" vpnonly Vpn-0nly-2 192.0.2.1
grep -qF '%ASA-3-113021: Attempted console login failed. User vpnonly did NOT have appropriate Admin Rights.' \
  "$WORK/rampartd.log" || { grep -E '1130|6050' "$WORK/rampartd.log"; fail "no 113021 for vpnonly"; }
ssh_refused wrong-password "$RNS" nasop not-the-password 192.0.2.1
# The local database is the fallback only: a server that answers "no" is the answer.
ssh_refused local-while-up "$RNS" localadm L0cal-adm1n 192.0.2.1
grep -q 'Vpn-0nly-2\|N4s-prompt-1\|Rad1us-ssh-key' "$WORK/rampartd.log" && fail "rampartd logged a secret"
echo "ssh: Framed-User refused (113021), a wrong password refused, LOCAL not asked while RADIUS answers: ok"
# The account file the NSS module reads exists only while a server group checks SSH.
ACCOUNT=/proc/$DAEMON_PID/root/run/rampart/aaa-account
[[ -f $ACCOUNT ]] || fail "no aaa-account while RAD authenticates SSH"
stop_radius
ssh_lands local-when-down "$RNS" localadm L0cal-adm1n 192.0.2.1 "radfw>"
ssh_refused server-only-when-down "$RNS" nasop N4s-prompt-1 192.0.2.1
cli "configure terminal" "aaa authentication ssh console LOCAL" "end" >/dev/null
for _ in $(seq 100); do [[ -f $ACCOUNT ]] || break; sleep 0.05; done
[[ -f $ACCOUNT ]] && fail "aaa-account left under 'console LOCAL'"
ssh_refused unknown-under-local "$RNS" nasop N4s-prompt-1 192.0.2.1
asan_clean
echo "ssh: LOCAL when the server is down, no AAA account once SSH is LOCAL: ok"
echo "PASS"
