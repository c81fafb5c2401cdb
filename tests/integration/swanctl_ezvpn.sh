# strongSwan's charon as a remote-access client of Rampart's EzVPN gateway: its connection for
# swanctl.conf (IKEv1 aggressive mode, PSK with the group name EZ as key ID, XAUTH, mode-config
# pull, one child to anything, AES-128/SHA-1). Sourced by the tests and benchmarks that run such
# a client; it only defines functions.
#   swanctl_ezvpn_connection XAUTH_USER [encap]   ("encap": UDP encapsulation even with no NAT)
swanctl_ezvpn_connection() {
  local user=$1 encap=
  [[ "${2:-}" == encap ]] && encap=$'\n    encap = yes'
  cat <<EOC
connections {
  ra {
    version = 1
    aggressive = yes
    pull = yes${encap}
    remote_addrs = 198.51.100.1
    vips = 0.0.0.0
    proposals = aes128-sha1-modp1024
    local { auth = psk
            id = keyid:EZ }
    local-xauth { auth = xauth
                  xauth_id = $user }
    remote { auth = psk }
    children { ra { remote_ts = 0.0.0.0/0
                    esp_proposals = aes128-sha1 } }
  }
}
EOC
}

# charon's own files in DIR: strongswan.conf (its plugins, userspace ESP, its vici socket and
# its log, with epoch times, in DIR), with SETTING (a line of the charon section) if given.
#   charon_config DIR [SETTING]
charon_config() {
  cat >"$1/strongswan.conf" <<EOC
charon {
  load = random nonce openssl aes sha1 sha2 hmac gmp kernel-libipsec kernel-netlink socket-default vici xauth-generic attr
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  install_virtual_ip = yes
  ${2:-}
  plugins { vici { socket = unix://$1/vici.sock } }
  filelog { log { path = $1/charon.log
                  time_format = %s
                  flush_line = yes
                  default = 1
                  ike = 2 } }
}
EOC
}
# charon in namespace NS under its own mount namespace (its pid file), with DIR's files;
# its pid in CHARON_PID.
#   charon_run NS DIR
charon_run() {
  ip netns exec "$1" unshare -m sh -c \
    "mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$2/strongswan.conf /usr/lib/ipsec/charon" \
    >"$2/charon.out" 2>&1 &
  CHARON_PID=$!
}

# strongSwan as an XAUTH client: charon in the client namespace ($CNS), userspace ESP
# (kernel-libipsec); the EzVPN flow above as USER. The caller sets CHARON_PID= and calls
# charon_stop on exit.
#   charon_start USER; charon_secrets USER PASSWORD ((re)loads the secrets); charon_stop
charon_start() {
  charon_config "$WORK"
  swanctl_ezvpn_connection "$1" >"$WORK/swanctl.conf"
  charon_run "$CNS" "$WORK"
  wait_for 10 test -S "$WORK/vici.sock" || { cat "$WORK/charon.out"; fail "charon did not start"; }
  swan --load-conns --file "$WORK/swanctl.conf" >"$WORK/load.out" 2>&1 ||
    { cat "$WORK/load.out"; fail "swanctl --load-conns"; }
}
charon_secrets() {
  printf 'secrets {\n ike-ez { secret = cisco123 }\n xauth-user { id = %s\n secret = "%s" }\n}\n' \
    "$1" "$2" >"$WORK/secrets.conf"
  swan --load-creds --clear --file "$WORK/secrets.conf" >"$WORK/load.out" 2>&1 ||
    { cat "$WORK/load.out"; fail "swanctl --load-creds"; }
}
charon_stop() {
  [[ -n "${CHARON_PID:-}" ]] || return 0
  kill "$CHARON_PID" 2>/dev/null || true
  wait "$CHARON_PID" 2>/dev/null || true
  CHARON_PID=
}
swan() { swanctl "$@" --uri "unix://$WORK/vici.sock"; }
