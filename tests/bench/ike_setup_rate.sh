#!/usr/bin/env bash
# Responder set-ups per second (issue 15): build/bin/ike_load sets up COUNT EzVPN clients
# (aggressive mode + XAUTH + mode-config + quick mode, each disconnecting once up) against
# rampartd as an EzVPN head-end, for DH groups 2, 14 and 19, and again for a tunnel-group
# without XAUTH (aggressive mode + mode-config + quick mode: what is left is mostly the DH, and
# no user database answers), then the same against strongSwan's charon
# (IKEv1 aggressive responder with XAUTH and a mode-config pool, its ordinary configuration,
# kernel IPsec) answering the same generator with the same proposals, in the same run. Next to
# each figure: the bound of the same run (ike_load --dh-bound: one fresh key and one shared
# secret per set-up, on one core, through ike::dh_respond as our crypto workers do; with XAUTH
# also one check of the user's password as the local database stores it, PBKDF2-SHA512 with
# 5,000 rounds, which the ASA's hashing makes the larger cost; strongSwan's xauth-generic
# compares a cleartext secret). Last, without XAUTH, what the cores allow at most while the
# generator shares them: cores / (the generator's CPU per set-up + one DH).
# A benchmark, not a test: no time fails it; it fails only when set-ups fail wholesale (fewer
# than 95 % completed), so that it cannot silently measure nothing.
#   tests/bench/ike_setup_rate.sh [BIN] [COUNT] [--crypto-workers N] [--window W] [--rate R]
#                                 [--perf]
# rampartd runs twice, with --crypto-workers 1 and 2 (its DH and LOCAL XAUTH threads), unless
# --crypto-workers N asks for one count.
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
source "$here/charon_lib.sh"
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
declare -A BOUND XBOUND OURS THEIRS OURS_NX THEIRS_NX CPU_OURS CPU_THEIRS CPU_OURS_NX CPU_THEIRS_NX \
  GEN_NX
for g in "${GROUPS_DH[@]}"; do
  lines=$("$BIN/ike_load" --dh-bound 2 --dh "$g")
  echo "$lines"
  BOUND[$g]=$(sed -nE 's/^dh-bound: .*: ([0-9]+) set-ups.*/\1/p' <<<"$lines")
  XBOUND[$g]=$(sed -nE 's/^xauth-bound: .*: ([0-9]+) set-ups.*/\1/p' <<<"$lines")
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
  # bash's "times" last: its second line is the generator's own CPU (user, system).
  out=$(ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources "$SOURCES" \
    --count "$COUNT" --window "$WINDOW" --dh "$2" --remote 0.0.0.0/0 --timeout-ms 1000 \
    --max-seconds 300 "${RATE_OPT[@]}" "${@:3}"; times)
  local gen_s
  gen_s=$(tail -1 <<<"$out" | sed -E 's/([0-9]+)m([0-9.]+)s/(\1*60+\2)/g; s/ /+/')
  out=$(sed '$d' <<<"$out" | sed '$d')
  sed "s|^|  [$1] |" <<<"$out"
  CPU=$(printf '%.2f' "$(bc -l <<<"($(cpu_ms "$RESPONDER_PID") - $before) / $COUNT")")
  GEN=$(printf '%.2f' "$(bc -l <<<"($gen_s) * 1000 / $COUNT")")
  echo "  [$1] responder CPU: $CPU ms per set-up (all its threads); generator CPU: $GEN ms"
  local completed
  completed=$(sed -nE 's/^RESULT .*completed=([0-9]+).*/\1/p' <<<"$out")
  RATE=$(sed -nE 's/^RESULT setups_per_s=([0-9.]+).*/\1/p' <<<"$out")
  [[ -n "$completed" && $((completed * 100)) -ge $((COUNT * 95)) ]] ||
    { [[ -f "$WORK/charon.log" ]] && tail -30 "$WORK/charon.log"
      fail "$1 group $2: only ${completed:-0} of $COUNT set-ups completed"; }
}

# ---- rampartd, with 1 and 2 crypto workers (or the one --crypto-workers asks for) -----------
WORKER_COUNTS=(${WORKERS:-1 2})
# run_rampart N: rampartd --crypto-workers N as an EzVPN head-end; OURS[N,g] etc. per group.
run_rampart() {
  start_daemon --crypto-workers "$1"
  RESPONDER_PID=$DAEMON_PID
  local out
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
  local perf_pid=
  if [[ -n "$PERF" ]]; then
    perf record -F 999 -g -p "$DAEMON_PID" -o "$WORK/perf-$1.data" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.5
  fi
  for g in "${GROUPS_DH[@]}"; do
    run_load "rampart/$1" "$g"
    OURS[$1,$g]=$RATE CPU_OURS[$1,$g]=$CPU
    run_load "rampart/$1-noxauth" "$g" --no-xauth --id NOX
    OURS_NX[$1,$g]=$RATE CPU_OURS_NX[$1,$g]=$CPU GEN_NX[$1,$g]=$GEN
  done
  if [[ -n "$perf_pid" ]]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    echo "  [rampart/$1] where rampartd's time went (perf, all three groups): by thread, then by symbol"
    perf report -i "$WORK/perf-$1.data" --stdio --no-children --sort pid 2>/dev/null |
      grep -E '^ +[0-9.]+%' | head -8 | awk -v w="$1" '{printf "  [rampart/%s]   %7s %s\n", w, $1, $2}' || true
    perf report -i "$WORK/perf-$1.data" --stdio --no-children --sort dso,symbol 2>/dev/null |
      grep -E '^ +[0-9.]+%' | head -15 |
      awk -v w="$1" '{printf "  [rampart/%s]   %7s %-20s %s\n", w, $1, $2, $4}' || true
  fi
  cli "show crypto isakmp stats" | grep -iE "refus|drop|fail" | sed "s|^|  [rampart/$1] |" || true
  asan_clean
  stop_daemon
}
grep -q -- --crypto-workers <<<"$("$BIN/rampartd" --help 2>&1 || true)" ||
  fail "rampartd has no --crypto-workers"
