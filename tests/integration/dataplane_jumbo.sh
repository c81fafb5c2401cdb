#!/usr/bin/env bash
# Jumbo frames (MTU 9000 on both ends of the outside and inside cables) and datagrams bigger
# than any MTU from the inside host: 12,000-byte UDP datagrams and pings to a VPN client, whose
# 9,000-byte fragments the kernel routes into the tunnel and which no longer fit the outside
# once encrypted, with fragmentation before encryption (the default) and then after. Meant
# for the ASan build (scripts/test runs it with build-asan/bin): the packet workers once wrote
# such packets' fragments past a 2 KB buffer (issue 11). Every datagram arrives, the SA counts
# the fragmentation, and rampartd's log has no sanitizer report. The client is strongSwan
# (userspace ESP over UDP, datagrams up to charon.max_packet): vpnc reads ESP into a small
# buffer and fails the ICV of anything larger ("HMAC mismatch in ESP mode").
# ctest runs it on AF_XDP too (dataplane_jumbo_af_xdp, the release build).
#   dataplane_jumbo.sh BIN
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/swanctl_ezvpn.sh"
CHARON_PID=
RECEIVER_PID=
cleanup_peers() {
  [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"
  [[ -n "$RECEIVER_PID" ]] && kill "$RECEIVER_PID" 2>/dev/null
  [[ -n "$CHARON_PID" ]] && kill "$CHARON_PID" 2>/dev/null && wait "$CHARON_PID" 2>/dev/null
  cleanup
}
trap cleanup_peers EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

make_vpn_lab
ip -n "$CNS" link set eth0 mtu 9000
start_daemon
out=$(cli "configure terminal" "$(ezvpn_gateway_lines "mtu outside 9000" "end")")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"
ip -n "$NS" link show eth0 | grep -q 'mtu 9000' || fail "outside MTU not 9000"
# Jumbo on the inside too: the kernel forwards a fragmented datagram as the fragments it came
# in (it reassembles only to look at it), so the dataplane gets 9,000-byte packets that no
# longer fit the outside once encrypted.
ip -n "$INS" link set eth0 mtu 9000
cli "configure terminal" "mtu inside 9000" "end" >/dev/null
ip -n "$NS" link show eth1 | grep -q 'mtu 9000' || fail "inside MTU not 9000"

charon_config "$WORK" "max_packet = 65535"  # the jumbo frames' ESP
{ swanctl_ezvpn_connection cisco encap; cat <<EOC
secrets {
  ike-ra { secret = cisco123 }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
} >"$WORK/swanctl.conf"
charon_run "$CNS" "$WORK"
wait_for 10 test -S "$WORK/vici.sock" || { cat "$WORK/charon.out"; fail "charon did not start"; }
swanctl --load-all --file "$WORK/swanctl.conf" --uri "unix://$WORK/vici.sock" >"$WORK/load.out" 2>&1 ||
  { cat "$WORK/load.out"; fail "swanctl --load-all"; }
timeout 20 swanctl --initiate --child ra --uri "unix://$WORK/vici.sock" >"$WORK/initiate.out" 2>&1 ||
  { tail -30 "$WORK/charon.log"; fail "strongSwan could not connect"; }
CLIENT=$(sed -n "s/.*established with SPIs .* and TS \([0-9.]*\)\/32 === .*/\1/p" "$WORK/charon.log" | head -1)
[[ -n "$CLIENT" ]] || { tail -20 "$WORK/charon.log"; fail "no virtual IP"; }
echo "client $CLIENT"
sa_up() { cli "show crypto ipsec sa" | grep -q "current_peer: 198.51.100.2"; }
wait_for 10 sa_up || fail "no IPsec SA"

# The client counts the datagrams it receives (their lengths, one a line).
ip netns exec "$CNS" python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7000))
while True:
    d, _ = s.recvfrom(65535)
    print(len(d), flush=True)
