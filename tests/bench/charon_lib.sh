# strongSwan's charon as the IKEv1 responder the benchmarks compare rampartd with (sourced by
# ike_setup_rate.sh and tunnel_scale.sh after tests/integration/lib.sh).
#   start_charon "EXTRA CHARON LINES" LOGLEVELS
# writes $WORK/strongswan.conf (the plugins an EzVPN responder needs, aggressive mode with PSK
# allowed, vici on $WORK/vici.sock, the log in $WORK/charon.log at LOGLEVELS, e.g.
# "default = 0"), runs charon in $NS with a private /run, and loads $WORK/swanctl.conf (the
# caller writes it). Sets CHARON_PID and RESPONDER_PID.
start_charon() {
  cat >"$WORK/strongswan.conf" <<EOC
charon {
  load = random nonce openssl aes sha1 sha2 hmac gmp kernel-netlink socket-default vici xauth-generic attr
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
$1
  plugins { vici { socket = unix://$WORK/vici.sock } }
  filelog { log { path = $WORK/charon.log
                  $2 } }
}
EOC
  ip netns exec "$NS" unshare -m sh -c "mount -t tmpfs tmpfs /run && exec env \
    STRONGSWAN_CONF=$WORK/strongswan.conf /usr/lib/ipsec/charon" >"$WORK/charon.out" 2>&1 &
  CHARON_PID=$!
  RESPONDER_PID=$CHARON_PID
  for _ in $(seq 100); do [[ -S "$WORK/vici.sock" ]] && break; sleep 0.05; done
  swanctl --load-all --file "$WORK/swanctl.conf" --uri "unix://$WORK/vici.sock" >"$WORK/swanctl.out" 2>&1 ||
    { cat "$WORK/swanctl.out"; fail "swanctl could not load the configuration"; }
}
