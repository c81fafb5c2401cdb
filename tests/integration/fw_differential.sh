#!/usr/bin/env bash
# The firewall's oracle (issue 12): a generated configuration (3 or 4 interfaces with random
# security levels, ACLs with objects and object-groups, access-groups in/out and global,
# same-security-traffic, static and PAT object NAT, a twice NAT identity rule, icmp permit/deny
# rules for the box's own addresses) is loaded into rampartd; packet-tracer answers for a few
# thousand generated flows; then each flow's first packet is sent for real from its source
# host's namespace and what arrives is captured in every namespace. packet-tracer and the
# kernel must agree on every flow: allowed <-> arrived, with the same translated source and
# destination; a ping to one of the box's addresses is answered <-> allowed.
#
#   FWDIFF_SEED=N   replay one configuration (each seed is printed)
#   FWDIFF_FLOWS=N  flows per configuration (3000)   FWDIFF_CONFIGS=N  configurations (4)
#
#        h0 (outside, + 203.0.113.0/26 behind it)    h2 (dmz)      h3 (dmz2, when 4 interfaces)
#              \ eth0                                  / eth2       / eth3
#               +------------- rampartd ($NS) --------+------------+
#              / eth1
#        h1 (inside)
source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
FIRST=${FWDIFF_SEED:-$(((RANDOM << 15) | RANDOM))}
FLOWS=${FWDIFF_FLOWS:-3000}
# Several configurations per run, seeds FIRST, FIRST+1, ...; a replay names one (CONFIGS=1).
CONFIGS=${FWDIFF_CONFIGS:-$([[ -n ${FWDIFF_SEED:-} ]] && echo 1 || echo 4)}

HOSTS=()
fw_cleanup() {
  for h in "${HOSTS[@]}"; do ip netns del "$h" 2>/dev/null || true; done
  cleanup
}
trap fw_cleanup EXIT

# One generated configuration, its own lab, its flows.
run_config() {
  local SEED=$1
  echo "fw_differential: seed $SEED ($FLOWS flows); replay with FWDIFF_SEED=$SEED"
  python3 "$HERE/fw_differential.py" gen "$SEED" "$WORK" "$FLOWS" || fail "generator"
  PLAN=$WORK/plan.json
  # One line per segment: index nameif box-address prefix host-addresses...
  mapfile -t SEGS < <(python3 "$HERE/fw_differential.py" segments "$WORK")
  MAPPED=$(python3 "$HERE/fw_differential.py" mapped "$WORK")

  ip netns add "$NS"
  ip -n "$NS" link set lo up
  NSMAP=
  for seg in "${SEGS[@]}"; do
    read -r k nameif box prefix hosts <<<"$seg"
    h=fwh$k$$
    HOSTS+=("$h")
    NSMAP+="$nameif=$h "
    ip netns add "$h"
    ip -n "$h" link set lo up
    ip -n "$NS" link add "eth$k" type veth peer name "p$k$$"
    ip -n "$NS" link set "p$k$$" netns "$h"
    ip -n "$h" link set "p$k$$" name eth0
    for a in $hosts; do
      if [[ $a == 203.0.113.* ]]; then
        ip -n "$h" addr add "$a/32" dev eth0
      else
        ip -n "$h" addr add "$a/$prefix" dev eth0
      fi
    done
    ip -n "$h" link set eth0 up
    ip netns exec "$h" ethtool -K eth0 tso off gso off >/dev/null 2>&1 || true
    ip -n "$h" route add default via "$box"
    # Static NAT's mapped addresses are reached through the box (no reliance on proxy ARP:
    # ARP is not what this test holds the policy to).
    [[ $nameif == outside ]] && ip -n "$h" route add "$MAPPED" via "$box"
  done

  rm -rf "$FLASH" && mkdir -p "$FLASH"
  start_daemon
  out=$( { printf '%s\n' "configure terminal"; cat "$WORK/config.txt"; printf '%s\n' "end"; } |
    { printf 'enable\n\n'; cat; } | "$BIN/rampart" --control "$SOCK")
  if grep -q "ERROR\|WARNING" <<<"$out"; then
    echo "$out" | grep -B2 "ERROR\|WARNING"
    fail "the generated configuration did not load whole (seed $SEED)"
  fi

  # Neighbours both ways, so that the first packets are not lost waiting for ARP.
  for seg in "${SEGS[@]}"; do
    read -r k nameif box prefix hosts <<<"$seg"
    h=fwh$k$$
    hmac=$(ip -n "$h" -br link show eth0 | awk '{print $3}')
    bmac=$(ip -n "$NS" -br link show "eth$k" | awk '{print $3}')
    ip -n "$h" neigh replace "$box" lladdr "$bmac" dev eth0 nud permanent
    for a in $hosts; do
      [[ $a == 203.0.113.* ]] && continue
      ip -n "$NS" neigh replace "$a" lladdr "$hmac" dev "eth$k" nud permanent
    done
  done
  if [[ $(ip netns exec "$NS" sysctl -n net.ipv4.ip_forward) != 1 ]]; then
    echo "NOTE: net.ipv4.ip_forward is off in the appliance's namespace; the test turns it on"
    ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=1
  fi

  { printf 'enable\n\n'; printf 'terminal pager 0\n'; cat "$WORK/tracer.txt"; } |
    "$BIN/rampart" --control "$SOCK" >"$WORK/tracer.out" 2>&1 || fail "packet-tracer session"

  FWDIFF_NS=$NSMAP python3 "$HERE/fw_differential.py" check "$WORK" "$WORK/tracer.out" ||
    fail "packet-tracer and the kernel disagree (seed $SEED); configuration: $(cat "$WORK/config.txt")"
  asan_clean
  stop_daemon
  for h in "${HOSTS[@]}"; do ip netns del "$h"; done
  HOSTS=()
  ip netns del "$NS"
}

for ((i = 0; i < CONFIGS; i++)); do run_config $((FIRST + i)); done
echo "PASS fw_differential ($CONFIGS configurations)"