' >"$WORK/received" &
RECEIVER_PID=$!
wait_for 5 sh -c "ip netns exec $CNS ss -lun | grep -q ':7000 '" || fail "receiver did not start"

workers_started() { grep -c 'dataplane: .* worker' "$WORK/rampartd.log" || true; }

# round MODE: five 12,000-byte datagrams and three 12,000-byte pings from the inside host.
round() {
  local mode=$1 before
  before=$(wc -l <"$WORK/received")
  ip netns exec "$INS" python3 - "$CLIENT" <<'EOPY' || fail "inside host could not send"
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(bytes([i]) * 12000, (sys.argv[1], 7000))
    time.sleep(0.05)
EOPY
  got() { (($(awk '$1 == 12000' "$WORK/received" | wc -l) >= before + 5)); }
  if ! wait_for 10 got; then
    asan_clean
    cli "show crypto ipsec sa detail" "show asp drop" || true
    fail "$mode: $(($(wc -l <"$WORK/received") - before)) of 5 datagrams of 12,000 bytes arrived"
  fi
  asan_clean
  ip netns exec "$INS" ping -c 3 -i 0.2 -W 3 -s 12000 "$CLIENT" >"$WORK/ping.$mode" ||
    { cat "$WORK/ping.$mode"; asan_clean; cli "show crypto ipsec sa detail" "show asp drop" || true
      fail "$mode: big pings"; }
  asan_clean
  echo "$mode: 5 datagrams and 3 pings of 12,000 bytes through the tunnel"
}

round before-encryption
sa=$(cli "show crypto ipsec sa")
grep -E '#pre-frag|#pkts encaps' <<<"$sa"
grep -qE '#pre-frag successes: ([89]|[1-9][0-9]+), #pre-frag failures: 0, #fragments created: [1-9]' <<<"$sa" ||
  fail "fragmentation before encryption not counted"

n=$(workers_started)
cli "configure terminal" "crypto ipsec fragmentation after-encryption outside" "end" >/dev/null
workers_restarted() { (($(workers_started) > n)); }
wait_for 5 workers_restarted || fail "the dataplane did not take the new fragmentation policy"
cli "clear crypto ipsec sa counters" >/dev/null
round after-encryption
sa=$(cli "show crypto ipsec sa")
grep -E '#post-frag|#pkts encaps' <<<"$sa"
grep -qE '#post-frag successes: ([89]|[1-9][0-9]+), #post-frag failures: 0, #fragments created: [1-9]' <<<"$sa" ||
  fail "fragmentation after encryption not counted"
asan_clean

# The other way: a decrypted packet larger than the port it leaves by. The inside's MTU goes
# down to 1000 and the client pings with 1,228-byte DF packets: they cannot leave whole and
# must not be split. The kernel forwards what the dataplane decrypted, so it drops them and
# tells the client (ICMP fragmentation needed, MTU 1000), which the dataplane encrypts back.
cli "configure terminal" "mtu inside 1000" "end" >/dev/null
inside_mtu() { ip -n "$NS" link show eth1 | grep -q 'mtu 1000 '; }
wait_for 5 inside_mtu || fail "the inside MTU did not go to 1000"
ip netns exec "$CNS" ping -c 2 -i 0.2 -W 1 -M do -s 1200 192.0.2.10 >"$WORK/ping.df" 2>&1 &&
  fail "a 1,228-byte DF packet crossed a 1000-byte inside"
cat "$WORK/ping.df"
grep -qE 'mtu ?= ?1000' "$WORK/ping.df" ||
  fail "the client was not told the path MTU (fragmentation needed, MTU 1000)"
asan_clean
# On AF_XDP (rampartd's default, auto, on veth) the ESP that fits a socket's frame came through the XDP
# program; the jumbo ESP, and the fragments the kernel reassembled, through AF_PACKET beneath.
check_packet_io eth0 1
echo "PASS dataplane_jumbo"
