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

cleanup() {
  if [[ -n "$DAEMON_PID" ]]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
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

start_daemon() {
  rm -f "$SOCK"
  ip netns exec "$NS" "$BIN/rampartd" --flash "$FLASH" --control "$SOCK" --foreground \
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
cli() {
  { printf 'enable\n\n'; printf '%s\n' "$@"; } | "$BIN/rampart" --control "$SOCK"
}

fail() { echo "FAIL: $*"; exit 1; }
