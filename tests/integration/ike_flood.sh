#!/usr/bin/env bash
# Spoofed IKE first messages at full rate against Rampart (issue 11), while real clients use it:
#
#  rflo (generator) .70 ─┐
#  rcli (vpnc, up before) .66 ─┼─ br0 .65 rnat (router) .2 ── eth0 .1 appliance eth1 ── rins
#  rcl2 (vpnc, during)  .67 ─┘        198.51.100.64/26          198.51.100.0/26        192.0.2.10
#
# build/bin/ike_flood sends aggressive-mode AM1s and main-mode MM1s from random addresses of
# 198.51.100.128/25 (routed back to the generator, which counts the answers) with random
# cookies. During the flood a vpnc tunnel that was up before must carry ping without loss, a
# second vpnc must connect, and the console must answer "show crypto isakmp stats". Prints
# the rates, the time to connect, the ping loss, the console latency (min/median/max) and the
# appliance's drops by reason. Fails only on the functional bounds: no connection, a lost
# ping, or a console that does not answer within 5 s.
#   ike_flood.sh BIN [SECONDS]     (tests/bench/ike_flood.sh runs it for 60 s)
source "$(dirname "$0")/lib.sh"
SECONDS_FLOOD=${2:-15}
C2NS=rcl2$$
FNS=rflo$$
PIDS=()
cleanup_flood() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in "$C2NS" "$FNS"; do ip netns del "$ns" 2>/dev/null || true; done
  cleanup
}
trap cleanup_flood EXIT

# ---- topology --------------------------------------------------------------------------------
for ns in "$NS" "$XNS" "$CNS" "$C2NS" "$FNS" "$INS"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip -n "$NS" link add eth0 type veth peer name "r$$"
ip -n "$NS" link set "r$$" netns "$XNS"
ip -n "$XNS" link set "r$$" name eth0
ip -n "$XNS" addr add 198.51.100.2/26 dev eth0
ip -n "$XNS" link set eth0 up
ip -n "$XNS" link add br0 type bridge
ip -n "$XNS" addr add 198.51.100.65/26 dev br0
ip -n "$XNS" link set br0 up
ip netns exec "$XNS" sysctl -qw net.ipv4.ip_forward=1
host=66
for ns in "$CNS" "$C2NS" "$FNS"; do
  [[ "$ns" == "$FNS" ]] && host=70
  ip -n "$XNS" link add "p$host" type veth peer name "h$host"
  ip -n "$XNS" link set "p$host" master br0 up
  ip -n "$XNS" link set "h$host" netns "$ns"
  ip -n "$ns" link set "h$host" name eth0
  ip -n "$ns" addr add "198.51.100.$host/26" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via 198.51.100.65
  host=$((host + 1))
done
# The spoofed range lives behind the generator: the appliance's answers go there to be counted.
ip -n "$XNS" route add 198.51.100.128/25 via 198.51.100.70
ip -n "$NS" link add eth1 type veth peer name "i$$"
ip -n "$NS" link set "i$$" netns "$INS"
ip -n "$INS" link set "i$$" name eth0
ip -n "$INS" addr add 192.0.2.10/24 dev eth0
ip -n "$INS" link set eth0 up
ip -n "$INS" route add default via 192.0.2.1

start_daemon
out=$(cli "configure terminal" "$(ezvpn_gateway_lines \
  "route outside 198.51.100.64 255.255.255.192 198.51.100.2" \
  "route outside 198.51.100.128 255.255.255.128 198.51.100.2" \
  "crypto dynamic-map DYN 10 set reverse-route" "end")")
grep -E 'ERROR|Invalid' <<<"$out" && fail "configuration refused"

cat >"$WORK/vpnc.conf" <<EOC
IPSec gateway 198.51.100.1
IPSec ID EZ
IPSec secret cisco123
Xauth username cisco
Xauth password cisco
EOC
cat >"$WORK/script.sh" <<'EOS'
#!/bin/sh
# The tunnel device as vpnc-script would set it up, with only the inside network through it.
if [ "$reason" = connect ]; then
  ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
  ip link set "$TUNDEV" up
  ip route add 192.0.2.0/24 dev "$TUNDEV"
  touch "$VPNC_UP"
fi
EOS
chmod +x "$WORK/script.sh"

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'; }

# start_vpnc NS TAG: starts vpnc in NS; $WORK/TAG.up appears once it is connected.
start_vpnc() {
  ip netns exec "$1" env VPNC_UP="$WORK/$2.up" stdbuf -oL vpnc --no-detach --debug 1 \
    --pid-file "$WORK/$2.pid" --dh dh2 --pfs nopfs --script "$WORK/script.sh" \
    "$WORK/vpnc.conf" >"$WORK/$2.log" 2>&1 &
  PIDS+=($!)
}
# wait_up TAG SECONDS: true once TAG is connected, within SECONDS.
wait_up() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ -f "$WORK/$1.up" ]] && return 0
    sleep 0.05
  done
  return 1
}