for n in "${WORKER_COUNTS[@]}"; do run_rampart "$n"; done

# ---- strongSwan charon on the same addresses -----------------------------------------------
ip -n "$NS" addr replace 198.51.100.1/26 dev eth0
ip -n "$NS" link set eth0 up
# swan_conn NAME ID [XAUTH]: one IKEv1 aggressive-mode responder connection for the group
# ID's clients; with XAUTH, a second authentication round by XAUTH.
swan_conn() {
  local xauth=
  [[ -n "${3:-}" ]] && xauth="    remote-xauth { auth = xauth }"
  cat <<EOC
  $1 {
    version = 1
    aggressive = yes
    pull = yes
    local_addrs = 198.51.100.1
    proposals = aes128-sha1-modp1024, aes128-sha1-modp2048, aes128-sha1-ecp256
    pools = ezpool
    local { auth = psk }
    remote { auth = psk
             id = keyid:$2 }
$xauth
    children { $1 { local_ts = 0.0.0.0/0
                    esp_proposals = aes128-sha1 } }
  }
EOC
}
{ echo "connections {"; swan_conn ez EZ xauth; swan_conn nox NOX; echo "}"; } >"$WORK/swanctl.conf"
cat >>"$WORK/swanctl.conf" <<EOC
pools { ezpool { addrs = 203.0.113.0/24 } }
secrets {
  ike-ez { secret = cisco123 }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
start_charon "" "default = 1
                  ike = 2"
for g in "${GROUPS_DH[@]}"; do
  run_load strongswan "$g"
  THEIRS[$g]=$RATE CPU_THEIRS[$g]=$CPU
  run_load strongswan-noxauth "$g" --no-xauth --id NOX
  THEIRS_NX[$g]=$RATE CPU_THEIRS_NX[$g]=$CPU
done

# ---- the table -------------------------------------------------------------------------------
# table TITLE BOUND OURS THEIRS CPU_OURS CPU_THEIRS: one line per worker count and group (the
# arrays named; ours keyed "workers,group", the rest by group: charon sizes its own threads).
table() {
  local -n bound=$2 ours=$3 theirs=$4 cpu_ours=$5 cpu_theirs=$6
  echo "$1"
  printf '  %-7s %-6s %11s %11s %9s %13s %12s %19s\n' workers group "bound/s" rampart/s \
    "of bound" strongswan/s ours/theirs "CPU ms ours/theirs"
  for n in "${WORKER_COUNTS[@]}"; do
    for g in "${GROUPS_DH[@]}"; do
      printf '  %-7s %-6s %11s %11s %8.0f%% %13s %12.2f %11s / %-6s\n' "$n" "$g" "${bound[$g]}" \
        "${ours[$n,$g]}" "$(bc -l <<<"100 * ${ours[$n,$g]} / ${bound[$g]}")" "${theirs[$g]}" \
        "$(bc -l <<<"${ours[$n,$g]} / ${theirs[$g]}")" "${cpu_ours[$n,$g]}" "${cpu_theirs[$g]}"
    done
  done
}
echo
echo "responder set-ups/s: $COUNT set-ups per figure, window $WINDOW${RATE_OPT[1]:+, rate ${RATE_OPT[1]}/s}," \
  "$(nproc) cores shared with the generator; workers: rampartd --crypto-workers"
table "EzVPN (aggressive mode + XAUTH + mode-config + quick mode), bound: DH + LOCAL password check:" \
  XBOUND OURS THEIRS CPU_OURS CPU_THEIRS
table "without XAUTH (aggressive mode + mode-config + quick mode), bound: DH alone:" BOUND OURS_NX \
  THEIRS_NX CPU_OURS_NX CPU_THEIRS_NX
echo "CPU ms: the responder's CPU time (all threads) per set-up; bound: set-ups/s of one core"
echo "doing only the responder's DH (and, with XAUTH, the PBKDF2 check of the local password)"
# What this arrangement allows at most: the generator runs on the same cores, so even a
# responder that spent nothing but its DH could not pass cores / (generator CPU + one DH).
echo
echo "without XAUTH, the most the same cores allow a responder that did nothing but its DH:"
printf '  %-7s %-6s %14s %10s %13s %9s\n' workers group "generator ms" "DH ms" "at most/s" "of bound"
for n in "${WORKER_COUNTS[@]}"; do
  for g in "${GROUPS_DH[@]}"; do
    cap=$(bc -l <<<"$(nproc) * 1000 / (${GEN_NX[$n,$g]} + 1000 / ${BOUND[$g]})")
    printf '  %-7s %-6s %14s %10.2f %13.0f %8.0f%%\n' "$n" "$g" "${GEN_NX[$n,$g]}" \
      "$(bc -l <<<"1000 / ${BOUND[$g]}")" "$cap" "$(bc -l <<<"100 * $cap / ${BOUND[$g]}")"
  done
done
