# Shared helpers for the integration scripts: a namespace with veth NICs eth0..eth2 and a
# rampartd in it, torn down on exit whatever happens.
set -euo pipefail
BIN=${1:?usage: $0 BUILD_BIN_DIR}
NS=rtest$$
WORK=$(mktemp -d /tmp/rampart-test.XXXXXX)
FLASH=$WORK/flash
SOCK=$WORK/control.sock
DAEMON_PID=
mkdir -p "$FLASH"

# The namespaces of make_vpn_lab: client, NAT box, inside host.
CNS=rcli$$
XNS=rnat$$
INS=rins$$

VPNC_PID=  # start_vpnc's client, stopped by cleanup
cleanup() {
  if [[ -n "$VPNC_PID" ]]; then kill "$VPNC_PID" 2>/dev/null || true; wait "$VPNC_PID" 2>/dev/null || true; fi
  if [[ -n "$DAEMON_PID" ]]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  for ns in "$CNS" "$XNS" "$INS"; do ip netns del "$ns" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

make_ns() {
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  for i in 0 1 2; do
    ip -n "$NS" link add "eth$i" address "02:00:5e:00:53:0$((i + 1))" type veth peer name "wire$i"
    ip -n "$NS" link set "wire$i" up
  done
}

# wire_hosts NAME...: the appliance namespace $NS, and for each NAME a host namespace whose eth0
# is wired to the appliance's eth0, eth1, ... in order (no offloads: frames of at most the MTU).
wire_hosts() {
  local k=0 ns
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  for ns in "$@"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$NS" link add "eth$k" type veth peer name "h$k$$"
    ip -n "$NS" link set "h$k$$" netns "$ns"
    ip -n "$ns" link set "h$k$$" name eth0
    ip -n "$ns" link set eth0 up
    ip netns exec "$ns" ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true
    k=$((k + 1))
  done
}

# start_daemon [OPTION...]: rampartd in $NS, with any further options given.
start_daemon() {
  rm -f "$SOCK"
  ip netns exec "$NS" "$BIN/rampartd" --flash "$FLASH" --control "$SOCK" --foreground "$@" \
    >>"$WORK/rampartd.log" 2>&1 &
  DAEMON_PID=$!
  for _ in $(seq 200); do
    [[ -S "$SOCK" ]] && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/rampartd.log"; return 1; }
    sleep 0.025
  done
  echo "rampartd did not open $SOCK"; return 1
}

stop_daemon() {
  kill "${1:--TERM}" "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=
}

# cli LINES...: runs a privileged console session with the given lines.
# The client's whole output is taken first, then written on: a reader that stops early
# (`cli ... | grep -q`) must not kill the client with SIGPIPE, which under pipefail would make a
# match a failure, and a `... && fail` check one that cannot fail. The status is the client's.
cli() {
  local out rc=0
  out=$(
    { printf 'enable\n\n'; printf '%s\n' "$@"; } | "$BIN/rampart" --control "$SOCK"
    r=$?
    printf .
    exit $r
  ) || rc=$?
  (
    trap '' PIPE
    printf '%s' "${out%.}"
  ) 2>/dev/null || true
  return "$rc"
}

fail() { echo "FAIL: $*"; exit 1; }

# make_vpn_lab [nat]: the appliance namespace $NS with eth0 (outside) and eth1 (inside); a client
# namespace $CNS on the outside (198.51.100.2/26), or with "nat" behind a NAT namespace $XNS
# (client 198.51.100.66/26, the NAT's outside 198.51.100.2, nftables masquerade); and an inside
# host $INS (192.0.2.10/24, its way back through the appliance). The appliance's own addresses
# come from its CLI. Sets PUBLIC: the client's address as the appliance sees it.
make_vpn_lab() {
  local mode=${1:-direct}
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  ip netns add "$CNS"
  ip -n "$CNS" link set lo up
  ip -n "$NS" link add eth0 type veth peer name "c$$"
  ip -n "$NS" link add eth1 type veth peer name "i$$"
  ip netns add "$INS"
  ip -n "$INS" link set lo up
  ip -n "$NS" link set "i$$" netns "$INS"
  ip -n "$INS" link set "i$$" name eth0
  ip -n "$INS" addr add 192.0.2.10/24 dev eth0
  # Like many hosts, it learns neighbours from gratuitous ARP (Linux does not by default).
  ip netns exec "$INS" sysctl -qw net.ipv4.conf.eth0.arp_accept=1
  ip -n "$INS" link set eth0 up
  ip -n "$INS" route add default via 192.0.2.1
  # A host on a wire sends frames of at most the MTU: no TSO/GSO super-frames over the veth.
  ip netns exec "$INS" ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true
  PUBLIC=198.51.100.2
  if [[ "$mode" == nat ]]; then
    ip netns add "$XNS"
    ip -n "$XNS" link set lo up
    ip -n "$NS" link set "c$$" netns "$XNS"
    ip -n "$XNS" link set "c$$" name eth0
    ip -n "$XNS" addr add 198.51.100.2/26 dev eth0
    ip -n "$XNS" link set eth0 up
    ip -n "$XNS" link add eth1 type veth peer name "l$$"
    ip -n "$XNS" link set "l$$" netns "$CNS"
    ip -n "$CNS" link set "l$$" name eth0
    ip -n "$XNS" addr add 198.51.100.65/26 dev eth1
    ip -n "$XNS" link set eth1 up
    ip netns exec "$XNS" sysctl -qw net.ipv4.ip_forward=1
    printf 'table ip nat {\n chain post {\n  type nat hook postrouting priority 100;\n  oifname "eth0" masquerade\n }\n}\n' |
      ip netns exec "$XNS" nft -f - || fail "nftables masquerade"
    ip -n "$CNS" addr add 198.51.100.66/26 dev eth0
    ip -n "$CNS" link set eth0 up
    ip -n "$CNS" route add default via 198.51.100.65
  else
    ip -n "$NS" link set "c$$" netns "$CNS"
    ip -n "$CNS" link set "c$$" name eth0
    ip -n "$CNS" addr add 198.51.100.2/26 dev eth0
    ip -n "$CNS" link set eth0 up
  fi
}

# The EzVPN head-end of seed 000 on the lab's addresses (outside 198.51.100.1/26, inside
# 192.0.2.1/24, pool 203.0.113.10-50, group EZ / cisco123, user cisco / cisco), as CLI lines;
# extra lines may follow. Prints the lines; give them to cli, or to a startup-config.
ezvpn_gateway_lines() {
  printf '%s\n' "interface GigabitEthernet0/0" "nameif outside" "security-level 0" \
    "ip address 198.51.100.1 255.255.255.192" "no shutdown" "exit" \
    "interface GigabitEthernet0/1" "nameif inside" "security-level 100" \
    "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit" \
    "ip local pool POOL 203.0.113.10-203.0.113.50 mask 255.255.255.0" \
    "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac" \
    "crypto dynamic-map DYN 10 set ikev1 transform-set TRA" \
    "crypto map MAP 65000 ipsec-isakmp dynamic DYN" "crypto map MAP interface outside" \
    "crypto ikev1 enable outside" \
    "crypto ikev1 policy 10" "authentication pre-share" "encryption aes" "hash sha" "group 2" \
    "lifetime 86400" "exit" \
    "username cisco password cisco" \
    "group-policy EZ internal" \
    "tunnel-group EZ type remote-access" "tunnel-group EZ general-attributes" \
    "address-pool POOL" "default-group-policy EZ" "exit" \
    "tunnel-group EZ ipsec-attributes" "ikev1 pre-shared-key cisco123" "exit" "$@"
}

# start_vpnc: vpnc in $CNS against 198.51.100.1 as group EZ with secret cisco123 (or $VPNC_GROUP
# with $VPNC_SECRET), user cisco (or $VPNC_USER with $VPNC_PASSWORD), single DES and MD5 (seed
# 004's) allowed when $VPNC_WEAK is set; its script puts the
# address on the tunnel device with a route to the inside (192.0.2.0/24) and records the
# mode-config in $WORK/vpnc-env.<reason>. Sets VPNC_PID; the caller kills it.
start_vpnc() {
  printf '%s\n' "IPSec gateway 198.51.100.1" "IPSec ID ${VPNC_GROUP:-EZ}" \
    "IPSec secret ${VPNC_SECRET:-cisco123}" \
    "Xauth username ${VPNC_USER:-cisco}" "Xauth password ${VPNC_PASSWORD:-cisco}" >"$WORK/vpnc.conf"
  # The answer to a server's further question (a new password: XAUTH NEXT-PIN).
  if [[ -n "${VPNC_PASSWORD_HELPER:-}" ]]; then
    echo "Password helper $VPNC_PASSWORD_HELPER" >>"$WORK/vpnc.conf"
  fi
  if [[ -n "${VPNC_WEAK:-}" ]]; then
    printf '%s\n' "Enable weak encryption" "Enable weak authentication" >>"$WORK/vpnc.conf"
  fi
  cat >"$WORK/script.sh" <<EOS
#!/bin/sh
env | grep -E '^(reason|INTERNAL_IP4|CISCO|TUNDEV)' >"$WORK/vpnc-env.\$reason.tmp"
if [ "\$reason" = connect ]; then
  ip addr add "\$INTERNAL_IP4_ADDRESS/32" dev "\$TUNDEV"
  ip link set "\$TUNDEV" up
  ip route add 192.0.2.0/24 dev "\$TUNDEV"
fi
mv "$WORK/vpnc-env.\$reason.tmp" "$WORK/vpnc-env.\$reason"
EOS
  chmod +x "$WORK/script.sh"
  ip netns exec "$CNS" vpnc --no-detach --debug 1 --pid-file "$WORK/vpnc.pid" --dh dh2 \
    --pfs nopfs --script "$WORK/script.sh" "$WORK/vpnc.conf" >"$WORK/vpnc.log" 2>&1 &
  VPNC_PID=$!
}

# vpnc_connect USER PASSWORD: start_vpnc as USER; true once vpnc is up, false when it gives up
# (VPNC_PID is then empty) or is not up within 20 s.
vpnc_connect() {
  rm -f "$WORK"/vpnc-env.* "$WORK/vpnc.pid"
  VPNC_USER=$1 VPNC_PASSWORD=$2 start_vpnc
  for _ in $(seq 200); do
    # vpnc runs its connect script before its quick mode, and takes SIGTERM as "send Deletes and
    # leave" only from when it writes its pid file on: a kill before that ends it silently.
    [[ -f "$WORK/vpnc-env.connect" && -s "$WORK/vpnc.pid" ]] && return 0
    kill -0 "$VPNC_PID" 2>/dev/null || { VPNC_PID=; return 1; }
    sleep 0.1
  done
  return 1
}

# wait_for SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds; fails after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# asan_clean: rampartd is alive and its log has no sanitizer report.
asan_clean() {
  if grep -qE 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$WORK/rampartd.log"; then
    grep -A40 -E 'ERROR: AddressSanitizer|runtime error:' "$WORK/rampartd.log" | head -80
    fail "sanitizer report in rampartd's log"
  fi
  kill -0 "$DAEMON_PID" 2>/dev/null || { tail -60 "$WORK/rampartd.log"; fail "rampartd died"; }
}

# check_packet_io [PORT [MIN]]: the packet workers ran on the I/O the suite asked for
# (RAMPART_PACKET_IO, as ctest's *_af_packet entries set it; rampartd's default, auto, is AF_XDP
# on veth). On AF_XDP: show version says so, our
# XDP program is on PORT (eth0), and the kernel's own counter (veth's rx_queue_0_xdp_redirect,
# ethtool -S) saw at least MIN frames steered into the sockets. On AF_PACKET: no XDP program.
check_packet_io() {
  local port=${1:-eth0} min=${2:-1} line steered
  line=$(cli "show version" | grep "VPN packet I/O")
  echo "$line"
  if [[ "${RAMPART_PACKET_IO:-auto}" == af_packet ]]; then
    grep -q ": AF_PACKET$" <<<"$line" || fail "show version: not AF_PACKET"
    ! ip -n "$NS" link show "$port" | grep -q "prog/xdp" || fail "an XDP program on $port"
    return 0
  fi
  grep -q "AF_XDP (native, copy mode)" <<<"$line" || fail "show version: not AF_XDP (native)"
  ip -n "$NS" -d link show "$port" | grep -q "prog/xdp .*name rampart_steer" ||
    fail "rampart_steer is not on $port"
  steered=$(ip netns exec "$NS" ethtool -S "$port" | awk '/rx_queue_0_xdp_redirect:/ {print $2}')
  echo "$port: ${steered:-0} frames steered into AF_XDP sockets"
  ((${steered:-0} >= min)) || fail "$port: ${steered:-0} frames steered, expected at least $min"
}

# check_xdp_detached [PORT]: after rampartd ended (even by SIGKILL), no program stays on PORT.
check_xdp_detached() {
  local port=${1:-eth0}
  no_prog() { ! ip -n "$NS" link show "$port" | grep -q "prog/xdp"; }
  wait_for 2 no_prog || fail "an XDP program stayed on $port after rampartd ended"
}