start_vpnc "$CNS" first
wait_up first 20 || { tail -20 "$WORK/first.log"; fail "the first vpnc did not connect before the flood"; }
# The SAs reach the dataplane on its next sync: wait for the first answer, then expect all.
for _ in $(seq 20); do
  ip netns exec "$CNS" ping -c 1 -W 1 192.0.2.10 >/dev/null && break
done
ip netns exec "$CNS" ping -c 3 -i 0.2 -W 2 192.0.2.10 >/dev/null || {
  tail -n 20 "$WORK/first.log" "$WORK/rampartd.log"
  fail "no ping through the tunnel before the flood"
}

# ---- the flood, and what the real users see meanwhile -------------------------------------
snmp() { ip netns exec "$NS" awk '/^Udp:/ && n++ {print $4, $6}' /proc/net/snmp; }  # InErrors RcvbufErrors
read -r udp_err0 udp_buf0 < <(snmp)
ip netns exec "$FNS" "$BIN/ike_flood" --target 198.51.100.1 --sources 198.51.100.128/25 \
  --seconds "$SECONDS_FLOOD" --group EZ --count-on eth0 >"$WORK/flood.out" 2>&1 &
FLOOD_PID=$!
PIDS+=($FLOOD_PID)
sleep 1
# The established tunnel: 5 pings a second for the flood's duration.
pings=$(( (SECONDS_FLOOD - 2) * 5 ))
ip netns exec "$CNS" ping -c "$pings" -i 0.2 -W 3 192.0.2.10 >"$WORK/ping.out" 2>&1 &
PING_PID=$!
PIDS+=($PING_PID)
# A new client during the flood.
t0=$(date +%s.%N)
start_vpnc "$C2NS" second
connected=no
# The console, asked again and again.
latencies=()
console_ok=yes
while kill -0 "$FLOOD_PID" 2>/dev/null; do
  if [[ $connected == no && -f "$WORK/second.up" ]]; then
    connect_time=$(since "$t0")
    connected=yes
  fi
  s=$(date +%s.%N)
  if ! answer=$(printf 'enable\n\nshow crypto isakmp stats\n' |
    timeout 5 "$BIN/rampart" --control "$SOCK"); then
    console_ok=no
    latencies+=(5.000)
    continue
  fi
  grep -q 'Global IKEv1 Statistics' <<<"$answer" || console_ok=no
  latencies+=("$(since "$s")")
  sleep 0.5
done
wait "$FLOOD_PID" || true
if [[ $connected == no ]] && wait_up second 10; then
  connect_time="$(since "$t0") (after the flood)"
  connected=after
fi
wait "$PING_PID" || true
read -r udp_err1 udp_buf1 < <(snmp)

# ---- report ------------------------------------------------------------------------------
echo "== flood of ${SECONDS_FLOOD} s from 198.51.100.128/25 =="
cat "$WORK/flood.out"
stats=$(cli "show crypto isakmp stats")
row() { awk -v l="$1:" 'index($0, l) {print $NF; exit}' <<<"$stats"; }
echo "appliance: In Packets $(row 'In Packets'), Out Packets $(row 'Out Packets')"
echo "dropped by reason: kernel UDP receive buffer full $((udp_buf1 - udp_buf0))," \
  "UDP errors $((udp_err1 - udp_err0)), per-peer limit $(row 'Refused Peer Limit')," \
  "per-peer rate $(row 'Refused Peer Rate'), rate $(row 'Refused Rate')," \
  "max-in-negotiation-sa $(row 'System Capacity Fails'), crypto busy $(row 'Refused Crypto Busy')," \
  "oversize $(row 'Refused Oversize SA'), resends withheld $(row 'Unverified Resends Dropped')," \
  "all drops $(row 'In Drop Packets')"
echo "new vpnc client: connected=$connected, time to connect ${connect_time:-none} s"
loss=$(grep -o '[0-9.]*% packet loss' "$WORK/ping.out" || echo "no ping summary")
echo "established tunnel: $(grep 'packets transmitted' "$WORK/ping.out" || true) ($loss)"
sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
n=${#latencies[@]}
if ((n > 0)); then
  echo "console 'show crypto isakmp stats' latency over $n asks: min $(head -1 <<<"$sorted") s," \
    "median $(sed -n "$(((n + 1) / 2))p" <<<"$sorted") s, max $(tail -1 <<<"$sorted") s"
fi

# ---- the functional bounds -----------------------------------------------------------------
((n > 0)) || fail "the console was never asked"
[[ $console_ok == yes ]] || fail "the console did not answer within 5 s"
[[ $connected != no ]] || { tail -n 30 "$WORK/second.log"; grep -v 'Maximum concurrent' "$WORK/rampartd.log" | tail -n 20; fail "a real client could not connect during the flood"; }
[[ $connected == yes ]] || fail "the real client connected only after the flood"
grep -q ' 0% packet loss' "$WORK/ping.out" || fail "the established tunnel lost pings: $loss"
echo PASS
