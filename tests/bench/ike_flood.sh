#!/usr/bin/env bash
# The IKE flood benchmark (issue 11): tests/integration/ike_flood.sh for 60 s (or SECONDS),
# printing what the generator sent and what came back, the appliance's drops by reason, a new
# client's time to connect, an established tunnel's ping loss and the console's latency.
#   tests/bench/ike_flood.sh [BIN] [SECONDS]
here=$(cd "$(dirname "$0")" && pwd)
exec bash "$here/../integration/ike_flood.sh" "${1:-$here/../../build/bin}" "${2:-60}"
