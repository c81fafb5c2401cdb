#!/usr/bin/env bash
# NTP through chronyd (issue 14): rampartd runs a chronyd of its own from the ntp lines, and
# show ntp status|associations print what it says. The server is a real chronyd:
#
#   $NS (rampartd, inside 192.0.2.1) --veth-- $INS chronyd 192.0.2.123, local stratum 8, MD5 key 1
#
# With the right key the appliance synchronizes (the server marked '*', authenticated); a
# "clock set" gives way to NTP; the key stays masked in show running-config and the chrony key
# file is the daemon's alone; with a wrong key on the server nothing is selected and the clock
# is unsynchronized. Neither chronyd touches the host's clock (-x; rampartd --ntp-keep-clock).
source "$(dirname "$0")/lib.sh"

SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap 'stop_server; cleanup' EXIT

KEY=Ntp-Md5-Key-4-Test
SRV=$WORK/server
mkdir -m 0700 "$SRV"

# start_server KEY: the inside host's chronyd, serving its own clock at stratum 8.
start_server() {
  printf '1 MD5 ASCII:%s\n' "$1" >"$SRV/keys"
  chmod 600 "$SRV/keys"
  cat >"$SRV/chrony.conf" <<CONF
local stratum 8
allow all
bindaddress 192.0.2.123
keyfile $SRV/keys
bindcmdaddress $SRV/chronyd.sock
cmdport 0
pidfile $SRV/chronyd.pid
CONF
  ip netns exec "$INS" chronyd -n -x -u root -f "$SRV/chrony.conf" >>"$SRV/log" 2>&1 &
  SERVER_PID=$!
}

wire_hosts "$INS"
ip -n "$INS" addr add 192.0.2.123/24 dev eth0
start_server "$KEY"
start_daemon --ntp-dir "$WORK/ntp" --ntp-keep-clock --ntp-poll -2

cli "configure terminal" "interface GigabitEthernet0/0" "nameif inside" "security-level 100" \
  "ip address 192.0.2.1 255.255.255.0" "no shutdown" "exit" \
  "ntp authentication-key 1 md5 $KEY" "ntp trusted-key 1" "ntp authenticate" \
  "ntp server 192.0.2.123 key 1 prefer" >"$WORK/config.out"
grep -q ERROR "$WORK/config.out" && fail "configuration refused: $(cat "$WORK/config.out")"

synced() { cli "show ntp status" | grep -q "^Clock is synchronized, stratum 9, reference is 192.0.2.123"; }
wait_for 30 synced || fail "not synchronized: $(cli 'show ntp status' 'show ntp associations')"
assoc=$(cli "show ntp associations")
grep -q '^\*~192\.0\.2\.123 ' <<<"$assoc" || fail "server not our master: $assoc"
grep -q '^ \* master (synced), # master (unsynced), + selected, - candidate, ~ configured' \
  <<<"$assoc" || fail "no legend: $assoc"
detail=$(cli "show ntp associations detail")
grep -q '^192\.0\.2\.123 configured, authenticated, our_master, sane, valid, stratum 8' \
  <<<"$detail" || fail "detail: $detail"

# The key: masked in show running-config, never in a show, the key file the daemon's only.
run=$(cli "show running-config ntp")
grep -q '^ntp authentication-key 1 md5 \*\*\*\*\*$' <<<"$run" || fail "key not masked: $run"
cli "show running-config" "show ntp associations detail" "show ntp status" | grep -q "$KEY" &&
  fail "the NTP key appears in a show command"
[[ $(stat -c %a "$WORK/ntp/chrony.keys") == 600 ]] || fail "chrony.keys is not mode 600"
[[ $(stat -c %a "$WORK/ntp") == 700 ]] || fail "the chrony directory is not mode 700"

# "clock set" while NTP runs: accepted; NTP's next synchronized answer takes over again.
year=$(date -u +%Y)
cli "clock set 01:02:03 Jan 1 2031" "show clock detail" >"$WORK/set.out"
grep -q "Time source is NTP" "$WORK/set.out" || fail "NTP did not take over: $(cat "$WORK/set.out")"
cli "show clock" | grep -q " $year$" || fail "clock not back to NTP time: $(cli 'show clock')"

# A wrong key at the server: its answers fail authentication, so it is never selected again.
stop_server
start_server "Wrong-$KEY"
unsynced() {
  local out
  out=$(cli "show ntp status" "show ntp associations")
  grep -q "^Clock is unsynchronized" <<<"$out" && ! grep -q '^\*~' <<<"$out"
}
wait_for 20 unsynced || fail "still synchronized with a wrong key: $(cli 'show ntp status' 'show ntp associations')"
cli "show ntp associations detail" | grep -q '^192\.0\.2\.123 configured, .*invalid' ||
  fail "wrong-key server not invalid: $(cli 'show ntp associations detail')"
# The server is up and gets the requests, but a chronyd answers no request whose MAC fails: the
# appliance's requests go unanswered (sent > received + 4) and the server counts them.
rejected() {
  ip netns exec "$NS" chronyc -h "$WORK/ntp/chronyd.sock" -c ntpdata |
    awk -F, '$1 == "192.0.2.123" && $31 > $32 + 4 { ok = 1 } END { exit !ok }' &&
    kill -0 "$SERVER_PID" &&
    ip netns exec "$INS" chronyc -h "$SRV/chronyd.sock" -c serverstats | awk -F, '$1 > 4 { ok = 1 } END { exit !ok }'
}
wait_for 10 rejected || fail "the wrong-key server's silence not seen: $(ip netns exec "$NS" chronyc -h "$WORK/ntp/chronyd.sock" ntpdata)"
unsynced || fail "synchronized again with a wrong key"
# The right key again: synchronized again (what failed was the key, nothing else).
stop_server
start_server "$KEY"
wait_for 30 synced || fail "not synchronized again with the right key"

# Removing the server stops chronyd (rampartd's child), and no chronyd is left.
cli "configure terminal" "no ntp server 192.0.2.123" >/dev/null
gone() { ! ip netns exec "$NS" chronyc -h "$WORK/ntp/chronyd.sock" tracking >/dev/null 2>&1; }
wait_for 5 gone || fail "chronyd still answers after no ntp server"
asan_clean
echo PASS
