#!/usr/bin/env bash
# Many vpnc clients behind one NAT (a hotel, a home, an office): one nftables masquerade gives
# them all the public address 198.51.100.2, each its own source ports. Each client is its own
# network namespace on the NAT's LAN (198.51.100.64/26, a bridge). The gateway must tell them
# apart by address and port: a client's INITIAL-CONTACT (vpnc sends one on every connect)
# clears only what that client held before, and the per-address admission limits must still
# let a whole LAN in.
#   ike_vpnc_shared_nat.sh BIN two        2 users connect, ping at once; the first survives the second
#   ike_vpnc_shared_nat.sh BIN ten        10 users ping at once; one crashes and reconnects
#   ike_vpnc_shared_nat.sh BIN same-user  one user twice: vpn-simultaneous-logins decides
source "$(dirname "$0")/lib.sh"
SCENARIO=${2:?usage: $0 BIN two|ten|same-user}
declare -A VPNC=()  # client number -> vpnc pid
CLIENT_NS=()
cleanup_clients() {
  for k in "${!VPNC[@]}"; do kill "${VPNC[$k]}" 2>/dev/null || true; done
  for k in "${!VPNC[@]}"; do wait "${VPNC[$k]}" 2>/dev/null || true; done
  for ns in "${CLIENT_NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  cleanup
}
trap cleanup_clients EXIT
[[ -n "${KEEP:-}" ]] && trap "cp -r \"\$WORK\" \"\$KEEP\"; cleanup_clients" EXIT

# The lab with its one client behind the NAT ($CNS, 198.51.100.66). The NAT's LAN side becomes
# a bridge so that more clients can join it.
make_vpn_lab nat
ip -n "$XNS" link add br0 type bridge
ip -n "$XNS" addr del 198.51.100.65/26 dev eth1
ip -n "$XNS" link set eth1 master br0
ip -n "$XNS" addr add 198.51.100.65/26 dev br0
ip -n "$XNS" link set br0 up

# client_ns K: the namespace of client K (1 is the lab's own $CNS, at 198.51.100.66).
client_ns() { if (($1 == 1)); then echo "$CNS"; else echo "rcli$$-$1"; fi; }

add_client() {
  local k=$1 ns
  (($1 == 1)) && return 0  # the lab's own, already wired to eth1
  ns=$(client_ns "$k")
  ip netns add "$ns"
  CLIENT_NS+=("$ns")
  ip -n "$ns" link set lo up
  ip -n "$XNS" link add "b$k" type veth peer name "p$$-$k"
  ip -n "$XNS" link set "b$k" master br0
  ip -n "$XNS" link set "b$k" up
  ip -n "$XNS" link set "p$$-$k" netns "$ns"
  ip -n "$ns" link set "p$$-$k" name eth0
  ip -n "$ns" addr add "198.51.100.$((65 + k))/26" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via 198.51.100.65
}

# start_client K USER: vpnc in client K's namespace as USER (password pw-USER); its script
# records the mode-config in $WORK/K/vpnc-env.<reason> and routes the inside into the tunnel.
start_client() {
  local k=$1 user=$2 dir=$WORK/$1
  mkdir -p "$dir"
  rm -f "$dir"/vpnc-env.*
  printf '%s\n' "IPSec gateway 198.51.100.1" "IPSec ID EZ" "IPSec secret cisco123" \
    "Xauth username $user" "Xauth password pw-$user" >"$dir/vpnc.conf"
  cat >"$dir/script.sh" <<EOS
#!/bin/sh
env | grep -E '^(reason|INTERNAL_IP4|TUNDEV)' >"$dir/vpnc-env.\$reason.tmp"
if [ "\$reason" = connect ]; then
  ip addr add "\$INTERNAL_IP4_ADDRESS/32" dev "\$TUNDEV"
  ip link set "\$TUNDEV" up
  ip route add 192.0.2.0/24 dev "\$TUNDEV"
  sysctl -qw net.ipv6.conf.\$TUNDEV.disable_ipv6=1
fi
mv "$dir/vpnc-env.\$reason.tmp" "$dir/vpnc-env.\$reason"
EOS
  chmod +x "$dir/script.sh"
  ip netns exec "$(client_ns "$k")" vpnc --no-detach --debug 1 --pid-file "$dir/vpnc.pid" \
    --dh dh2 --pfs nopfs --script "$dir/script.sh" "$dir/vpnc.conf" >>"$dir/vpnc.log" 2>&1 &
  VPNC[$k]=$!
}

