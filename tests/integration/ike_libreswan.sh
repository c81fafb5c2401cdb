#!/usr/bin/env bash
# libreswan (pluto 4.10, IKEv1) against Rampart, one scenario per invocation:
#   ike_libreswan.sh BIN ezvpn       EzVPN clients with libreswan's defaults (ikepad=yes) and group
#                                    names of 2, 3, 4 and 5 characters: aggressive mode, XAUTH,
#                                    mode-config (address, DNS, domain), quick mode to QM2
#   ike_libreswan.sh BIN xauth-fail  a wrong XAUTH password: refused, nothing left behind
#   ike_libreswan.sh BIN psk-fail    a wrong group key: each side says why in its own words
#   ike_libreswan.sh BIN l2l-in      main-mode PSK LAN-to-LAN, libreswan initiating
#   ike_libreswan.sh BIN l2l-out     the same, Rampart initiating (traffic from the inside host)
#   ike_libreswan.sh BIN qm-refused  a quick mode Rampart refuses, and libreswan's retransmissions
# This kernel has no ESP (CONFIG_INET_ESP off), so libreswan cannot install an IPsec SA: the
# scenarios end at quick mode's second message. pluto comes from Debian's package unpacked by
# scripts/deps (it conflicts with strongSwan's) and runs in the client namespace under its own
# mount namespace: its programs bind-mounted over /usr/libexec, a tmpfs on /run.
source "$(dirname "$0")/lib.sh"
SCENARIO=${2:?usage: $0 BIN ezvpn|xauth-fail|psk-fail|l2l-in|l2l-out|qm-refused}
LSW=${LIBRESWAN_CACHE:-/var/cache/rampart/libreswan}/root
[[ -x "$LSW/usr/libexec/ipsec/pluto" ]] || fail "libreswan is not unpacked in $LSW (scripts/deps)"
PLUTO_PID=
cleanup_peers() {
  [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"
  # pluto may die of its own shutdown (seen: SIGSEGV after an SA it could not install).
  if [[ -n "$PLUTO_PID" ]]; then kill "$PLUTO_PID" 2>/dev/null || true; wait "$PLUTO_PID" 2>/dev/null || true; fi
  cleanup
}
trap cleanup_peers EXIT

make_vpn_lab direct
ip -n "$CNS" addr add 198.51.100.129/26 dev lo  # the remote site's LAN for LAN-to-LAN
start_daemon

# ---- Rampart ------------------------------------------------------------------------------
common=("configure terminal"
  "interface GigabitEthernet0/0" "nameif outside" "security-level 0"
  "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit"
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100"
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit"
  "crypto ikev1 enable outside"
  "crypto ikev1 policy 10" "authentication pre-share" "encryption aes" "hash sha" "group 14"
  "exit")
GROUPS_RA=(EZ EZV EZVP EZVPN)
ra_lines() {
  local g
  printf '%s\n' "ip local pool POOL 203.0.113.10-203.0.113.50 mask 255.255.255.0" \
    "username cisco password cisco" \
    "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac" \
    "crypto dynamic-map DYN 10 set ikev1 transform-set TRA" \
    "crypto map MAP 65000 ipsec-isakmp dynamic DYN" "crypto map MAP interface outside" \
    "group-policy EZ internal" "group-policy EZ attributes" "dns-server value 192.0.2.53" \
    "default-domain value example.net" "exit"
  for g in "${GROUPS_RA[@]}"; do
    printf '%s\n' "tunnel-group $g type remote-access" "tunnel-group $g general-attributes" \
      "address-pool POOL" "default-group-policy EZ" "exit" \
      "tunnel-group $g ipsec-attributes" "ikev1 pre-shared-key cisco123" "exit"
  done
}
l2l_lines() {
  # aes-256 here: a libreswan offering only AES-128 is refused (qm-refused).
  printf '%s\n' \
    "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 255.255.255.192" \
    "crypto ipsec ikev1 transform-set AES256 esp-aes-256 esp-sha-hmac" \
    "crypto map MAP 10 match address L2L" "crypto map MAP 10 set peer 198.51.100.2" \
    "crypto map MAP 10 set ikev1 transform-set AES256" \
    "crypto map MAP interface outside" \
    "tunnel-group 198.51.100.2 type ipsec-l2l" "tunnel-group 198.51.100.2 ipsec-attributes" \
    "ikev1 pre-shared-key l2l-secret" "exit"
}
case "$SCENARIO" in
  ezvpn | xauth-fail | psk-fail) mapfile -t extra < <(ra_lines) ;;
  l2l-in | l2l-out | qm-refused) mapfile -t extra < <(l2l_lines) ;;
  *) fail "unknown scenario $SCENARIO" ;;
