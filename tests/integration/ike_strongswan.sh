#!/usr/bin/env bash
# strongSwan (charon, IKEv1) as the remote-access client of Rampart.
#   ike_strongswan.sh BIN am [nat]   aggressive mode, group PSK sent as a key ID, XAUTH,
#                                    mode-config pull: the EzVPN flow of seed 000
#   ike_strongswan.sh BIN pix [nat]  main mode, the PIX 6.3 wildcard key, XAUTH, mode-config
#                                    push (crypto map ... client configuration address
#                                    initiate): seed 004's flow for the VPN Client 1.1
#   ike_strongswan.sh BIN l2l [nat]  LAN-to-LAN: main mode, a tunnel-group named by the peer's
#                                    address, a static crypto map entry whose ACL the proxies
#                                    must match, PFS group 5
# charon runs in the client namespace under its own mount namespace (its pid file and vici
# socket must not meet another charon's), with userspace ESP (kernel-libipsec).
source "$(dirname "$0")/lib.sh"
FLOW=${2:?usage: $0 BIN am|pix|l2l [nat]}
MODE=${3:-direct}
CHARON_PID=
cleanup_peers() {
  [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"
  [[ -n "$CHARON_PID" ]] && kill "$CHARON_PID" 2>/dev/null && wait "$CHARON_PID" 2>/dev/null
  cleanup
}
trap cleanup_peers EXIT

make_vpn_lab "$MODE"

# The remote site's LAN for LAN-to-LAN: an address on the client box inside its local_ts.
[[ "$FLOW" == l2l ]] && ip -n "$CNS" addr add 198.51.100.129/26 dev lo
start_daemon
common=("configure terminal"
  "interface GigabitEthernet0/0" "nameif outside" "security-level 0"
  "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit"
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100"
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit"
  "username cisco password cisco")
if [[ "$FLOW" == am ]]; then
  out=$(cli "${common[@]}" \
    "ip local pool POOL 192.0.2.100-192.0.2.120 mask 255.255.255.0" \
    "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac" \
    "crypto dynamic-map DYN 10 set ikev1 transform-set TRA" \
    "crypto map MAP 65000 ipsec-isakmp dynamic DYN" "crypto map MAP interface outside" \
    "crypto ikev1 enable outside" \
    "crypto ikev1 policy 10" "authentication pre-share" "encryption aes" "hash sha" "group 2" "exit" \
    "group-policy EZ internal" "group-policy EZ attributes" "dns-server value 192.0.2.53" "exit" \
    "tunnel-group EZ type remote-access" "tunnel-group EZ general-attributes" \
    "address-pool POOL" "default-group-policy EZ" "exit" \
    "tunnel-group EZ ipsec-attributes" "ikev1 pre-shared-key cisco123" "end")
  # The pool shares the inside subnet: the inside host reaches the client by ARP, which
  # Rampart answers for it (proxy ARP) after announcing it (gratuitous ARP).
  EXPECT_ADDR=192.0.2.100 STATE=AM_ACTIVE GROUP=EZ
  AGGRESSIVE=yes PULL=yes LOCAL_ID="keyid:EZ" IKE=aes128-sha1-modp1024 ESP=aes128-sha1
elif [[ "$FLOW" == l2l ]]; then
  out=$(cli "${common[@]}" \
    "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 255.255.255.192" \
    "crypto ipsec ikev1 transform-set AES256 esp-aes-256 esp-sha-hmac" \
    "crypto map MAP 10 match address L2L" "crypto map MAP 10 set peer 198.51.100.2" \
    "crypto map MAP 10 set ikev1 transform-set AES256" "crypto map MAP 10 set pfs group5" \
    "crypto map MAP interface outside" "crypto ikev1 enable outside" \
    "crypto ikev1 policy 20" "authentication pre-share" "encryption aes-256" "hash sha" \
    "group 5" "exit" \
    "tunnel-group 198.51.100.2 type ipsec-l2l" "tunnel-group 198.51.100.2 ipsec-attributes" \
    "ikev1 pre-shared-key l2l-secret" "end")
  STATE=MM_ACTIVE GROUP=198.51.100.2
  AGGRESSIVE=no IKE=aes256-sha1-modp1536 ESP=aes256-sha1-modp1536
else
  # Seed 004's PIX 6.3 lines, as an old configuration pasted into Rampart.
  out=$(cli "${common[@]}" \
    "ip local pool ippool 203.0.113.100-203.0.113.110" \
    "sysopt connection permit-ipsec" \
    "crypto ipsec transform-set myset esp-des esp-md5-hmac" \
    "crypto dynamic-map dynmap 10 set transform-set myset" \
    "crypto map mymap 10 ipsec-isakmp dynamic dynmap" \
    "crypto map mymap client configuration address initiate" \
    "crypto map mymap client authentication LOCAL" \
    "crypto map mymap interface outside" \
    "isakmp enable outside" \
    "isakmp key cisco123 address 0.0.0.0 netmask 0.0.0.0" \
    "isakmp client configuration address-pool local ippool outside" \
    "isakmp policy 10 authentication pre-share" "isakmp policy 10 encryption des" \
    "isakmp policy 10 hash md5" "isakmp policy 10 group 2" "isakmp policy 10 lifetime 86400" \
    "end")
  EXPECT_ADDR=203.0.113.100 STATE=MM_ACTIVE GROUP=DefaultRAGroup
  AGGRESSIVE=no PULL=no LOCAL_ID="%any" IKE=des-md5-modp1024 ESP=des-md5
fi
grep -E 'ERROR|Invalid' <<<"$out" && { echo "$out"; fail "configuration refused"; }

mkfifo "$WORK/console.in"
"$BIN/rampart" --control "$SOCK" <"$WORK/console.in" >"$WORK/console.out" 2>&1 &
exec 7>"$WORK/console.in"
printf 'enable\n\nterminal pager 0\ndebug crypto isakmp 127\n' >&7

cat >"$WORK/strongswan.conf" <<EOC
charon {
  load = random nonce openssl aes des sha1 sha2 md5 hmac gmp kernel-libipsec kernel-netlink socket-default vici xauth-generic attr resolve
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  install_virtual_ip = yes
  plugins {
    vici { socket = unix://$WORK/vici.sock }
    resolve { file = $WORK/resolv.conf }
  }
  filelog {
    log { path = $WORK/charon.log
          flush_line = yes
          default = 1
          ike = 2
          cfg = 2 }
  }
}
EOC
if [[ "$FLOW" == l2l ]]; then
cat >"$WORK/swanctl.conf" <<EOC
connections {
  l2l {
    version = 1
    aggressive = no
    remote_addrs = 198.51.100.1
    proposals = $IKE
    local { auth = psk }
    remote { auth = psk }
    children { ra { local_ts = 198.51.100.128/26
                    remote_ts = 192.0.2.0/24
                    esp_proposals = $ESP } }
  }
}
secrets {
  ike-l2l { secret = l2l-secret }
}
EOC
else
cat >"$WORK/swanctl.conf" <<EOC
connections {
  ra {
    version = 1
    aggressive = $AGGRESSIVE
    pull = $PULL
    remote_addrs = 198.51.100.1
    vips = 0.0.0.0
    proposals = $IKE
    local { auth = psk
            id = $LOCAL_ID }
    local-xauth { auth = xauth
                  xauth_id = cisco }
    remote { auth = psk }
    children { ra { remote_ts = 0.0.0.0/0
                    esp_proposals = $ESP } }
  }
}
secrets {
  ike-ra { secret = cisco123 }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
fi
ip netns exec "$CNS" unshare -m sh -c "mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$WORK/strongswan.conf /usr/lib/ipsec/charon" \
  >"$WORK/charon.out" 2>&1 &
CHARON_PID=$!
for _ in $(seq 100); do [[ -S "$WORK/vici.sock" ]] && break; sleep 0.05; done
[[ -S "$WORK/vici.sock" ]] || { cat "$WORK/charon.out"; fail "charon did not start"; }
swanctl --load-all --file "$WORK/swanctl.conf" --uri "unix://$WORK/vici.sock" >"$WORK/load.out" 2>&1 ||
  { cat "$WORK/load.out"; fail "swanctl --load-all"; }
timeout 20 swanctl --initiate --child ra --uri "unix://$WORK/vici.sock" >"$WORK/initiate.out" 2>&1 ||
  { cat "$WORK/initiate.out" "$WORK/charon.log" | grep -E "IKE\]|ENC|CFG\] (received|sending)" | tail -40; cat "$WORK/console.out"; fail "strongSwan could not connect"; }
if [[ "$FLOW" != l2l ]]; then
  grep -q "installing new virtual IP $EXPECT_ADDR" "$WORK/charon.log" ||
    { tail -20 "$WORK/charon.log"; fail "virtual IP $EXPECT_ADDR not installed"; }
fi
sas=$(swanctl --list-sas --uri "unix://$WORK/vici.sock")
echo "$sas"
grep -q 'INSTALLED, TUNNEL' <<<"$sas" || fail "no CHILD_SA installed"

printf 'show crypto isakmp sa detail\nshow vpn-sessiondb remote\n' >&7
sleep 1
show=$(cat "$WORK/console.out")
grep -q '^1   IKE Peer: '"$PUBLIC"'$' <<<"$show" || fail "IKE peer line"
grep -q "^    Rekey   : no              State   : $STATE \$" <<<"$show" || fail "state $STATE"
if [[ "$FLOW" == l2l ]]; then
  grep -q '^    Type    : L2L             Role    : responder $' <<<"$show" || fail "Type L2L"
  grep -q 'INFO: There are presently no active sessions' <<<"$show" || fail "L2L listed as remote access"
  lines=("Connection landed on tunnel_group $GROUP" 'PHASE 1 COMPLETED'
         'IKE Remote Peer configured for crypto map: MAP'
         'Received remote IP Proxy Subnet data in ID Payload:   Address 198.51.100.128, Mask 255.255.255.192'
         'PHASE 2 COMPLETED (msgid=')
else
  grep -q '^Assigned IP  : '"$EXPECT_ADDR"' ' <<<"$show" || fail "sessiondb address"
  grep -q "Tunnel Group : $GROUP\$" <<<"$show" || fail "tunnel group $GROUP"
  lines=("Connection landed on tunnel_group $GROUP" 'User (cisco) authenticated.'
         "Assigned private IP address $EXPECT_ADDR to remote user" 'PHASE 1 COMPLETED'
         'PHASE 2 COMPLETED (msgid=')
fi
for line in "${lines[@]}"; do
  grep -qF "$line" <<<"$show" || fail "debug line missing: $line"
done
[[ "$MODE" == nat ]] && { grep -q 'Remote end IS behind a NAT device' <<<"$show" || fail "NAT not detected"; }
if [[ "$FLOW" == am ]]; then
  # Before any traffic: the inside host learnt the client's address from our announcement.
  grep -qF "Gratuitous ARP sent for 192.0.2.100" <<<"$show" || fail "no gratuitous ARP line"
  mac=$(ip -n "$NS" -br link show eth1 | awk '{print $3}')
  sleep 0.5
  neigh=$(ip -n "$INS" neigh show 192.0.2.100)
  echo "inside host's neighbour entry: $neigh (appliance inside MAC $mac)"
  grep -q "lladdr $mac" <<<"$neigh" || fail "the gratuitous ARP did not reach the inside host"
fi
# Traffic through the tunnel: strongSwan's userspace ESP (kernel-libipsec) on one end,
# Rampart's dataplane on the other.
src=()
[[ "$FLOW" == l2l ]] && src=(-I 198.51.100.129)
sleep 1.5  # the dataplane worker picks up the interfaces on its next tick
ip netns exec "$CNS" ping "${src[@]}" -c 3 -i 0.2 -W 2 192.0.2.10 ||
  { tail -5 "$WORK/rampartd.log"; fail "no ping through the tunnel"; }
if [[ "$FLOW" == am ]]; then
  ip -n "$INS" neigh flush 192.0.2.100
  ip netns exec "$INS" ping -c 2 -i 0.2 -W 2 192.0.2.100 >/dev/null || fail "inside host cannot reach the client (proxy ARP)"
  grep -q "lladdr $mac" <<<"$(ip -n "$INS" neigh show 192.0.2.100)" || fail "proxy ARP answered with another MAC"
fi
# TCP as well (iperf3), the inside host answering through Rampart's encapsulation.
bind=()
[[ "$FLOW" == l2l ]] && bind=(-B 198.51.100.129)
ip netns exec "$INS" iperf3 -s -1 -D --pidfile "$WORK/iperf.pid" >/dev/null 2>&1
sleep 0.3
ip netns exec "$CNS" timeout 20 iperf3 "${bind[@]}" -c 192.0.2.10 -n 2M >"$WORK/iperf.out" 2>&1 ||
  { cat "$WORK/iperf.out"; fail "no TCP through the tunnel"; }
grep -E 'receiver' "$WORK/iperf.out" | tail -1
printf 'show crypto ipsec sa\n' >&7
sleep 0.5
encaps=$(grep -o '#pkts encaps: [0-9]*' "$WORK/console.out" | tail -1 | awk '{print $3}')
decaps=$(grep -o '#pkts decaps: [0-9]*' "$WORK/console.out" | tail -1 | awk '{print $3}')
echo "SA counters: encaps $encaps, decaps $decaps"
((encaps >= 3 && decaps >= 3)) || fail "SA counters"
if [[ "$FLOW" == l2l && "$MODE" == direct ]]; then
  # Interesting traffic brings a tunnel up from our side (acquire): with every SA gone, the
  # inside host's packets to the remote LAN are held back, never sent in clear, and Rampart
  # negotiates main mode and quick mode as the initiator.
  printf 'clear crypto isakmp sa\n' >&7
  sleep 1
  ip netns exec "$CNS" tshark -q -i eth0 -f 'icmp' -w "$WORK/clear.pcap" >/dev/null 2>&1 &
  TSHARK=$!
  sleep 2
  up=
  for _ in $(seq 15); do
    if ip netns exec "$INS" ping -c 1 -W 1 198.51.100.129 >/dev/null 2>&1; then up=1; break; fi
  done
  kill "$TSHARK"; wait "$TSHARK" 2>/dev/null || true
  [[ -n "$up" ]] || { grep -E 'Initiator|PHASE' "$WORK/console.out" | tail; fail "acquire did not bring the tunnel up"; }
  clear=$(tshark -r "$WORK/clear.pcap" 2>/dev/null | wc -l)
  ((clear == 0)) || fail "$clear ICMP packets crossed the outside in clear"
  printf 'show crypto isakmp sa detail\nshow asp drop\n' >&7
  sleep 0.5
  grep -q 'IKE Initiator: New Phase 1, Intf outside, IKE Peer 198.51.100.2' "$WORK/console.out" ||
    fail "no initiator phase 1 in the debug"
  grep -q '^    Type    : L2L             Role    : initiator $' "$WORK/console.out" ||
    fail "the new IKE SA is not ours"
  grep -qE '\(ipsec-tun-down\) +[1-9]' "$WORK/console.out" || fail "held-back packets not counted"
fi
printf 'exit\n' >&7
exec 7>&-
check_packet_io eth0 2  # the packet I/O asked for (RAMPART_PACKET_IO) carried the tunnel
echo "PASS ike_strongswan ($FLOW, $MODE)"
