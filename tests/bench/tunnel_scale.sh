#!/usr/bin/env bash
# Capacity at 1,000 and 10,000 tunnels (issue 15): build/bin/ike_load sets up COUNT EzVPN
# clients (aggressive mode + XAUTH + mode-config + quick mode, DH group 2) against rampartd and
# holds them (each on its own source address and socket, answering DPD R-U-THERE as vpnc does).
# For each COUNT it prints: the time to set them all up; rampartd's RSS (/proc VmRSS) before
# and after, and per tunnel; the engine's own accounting of its SA database
# (`show crypto isakmp sa` count and ike_load --sizes, fixed parts); the wall time of
# `show vpn-sessiondb summary` and `show crypto isakmp sa` through the rampart CLI; rampartd's
# CPU per second in steady state, first with DPD alone (keepalive threshold 10 s, the ASA's
# least, so every tunnel is probed about every 10 s), then with phase-2 rekeys added (every
# tunnel rekeys once per REKEY seconds, spread evenly; the clients rekey, as real clients do
# before a lifetime ends). Then, at the first COUNT only, strongSwan's charon with the same
# generator and the same pool: its RSS per tunnel (charon keeps its IPsec SAs in the kernel,
# which its RSS does not show; rampartd's userspace dataplane SAs are inside its RSS).
# A benchmark, not a test: no time fails it; it fails when tunnels fail wholesale (fewer than
# 95 % up, or lost while held), so that it cannot silently measure nothing.
#   tests/bench/tunnel_scale.sh [BIN] [COUNT...] [--smoke] [--no-strongswan] [--window W]
#                               [--dpd-s D] [--rekey-s R] [--crypto-workers N]
#                               [--rekey-run S [--p2-lifetime L] [--probe-ms P]]
# --rekey-run S: rekeys at scale instead (issue 15): each COUNT held S seconds with phase-2
# lifetimes of L seconds (default 60; the clients offer it and the gateway keeps it) and each
# tunnel rekeying every R seconds (default 0.75 L, vpnc's habit); every 60 s it prints the
# sessions and IPsec SAs up and rampartd's CPU; it fails if a tunnel is lost, a rekey fails or
# the gateway deletes an SA (one that expired before its rekey would be). Meanwhile every tunnel
# sends an ICMP echo in ESP to the inside host (192.0.2.10) every P ms (default COUNT ms, at
# least 1000: about 1,000 probes a second in all), on its newest SA, and the run prints the
# probes sent, answered and lost (no answer within 2 s), and of the lost those sent within 2 s
# of one of their tunnel's rekeys; no figure fails it, but a run where no probe was answered
# does (it measured nothing).
# Default COUNTs: 1000 10000. --smoke: 50 tunnels, short windows, no strongSwan (seconds).
#
# Addresses: 10,000 clients need more than the documentation ranges hold, so the clients'
# source addresses (198.18.0.0/16) and the pool (198.19.0.0/18, 16,382 addresses) come from the
# benchmarking range 198.18.0.0/15 (RFC 2544), only inside the namespaces this script creates.
#  rcli (ike_load, 198.18.0.1+COUNT on eth0 .2) ── eth0 .1 rampartd / charon (198.51.100.0/26)
#                                                   eth1 192.0.2.1 ── rins eth0 192.0.2.10
here=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=$here/../../build/bin
[[ $# -gt 0 && "$1" != --* && ! "$1" =~ ^[0-9]+$ ]] && { BIN_DIR=$1; shift; }
COUNTS=() SMOKE= SWAN=1 WINDOW=32 DPD_S=20 REKEY_S=60 WORKERS=2 REKEY_RUN= P2_LIFE=60 REKEY_SET=
PROBE_MS=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1 SWAN= DPD_S=3 REKEY_S=2; shift ;;
    --no-strongswan) SWAN=; shift ;;
    --window) WINDOW=$2; shift 2 ;;
    --dpd-s) DPD_S=$2; shift 2 ;;
    --rekey-s) REKEY_S=$2 REKEY_SET=1; shift 2 ;;
    --rekey-run) REKEY_RUN=$2 SWAN=; shift 2 ;;
    --p2-lifetime) P2_LIFE=$2; shift 2 ;;
    --probe-ms) PROBE_MS=$2; shift 2 ;;
    --crypto-workers) WORKERS=$2; shift 2 ;;
    [0-9]*) COUNTS+=("$1"); shift ;;
    *) echo "unknown option $1"; exit 2 ;;
  esac