esac
out=$(cli "${common[@]}" "${extra[@]}" "end")
grep -E 'ERROR|Invalid' <<<"$out" && { echo "$out"; fail "configuration refused"; }

# A console with the ASA's IKE debug on, read back through show_console.
mkfifo "$WORK/console.in"
"$BIN/rampart" --control "$SOCK" <"$WORK/console.in" >"$WORK/console.out" 2>&1 &
exec 7>"$WORK/console.in"
printf 'enable\n\nterminal pager 0\ndebug crypto isakmp 127\nshow debug\n' >&7
# The debug is on before any client starts (else the first group's first lines may be missed).
wait_for 10 grep -qF 'debug crypto ikev1 enabled at level 127' "$WORK/console.out" ||
  fail "the console did not turn the debug on"
# A scripted console prints the debug lines that came in when it is given its next line: an
# empty line brings them. console_has reads from line $SINCE on.
SINCE=1
# console_has_line REGEX: a line of the whole console output matches (extended regex).
console_has_line() {
  printf '\n' >&7
  sleep 0.1
  grep -qE -- "$1" "$WORK/console.out"
}
console_has() {
  printf '\n' >&7
  sleep 0.1
  tail -n "+$SINCE" "$WORK/console.out" | grep -qF -- "$1"
}

# ---- libreswan ----------------------------------------------------------------------------
PL=$WORK/pluto
mkdir -p "$PL/run" "$PL/nss" "$PL/ipsec.d"
certutil -N -d "sql:$PL/nss" --empty-password || fail "certutil (libnss3-tools)"
# setup: IKEv1 is off in 4.10 unless asked for; the log is ours to read.
cat >"$PL/ipsec.conf" <<EOC
config setup
  ikev1-policy=accept
  plutodebug=none
EOC
cat >"$PL/ipsec.secrets" <<EOC
%any %any : PSK "cisco123"
@cisco : XAUTH "cisco"
EOC
ra_conn() {  # ra_conn GROUP: an EzVPN client as the Cisco VPN Client behaves
  cat <<EOC
conn ra-$1
  ikev2=no
  aggressive=yes
  authby=secret
  left=198.51.100.2
  leftid=@[$1]
  leftxauthclient=yes
  leftusername=cisco
  leftmodecfgclient=yes
  modecfgpull=yes
  right=198.51.100.1
  rightxauthserver=yes
  rightmodecfgserver=yes
  rightsubnet=0.0.0.0/0
  cisco-unity=yes
  ike=aes128-sha1;modp2048
  esp=aes128-sha1
  pfs=no
  auto=add
EOC
}
l2l_conn() {  # l2l_conn ESP: the remote site 198.51.100.128/26 behind 198.51.100.2
  cat <<EOC
conn l2l
  ikev2=no
  authby=secret
  left=198.51.100.2
  leftsubnet=198.51.100.128/26
  right=198.51.100.1
  rightsubnet=192.0.2.0/24
  ike=aes128-sha1;modp2048
  esp=$1
  pfs=no
  auto=add
EOC
}
case "$SCENARIO" in
  ezvpn) for g in "${GROUPS_RA[@]}"; do ra_conn "$g"; done >>"$PL/ipsec.conf" ;;
  xauth-fail | psk-fail) ra_conn EZ >>"$PL/ipsec.conf" ;;
  l2l-in | l2l-out) l2l_conn aes256-sha1 >>"$PL/ipsec.conf" ;;
  qm-refused) l2l_conn aes128-sha1 >>"$PL/ipsec.conf" ;;
esac
[[ "$SCENARIO" == psk-fail ]] && sed -i 's/cisco123/not-the-key/' "$PL/ipsec.secrets"
[[ "$SCENARIO" == xauth-fail ]] && sed -i 's/XAUTH "cisco"/XAUTH "not-the-password"/' "$PL/ipsec.secrets"
[[ "$SCENARIO" == l2l-* || "$SCENARIO" == qm-refused ]] && sed -i 's/cisco123/l2l-secret/' "$PL/ipsec.secrets"

