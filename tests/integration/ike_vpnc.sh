#!/usr/bin/env bash
# vpnc (the open-source Cisco VPN Client) connects to Rampart as to an ASA EzVPN server (seed
# 000's setup): aggressive mode, group PSK, XAUTH against the local user database, mode-config
# pull, quick mode. Run directly and again through a NAT namespace (nftables masquerade), where
# NAT-T must float the session to UDP 4500. Checks the address vpnc was given, the show output
# and the debug lines.
#   ike_vpnc.sh BIN [nat]
source "$(dirname "$0")/lib.sh"
MODE=${2:-direct}
[[ -n "${KEEP:-}" ]] && trap "cp -r \"\$WORK\" \"\$KEEP\"; cleanup" EXIT

make_vpn_lab "$MODE"

start_daemon
out=$(cli "configure terminal" \
  "interface GigabitEthernet0/0" "nameif outside" "security-level 0" \
  "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit" \
  "interface GigabitEthernet0/1" "nameif inside" "security-level 100" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit" \
  "ip local pool POOL 203.0.113.10-203.0.113.50 mask 255.255.255.0" \
  "access-list SPLIT standard permit 192.0.2.0 255.255.255.0" \
  "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac" \
  "crypto dynamic-map DYN 10 set ikev1 transform-set TRA" \
  "crypto dynamic-map DYN 10 set reverse-route" \
  "crypto map MAP 65000 ipsec-isakmp dynamic DYN" "crypto map MAP interface outside" \
  "crypto ikev1 enable outside" \
  "crypto ikev1 policy 10" "authentication pre-share" "encryption aes" "hash sha" "group 2" \
  "lifetime 86400" "exit" \
  "username cisco password cisco" \
  "group-policy EZ internal" "group-policy EZ attributes" "dns-server value 192.0.2.53" \
  "default-domain value example.com" "split-tunnel-policy tunnelspecified" \
  "split-tunnel-network-list value SPLIT" "exit" \
  "tunnel-group EZ type remote-access" "tunnel-group EZ general-attributes" \
  "address-pool POOL" "default-group-policy EZ" "exit" \
  "tunnel-group EZ ipsec-attributes" "ikev1 pre-shared-key cisco123" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"

# A console with debugs on, as an operator would watch a client connect.
mkfifo "$WORK/console.in"
"$BIN/rampart" --control "$SOCK" <"$WORK/console.in" >"$WORK/console.out" 2>&1 &
exec 7>"$WORK/console.in"
printf 'enable\n\nterminal pager 0\ndebug crypto isakmp 127\n' >&7

cat >"$WORK/vpnc.conf" <<EOC
IPSec gateway 198.51.100.1
IPSec ID EZ
IPSec secret cisco123
Xauth username cisco
Xauth password cisco
EOC
# vpnc hands the mode-config it received to its script; ours records it.
cat >"$WORK/script.sh" <<EOS
#!/bin/sh
env | grep -E '^(reason|INTERNAL_IP4|CISCO)' >"$WORK/vpnc-env.\$reason"
# The tunnel device, as vpnc-script would set it up (but leaving the host's resolv.conf alone).
if [ "\$reason" = connect ]; then
  ip addr add "\$INTERNAL_IP4_ADDRESS/32" dev "\$TUNDEV"
  ip link set "\$TUNDEV" up
  ip route add 192.0.2.0/24 dev "\$TUNDEV"
fi
EOS
chmod +x "$WORK/script.sh"
ip netns exec "$CNS" vpnc --no-detach --debug 1 --pid-file "$WORK/vpnc.pid" --dh dh2 \
  --pfs nopfs --script "$WORK/script.sh" "$WORK/vpnc.conf" >"$WORK/vpnc.log" 2>&1 &
VPNC_PID=$!
for _ in $(seq 100); do
  [[ -f "$WORK/vpnc-env.connect" ]] && break
  kill -0 "$VPNC_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -f "$WORK/vpnc-env.connect" ]] || { tail -30 "$WORK/vpnc.log"; cat "$WORK/console.out"; fail "vpnc did not connect"; }
cat "$WORK/vpnc-env.connect"
grep -qx 'INTERNAL_IP4_ADDRESS=203.0.113.10' "$WORK/vpnc-env.connect" || fail "address from the pool"
grep -qx 'INTERNAL_IP4_DNS=192.0.2.53' "$WORK/vpnc-env.connect" || fail "DNS server"
grep -qx 'CISCO_DEF_DOMAIN=example.com' "$WORK/vpnc-env.connect" || fail "default domain"
grep -qx 'CISCO_SPLIT_INC_0_ADDR=192.0.2.0' "$WORK/vpnc-env.connect" || fail "split tunnel list"
# Quick mode follows the script's run.
sa_up() { cli "show crypto ipsec sa" | grep -q 'current_peer: '; }
wait_for 15 sa_up || fail "no IPsec SA after the client's script"

printf 'show crypto isakmp sa detail\nshow vpn-sessiondb remote\nshow ip local pool POOL\n' >&7
printf 'undebug all\nshow crypto ipsec sa\nshow vpn-sessiondb\n' >&7
sleep 1
show=$(cat "$WORK/console.out")
grep -q '^1   IKE Peer: 198.51.100.2$' <<<"$show" || fail "IKE peer line"
grep -q '^    Type    : user            Role    : responder $' <<<"$show" || fail "Type/Role line"
grep -q '^    Rekey   : no              State   : AM_ACTIVE $' <<<"$show" || fail "State line"
grep -q '^    Encrypt : aes             Hash    : SHA $' <<<"$show" || fail "Encrypt line"
grep -q '^Username     : cisco                  Index        : 1$' <<<"$show" || fail "sessiondb user"
grep -q '^Assigned IP  : 203.0.113.10           Public IP    : '"$PUBLIC"'$' <<<"$show" ||
  fail "sessiondb addresses"
grep -q '^Group Policy : EZ                     Tunnel Group : EZ$' <<<"$show" || fail "sessiondb groups"
grep -q '^In Use Addresses:$' <<<"$show" || fail "pool in use"
# Operators' TextFSM templates read our tables into the right fields (shared/conformance).
CONF=$(cd "$(dirname "$0")/../.." && pwd)/../shared/conformance
section() {  # the output of one command from the console transcript
  awk -v cmd="rampart# $1" '$0 == cmd {on = 1; next} /^rampart# / {on = 0} on' "$WORK/console.out" |
    grep -v '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* \[IKEv1'
}
if [[ -x "$CONF/textfsm-parse" ]]; then
  j=$(section "show crypto ipsec sa" | /usr/bin/python3 "$CONF/textfsm-parse" \
      "$CONF/ntc-templates/cisco_asa_show_crypto_ipsec_sa.textfsm") || fail "ipsec sa did not parse"
  grep -q '"CRYPTO_MAP_TAG": "DYN"' <<<"$j" && grep -q '"REMOTE_IDENTITY_ADDR": "203.0.113.10"' <<<"$j" &&
    grep -q '"INBOUND_ENCRYPTION": "esp-aes"' <<<"$j" && grep -q '"DYNAMIC_PEER": "203.0.113.10"' <<<"$j" ||
    { echo "$j"; fail "ipsec sa fields"; }
  j=$(section "show vpn-sessiondb" | /usr/bin/python3 "$CONF/textfsm-parse" \
      "$CONF/ntc-templates/cisco_asa_show_vpn-sessiondb.textfsm") || fail "vpn-sessiondb did not parse"
  grep -q '"TOTAL_ACTIVE_AND_INACTIVE": "1"' <<<"$j" || { echo "$j"; fail "vpn-sessiondb fields"; }
else
  fail "no conformance templates at $CONF"
fi
for line in 'IKE_DECODE RECEIVED Message (msgid=0) with payloads : HDR + SA (1) + KE (4) + NONCE (10) + ID (5) + VENDOR (13)' \
  '[IKEv1]IP = '"$PUBLIC"', Connection landed on tunnel_group EZ' \
  'IKE SA Proposal # ' \
  'User (cisco) authenticated.' \
  'MODE_CFG: Received request for IPV4 address!' \
  'Assigned private IP address 203.0.113.10 to remote user' \
  'PHASE 1 COMPLETED' \
  'IKE Remote Peer configured for crypto map: DYN' \
  'PHASE 2 COMPLETED (msgid='; do
  grep -qF "$line" <<<"$show" || fail "debug line missing: $line"
done
if [[ "$MODE" == nat ]]; then
  grep -q 'Remote end IS behind a NAT device' <<<"$show" || fail "NAT not detected"
  # The appliance has a public address: it must not think itself behind the client's NAT (it
  # did when vpnc floated to 4500 for AM3) and send keepalives.
  grep -q 'This   end is NOT behind a NAT device' <<<"$show" || fail "NAT wrongly seen at our end"
  grep -q '^Protocol     : IKE IPsecOverNatT$' <<<"$show" || fail "session not NAT-T"
  grep -q 'IKE_DECODE RECEIVED Message (msgid=[0-9a-f]*) with payloads : HDR + HASH (8) + SA (1)' <<<"$show" ||
    fail "quick mode"
fi

# Reverse-route injection (the dynamic map's "set reverse-route"): a route to the client's
# address along the tunnel's path, while the SA lives: into the outside's TUN device (eth0-vpn),
# where the dataplane takes what the kernel routes to the client.
sleep 1.2  # the daemon's next tick
rri=$(ip -n "$NS" route show 203.0.113.10/32 proto 202)
echo "reverse route: $rri"
grep -q '^203.0.113.10 via 198.51.100.2 dev eth0-vpn ' <<<"$rri" || fail "no reverse route for the client"
printf 'show route\n' >&7
sleep 0.5
grep -q '^S        203.0.113.10 255.255.255.255 \[1/0\] via 198.51.100.2, outside$' "$WORK/console.out" ||
  fail "show route does not list the reverse route"

# What the client sends into the tunnel by itself once its tunnel device is up: its kernel's
# IPv6 (a Router Solicitation, again every few seconds), which vpnc encrypts like anything
# else. The ASA counts a decrypted packet that is not IPv4 under "#pkts invalid ip version
# (rcv)", one of the "#recv errors"; "invalid identity" is for IPv4 outside the selectors.
version_count() {
  cli "show crypto ipsec sa detail" >"$WORK/sa-detail"
  sed -n 's/.*#pkts invalid ip version (rcv): \([0-9]*\).*/\1/p' "$WORK/sa-detail"
}
ip netns exec "$CNS" tshark -q -i tun0 -w "$WORK/tun0.pcap" >/dev/null 2>&1 &
T_TUN=$!
wait_for 10 test -s "$WORK/tun0.pcap" || fail "no capture on the client's tunnel device"
before=$(version_count)
more_counted() { (($(version_count) > before)); }
wait_for 20 more_counted ||
  { grep -E 'invalid|errors' "$WORK/sa-detail"; fail "the client's IPv6 not counted as invalid ip version"; }
sleep 0.5
kill "$T_TUN"; wait "$T_TUN" 2>/dev/null || true
tshark -r "$WORK/tun0.pcap" 2>/dev/null | head -5 || true
(($(tshark -r "$WORK/tun0.pcap" -Y ipv6 2>/dev/null | wc -l) >= 1)) || fail "no IPv6 seen on the client's tunnel device"
version=$(sed -n 's/.*#pkts invalid ip version (rcv): \([0-9]*\).*/\1/p' "$WORK/sa-detail")
grep -qE '#pkts invalid identity \(rcv\): 0,' "$WORK/sa-detail" || fail "the client's IPv6 counted as invalid identity"
grep -qE "#send errors: 0, #recv errors: $version\$" "$WORK/sa-detail" || { grep errors "$WORK/sa-detail"; fail "recv errors other than the $version non-IPv4 packets"; }
# Seen: from here on the client's IPv6 would only blur the counts below (its next Router
# Solicitation, some seconds later, could fall between a capture's start and a counter reset).
ip netns exec "$CNS" sysctl -qw net.ipv6.conf.tun0.disable_ipv6=1

# Traffic: the client pings the inside host through the tunnel; Rampart's dataplane decrypts,
# the kernel forwards (in by eth0-vpn, and the replies out by it), the dataplane encrypts the
# replies; the SA counters say so.
sleep 1.5  # the dataplane worker picks up the interfaces on its next tick
# Captured at the client's end of the cable: on AF_XDP the ESP that the XDP program steers
# into the workers' sockets never reaches the appliance's own taps.
[[ "$MODE" == direct ]] && {
  ip netns exec "$CNS" tshark -q -i eth0 -f 'ip proto 50' -w "$WORK/esp-in.pcap" >/dev/null 2>&1 &
  TSHARK=$!
  sleep 2
}
ip netns exec "$CNS" ping -c 3 -i 0.2 -W 2 192.0.2.10 || { tail -5 "$WORK/rampartd.log"; fail "no ping through the tunnel"; }

# The SA counters equal what the wires carried, packet for packet, and nothing is duplicated
# (the kernel never forwards a second copy of what the dataplane owns). Captured on the far
# ends of the appliance's cables: its own transmissions bypass the qdisc and its taps.
WIRE_NS=$CNS
[[ "$MODE" == nat ]] && WIRE_NS=$XNS
# Counted before any TCP runs: a late segment of a TCP connection could fall between the
# clearing of the counters and the start of a capture.
ip netns exec "$WIRE_NS" tshark -q -i eth0 -f 'host 198.51.100.1 and (ip proto 50 or udp port 4500)' \
  -w "$WORK/outside-wire.pcap" >/dev/null 2>&1 &
T_OUT=$!
ip netns exec "$INS" tshark -q -i eth0 -f icmp -w "$WORK/inside-wire.pcap" >/dev/null 2>&1 &
T_IN=$!
sleep 2  # both captures running before the counters start from zero
printf 'clear crypto ipsec sa counters\n' >&7
sleep 0.5
ip netns exec "$CNS" ping -c 20 -i 0.05 -W 2 192.0.2.10 >/dev/null || fail "ping for the wire count"
sleep 0.5
kill "$T_OUT" "$T_IN"; wait "$T_OUT" "$T_IN" 2>/dev/null || true
printf 'show crypto ipsec sa\n' >&7
sleep 0.5
encaps=$(grep -o '#pkts encaps: [0-9]*' "$WORK/console.out" | tail -1 | awk '{print $3}')
decaps=$(grep -o '#pkts decaps: [0-9]*' "$WORK/console.out" | tail -1 | awk '{print $3}')
esp_in=$(tshark -r "$WORK/outside-wire.pcap" -Y 'esp && ip.dst == 198.51.100.1' 2>/dev/null | wc -l)
esp_out=$(tshark -r "$WORK/outside-wire.pcap" -Y 'esp && ip.src == 198.51.100.1' 2>/dev/null | wc -l)
requests=$(tshark -r "$WORK/inside-wire.pcap" -Y 'icmp.type == 8 && ip.dst == 192.0.2.10' 2>/dev/null | wc -l)
replies=$(tshark -r "$WORK/inside-wire.pcap" -Y 'icmp.type == 0 && ip.src == 192.0.2.10' 2>/dev/null | wc -l)
echo "wires: ESP in $esp_in, out $esp_out; inside echo requests $requests, replies $replies;" \
  "SA: decaps $decaps, encaps $encaps"
((requests == 20 && replies == 20)) || fail "the inside wire carried $requests requests, $replies replies for 20 pings"
if ((decaps != esp_in || encaps != esp_out)); then
  tshark -r "$WORK/outside-wire.pcap" -T fields -e frame.time_relative -e ip.src -e esp.sequence \
    -e frame.len 2>/dev/null
  printf 'show asp drop\n' >&7
  sleep 0.5
  tail -n 30 "$WORK/console.out"
  fail "SA counters differ from the outside wire"
fi
((esp_out == 20)) || fail "$esp_out ESP packets for 20 replies"
# The session database's IPsec block reads the same SA counters.
both=$(cli "show crypto ipsec sa" "show vpn-sessiondb detail remote")
encaps=$(grep -o '#pkts encaps: [0-9]*' <<<"$both" | awk '{print $3}')
decaps=$(grep -o '#pkts decaps: [0-9]*' <<<"$both" | awk '{print $3}')
ipsec=$(awk '/^IPsec:$/ {on = 1} on' <<<"$both")
grep -E 'Bytes|Pkts' <<<"$ipsec"
grep -qE "^  Pkts Tx      : $encaps +Pkts Rx      : $decaps\$" <<<"$ipsec" ||
  fail "vpn-sessiondb IPsec packets differ from the SA (encaps $encaps, decaps $decaps)"
grep -qE '^  Bytes Tx     : (1[6-9][0-9][0-9]|[2-9][0-9]{3,}) +Bytes Rx     : (1[6-9][0-9][0-9]|[2-9][0-9]{3,})$' <<<"$ipsec" ||
  fail "vpn-sessiondb IPsec bytes: 20 pings of 84 bytes each way"

# TCP too: the inside host's kernel leaves its checksums to offload over veth
# (TP_STATUS_CSUMNOTREADY); the dataplane completes them before encrypting.
ip netns exec "$INS" iperf3 -s -1 -D --pidfile "$WORK/iperf.pid" >/dev/null 2>&1
sleep 0.3
ip netns exec "$CNS" timeout 20 iperf3 -c 192.0.2.10 -n 4M -R >"$WORK/iperf.out" 2>&1 ||
  { cat "$WORK/iperf.out"; printf 'show asp drop\nshow crypto ipsec sa\n' >&7; sleep 1
    grep -E '[(]|#pkts|errors' "$WORK/console.out" | tail -12; fail "no TCP through the tunnel"; }
grep -E 'receiver' "$WORK/iperf.out" | tail -1
# A large packet without DF from the inside is fragmented before encryption (the ASA's
# default), each piece in its own ESP packet. The client's answer does not fit its path once
# encrypted: over UDP (NAT-T) its kernel sends it as outer fragments, which are reassembled
# before decryption; vpnc's raw ESP socket refuses to send it at all ("Message too long").
ip -n "$INS" route flush cache  # forget the PMTU the TCP run taught it
if ! ip netns exec "$INS" ping -c 1 -s 1450 -M dont -W 2 203.0.113.10 >/dev/null; then
  [[ "$MODE" == direct ]] || fail "no answer to a large ping (reassembly of outer fragments)"
fi
printf 'show crypto ipsec sa\n' >&7
sleep 0.5
# Every echo request was decapsulated and every reply encapsulated (the client may send a
# little more of its own, never less).
encaps=$(grep -o '#pkts encaps: [0-9]*' "$WORK/console.out" | tail -1 | awk '{print $3}')
decaps=$(grep -o '#pkts decaps: [0-9]*' "$WORK/console.out" | tail -1 | awk '{print $3}')
echo "SA counters: encaps $encaps, decaps $decaps"
((encaps >= 3 && decaps >= 3)) || fail "SA counters"
grep -qE '^          0x[0-9A-F]{8} 0x[0-9A-F]*[1-9A-F][0-9A-F]*$' "$WORK/console.out" || fail "anti-replay bitmap"
# The client's tunnel has a 1500-byte MTU: full-size TCP segments did not fit once encrypted,
# and their senders were told so (ICMP fragmentation-needed, DF set).
grep -qE '#PMTUs sent: [1-9]' "$WORK/console.out" || fail "no PMTU message sent"
grep -qE '#pre-frag successes: [1-9], #pre-frag failures: 0, #fragments created: [2-9]' \
  "$WORK/console.out" || { grep -E 'pre-frag|PMTU' "$WORK/console.out"; fail "no fragmentation before encryption"; }


# A packet that decrypts but whose inner source is not the client's assigned address breaks
# the SA's selectors: dropped and counted, never forwarded.
ip netns exec "$CNS" python3 - <<'EOPY' || fail "could not send a spoofed packet into the tunnel"
import socket, struct
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x5151, 1) + b"spoofed"
icmp = icmp[:2] + struct.pack("!H", csum(icmp + b"\0")) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                 socket.inet_aton("203.0.113.99"), socket.inet_aton("192.0.2.10"))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"tun0")
s.sendto(ip + icmp, ("192.0.2.10", 0))
EOPY
sleep 0.5
printf 'show crypto ipsec sa detail\nshow asp drop\n' >&7
sleep 0.5
grep -qE '#pkts invalid identity \(rcv\): [1-9][0-9]*,' "$WORK/console.out" ||
  { grep -E 'invalid identity' "$WORK/console.out"; fail "inner-selector mismatch not counted on the SA"; }