# The client has its address and the gateway an IPsec SA for it (quick mode follows the script).
connected() { [[ -f "$WORK/$1/vpnc-env.connect" ]] && cli "show crypto ipsec sa" | grep -q "$(address "$1")"; }
address() { sed -n 's/^INTERNAL_IP4_ADDRESS=//p' "$WORK/$1/vpnc-env.connect" 2>/dev/null; }
all_connected() { local k; for k in "$@"; do connected "$k" || return 1; done; }
wait_connected() {
  wait_for 40 all_connected "$@" && return 0
  for k in "$@"; do connected "$k" || { echo "--- client $k"; tail -15 "$WORK/$k/vpnc.log"; }; done
  tail -40 "$WORK/rampartd.log"
  fail "clients not connected: $*"
}

# ping_all COUNT K...: every client K pings the inside host COUNT times, all at once, 10 a
# second; each must get every answer.
ping_all() {
  local count=$1 k bad=
  shift
  for k in "$@"; do
    ip netns exec "$(client_ns "$k")" ping -q -c "$count" -i 0.1 -W 2 192.0.2.10 >"$WORK/$k/ping" 2>&1 &
    PING[$k]=$!
  done
  for k in "$@"; do
    wait "${PING[$k]}" || true
    grep -q " $count received, 0% packet loss" "$WORK/$k/ping" || { bad+=" $k"; cat "$WORK/$k/ping"; }
  done
  [[ -z "$bad" ]] || { cli "show asp drop" | grep -E '\(' || true; fail "clients lost pings:$bad"; }
}
declare -A PING=()

# Counts the gateway shows: IKE SAs, and active remote-access sessions.
ike_sas() { cli "show crypto isakmp sa" | sed -n 's/^Total IKE SA: //p'; }
sessions() { cli "show vpn-sessiondb summary" | sed -n 's/^Remote-Access VPN *: *\([0-9]*\) .*/\1/p'; }
expect_counts() {
  local ike s
  ike=$(ike_sas) s=$(sessions)
  [[ "$ike" == "$1" && "$s" == "$1" ]] ||
    { cli "show crypto isakmp sa"; fail "$ike IKE SAs and ${s:-no} sessions, expected $1 of each"; }
}
# Lines of syslog message 113019 with this reason.
disconnects() { grep -c "113019: .*Reason: $1" "$WORK/rampartd.log" || true; }

users() { local k; for k in $(seq "$1"); do printf '%s\n' "username user$k password pw-user$k"; done; }

start_daemon
mapfile -t lines < <(ezvpn_gateway_lines "crypto dynamic-map DYN 10 set reverse-route"; users 10)
out=$(cli "configure terminal" "${lines[@]}" "end")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"

case "$SCENARIO" in
two)
  add_client 1
  add_client 2
  start_client 1 user1
  wait_connected 1
  ping_all 10 1
  start_client 2 user2
  wait_connected 2
  expect_counts 2
  (($(disconnects 'Peer Reconnected') == 0)) || fail "the second client's INITIAL-CONTACT removed the first"
  [[ "$(address 1)" != "$(address 2)" ]] || fail "both clients were given $(address 1)"
  # Both through the one public address, on different ports.
  cli "show vpn-sessiondb remote" | grep -c "Public IP    : 198.51.100.2$" | grep -qx 2 ||
    fail "sessions not both from 198.51.100.2"
  ping_all 20 1 2
  ;;