ip netns exec "$CNS" unshare -m sh -c "
  mount --bind $LSW/usr/libexec /usr/libexec && mount -t tmpfs tmpfs /run &&
  exec $LSW/usr/libexec/ipsec/pluto --nofork --config $PL/ipsec.conf --rundir $PL/run \
    --ipsecdir $PL/ipsec.d --nssdir $PL/nss --secretsfile $PL/ipsec.secrets \
    --logfile $PL/pluto.log --log-no-time --no-dnssec" >"$PL/pluto.out" 2>&1 &
PLUTO_PID=$!
whack() { ip netns exec "$CNS" "$LSW/usr/libexec/ipsec/whack" --ctlsocket "$PL/run/pluto.ctl" "$@"; }
wait_for 10 test -S "$PL/run/pluto.ctl" || { cat "$PL/pluto.out" "$PL/pluto.log"; fail "pluto did not start"; }
ip netns exec "$CNS" "$LSW/usr/libexec/ipsec/addconn" --ctlsocket "$PL/run/pluto.ctl" \
  --config "$PL/ipsec.conf" --autoall >"$PL/addconn.out" 2>&1 ||
  { cat "$PL/addconn.out"; fail "addconn"; }
whack --listen >/dev/null
pluto_has() { grep -qE -- "$1" "$PL/pluto.log"; }
# up CONN: starts the connection and returns (the outcome is read from pluto's log).
up() { whack --name "$1" --initiate --asynchronous >>"$PL/whack.out" 2>&1 || true; }
# shows LINE TEXT: types LINE at the console; true when its answer holds TEXT.
shows() {
  local n
  n=$(wc -l <"$WORK/console.out")
  printf '%s\n' "$1" >&7
  sleep 0.3
  tail -n "+$((n + 1))" "$WORK/console.out" | grep -qF -- "$2"
}
show_logs() { tail -40 "$PL/pluto.log"; grep -E 'IKEv1' "$WORK/console.out" | tail -40 || true; }

