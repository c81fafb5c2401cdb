#!/usr/bin/env bash
# Every syslog id the code emits is in the one message table (control/logging/messages.cpp):
# "%ASA-N-ID" literals, syslog(..., N, ID, ...) calls of the IKE engine and the AAA service,
# FwMessage/AaaEvent initialisers {N, ID, ...} and logging::syslog(log, ID, ...). Prints the
# ids that are missing and fails.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cd "$SRC"
table=$(grep -oE 'MessageDef\{[0-9]{6}' control/logging/messages.cpp | grep -oE '[0-9]{6}' | sort -u)
# The sources as one line each, so that calls split over lines are seen whole.
flat() { find "$@" -name '*.cpp' -o -name '*.hpp' | sort | xargs cat | tr '\n' ' '; }
used=$( {
  grep -rhoE '%ASA-[0-7]-[0-9]{6}' control cli firmware platform dataplane | grep -oE '[0-9]{6}$'
  flat control firmware | grep -oE 'syslog_?\([^;]{0,40}\b[0-7], *(created \? [0-9]{6} : [0-9]{6}|[0-9]{6})' |
    grep -oE '[0-9]{6}'
  flat control/firewall control/aaa | grep -oE '\{ *[0-7], *(built \? [0-9]{6} : [0-9]{6}|[0-9]{6})' |
    grep -oE '[0-9]{6}'
  flat cli firmware | grep -oE 'logging::syslog\([^,]+, *(ok \? [0-9]{6} : [0-9]{6}|[0-9]{6})' |
    grep -oE '[0-9]{6}'
} | sort -u)
[[ -n "$used" ]] || { echo "FAIL: found no syslog ids in the code (the patterns are stale)"; exit 1; }
missing=$(comm -23 <(echo "$used") <(echo "$table"))
if [[ -n "$missing" ]]; then
  echo "FAIL: syslog ids emitted but not in control/logging/messages.cpp:"
  echo "$missing"
  exit 1
fi
echo "PASS: $(echo "$used" | wc -l) syslog ids used, all in the table of $(echo "$table" | wc -l)"
