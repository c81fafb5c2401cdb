# Timing the console of a running rampartd, for the benchmarks: sourced after
# tests/integration/lib.sh (its cli()).
now_ms() { date +%s%3N; }

# timed_cli LABEL LINE: runs one privileged command; prints its wall time and output size.
timed_cli() {
  local t0 out
  t0=$(now_ms)
  out=$(cli "$2")
  LAST_CLI_MS=$(($(now_ms) - t0))
  LAST_CLI_OUT=$out
  printf '  %-36s %6d ms  (%d lines)\n' "$1" "$LAST_CLI_MS" "$(wc -l <<<"$out")"
}

# answer_during LINE: how long the daemon takes to answer a second console ("show clock") while
# a first one runs LINE (a view of a large table, counted, so that no client is busy reading
# it), against the same answer alone: a view made on the event loop delays every other
# console, and IKE, by as long as it takes. Prints both and sets ANSWER_MS (the slowest of five
# answers during the view).
answer_during() {
  local t0 alone during=0 pid i ms
  t0=$(now_ms)
  cli "show clock" >/dev/null
  alone=$(($(now_ms) - t0))
  cli "$1" >/dev/null &
  pid=$!
  sleep 0.05
  for i in 1 2 3 4 5; do
    t0=$(now_ms)
    cli "show clock" >/dev/null
    ms=$(($(now_ms) - t0))
    ((ms > during)) && during=$ms
  done
  wait "$pid"
  ANSWER_MS=$during
  printf '  %-36s %6d ms  (alone: %d ms)\n' "show clock during the view" "$during" "$alone"
}
