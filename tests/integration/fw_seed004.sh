#!/usr/bin/env bash
# Seed 004's PIX 6.3 configuration, whole, as the startup-config, with real traffic (issue 12).
# The lab is seed004_lib.sh's: the outside namespace is the Internet (198.51.100.3), the inside
# one the seed's inside router 192.0.2.193 with, behind it, the web server 192.0.2.131 and a
# workstation 192.0.2.140.
#
# Shows, through the PIX lines themselves: "nat (inside) 1 0 0" + "global (outside) 1
# .6-.10" (the workstation reaches the Internet from a pool address), "static (inside,outside)
# .11 .131" + "access-list 120" + "access-group 120 in interface outside" (the Internet reaches
# the web server at .11), and nothing else from outside (the workstation is not reachable; the
# drop is counted), "fixup protocol ftp 21" (passive and active FTP through the pool), and the
# load itself: no line "ignored" without a reason.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/seed004_lib.sh"
OUT=rso$$ IN=rsi$$
PY=/usr/bin/python3
PIDS=()
seed_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for ns in $OUT $IN; do ip netns del "$ns" 2>/dev/null || true; done
  cleanup
}
trap seed_cleanup EXIT

seed004_lab $OUT $IN
ip -n $IN addr add 192.0.2.131/32 dev lo
ip -n $IN addr add 192.0.2.140/32 dev lo

mkdir -p "$WORK/www"
echo "seed004-web" >"$WORK/www/index.html"
(cd "$WORK/www" && exec ip netns exec $IN $PY -m http.server --bind 192.0.2.131 80 \
  >"$WORK/http-web.log" 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec $IN $PY -m http.server --bind 192.0.2.140 80 \
  >/dev/null 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec $OUT $PY -m http.server --bind 198.51.100.3 8000 \
  >"$WORK/http-out.log" 2>&1) &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec $OUT $PY -m pyftpdlib -i 198.51.100.3 -p 21 \
  >"$WORK/ftp.log" 2>&1) &
PIDS+=($!)

# http.server looks its own name up at start: with no route yet, that fails at once instead
# of waiting for a resolver across the appliance.
listening() { ip netns exec "$1" ss -ltn | grep -q " $2 "; }
wait_for 10 listening $IN 192.0.2.131:80 || fail "the web server did not start"
wait_for 10 listening $IN 192.0.2.140:80 || fail "the workstation's server did not start"
wait_for 10 listening $OUT 198.51.100.3:8000 || fail "the Internet's web server did not start"
ip -n $IN route add default via 192.0.2.194

start_daemon
seed004_wait_takeover

# The load: every line applied or converted; what has no meaning here is named with a reason.
errors=$(cli "show startup-config errors")
ignored=$(grep -c 'not a VPN function' <<<"$errors" || true)
((ignored == 0)) || { echo "$errors"; fail "$ignored lines ignored without a reason"; }
for line in "global (outside) 1" "nat (inside) 0 access-list 101" "nat (inside) 1" \
  "static (inside,outside)" "fixup protocol ftp 21" "access-group 120"; do
  grep -qF "unsupported: $line" <<<"$errors" && fail "\"$line\" reported unsupported"
done
run=$(cli "show running-config nat" "show running-config access-group")
grep -q 'nat (inside,outside) static 198.51.100.11' <<<"$run" || { echo "$run"; fail "the static"; }
grep -q 'access-group 120 in interface outside' <<<"$run" || { echo "$run"; fail "access-group"; }

# The workstation reaches the Internet from the global pool.
page=$(ip netns exec $IN curl -sS --max-time 5 --interface 192.0.2.140 http://198.51.100.3:8000/) ||
  { cli "show nat" "show asp drop"; fail "the workstation cannot reach the Internet"; }
[[ "$page" == seed004-web ]] || fail "page: $page"
grep -qE '^198\.51\.100\.([6-9]|10) - - ' "$WORK/http-out.log" ||
  { cat "$WORK/http-out.log"; fail "the Internet did not see a global pool address"; }
echo "ok: the workstation reached the Internet as $(grep -oE '^198\.51\.100\.[0-9]+ ' "$WORK/http-out.log" | head -1)"

# The Internet reaches the web server through the static and ACL 120.
page=$(ip netns exec $OUT curl -sS --max-time 5 http://198.51.100.11/) ||
  { cli "show access-list 120" "show nat" "show asp drop"; fail "no page from the published server"; }
[[ "$page" == seed004-web ]] || fail "page: $page"
grep -q '^198\.51\.100\.3 - - ' "$WORK/http-web.log" || fail "the web server did not see the client"
hits=$(cli "show access-list 120" | sed -n 's/.*permit tcp any host 192\.0\.2\.131 (hitcnt=\([0-9]*\)).*/\1/p')
((hits >= 1)) || { cli "show access-list 120"; fail "ACL 120's tcp line counted $hits hits"; }
echo "ok: the Internet reached the web server at 198.51.100.11 ($hits hits on ACL 120)"

# Nothing else from the outside: the workstation has no static; the drop is counted.
before=$(cli "show asp drop" | sed -n 's/.*(acl-drop) *\([0-9]*\)$/\1/p')
ip netns exec $OUT ip route add 192.0.2.128/28 via 198.51.100.1
ip netns exec $OUT curl -sS --max-time 3 http://192.0.2.140/ >/dev/null 2>&1 &&
  fail "the Internet reached the workstation"
after=$(cli "show asp drop" | sed -n 's/.*(acl-drop) *\([0-9]*\)$/\1/p')
((${after:-0} > ${before:-0})) || { cli "show asp drop"; fail "the denied connection was not counted"; }
echo "ok: the workstation is not reachable from outside (acl-drop ${before:-0} -> $after)"

# fixup protocol ftp 21: FTP through the pool, both modes.
for mode in --ftp-pasv "--ftp-port -"; do
  # shellcheck disable=SC2086
  got=$(ip netns exec $IN curl -sS --max-time 10 $mode --interface 192.0.2.140 \
    ftp://198.51.100.3/index.html) || { tail -5 "$WORK/ftp.log"; fail "FTP $mode"; }
  [[ "$got" == seed004-web ]] || fail "FTP $mode: $got"
done
echo "ok: FTP passive and active through the global pool"
echo "PASS fw_seed004"