grep -qE '\(sp-security-failed\) +[1-9][0-9]*$' "$WORK/console.out" || fail "inner-selector mismatch not in show asp drop"

if [[ "$MODE" == direct ]]; then
  kill "$TSHARK"; wait "$TSHARK" 2>/dev/null || true
  # Bad traffic, made from a real packet of the client's: the same packet again (replay), one
  # with a fresh sequence number and a changed byte (tampered), one for an SPI nobody has, and
  # a runt. Each is dropped and counted; nothing goes back (no ICMP protocol-unreachable); the
  # tunnel carries on.
  ip netns exec "$CNS" tshark -q -i eth0 -f 'icmp' -w "$WORK/icmp.pcap" >/dev/null 2>&1 &
  TSHARK=$!
  sleep 2
  ip netns exec "$CNS" /usr/bin/python3 - "$WORK/esp-in.pcap" <<'EOPY' || fail "could not inject"
import sys, warnings
warnings.filterwarnings("ignore")
from scapy.all import rdpcap, sendp, Ether, IP, conf
conf.verb = 0
frames = [f for f in rdpcap(sys.argv[1]) if IP in f and f[IP].proto == 50 and f[IP].src == "198.51.100.2"]
f = bytes(frames[0])
esp = 14 + 20
replay = f
tampered = bytearray(f); tampered[esp + 4:esp + 8] = (5000).to_bytes(4, "big"); tampered[-20] ^= 0x55
unknown = bytearray(f); unknown[esp:esp + 4] = (0xDEADBEEF).to_bytes(4, "big")
runt = Ether(f[:14]) / IP(src="198.51.100.2", dst="198.51.100.1", proto=50) / f[esp:esp + 12]
for pkt in (replay, bytes(tampered), bytes(unknown), bytes(runt)):
    sendp(Ether(pkt) if isinstance(pkt, bytes) else pkt, iface="eth0")
