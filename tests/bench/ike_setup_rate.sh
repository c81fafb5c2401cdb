#!/usr/bin/env bash
# Responder set-ups per second (issue 15): build/bin/ike_load sets up COUNT EzVPN clients
# (aggressive mode + XAUTH + mode-config + quick mode, each disconnecting once up) against
# rampartd as an EzVPN head-end, for DH groups 2, 14 and 19, and again for a tunnel-group
# without XAUTH (aggressive mode + mode-config + quick mode: what is left is mostly the DH, and
# no user database answers), then the same against strongSwan's charon
# (IKEv1 aggressive responder with XAUTH and a mode-config pool, its ordinary configuration,
# kernel IPsec) answering the same generator with the same proposals, in the same run. Next to
# each figure: the DH-only bound of the same run (ike_load --dh-bound: one fresh key and one
# shared secret per set-up, on one core, through ike::dh_respond as our crypto workers do).
# A benchmark, not a test: no time fails it; it fails only when set-ups fail wholesale (fewer
# than 95 % completed), so that it cannot silently measure nothing.
#   tests/bench/ike_setup_rate.sh [BIN] [COUNT] [--crypto-workers N] [--window W] [--rate R]
#                                 [--perf]
# --rate starts clients at R per second instead of as fast as answered; --perf records rampartd
# with perf during its runs and prints where its time went.
#
#  rcli (ike_load, 198.51.100.2-.62) ── eth0 .1 rampartd / charon (198.51.100.0/26)
here=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${1:-$here/../../build/bin}
COUNT=${2:-2000}
shift $(($# < 2 ? $# : 2))
WORKERS= WINDOW=32 RATE_OPT=() PERF=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --crypto-workers) WORKERS=$2; shift 2 ;;
    --window) WINDOW=$2; shift 2 ;;
    --rate) RATE_OPT=(--rate "$2"); shift 2 ;;
    --perf) PERF=1; shift ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
source "$here/../integration/lib.sh" "$BIN_DIR"
GROUPS_DH=(2 14 19)
CHARON_PID=
cleanup_rate() {
  if [[ -n "$CHARON_PID" ]]; then kill "$CHARON_PID" 2>/dev/null || true; wait "$CHARON_PID" 2>/dev/null || true; fi
  cleanup
}
trap cleanup_rate EXIT
[[ -n "${KEEP_LOGS:-}" ]] && trap 'cp -r "$WORK" "$KEEP_LOGS"; cleanup_rate' EXIT

make_vpn_lab
for i in $(seq 3 62); do ip -n "$CNS" addr add "198.51.100.$i/26" dev eth0; done
SOURCES=198.51.100.3+60

# ---- the DH-only bound ---------------------------------------------------------------------
declare -A BOUND OURS THEIRS OURS_NX THEIRS_NX CPU_OURS CPU_THEIRS CPU_OURS_NX CPU_THEIRS_NX
for g in "${GROUPS_DH[@]}"; do
  line=$("$BIN/ike_load" --dh-bound 2 --dh "$g")
  echo "$line"
  BOUND[$g]=$(sed -E 's/.*: ([0-9]+) set-ups.*/\1/' <<<"$line")
done

# cpu_ms PID: the CPU time the process (all its threads) used so far, in ms.
cpu_ms() {
  awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"
}

