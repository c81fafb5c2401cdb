#!/usr/bin/env bash
# The load generator speaks IKEv1 as the gateway expects (issue 15): build/bin/ike_load sets up
# 20 EzVPN clients (aggressive mode + XAUTH + mode-config + quick mode) and then 20 LAN-to-LAN
# peers (main mode + quick mode) against rampartd from 20 addresses, keeping them up (--hold);
# every one must complete, and `show crypto isakmp sa` must list 20 AM_ACTIVE and 20 MM_ACTIVE
# SAs, with an IPsec SA for each; and with a wrong group key it must fail on HASH_R. What
# ike_load measures in tests/bench/ike_setup_rate.sh is only worth something if this passes.
# rampartd runs with the bench's --crypto-workers 1, and refuses counts outside 1..16.
#   ike_load_smoke.sh BIN
source "$(dirname "$0")/lib.sh"

make_vpn_lab
for i in $(seq 3 24); do ip -n "$CNS" addr add "198.51.100.$i/26" dev eth0; done
# The crypto worker count the benchmark chooses: only 1..16 is taken.
for bad in 0 17 abc 2x ""; do
  rc=0
  "$BIN/rampartd" --flash "$FLASH" --crypto-workers "$bad" >/dev/null 2>&1 || rc=$?
  [[ $rc -eq 2 ]] || fail "rampartd took --crypto-workers '$bad' (exit $rc)"
done
start_daemon --crypto-workers 1
out=$(cli "configure terminal" "$(ezvpn_gateway_lines \
  "group-policy EZ attributes" "vpn-simultaneous-logins 100" "exit" \
  "tunnel-group DefaultL2LGroup ipsec-attributes" "ikev1 pre-shared-key l2l-secret" "exit" "end")")
grep -E 'ERROR|Invalid' <<<"$out" && { echo "$out"; fail "configuration refused"; }

load() {
  ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources 198.51.100.3+20 \
    --count 20 --window 20 --hold --timeout-ms 1000 "$@"
}
out=$(load --remote 0.0.0.0/0)
echo "$out"
grep -q "^RESULT .* completed=20 started=20" <<<"$out" || fail "EzVPN set-ups did not all complete"
out=$(load --main-mode --psk l2l-secret --remote 192.0.2.0/24)
echo "$out"
grep -q "^RESULT .* completed=20 started=20" <<<"$out" || fail "main-mode set-ups did not all complete"

sas=$(cli "show crypto isakmp sa")
am=$(grep -c "AM_ACTIVE" <<<"$sas" || true)
mm=$(grep -c "MM_ACTIVE" <<<"$sas" || true)
echo "show crypto isakmp sa: $am AM_ACTIVE, $mm MM_ACTIVE"
[[ "$am" == 20 && "$mm" == 20 ]] || { echo "$sas"; fail "expected 20 AM_ACTIVE and 20 MM_ACTIVE"; }
ipsec=$(cli "show crypto ipsec sa" | grep -c "inbound esp sas:" || true)
echo "show crypto ipsec sa: $ipsec peers with inbound ESP SAs"
[[ "$ipsec" -ge 40 ]] || fail "expected an IPsec SA for each of the 40 peers"
# The generator checks what it receives: with a wrong group key, HASH_R does not verify. From
# two addresses of the LAN-to-LAN peers above: each proposed its own address as its network, so
# a tunnel route leads to it, and the daemon's IKE answers must still leave in clear by eth0
# (they went into the tunnel device until the IKE socket named its interface).
out=$(ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources 198.51.100.3+2 \
  --count 2 --window 2 --timeout-ms 500 --retries 1 --psk not-the-key --remote 0.0.0.0/0)
echo "$out"
grep -q "failure: phase 1: HASH_R does not verify: 2" <<<"$out" ||
  fail "a wrong group key was not caught by the generator"
# Held tunnels (tests/bench/tunnel_scale.sh holds 10,000 so): 10 more EzVPN clients stay up for
# 15 s, each answering the gateway's DPD (keepalive threshold 10 s, the least the ASA takes: a
# tunnel idle that long is probed) and then rekeying its phase 2 every 2 s from 11.5 s on (a
# rekey is no idleness); none may be lost, no rekey may go unanswered. Meanwhile each sends an
# ICMP echo in ESP to the inside host every 500 ms (ike_load --probe-ms, as tunnel_scale.sh's
# rekey run does at scale): answers must come back through the dataplane, on the newest SA or
# the one a rekey replaced.
out=$(cli "configure terminal" "tunnel-group EZ ipsec-attributes" \
  "isakmp keepalive threshold 10 retry 2" "end")
grep -E 'ERROR|Invalid' <<<"$out" && { echo "$out"; fail "keepalive refused"; }
out=$(ip netns exec "$CNS" "$BIN/ike_load" --target 198.51.100.1 --sources 198.51.100.5+10 \
  --count 10 --window 10 --timeout-ms 1000 --remote 0.0.0.0/0 --hold-seconds 15 --rekey-s 2 \
  --rekey-after 11.5 --probe-ms 500)
echo "$out"
held=$(sed -nE 's/^HELD (.*)/\1/p' <<<"$out")
[[ "$held" =~ tunnels=10\ dpd_acks=([0-9]+)\ rekeys=([0-9]+)\ rekeys_failed=0\ .*lost=0 ]] ||
  fail "held tunnels: $held"
((BASH_REMATCH[1] >= 10 && BASH_REMATCH[2] >= 10)) ||
  fail "held tunnels answered ${BASH_REMATCH[1]} DPDs and rekeyed ${BASH_REMATCH[2]} times"
probes=$(sed -nE 's/^PROBES (.*)/\1/p' <<<"$out")
[[ "$probes" =~ sent=([0-9]+)\ answered=([0-9]+) ]] || fail "no PROBES line"
# 10 tunnels, one probe each per 500 ms for the 12.5 s before the last 2.5: about 250; at least
# half answered (a loose bound: a loaded machine may lose some, a broken path loses all).
((BASH_REMATCH[1] >= 200 && BASH_REMATCH[2] * 2 >= BASH_REMATCH[1])) || fail "ESP probes: $probes"
asan_clean
echo PASS