# ---- scenarios ----------------------------------------------------------------------------
case "$SCENARIO" in
  ezvpn)
    for g in "${GROUPS_RA[@]}"; do
      up "ra-$g"
      # QM2 reached libreswan when it tries to install the SA (and cannot: no kernel ESP).
      wait_for 15 pluto_has "\"ra-$g\" #[0-9]+: (netlink response for Add SA|sent Quick Mode request)" ||
        { show_logs; fail "group $g: no quick mode"; }
      wait_for 10 console_has "IKE Responder sending 2nd QM pkt" || { show_logs; fail "group $g: no QM2"; }
      for want in "XAUTH: Successfully Authenticated" "Received IPv4 address: 203\.0\.113\.[0-9]+/32" \
        "Received DNS server 192\.0\.2\.53" "Received Domain: example\.net"; do
        pluto_has "\"ra-$g\" #[0-9]+: $want" || { show_logs; fail "group $g: libreswan did not log $want"; }
      done
      wait_for 5 pluto_has "\"ra-$g\" #[0-9]+: netlink response for Add SA" || { show_logs; fail "group $g: QM2"; }
      # Rampart's lines for this group, wherever they fell in the console's output (the groups'
      # sessions overlap by a tick: each is removed on the tick after the client's delete).
      wait_for 5 console_has_line "Connection landed on tunnel_group $g\$" ||
        { show_logs; fail "group $g: Rampart did not say where the connection landed"; }
      for want in "User (cisco) authenticated." "Assigned private IP address 203.0.113." \
        "PHASE 1 COMPLETED"; do
        wait_for 5 console_has_line "Group = $g, .*$(sed 's/[.()]/\\&/g' <<<"$want")" ||
          { show_logs; fail "group $g: Rampart did not log $want"; }
      done
      whack --name "ra-$g" --delete >/dev/null 2>&1 || true
      wait_for 5 console_has "Received an IKE Delete from the peer" || { show_logs; fail "group $g: no delete"; }
      SINCE=$(($(wc -l <"$WORK/console.out") + 1))
    done
    ;;
  xauth-fail)
    up ra-EZ
    wait_for 15 console_has "User (cisco) authentication rejected." || { show_logs; fail "XAUTH not refused"; }
    wait_for 10 pluto_has '"ra-EZ" #1: .*XAUTH.*(fail|FAIL)' || { show_logs; fail "libreswan was not told"; }
    whack --name ra-EZ --delete >/dev/null 2>&1 || true
    wait_for 10 shows "show crypto isakmp sa" "There are no IKEv1 SAs" || fail "an IKE SA was left behind"
    shows "show vpn-sessiondb remote" "INFO: There are presently no active sessions" ||
      fail "a session was left behind"
    pluto_has "Received IPv4 address" && fail "mode-config after a failed XAUTH"
    ;;
  psk-fail)
    up ra-EZ
    wait_for 15 pluto_has '"ra-EZ" #1: .*(hash|HASH)' || { show_logs; fail "libreswan did not notice the key"; }
    wait_for 10 console_has "Received an un-encrypted INVALID_HASH_INFORMATION notify message, dropping" ||
      { show_logs; fail "the peer's notify not named"; }
    whack --name ra-EZ --delete >/dev/null 2>&1 || true
    RAMPART_EXPECTED="un-encrypted INVALID_HASH_INFORMATION notify"
    PLUTO_EXPECTED="INVALID_HASH_INFORMATION"
    ;;
  l2l-in | qm-refused)
    up l2l
    wait_for 15 console_has "PHASE 1 COMPLETED" || { show_logs; fail "no phase 1"; }
    pluto_has '"l2l" #1: IKE SA established' || { show_logs; fail "libreswan: no phase 1"; }
    if [[ "$SCENARIO" == qm-refused ]]; then
      wait_for 10 console_has "All IPSec SA proposals found unacceptable!" || { show_logs; fail "QM1 not refused"; }
      # libreswan retransmits QM1 after 0.5, 1 and 2 s: each copy gets the same refusal.
      wait_for 15 bash -c "(( \$(grep -c 'ignoring informational payload NO_PROPOSAL_CHOSEN' '$PL/pluto.log') >= 3 ))" ||
        { show_logs; fail "retransmitted QM1 not answered with the same refusal"; }
      PLUTO_EXPECTED="ignor.* NO_PROPOSAL_CHOSEN"
    else
      wait_for 10 console_has "IKE Responder sending 2nd QM pkt" || { show_logs; fail "no QM2"; }
      wait_for 10 pluto_has '"l2l" #2: netlink response for Add SA' || { show_logs; fail "QM2 did not reach libreswan"; }
      # QM3 never comes (libreswan cannot install the SA): at 30 s that quick mode is given up,
      # phase 1 stays.
      wait_for 40 console_has "QM FSM error" || { show_logs; fail "the quick mode was not abandoned"; }
      shows "show crypto isakmp sa" "MM_ACTIVE" || { show_logs; fail "the IKE SA went with the quick mode"; }
      console_has "retransmission limit" && fail "IKE SA deleted at the retransmission limit"
    fi
    ;;
  l2l-out)
    # Traffic from the inside host to the remote site: Rampart negotiates as initiator.
    # (the dataplane workers take the ports up to a second after the configuration: ping again)
    poke() {
      ip netns exec "$INS" ping -c 1 -W 0.3 198.51.100.129 >/dev/null 2>&1 || true
      console_has "IKE Initiator: New Phase 1, Intf outside, IKE Peer 198.51.100.2"
    }
    wait_for 15 poke ||
      { show_logs; fail "no acquire"; }
    wait_for 15 console_has "PHASE 1 COMPLETED" || { show_logs; fail "no phase 1"; }
    pluto_has '"l2l" #1: .*(STATE_MAIN_R3|IKE SA established)' || { show_logs; fail "libreswan: no phase 1"; }
    wait_for 10 pluto_has '"l2l" #2: .*(responding to Quick Mode|netlink response for Add SA)' ||
      { show_logs; fail "QM1 did not reach libreswan"; }
    # Our MM5 carries INITIAL-CONTACT, as the ASA's does; pluto 4.10 notes that it ignores it.
    PLUTO_EXPECTED="ignoring informational payload IPSEC_INITIAL_CONTACT"
    ;;
esac

# Neither side saw anything malformed or unexpected (pluto's own kernel noise aside).
if grep -E 'malformed|unexpected|Internal error|un-encrypted' "$WORK/console.out" |
  grep -vE "${RAMPART_EXPECTED:-^$}"; then
  fail "Rampart's debug shows a malformed or unexpected message"
fi
if grep -iE 'malformed|unexpected|discard|ignor|drop|INVALID_|not acceptable' "$PL/pluto.log" |
  grep -vE "${PLUTO_EXPECTED:-^$}|netlink_expire got message"; then
  fail "libreswan's log shows a malformed or unexpected message"
fi
printf 'exit\n' >&7
exec 7>&-
echo "PASS ike_libreswan ($SCENARIO)"