# run_load LABEL GROUP [ike_load OPTION...]: COUNT set-ups; prints ike_load's report and the
# responder's CPU per set-up ($RESPONDER_PID), and sets RATE and CPU (or fails).
run_load() {
  local out before
  before=$(cpu_ms "$RESPONDER_PID")
  out=$(ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources "$SOURCES" \
    --count "$COUNT" --window "$WINDOW" --dh "$2" --remote 0.0.0.0/0 --timeout-ms 1000 \
    --max-seconds 300 "${RATE_OPT[@]}" "${@:3}")
  sed "s/^/  [$1] /" <<<"$out"
  CPU=$(printf '%.2f' "$(bc -l <<<"($(cpu_ms "$RESPONDER_PID") - $before) / $COUNT")")
  echo "  [$1] responder CPU: $CPU ms per set-up (all its threads)"
  local completed
  completed=$(sed -nE 's/^RESULT .*completed=([0-9]+).*/\1/p' <<<"$out")
  RATE=$(sed -nE 's/^RESULT setups_per_s=([0-9.]+).*/\1/p' <<<"$out")
  [[ -n "$completed" && $((completed * 100)) -ge $((COUNT * 95)) ]] ||
    { [[ -f "$WORK/charon.log" ]] && tail -30 "$WORK/charon.log"
      fail "$1 group $2: only ${completed:-0} of $COUNT set-ups completed"; }
}

# ---- rampartd ------------------------------------------------------------------------------
daemon_opts=()
if "$BIN/rampartd" --help 2>&1 | grep -q -- --crypto-workers; then
  [[ -n "$WORKERS" ]] && daemon_opts=(--crypto-workers "$WORKERS")
else
  echo "rampartd has no --crypto-workers option yet: one configuration only, its default" \
    "(CryptoWorkers::default_threads(): half the cores, 1 to 4)${WORKERS:+; --crypto-workers $WORKERS not applied}"
fi
start_daemon "${daemon_opts[@]}"
RESPONDER_PID=$DAEMON_PID
out=$(cli "configure terminal" "$(ezvpn_gateway_lines \
  "ip local pool BIG 203.0.113.60-203.0.113.250 mask 255.255.255.0" \
  "tunnel-group EZ general-attributes" "address-pool BIG" "exit" \
  "group-policy EZ attributes" "vpn-simultaneous-logins 100000" "exit" \
  "crypto ikev1 policy 20" "authentication pre-share" "encryption aes" "hash sha" "group 14" "exit" \
  "crypto ikev1 policy 30" "authentication pre-share" "encryption aes" "hash sha" "group 19" "exit" \
  "tunnel-group NOX type remote-access" "tunnel-group NOX general-attributes" \
  "address-pool BIG" "default-group-policy EZ" "exit" \
  "tunnel-group NOX ipsec-attributes" "ikev1 pre-shared-key cisco123" \
  "isakmp ikev1-user-authentication none" "exit" \
  "end")")
grep -E 'ERROR|Invalid' <<<"$out" && { echo "$out"; fail "configuration refused"; }
PERF_PID=
if [[ -n "$PERF" ]]; then
  perf record -F 999 -g -p "$DAEMON_PID" -o "$WORK/perf.data" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 0.5
fi
for g in "${GROUPS_DH[@]}"; do
  run_load rampart "$g"
  OURS[$g]=$RATE CPU_OURS[$g]=$CPU
  run_load rampart-noxauth "$g" --no-xauth --id NOX
  OURS_NX[$g]=$RATE CPU_OURS_NX[$g]=$CPU
done
if [[ -n "$PERF_PID" ]]; then
  kill -INT "$PERF_PID"
  wait "$PERF_PID" || true
  echo "  [rampart] where rampartd's time went (perf, all three groups): by thread, then by symbol"
  perf report -i "$WORK/perf.data" --stdio --no-children --sort pid 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -8 | awk '{printf "  [rampart]   %7s %s\n", $1, $2}' || true
  perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -15 | awk '{printf "  [rampart]   %7s %-20s %s\n", $1, $2, $4}' || true
fi
cli "show crypto isakmp stats" | grep -iE "refus|drop|fail" | sed 's/^/  [rampart] /' || true
asan_clean
stop_daemon