ten)
  for k in $(seq 10); do add_client "$k"; done
  # All at once, as a LAN does after a power cut: more than the five half-open negotiations
  # one address may have; the rest are refused and get in on vpnc's retransmission.
  for k in $(seq 10); do start_client "$k" "user$k"; done
  wait_connected $(seq 10)
  grep -c '713191' "$WORK/rampartd.log" | sed 's/^/713191 lines (first messages refused at the per-address limit, logged at most once a second): /' || true
  expect_counts 10
  ping_all 20 $(seq 10)
  # Client 10 crashes (no delete sent) and comes back on the same ports, which the NAT maps to
  # the same public ones: its INITIAL-CONTACT clears its own stale SA and nothing else, while
  # the other nine ping throughout.
  spis_before=$(cli "show crypto ipsec sa" | grep -c 'spi: 0x')
  for k in $(seq 9); do
    ip netns exec "$(client_ns "$k")" ping -q -c 80 -i 0.1 -W 2 192.0.2.10 >"$WORK/$k/ping" 2>&1 &
    PING[$k]=$!
  done
  kill -KILL "${VPNC[10]}"
  wait "${VPNC[10]}" 2>/dev/null || true
  start_client 10 user10
  wait_connected 10
  one_reconnect() { (($(disconnects 'Peer Reconnected .INITIAL-CONTACT.') == 1)); }
  wait_for 5 one_reconnect || fail "$(disconnects 'Peer Reconnected') INITIAL-CONTACT removals, expected 1"
  grep -q 'Username = user10, .*Reason: Peer Reconnected (INITIAL-CONTACT)' "$WORK/rampartd.log" ||
    fail "the INITIAL-CONTACT removal was not client 10's own old session"
  expect_counts 10
  kill -0 "${PING[1]}" 2>/dev/null || fail "the reconnect outlasted the pings meant to span it"
  bad=
  for k in $(seq 9); do
    wait "${PING[$k]}" || true
    grep -q ' 80 received, 0% packet loss' "$WORK/$k/ping" || { bad+=" $k"; cat "$WORK/$k/ping"; }
  done
  [[ -z "$bad" ]] || fail "clients lost pings while client 10 reconnected:$bad"
  [[ "$(cli "show crypto ipsec sa" | grep -c 'spi: 0x')" == "$spis_before" ]] || fail "IPsec SA count changed"
  ping_all 10 $(seq 10)
  ;;
same-user)
  add_client 1
  add_client 2
  # Default vpn-simultaneous-logins 3: the same user twice from one address, both stay.
  start_client 1 user1
  wait_connected 1
  start_client 2 user1
  wait_connected 2
  expect_counts 2
  ping_all 20 1 2
  # Client 2 disconnects (vpnc deletes its SAs on SIGTERM); with one login allowed, its next
  # connection logs off client 1, which is told.
  kill "${VPNC[2]}"
  wait "${VPNC[2]}" 2>/dev/null || true
  one_left() { [[ "$(sessions)" == 1 ]]; }
  wait_for 10 one_left || fail "client 2's session outlived its vpnc"
  out=$(cli "configure terminal" "group-policy EZ attributes" "vpn-simultaneous-logins 1" "end")
  grep -E 'ERROR|Invalid' <<<"$out" && fail "vpn-simultaneous-logins refused"
  start_client 2 user1
  wait_connected 2
  (($(disconnects 'Port Preempted') == 1)) ||
    { grep 113019 "$WORK/rampartd.log"; fail "expected one session logged off as Port Preempted"; }
  expect_counts 1
  gone() { ! kill -0 "${VPNC[1]}" 2>/dev/null; }
  wait_for 10 gone || fail "vpnc of the preempted session still running"
  ping_all 10 2
  ;;
*) fail "unknown scenario $SCENARIO" ;;
esac
asan_clean
echo "PASS ike_vpnc_shared_nat ($SCENARIO)"