EOPY
  sleep 1
  kill "$TSHARK"; wait "$TSHARK" 2>/dev/null || true
  unreach=$(tshark -r "$WORK/icmp.pcap" -Y 'icmp.type == 3 && ip.src == 198.51.100.1' 2>/dev/null | wc -l)
  ((unreach == 0)) || fail "the appliance answered ESP with ICMP unreachable ($unreach)"
  printf 'show asp drop\n' >&7
  sleep 0.5
  drops=$(awk '/rampart# show asp drop/ {on = 1} on' "$WORK/console.out")
  echo "$drops" | grep -E '\(ipsec-' || true
  for name in ipsec-replay ipsec-auth-failed ipsec-tun-down ipsec-runt; do
    grep -qE "\($name\) +[1-9]" <<<"$drops" || fail "no $name drop counted"
  done
  ip netns exec "$CNS" ping -c 2 -i 0.2 -W 2 192.0.2.10 >/dev/null || fail "tunnel broken by bad traffic"
fi

if [[ "$MODE" == nat ]]; then
  # ESP in UDP 4500 from the client reaches the box but never the IKE socket (its filter
  # passes only the non-ESP marker): IKE's packet count does not move while ESP flows.
  printf 'show crypto isakmp stats\n' >&7
  sleep 0.5
  before=$(grep -c . "$WORK/console.out")
  in_before=$(grep 'In Packets:' "$WORK/console.out" | tail -1 | awk '{print $3}')
  # At the NAT box's end of the appliance's cable (AF_XDP's steered frames skip the
  # appliance's taps).
  ip netns exec "$XNS" tshark -q -i eth0 -f 'dst host 198.51.100.1 and udp port 4500' -w "$WORK/esp.pcap" >/dev/null 2>&1 &
  TSHARK=$!
  sleep 2
  ip netns exec "$CNS" ping -c 3 -i 0.2 -W 1 192.0.2.10 >/dev/null 2>&1 || true
  sleep 0.5
  kill "$TSHARK"; wait "$TSHARK" 2>/dev/null || true
  esp=$(tshark -r "$WORK/esp.pcap" -Y esp 2>/dev/null | wc -l)
  printf 'show crypto isakmp stats\n' >&7
  sleep 0.5
  in_after=$(grep 'In Packets:' "$WORK/console.out" | tail -1 | awk '{print $3}')
  echo "ESP-in-UDP frames seen on the outside: $esp; IKE In Packets $in_before -> $in_after"
  ((esp >= 3)) || fail "the client sent no ESP in UDP"
  [[ "$in_before" == "$in_after" ]] || fail "ESP in UDP reached the IKE socket"
  # On AF_XDP the ESP in UDP came through the XDP program, and IKE's 4500 did not (above).
  check_packet_io eth0 3
