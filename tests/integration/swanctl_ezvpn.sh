# strongSwan's charon as a remote-access client of Rampart's EzVPN gateway: its connection for
# swanctl.conf (IKEv1 aggressive mode, PSK with the group name EZ as key ID, XAUTH, mode-config
# pull, one child to anything, AES-128/SHA-1). Sourced by the tests and benchmarks that run such
# a client; it only defines the function.
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
