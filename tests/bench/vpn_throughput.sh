#!/usr/bin/env bash
# End-to-end throughput, side by side in one run on the same veths: iperf3 (TCP, one stream,
# AES-128-CBC + HMAC-SHA1-96 everywhere) from two remote-access clients, vpnc and strongSwan
# (charon with kernel-libipsec: IKEv1 aggressive mode, XAUTH, mode-config), to the inside host
#   - through Rampart on AF_PACKET and on AF_XDP (--packet-io), the default crypto backend
#     (RAMPART_CRYPTO in the environment picks another; show version's lines are printed),
#   - through strongSwan's kernel-libipsec as the server (userspace ESP, as Rampart),
#   - and with no tunnel (kernel forwarding: the ceiling of these veths and cores).
# Who saturated is measured, not assumed: over the middle of each iperf3 run (its first and last
# second left out) every thread of the client and of the server is sampled from
# /proc/PID/task/*/stat. A row prints, per side, the busiest thread and the whole process in % of
# one core, and the Mbit/s that thread would carry at a full core if its cost per bit stayed (a
# projection); then iperf3's sender, and how busy all cores were (si: softirq, the kernel's veth
# and TUN work, as /proc/stat counts it). Verdict: a side whose busiest thread ran
# >= 90 % of a core saturated; when none did but the cores were full (2 cores, other builds on
# them), the side whose busiest thread was nearer a full core is named as the busier one.
# A benchmark, not a test: it never fails on a figure, only when a tunnel does not come up or
# iperf3 cannot run (every row is still tried; exit 1 at the end). KEEP=DIR keeps the logs.
#   tests/bench/vpn_throughput.sh [seconds]      (as root, after scripts/build; default 10, >= 4)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/integration/swanctl_ezvpn.sh
SECS=${1:-10}
[[ "$SECS" =~ ^[0-9]+$ ]] && ((SECS >= 4)) || { echo "usage: $0 [seconds >= 4]" >&2; exit 2; }
BIN=${BIN:-build/bin}  # BIN=DIR: another build's binaries
SAT=90  # % of one core from which a thread counts as saturated
HZ=$(getconf CLK_TCK)
id=$$
C=rbc$id A=rba$id I=rbi$id
WORK=$(mktemp -d /tmp/rampart-bench.XXXXXX)
PIDS=()
FAILED=()
cleanup() {
  [[ -n "${KEEP:-}" ]] && cp -r "$WORK" "$KEEP"  # KEEP=DIR: the logs and configurations
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for ns in $C $A $I; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "error at line $LINENO (rc $?)" >&2' ERR
for ns in $C $A $I; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n $A link add eth0 type veth peer name c$id
ip -n $A link add eth1 type veth peer name i$id
ip -n $A link set c$id netns $C
ip -n $A link set i$id netns $I
ip -n $C link set c$id name eth0
ip -n $I link set i$id name eth0
ip -n $C addr add 198.51.100.2/26 dev eth0
ip -n $C link set eth0 up
ip -n $I addr add 192.0.2.10/24 dev eth0
ip -n $I link set eth0 up
ip -n $I route add default via 192.0.2.1
ip netns exec $I ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true  # as a host on a wire
ip netns exec $I iperf3 -s -D --pidfile "$WORK/iperf.pid" >/dev/null
sleep 0.3
PIDS+=("$(cat "$WORK/iperf.pid")")

# --- vpnc --------------------------------------------------------------------------------------
cat >"$WORK/vpnc.conf" <<EOC
IPSec gateway 198.51.100.1
IPSec ID EZ
IPSec secret bench-key
Xauth username cisco
Xauth password cisco
EOC
cat >"$WORK/vpnc-script" <<'EOS'
#!/bin/sh
if [ "$reason" = connect ]; then
  ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
  ip link set "$TUNDEV" mtu 1400 up
  ip route add 192.0.2.0/24 dev "$TUNDEV"
  touch "$(dirname "$0")/up"
fi
EOS
chmod +x "$WORK/vpnc-script"
vpnc_up() {
  rm -f "$WORK/up"
  ip netns exec $C vpnc --no-detach --pid-file "$WORK/vpnc.pid" --script "$WORK/vpnc-script" \
    "$WORK/vpnc.conf" >"$WORK/vpnc.log" 2>&1 &
  CLIENT=$!
  PIDS+=("$CLIENT")
  for _ in $(seq 100); do [[ -f "$WORK/up" ]] && { sleep 1; return 0; }; sleep 0.1; done
  echo "vpnc did not connect:"; tail -5 "$WORK/vpnc.log"; return 1
}

# --- strongSwan as the client: its own charon in the client namespace, its own /run -----------
cat >"$WORK/client.conf" <<EOC
charon {
  load = random nonce openssl aes sha1 sha2 hmac gmp kernel-libipsec kernel-netlink socket-default vici xauth-generic attr
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  install_virtual_ip = yes
  plugins { vici { socket = unix://$WORK/client-vici.sock } }
  filelog { log { path = $WORK/client-charon.log
                  default = 1 } }
}
EOC
{ swanctl_ezvpn_connection cisco; cat <<EOC
secrets {
  ike-ra { secret = bench-key }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
} >"$WORK/client-swanctl.conf"
# charon_pid PID: the charon process itself (PID, or its child if a shell stayed in between).
charon_pid() { pgrep -P "$1" -x charon || echo "$1"; }
swan_up() {
  rm -f "$WORK/client-vici.sock"
  ip netns exec $C unshare -m sh -c "mount -t tmpfs tmpfs /run && exec env \
    STRONGSWAN_CONF=$WORK/client.conf /usr/lib/ipsec/charon" >"$WORK/client-charon.out" 2>&1 &
  PIDS+=("$!")
  CLIENT=$(charon_pid $!)
  for _ in $(seq 100); do [[ -S "$WORK/client-vici.sock" ]] && break; sleep 0.05; done
  local uri=unix://$WORK/client-vici.sock
  swanctl --load-all --file "$WORK/client-swanctl.conf" --uri "$uri" >"$WORK/swanctl.out" 2>&1 &&
    timeout 20 swanctl --initiate --child ra --uri "$uri" >"$WORK/initiate.out" 2>&1 &&
    swanctl --list-sas --uri "$uri" 2>/dev/null | grep -q 'INSTALLED, TUNNEL' && { sleep 1; return 0; }
  echo "strongSwan client did not connect:"; tail -n 8 "$WORK/swanctl.out" "$WORK/initiate.out"
  return 1
}
client_down() { kill "$CLIENT" 2>/dev/null || true; wait "$CLIENT" 2>/dev/null || true; }

# --- measuring ---------------------------------------------------------------------------------
# thread_ticks PID...: "TID NAME TICKS" (user + system) for every thread of the processes.
thread_ticks() {
  local p
  for p in "$@"; do cat /proc/"$p"/task/*/stat 2>/dev/null || true; done |
    awk '{ n = $0; sub(/^[0-9]+ \(/, "", n); sub(/\) [^)]*$/, "", n); gsub(/ /, "_", n)
           r = $0; sub(/.*\) /, "", r); split(r, f, " "); print $1, n, f[12] + f[13] }'
}
# busiest BEFORE AFTER SECONDS: "BUSIEST% NAME TOTAL%": the thread that ran most in between and
# all threads together, in % of one core.
busiest() {
  awk -v hz="$HZ" -v s="$3" 'NR == FNR { b[$1] = $3; next }
    { d = $3 - b[$1]; t += d; if (d >= m) { m = d; n = $2 } }
    END { printf "%.0f %s %.0f\n", m * 100 / hz / s, (n == "" ? "-" : n), t * 100 / hz / s }' "$1" "$2"
}
cpu_stat() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6, $8 }' /proc/stat; }  # busy idle softirq
declare -A MBPS
# measure KEY LABEL CLIENT_PID SERVER_PID: one iperf3 run from the client namespace, one row.
# An empty CLIENT_PID or SERVER_PID is a side without a process (no tunnel).
measure() {
  local key=$1 label=$2 cpid=$3 spid=$4 ipid t0 t1 cpu0 cpu1 win mbps cores softirq
  local cl sv verdict c_top c_name c_all s_top s_name s_all i_top
  ip netns exec $C iperf3 -c 192.0.2.10 -t "$SECS" --connect-timeout 5000 -J >"$WORK/iperf.json" 2>&1 &
  ipid=$!
  sleep 1
  thread_ticks $cpid >"$WORK/c0"; thread_ticks $spid >"$WORK/s0"; thread_ticks $ipid >"$WORK/i0"
  cpu0=$(cpu_stat); t0=$(date +%s.%N)
  sleep $((SECS - 2))
  thread_ticks $cpid >"$WORK/c1"; thread_ticks $spid >"$WORK/s1"; thread_ticks $ipid >"$WORK/i1"
  cpu1=$(cpu_stat); t1=$(date +%s.%N)
  if ! wait "$ipid"; then
    echo "iperf3 failed ($label): $(tail -c 300 "$WORK/iperf.json")"
    FAILED+=("$label: iperf3")
    return 0
  fi
  win=$(echo "$t1 - $t0" | bc -l)
  if ! mbps=$(python3 -c 'import json,sys
print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6, 1))' <"$WORK/iperf.json" 2>/dev/null); then
    echo "iperf3 gave no result ($label): $(grep -m1 '"error"' "$WORK/iperf.json" || tail -c 300 "$WORK/iperf.json")"
    FAILED+=("$label: iperf3")
    return 0
  fi
  MBPS[$key]=$mbps
  read -r cores softirq <<<"$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { split(a, x, " ")
    split(b, y, " "); busy = y[1] - x[1]; all = busy + y[2] - x[2]
    printf "%.0f %.0f\n", busy * 100 / all, (y[3] - x[3]) * 100 / all }')"
  read -r c_top c_name c_all <<<"$(busiest "$WORK/c0" "$WORK/c1" "$win")"
  read -r s_top s_name s_all <<<"$(busiest "$WORK/s0" "$WORK/s1" "$win")"
  read -r i_top _ _ <<<"$(busiest "$WORK/i0" "$WORK/i1" "$win")"
  if [[ -z "$cpid" ]]; then c_name=- c_top=0 c_all=0; fi
  if [[ -z "$spid" ]]; then s_name=- s_top=0 s_all=0; fi
  # The side nearer a full core is the one that limits once the cores are shared out.
  local busier=""
  if [[ -n "$cpid" && -n "$spid" ]]; then
    if ((c_top > s_top)); then busier="; client busier"; elif ((s_top > c_top)); then busier="; SERVER busier"; fi
  fi
  if ((c_top >= SAT && s_top >= SAT)); then verdict="both saturated"
  elif ((c_top >= SAT)); then verdict="client saturated"
  elif ((s_top >= SAT)); then verdict="SERVER saturated"
  elif ((i_top >= SAT)); then verdict="iperf3 sender saturated"
  elif ((cores >= SAT)); then verdict="cores full, no thread$busier"
  else verdict="nothing saturated$busier"; fi
  cl=$(side "$c_name" "$c_top" "$c_all" "$mbps")
  sv=$(side "$s_name" "$s_top" "$s_all" "$mbps")
  printf '%-41s %7s | %-29s | %-29s | %4s%% | %4s%% %3s%% | %s\n' \
    "$label" "$mbps" "$cl" "$sv" "$i_top" "$cores" "$softirq" "$verdict"
}
# side NAME BUSIEST% TOTAL% MBPS: "NAME B% (T%) ~C": C is the Mbit/s the busiest thread would
# carry at a whole core if its cost per bit stayed as measured (a projection, not a measurement).
side() {
  [[ "$1" == - ]] && { echo -; return; }
  awk -v n="$1" -v b="$2" -v t="$3" -v m="$4" 'BEGIN {
    printf "%s %d%% (%d%%) ~%s", n, b, t, (b > 0 ? sprintf("%.0f", m * 100 / b) : "-") }'
}
# row KEY LABEL CLIENT SERVER_PID: brings the client's tunnel up (vpnc or swan), measures, downs it.
row() {
  if "$3"_up; then measure "$1" "$2" "$CLIENT" "$4"; else FAILED+=("$2: no tunnel"); fi
  client_down
}

# --- Rampart -----------------------------------------------------------------------------------
mkdir -p "$WORK/flash"
sed -e 's/ezvpn-lab-key/bench-key/' tests/lab/factory-default.cfg >"$WORK/flash/startup-config"
rampart_start() {  # rampart_start IO
  rm -f "$WORK/ctl"
  ip netns exec $A $BIN/rampartd --flash "$WORK/flash" --control "$WORK/ctl" --foreground \
    --packet-io "$1" >"$WORK/rampartd-$1.log" 2>&1 &
  RAMPARTD=$!
  PIDS+=("$RAMPARTD")
  for _ in $(seq 200); do [[ -S "$WORK/ctl" ]] && { sleep 0.5; return 0; }; sleep 0.025; done
  echo "rampartd --packet-io $1 did not start:"; tail -5 "$WORK/rampartd-$1.log"; return 1
}
rampart_stop() {  # rampart_stop IO: what it ran on (as show version says), then SIGTERM
  local show
  show=$( { printf 'enable\n\nshow version\n'; } | $BIN/rampart --control "$WORK/ctl" 2>&1 || true)
  grep -E "^(VPN packet I/O|Encryption hardware device)" <<<"$show" | sed "s/^/  rampartd $1: /"
  ip netns exec $A ethtool -S eth0 2>/dev/null |
    awk -v io="$1" '/rx_queue_0_xdp_redirect:/ { print "  rampartd " io ": eth0 frames steered into AF_XDP sockets: " $2 }'
  kill "$RAMPARTD" 2>/dev/null || true
  wait "$RAMPARTD" 2>/dev/null || true
  # Its firewall stays after it ends (fail closed: forwarding without a ruleset never opens);
  # the server and the kernel rows after it need the namespace bare.
  ip netns exec $A nft delete table ip rampart_dataplane 2>/dev/null || true
  ip netns exec $A nft delete table ip rampart_fw 2>/dev/null || true
}

echo "$(date -u '+%F %H:%M UTC'), $(uname -n), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')),"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); iperf3 -t $SECS, CPU sampled over the middle $((SECS - 2)) s"
echo "per side: its busiest thread and (the whole process) in % of one core, ~ Mbit/s at a full core"
printf '%-41s %7s | %-29s | %-29s | %5s | %10s | %s\n' "client -> server" "Mbit/s" \
  "client" "server" "iperf3" "cores (si)" "verdict (>= $SAT % of a core)"
for io in af_packet af_xdp; do
  if rampart_start $io; then
    row "vpnc-$io" "vpnc -> Rampart $io" vpnc "$RAMPARTD"
    row "swan-$io" "strongSwan -> Rampart $io" swan "$RAMPARTD"
    rampart_stop $io
  else
    FAILED+=("rampartd --packet-io $io: did not start")
  fi
done

# --- strongSwan with kernel-libipsec as the server, same addresses ------------------------------
ip -n $A addr replace 198.51.100.1/24 dev eth0
ip -n $A addr replace 192.0.2.1/24 dev eth1
ip -n $A link set eth0 up
ip -n $A link set eth1 up
ip netns exec $A sysctl -qw net.ipv4.ip_forward=1
cat >"$WORK/strongswan.conf" <<EOC
charon {
  load = random nonce openssl aes sha1 sha2 md5 hmac gmp kernel-libipsec kernel-netlink socket-default vici xauth-generic attr
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  plugins { vici { socket = unix://$WORK/vici.sock } }
}
EOC
cat >"$WORK/swanctl.conf" <<EOC
connections {
  ez {
    version = 1
    aggressive = yes
    pools = pool
    local { auth = psk }
    remote { auth = psk }
    remote-xauth { auth = xauth }
    children { ez { local_ts = 192.0.2.0/24
                    esp_proposals = aes128-sha1,aes256-sha1 } }
    proposals = aes128-sha1-modp1024,aes256-sha1-modp1024
  }
}
pools { pool { addrs = 203.0.113.10-203.0.113.50 } }
secrets {
  ike-ez { secret = bench-key }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
ip netns exec $A unshare -m sh -c "mount -t tmpfs tmpfs /run && exec env STRONGSWAN_CONF=$WORK/strongswan.conf /usr/lib/ipsec/charon" \
  >"$WORK/charon.log" 2>&1 &
PIDS+=("$!")
SERVER=$(charon_pid $!)
for _ in $(seq 100); do [[ -S "$WORK/vici.sock" ]] && break; sleep 0.05; done
if swanctl --load-all --file "$WORK/swanctl.conf" --uri "unix://$WORK/vici.sock" >"$WORK/load.out" 2>&1; then
  row vpnc-ss "vpnc -> strongSwan kernel-libipsec" vpnc "$SERVER"
  row swan-ss "strongSwan -> strongSwan kernel-libipsec" swan "$SERVER"
else
  cat "$WORK/load.out"
  FAILED+=("strongSwan server: configuration not loaded")
fi
kill "$SERVER" 2>/dev/null || true

# --- No tunnel: the kernel forwards, the ceiling of these veths and cores ----------------------
ip -n $C route add 192.0.2.0/24 via 198.51.100.1 2>/dev/null || true
measure plain "no tunnel (kernel forwarding)" "" ""

# Each Rampart row against the same client through the strongSwan server, and all of them
# against the ceiling measured here.
ratio() {
  [[ -n "${MBPS[$1]:-}" && -n "${MBPS[$2]:-}" ]] || { echo n/a; return; }
  awk -v a="${MBPS[$1]}" -v b="${MBPS[$2]}" -v f="${3:-%.2fx}" 'BEGIN { printf f, a / b }'
}
echo "Rampart / strongSwan server, same client:  vpnc: af_packet $(ratio vpnc-af_packet vpnc-ss)" \
  "af_xdp $(ratio vpnc-af_xdp vpnc-ss);  strongSwan: af_packet $(ratio swan-af_packet swan-ss)" \
  "af_xdp $(ratio swan-af_xdp swan-ss)"
printf 'share of no tunnel:'
for k in vpnc-af_packet vpnc-af_xdp swan-af_packet swan-af_xdp vpnc-ss swan-ss; do
  printf ' %s %s' "$k" "$(ratio "$k" plain %.3f)"
done
echo
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
if ((${#FAILED[@]})); then
  printf 'FAILED: %s\n' "${FAILED[@]}"
  exit 1
fi
