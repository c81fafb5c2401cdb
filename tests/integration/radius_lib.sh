# FreeRADIUS for the integration tests: Debian's configuration copied under $WORK, run in the
# foreground as root in a test namespace, never the system service. Several servers may share a
# namespace: each listens on its own IPv4 address only. Source after lib.sh.
RAD_PIDS=()

# radius_prepare DIR LISTEN_ADDR CLIENT_ADDR KEY: writes DIR, a server on LISTEN_ADDR (1812 and
# 1813) that takes requests from CLIENT_ADDR with KEY. The caller writes the users:
# DIR/mods-config/files/authorize (radius_users appends Debian's defaults after them).
radius_prepare() {
  local dir=$1 addr=$2 client=$3 key=$4
  cp -a /etc/freeradius/3.0 "$dir"
  mkdir -p "$dir/log" "$dir/run"
  sed -i -e "s|^logdir = .*|logdir = $dir/log|" -e "s|^run_dir = .*|run_dir = $dir/run|" \
    -e 's|^\s*user = freerad|#&|' -e 's|^\s*group = freerad|#&|' \
    -e 's|^\(\s*\)reject_delay = .*|\1reject_delay = 0|' "$dir/radiusd.conf"
  # No reject delay: FreeRADIUS holds each Access-Reject 1 s by default, half of the 2 s timeout
  # the tests give their aaa-servers (for a quick failover), so a loaded machine could turn a
  # reject into "no server answered" (113014 instead of 113005).
  # This address only: no wildcard, no IPv6 listeners; the inner tunnel (EAP) on a port of its own.
  awk -v addr="$addr" '
    /^listen \{/ { inblock = 1; block = ""; drop = 0 }
    inblock {
      if ($0 ~ /^\tipv6addr = ::/) drop = 1
      sub(/^\tipaddr = \*/, "\tipaddr = " addr)
      block = block $0 "\n"
      if ($0 ~ /^\}/) { inblock = 0; if (!drop) printf "%s", block }
      next
    }
    { print }' "$dir/sites-available/default" >"$dir/default.new"
  mv "$dir/default.new" "$dir/sites-available/default"
  local inner=$((18120 + ${#RAD_PIDS[@]} + RANDOM % 1000))
  sed -i "s/port = 18120/port = $inner/" "$dir/sites-available/inner-tunnel"
  printf 'client rampart {\n\tipaddr = %s\n\tsecret = "%s"\n}\n' "$client" "$key" >"$dir/clients.conf"
  : >"$dir/mods-config/files/authorize"
}

# radius_users DIR: appends Debian's default entries after the test's own users.
radius_users() {
  cat /etc/freeradius/3.0/mods-config/files/authorize >>"$1/mods-config/files/authorize"
}

# radius_directory DIR AD: rlm_mschap asks "Active Directory" through the ntlm_auth interface
# (ad_password_helper.py: passwords in AD/USER.pw, AD/USER.expired while one has expired) for
# MS-CHAPv2 logins and password changes (FreeRADIUS 3.2.1's own local_cpw crashes).
radius_directory() {
  local dir=$1 ad=$2
  local helper
  helper="/usr/bin/python3 $(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ad_password_helper.py"
  mkdir -p "$ad"
  sed -i -e "s|^\tpasschange {|&\n\t\tntlm_auth = \"$helper cpw $ad\"\n\t\tntlm_auth_username = \"username: %{mschap:User-Name}\"\n\t\tntlm_auth_domain = \"nt-domain: %{mschap:NT-Domain}\"|" \
    -e "s|^mschap {|&\n\tntlm_auth = \"$helper auth $ad --username=%{mschap:User-Name} --challenge=%{%{mschap:Challenge}:-00} --nt-response=%{%{mschap:NT-Response}:-00}\"|" \
    "$dir/mods-available/mschap"
  [[ $(grep -c "ad_password_helper" "$dir/mods-available/mschap") == 2 ]] || fail "mschap not configured"
}

# radius_start NAMESPACE DIR ADDR: starts the server and waits until it listens; its pid is
# added to RAD_PIDS (radius_stop_all ends them all). Sets RAD_PID to it.
radius_start() {
  local ns=$1 dir=$2 addr=$3
  ip netns exec "$ns" freeradius -f -d "$dir" -l "$dir/log/radius.log" &
  RAD_PID=$!
  RAD_PIDS+=("$RAD_PID")
  for _ in $(seq 200); do
    ip netns exec "$ns" ss -lun 2>/dev/null | grep -q "$addr:1813" && return 0
    kill -0 "$RAD_PID" 2>/dev/null || { cat "$dir/log/radius.log"; fail "freeradius did not start"; }
    sleep 0.05
  done
  fail "freeradius does not listen on $addr"
}

radius_stop() {  # radius_stop PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

radius_stop_all() {
  local p
  for p in "${RAD_PIDS[@]}"; do radius_stop "$p"; done
  RAD_PIDS=()
}