done
[[ ${#COUNTS[@]} -eq 0 ]] && { [[ -n "$SMOKE" ]] && COUNTS=(50) || COUNTS=(1000 10000); }
[[ -n "$REKEY_RUN" && -z "$REKEY_SET" ]] && REKEY_S=$((P2_LIFE * 3 / 4))
source "$here/../integration/lib.sh" "$BIN_DIR"
source "$here/charon_lib.sh"
source "$here/console_timing.sh"
# One socket per held tunnel in ike_load: as many files as this shell may have.
ulimit -n "$(ulimit -Hn)"
LOAD_PID= CHARON_PID=
cleanup_scale() {
  for p in $LOAD_PID $CHARON_PID; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  # KEEP=DIR: the logs (rampartd's, ike_load's, charon's) are copied there first.
  if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$WORK"/*.log "$WORK"/*.out "$KEEP"/ 2>/dev/null || true; fi
  cleanup
}
trap cleanup_scale EXIT

make_vpn_lab
MAX=0
for n in "${COUNTS[@]}"; do ((n > MAX)) && MAX=$n; done
(($(ulimit -n) > MAX + WINDOW + 64)) || fail "ulimit -n $(ulimit -n) is too few for $MAX tunnels"
# The clients' addresses, 198.18.0.1 onwards, as /32s on the client's wire.
python3 -c "
import ipaddress, sys
base = int(ipaddress.ip_address('198.18.0.1'))
for k in range($MAX):
    print('addr add %s/32 dev eth0' % ipaddress.ip_address(base + k))
" | ip -n "$CNS" -batch - || fail "client addresses"

# cpu_ms PID: the CPU time the process (all its threads) used so far, in ms.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# cpu_per_s LABEL UNTIL_MS: the responder's CPU ms per second of wall time from now until the
# clock reads UNTIL_MS.
cpu_per_s() {
  local c0 t0
  c0=$(cpu_ms "$RESPONDER_PID") t0=$(now_ms)
  sleep_until "$2"
  CPU_PER_S=$(bc -l <<<"($(cpu_ms "$RESPONDER_PID") - $c0) * 1000 / ($(now_ms) - $t0)")
  printf '  %-36s %6.1f ms CPU per s (%.1f %% of one core)\n' "$1" "$CPU_PER_S" \
    "$(bc -l <<<"$CPU_PER_S / 10")"
}

sleep_until() {
  local left=$(($1 - $(now_ms)))
  ((left > 0)) && sleep "$(bc -l <<<"$left / 1000")"
  return 0
}

# start_load COUNT HOLD [OPTION...]: ike_load in the background holding COUNT tunnels for
# HOLD seconds once up; waits for them (sets SETUP_S, or fails).
start_load() {
  rm -f "$WORK/load.out"
  ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources "198.18.0.1+$1" \
    --count "$1" --window "$WINDOW" --dh 2 --remote 0.0.0.0/0 --timeout-ms 2000 \
    --max-seconds 900 --hold-seconds "$2" "${@:3}" >"$WORK/load.out" 2>&1 &
  LOAD_PID=$!
  while ! grep -q '^HOLDING' "$WORK/load.out" 2>/dev/null; do
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$WORK/load.out"; fail "ike_load ended early"; }
    sleep 0.2
  done
  local held
  held=$(sed -nE 's/^HOLDING ([0-9]+) tunnels.*/\1/p' "$WORK/load.out")
  HOLD_T0=$(now_ms)
  SETUP_S=$(sed -nE 's/^HOLDING .* set up in ([0-9.]+) s/\1/p' "$WORK/load.out")
  ((held * 100 >= $1 * 95)) || { cat "$WORK/load.out"; fail "only $held of $1 tunnels up"; }
}

# end_load: waits for ike_load's report; fails when held tunnels were lost wholesale.
end_load() {
  wait "$LOAD_PID" || true
  LOAD_PID=
  sed 's/^/  [ike_load] /' "$WORK/load.out"
  local held lost
  held=$(sed -nE 's/^HELD tunnels=([0-9]+).*/\1/p' "$WORK/load.out")
  lost=$(sed -nE 's/^HELD .*lost=([0-9]+).*/\1/p' "$WORK/load.out")
  [[ -n "$held" ]] || fail "ike_load printed no HELD line"
  ((lost * 100 <= held * 5)) || fail "$lost of $held held tunnels lost"
}

configure_rampart() {
  local out
  out=$(cli "configure terminal" "$(ezvpn_gateway_lines \
    "route outside 198.18.0.0 255.255.0.0 198.51.100.2" \
    "ip local pool BIG 198.19.0.1-198.19.63.254 mask 255.255.192.0" \
    "tunnel-group EZ general-attributes" "address-pool BIG" "exit" \
    "tunnel-group EZ ipsec-attributes" "isakmp keepalive threshold 10 retry 2" "exit" \
    "group-policy EZ attributes" "vpn-simultaneous-logins 100000" "exit" "end")")
  if grep -E 'ERROR|Invalid' <<<"$out"; then echo "$out"; fail "configuration refused"; fi
}

declare -A R_SETUP R_PER R_SUMMARY R_ISAKMP R_IPSEC R_ANSWER R_DPD R_REKEY S_PER
# warm_up: 20 set-ups that disconnect at once, so that what the first tunnel touches (packet
# rings, thread stacks, the crypto library's tables) is in the RSS before the count starts.
warm_up() {
  ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources 198.18.0.1+20 \
    --count 20 --window 4 --dh 2 --remote 0.0.0.0/0 --max-seconds 30 >"$WORK/warm.out" 2>&1 ||
    { cat "$WORK/warm.out"; fail "warm-up"; }
  sleep 2
}

# run_rampart COUNT: one rampartd, COUNT tunnels, the figures above.
run_rampart() {
  local n=$1 before after
  start_daemon --crypto-workers "$WORKERS"
  RESPONDER_PID=$DAEMON_PID
  configure_rampart
  warm_up
  before=$(rss_kb "$DAEMON_PID")
  echo "rampartd, $n tunnels (--crypto-workers $WORKERS):"
  # The hold: CLI views and DPD alone until REKEY_AT s, then rekeys at an even rate.
  local rekey_at=$((DPD_S + 10))
  start_load "$n" $((rekey_at + REKEY_S + 6)) --rekey-s "$REKEY_S" --rekey-after "$rekey_at"
  after=$(rss_kb "$DAEMON_PID")
  R_SETUP[$n]=$SETUP_S
  R_PER[$n]=$(bc -l <<<"($after - $before) * 1024 / $n")
  printf '  set-up of all %d tunnels: %.2f s (%.0f/s)\n' "$n" "$SETUP_S" "$(bc -l <<<"$n / $SETUP_S")"
  printf '  rampartd RSS: %d kB before, %d kB after: %.0f bytes per tunnel\n' "$before" "$after" \
    "${R_PER[$n]}"
  timed_cli "show vpn-sessiondb summary" "show vpn-sessiondb summary"
  R_SUMMARY[$n]=$LAST_CLI_MS
  grep -E 'IPsec Remote Access|Total Active' <<<"$LAST_CLI_OUT" | sed 's/^/    /'
  timed_cli "show crypto isakmp sa" "show crypto isakmp sa"
  R_ISAKMP[$n]=$LAST_CLI_MS
  grep -E 'Total IKE SA' <<<"$LAST_CLI_OUT" | sed 's/^/    /'
  local total
  total=$(sed -nE 's/.*Total IKE SA: *([0-9]+).*/\1/p' <<<"$LAST_CLI_OUT")
  ((${total:-0} * 100 >= n * 95)) || fail "show crypto isakmp sa counts ${total:-0} of $n"
  timed_cli "show crypto ipsec sa | include spi" "show crypto ipsec sa | include current outbound spi"
  timed_cli "show crypto ipsec sa" "show crypto ipsec sa"
  R_IPSEC[$n]=$LAST_CLI_MS
  answer_during "show crypto ipsec sa | count"
  R_ANSWER[$n]=$ANSWER_MS
  (($(now_ms) + 3000 < HOLD_T0 + rekey_at * 1000)) ||
    echo "  (the CLI views took most of the DPD window; the figure below is over a short one)"
  cpu_per_s "steady state, DPD every 10 s:" $((HOLD_T0 + rekey_at * 1000 - 200))
  R_DPD[$n]=$CPU_PER_S
  sleep_until $((HOLD_T0 + (rekey_at + 1) * 1000))
  cpu_per_s "with a rekey per tunnel per ${REKEY_S} s:" $((HOLD_T0 + (rekey_at + 1 + REKEY_S) * 1000))
  R_REKEY[$n]=$CPU_PER_S
  # One IPsec SA per tunnel when every rekey's old SA went (the clients delete it).
  printf '  IPsec SAs after the rekeys: %d\n' \
    "$(cli "show crypto ipsec sa | include current outbound spi" | grep -c 'current outbound spi')"
  end_load
  # What the engine refused or dropped meanwhile (the counters that are not 0), and the
  # sessions left once the clients said goodbye.
  cli "show crypto isakmp stats" | grep -iE "refus|drop|fail" | grep -vE ':\s+0\s*$' |
    sed 's/^/  show crypto isakmp stats: /' || true
  sleep 2
  cli "show vpn-sessiondb summary" | grep -E 'Total Active' |
    sed 's/^/  after the disconnects: /' || true
  asan_clean
  stop_daemon
}

# run_rekey_scale COUNT: COUNT tunnels held REKEY_RUN s with P2_LIFE s phase-2 lifetimes,
# rekeying every REKEY_S s; a line a minute, then what ike_load saw.
run_rekey_scale() {
  local n=$1 t sessions sas c0 t0 minute=0
  start_daemon --crypto-workers "$WORKERS"
  RESPONDER_PID=$DAEMON_PID
  configure_rampart
  echo "rampartd, $n tunnels, phase-2 lifetime $P2_LIFE s, a rekey per tunnel every $REKEY_S s," \
    "for $REKEY_RUN s (--crypto-workers $WORKERS):"
  local probe_ms=${PROBE_MS:-$((n > 1000 ? n : 1000))}
  start_load "$n" $((REKEY_RUN + 10)) --rekey-s "$REKEY_S" --rekey-after 5 --p2-lifetime "$P2_LIFE" \
    --probe-ms "$probe_ms"
  printf '  set-up of all %d tunnels: %.2f s; an ESP probe per tunnel every %d ms\n' "$n" \
    "$SETUP_S" "$probe_ms"
  # The lifetime the gateway took: the longest left on any inbound SA, in seconds.
  printf '  the gateway keeps %s s at most (show crypto ipsec sa: remaining key lifetime)\n' \
    "$(cli "show crypto ipsec sa | include remaining key lifetime" |
      sed -nE 's/.*\(kB\/sec\): \([0-9]+\/([0-9]+)\).*/\1/p' | sort -n | tail -1)"
  printf '  %6s %9s %10s %14s %10s\n' "min" "sessions" "IPsec SAs" "CPU ms per s" "views ms"
  while ((minute * 60 + 60 <= REKEY_RUN)); do
    minute=$((minute + 1))
    c0=$(cpu_ms "$RESPONDER_PID") t0=$(now_ms)
    sleep_until $((HOLD_T0 + minute * 60000))
    t=$(bc -l <<<"($(cpu_ms "$RESPONDER_PID") - $c0) * 1000 / ($(now_ms) - $t0)")
    t0=$(now_ms)
    sessions=$(cli "show vpn-sessiondb summary" | sed -nE 's/^Total Active and Inactive *: *([0-9]+).*/\1/p')
    sas=$(cli "show crypto ipsec sa | include current outbound spi" | grep -c 'current outbound spi')
    printf '  %6d %9s %10d %14.1f %10d\n' "$minute" "${sessions:-?}" "$sas" "$t" $(($(now_ms) - t0))
  done
  cli "show crypto isakmp stats" | grep -iE "refus|drop|fail|dpd|timeout" | grep -vE ':\s+0\s*$' |
    sed 's/^/  show crypto isakmp stats: /' || true
  end_load
  # Where the gateway dropped packets (the probes' losses on its side, by reason).
  cli "show asp drop" | grep -E '\([a-z0-9-]+\) +[1-9][0-9]*\s*$' | sed -E 's/^ */  show asp drop: /' || true
  local failed deletes lost
  failed=$(sed -nE 's/^HELD .*rekeys_failed=([0-9]+).*/\1/p' "$WORK/load.out")
  deletes=$(sed -nE 's/^HELD .*deletes_received=([0-9]+).*/\1/p' "$WORK/load.out")
  lost=$(sed -nE 's/^HELD .*lost=([0-9]+).*/\1/p' "$WORK/load.out")
  ((${failed:-1} == 0 && ${deletes:-1} == 0 && ${lost:-1} == 0)) ||
    fail "rekeys at scale: rekeys_failed=${failed:-?} deletes_received=${deletes:-?} lost=${lost:-?}"
  echo "  no tunnel lost, no rekey failed, no SA deleted by the gateway"
  local probes sent answered lost near sent_near
  probes=$(sed -nE 's/^PROBES (.*)/\1/p' "$WORK/load.out")
  [[ "$probes" =~ sent=([0-9]+)\ answered=([0-9]+)\ lost=([0-9]+)\ lost_near_rekey=([0-9]+)\ .*sent_near_rekey=([0-9]+) ]] ||
    fail "ike_load printed no PROBES line"
  sent=${BASH_REMATCH[1]} answered=${BASH_REMATCH[2]} lost=${BASH_REMATCH[3]} near=${BASH_REMATCH[4]}
  sent_near=${BASH_REMATCH[5]}
  printf '  probes sent / answered / lost: %d / %d / %d (%.3f %%)\n' "$sent" "$answered" "$lost" \
    "$(bc -l <<<"$lost * 100 / ($sent + ($sent == 0))")"
  printf '  lost within 2 s of a rekey: %d of %d sent so; lost otherwise: %d of %d\n' "$near" \
    "$sent_near" $((lost - near)) $((sent - sent_near))
  ((answered > 0)) || fail "no ESP probe was answered: packet loss across rekeys was not measured"
  asan_clean
  stop_daemon
}

# run_charon COUNT: the same generator against charon; its RSS per tunnel.
run_charon() {
  local n=$1 before after
  ip -n "$NS" addr replace 198.51.100.1/26 dev eth0
  ip -n "$NS" link set eth0 up
  ip -n "$NS" route replace 198.18.0.0/16 via 198.51.100.2
  cat >"$WORK/swanctl.conf" <<EOC
connections {
  ez {
    version = 1
    aggressive = yes
    pull = yes
    unique = never
    dpd_delay = 10s
    local_addrs = 198.51.100.1
    proposals = aes128-sha1-modp1024
    pools = bigpool
    local { auth = psk }
    remote { auth = psk
             id = keyid:EZ }
    remote-xauth { auth = xauth }
    children { ez { local_ts = 0.0.0.0/0
                    esp_proposals = aes128-sha1 } }
  }
}
pools { bigpool { addrs = 198.19.0.0/18 } }
secrets {
  ike-ez { secret = cisco123 }
  xauth-cisco { id = cisco
                secret = cisco }
}
EOC
  # strongSwan's advice for many SAs: a hash table of IKE SAs rather than one bucket.
  start_charon "  ikesa_table_size = 4096
  ikesa_table_segments = 16" "default = 0"
  sleep 1
  before=$(rss_kb "$CHARON_PID")
  echo "strongSwan charon, $n tunnels:"
  start_load "$n" $((DPD_S + 6))
  after=$(rss_kb "$CHARON_PID")
  S_PER[$n]=$(bc -l <<<"($after - $before) * 1024 / $n")
  printf '  set-up of all %d tunnels: %.2f s (%.0f/s)\n' "$n" "$SETUP_S" "$(bc -l <<<"$n / $SETUP_S")"
  printf '  charon RSS: %d kB before, %d kB after: %.0f bytes per tunnel\n' "$before" "$after" \
    "${S_PER[$n]}"
  sleep 1
  cpu_per_s "steady state, DPD every 10 s:" $((HOLD_T0 + (DPD_S + 1) * 1000))
  end_load
  kill "$CHARON_PID"; wait "$CHARON_PID" 2>/dev/null || true
  CHARON_PID=
}

grep -q -- --crypto-workers <<<"$("$BIN/rampartd" --help 2>&1 || true)" ||
  fail "rampartd has no --crypto-workers"
"$BIN/ike_load" --sizes | sed 's/^/  /'
if [[ -n "$REKEY_RUN" ]]; then
  for n in "${COUNTS[@]}"; do run_rekey_scale "$n"; done
  exit 0
fi
for n in "${COUNTS[@]}"; do run_rampart "$n"; done
[[ -n "$SWAN" ]] && run_charon "${COUNTS[0]}"

echo
echo "tunnels held by ike_load (EzVPN, DH group 2, each on its own address), $(nproc) cores" \
  "shared with the generator; rampartd --crypto-workers $WORKERS"
printf '  %-8s %9s %13s %11s %13s %12s %14s %13s %12s\n' tunnels "set-up s" "bytes/tunnel" \
  "summary ms" "isakmp sa ms" "ipsec sa ms" "answer during" "DPD CPU ms/s" "+rekey ms/s"
for n in "${COUNTS[@]}"; do
  printf '  %-8s %9.2f %13.0f %11s %13s %12s %14s %13.1f %12.1f\n' "$n" "${R_SETUP[$n]}" \
    "${R_PER[$n]}" "${R_SUMMARY[$n]}" "${R_ISAKMP[$n]}" "${R_IPSEC[$n]}" "${R_ANSWER[$n]}" \
    "${R_DPD[$n]}" "${R_REKEY[$n]}"
done
echo "  (answer during: the slowest of five \"show clock\" from a second console while the first"
echo "   runs \"show crypto ipsec sa | count\", which makes its text off the event loop)"
if [[ -n "$SWAN" ]]; then
  n=${COUNTS[0]}
  printf '  at %d: rampartd %.0f bytes per tunnel, charon %.0f (+ its kernel SAs): ratio %.2f\n' \
    "$n" "${R_PER[$n]}" "${S_PER[$n]}" "$(bc -l <<<"${R_PER[$n]} / ${S_PER[$n]}")"
fi