# ---- strongSwan charon on the same addresses -----------------------------------------------
ip -n "$NS" addr replace 198.51.100.1/26 dev eth0
ip -n "$NS" link set eth0 up
cat >"$WORK/strongswan.conf" <<EOC
charon {
  load = random nonce openssl aes sha1 sha2 hmac gmp kernel-netlink socket-default vici xauth-generic attr
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  plugins { vici { socket = unix://$WORK/vici.sock } }
  filelog { log { path = $WORK/charon.log
                  default = 1
                  ike = 2 } }
}
EOC
cat >"$WORK/swanctl.conf" <<EOC
connections {
  ez {
    version = 1
    aggressive = yes
    pull = yes
    local_addrs = 198.51.100.1
    proposals = aes128-sha1-modp1024, aes128-sha1-modp2048, aes128-sha1-ecp256
    pools = ezpool
    local { auth = psk }
    remote { auth = psk
             id = keyid:EZ }
    remote-xauth { auth = xauth }
    children { ez { local_ts = 0.0.0.0/0
                    esp_proposals = aes128-sha1 } }
  }
  nox {
    version = 1
    aggressive = yes
    pull = yes
    local_addrs = 198.51.100.1
    proposals = aes128-sha1-modp1024, aes128-sha1-modp2048, aes128-sha1-ecp256
    pools = ezpool
    local { auth = psk }
    remote { auth = psk
             id = keyid:NOX }
    children { nox { local_ts = 0.0.0.0/0
                     esp_proposals = aes128-sha1 } }
  }
}
pools { ezpool { addrs = 203.0.113.0/24 } }
secrets {
  ike-ez { secret = cisco123 }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
ip netns exec "$NS" unshare -m sh -c "mount -t tmpfs tmpfs /run && exec env \
  STRONGSWAN_CONF=$WORK/strongswan.conf /usr/lib/ipsec/charon" >"$WORK/charon.out" 2>&1 &
CHARON_PID=$!
RESPONDER_PID=$CHARON_PID
for _ in $(seq 100); do [[ -S "$WORK/vici.sock" ]] && break; sleep 0.05; done
swanctl --load-all --file "$WORK/swanctl.conf" --uri "unix://$WORK/vici.sock" >"$WORK/swanctl.out" 2>&1 ||
  fail "swanctl could not load the configuration"
for g in "${GROUPS_DH[@]}"; do
  run_load strongswan "$g"
  THEIRS[$g]=$RATE CPU_THEIRS[$g]=$CPU
  run_load strongswan-noxauth "$g" --no-xauth --id NOX
  THEIRS_NX[$g]=$RATE CPU_THEIRS_NX[$g]=$CPU
done

# ---- the table -------------------------------------------------------------------------------
# table TITLE OURS THEIRS CPU_OURS CPU_THEIRS: one line per group (the arrays named).
table() {
  local -n ours=$2 theirs=$3 cpu_ours=$4 cpu_theirs=$5
  echo "$1"
  printf '  %-6s %11s %11s %9s %13s %12s %19s\n' group "DH bound/s" rampart/s "of bound" \
    strongswan/s ours/theirs "CPU ms ours/theirs"
  for g in "${GROUPS_DH[@]}"; do
    printf '  %-6s %11s %11s %8.0f%% %13s %12.2f %11s / %-6s\n' "$g" "${BOUND[$g]}" "${ours[$g]}" \
      "$(bc -l <<<"100 * ${ours[$g]} / ${BOUND[$g]}")" "${theirs[$g]}" \
      "$(bc -l <<<"${ours[$g]} / ${theirs[$g]}")" "${cpu_ours[$g]}" "${cpu_theirs[$g]}"
  done
}
echo
echo "responder set-ups/s: $COUNT set-ups per figure, window $WINDOW${RATE_OPT[1]:+, rate ${RATE_OPT[1]}/s}," \
  "$(nproc) cores; DH bound: one core"
table "EzVPN (aggressive mode + XAUTH + mode-config + quick mode):" OURS THEIRS CPU_OURS CPU_THEIRS
table "without XAUTH (aggressive mode + mode-config + quick mode):" OURS_NX THEIRS_NX CPU_OURS_NX \
  CPU_THEIRS_NX
echo "CPU ms: the responder's CPU time (all threads) per set-up; DH bound: 1000/bound ms on one core"