fi
[[ "$MODE" == nat ]] || check_packet_io eth0 3  # the I/O RAMPART_PACKET_IO asked for

# The administrator ends the session: vpnc is told and the address goes back to the pool.
printf 'vpn-sessiondb logoff name cisco\nshow crypto isakmp sa\nshow ip local pool POOL\nexit\n' >&7
exec 7>&-
for _ in $(seq 50); do kill -0 "$VPNC_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$VPNC_PID" 2>/dev/null && { cat "$WORK/vpnc.log"; fail "vpnc still up after logoff"; }
VPNC_PID=
sleep 0.3
tail -12 "$WORK/console.out"
grep -q 'INFO: Number of sessions with name cisco logged off : 1' "$WORK/console.out" || fail "logoff"
grep -q '^There are no IKEv1 SAs$' "$WORK/console.out" || fail "SA left after logoff"
sleep 1.2
[[ -z "$(ip -n "$NS" route show 203.0.113.10/32 proto 202)" ]] ||
  { tail -5 "$WORK/rampartd.log"; fail "reverse route left after logoff"; }
# The pool address keeps a plain route into the tunnel (no RRI: not in "show route") for the
# next client given it, until no pool holds the address.
kept=$(ip -n "$NS" route show 203.0.113.10/32 proto 203)
echo "kept route: $kept"
grep -q '^203.0.113.10 dev eth0-vpn ' <<<"$kept" || fail "the pool address's route went with its client"
# What an inside host sends there now ends in the dataplane, counted, not in clear on a wire.
tun_down() {
  cli "show asp drop" | sed -nE 's/^ *IPSEC tunnel is down \(ipsec-tun-down\) +([0-9]+)$/\1/p'
}
down_before=$(tun_down)
ip netns exec "$INS" ping -c 3 -i 0.2 -W 1 203.0.113.10 >/dev/null 2>&1 &&
  fail "an echo answered for a client that left"
down_after=$(tun_down)
echo "ipsec-tun-down: ${down_before:-0} -> ${down_after:-0}"
((${down_after:-0} >= ${down_before:-0} + 3)) || fail "the departed client's traffic was not dropped as without an SA"
cli "configure terminal" "no ip local pool POOL" "end" >/dev/null
for _ in $(seq 50); do
  [[ -z "$(ip -n "$NS" route show 203.0.113.10/32 proto 203)" ]] && break
  sleep 0.1
done
[[ -z "$(ip -n "$NS" route show 203.0.113.10/32 proto 203)" ]] ||
  fail "a route kept for an address no pool holds"
echo "PASS ike_vpnc ($MODE)"
