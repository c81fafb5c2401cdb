# rampartd with SSH (Debian's OpenSSH) for the tests that log in by SSH: sourced after lib.sh.
# rampartd rewrites /etc/passwd and sshd reads /etc/pam.d/sshd and /etc/nsswitch.conf, so the
# daemon runs in its own mount namespace with a copy of /etc bound over /etc and /run a tmpfs
# (sshd's privilege separation directory, the control socket, the AAA account file; /run/netns
# kept). In the copy: PAM asks rampartd (rampart --pam-auth), "passwd: files rampart" names the
# build's libnss_rampart.so.2, which the copy's ld.so.cache lists. The host's files are never
# touched (ldconfig -X writes no links, -C writes the copy's cache).

# ssh_start_daemon: starts rampartd on $FLASH with --sshd in $NS; sets DAEMON_PID and SOCK.
ssh_start_daemon() {
  command -v /usr/sbin/sshd >/dev/null || fail "openssh-server is not installed (scripts/deps)"
  BIN=$(cd "$BIN" && pwd) # sshd and PAM run it by absolute path
  local lib
  lib=$(cd "$BIN/../lib" 2>/dev/null && pwd) || fail "no $BIN/../lib"
  [[ -f "$lib/libnss_rampart.so.2" ]] || fail "libnss_rampart.so.2 not built"
  cp -a /etc "$WORK/etc"
  cat >"$WORK/etc/pam.d/sshd" <<EOF
auth     required pam_exec.so expose_authtok quiet $BIN/rampart --pam-auth
account  required pam_permit.so
session  required pam_permit.so
password required pam_deny.so
EOF
  sed -i 's/^passwd:.*/passwd: files rampart/' "$WORK/etc/nsswitch.conf"
  printf '%s\n' "$lib" >>"$WORK/etc/ld.so.conf"
  ldconfig -X -f "$WORK/etc/ld.so.conf" -C "$WORK/etc/ld.so.cache" 2>/dev/null ||
    fail "ldconfig could not write the copy's cache"
  ip netns exec "$NS" unshare -m --propagation private sh -c '
    mkdir -p "$1/netns" && mount --rbind /run/netns "$1/netns" &&
    mount --bind "$1/etc" /etc && mount -t tmpfs tmpfs /run &&
    mkdir -p /run/sshd /run/rampart /run/netns && chmod 755 /run/rampart &&
    mount --rbind "$1/netns" /run/netns &&
    exec "$2/rampartd" --flash "$3" --foreground --sshd /usr/sbin/sshd --ssh-shell "$2/rampart"' \
    sh "$WORK" "$BIN" "$FLASH" >>"$WORK/rampartd.log" 2>&1 &
  DAEMON_PID=$!
  SOCK=/proc/$DAEMON_PID/root/run/rampart/control.sock
  local _
  for _ in $(seq 400); do
    [[ -S "$SOCK" ]] && return 0
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$WORK/rampartd.log"; fail "rampartd exited"; }
    sleep 0.05
  done
  fail "rampartd did not open its control socket"
}

# ssh_wait_listen ADDR: sshd listens on ADDR:22 in $NS.
ssh_wait_listen() {
  local _
  for _ in $(seq 300); do
    ip netns exec "$NS" ss -ltn | grep -q "$1:22 " && return 0
    sleep 0.05
  done
  tail -20 "$WORK/rampartd.log"
  fail "sshd does not listen on $1"
}

# ssh_login NAME NS USER PASSWORD DEST: a scripted session ("exit") as USER, the password from
# SSH_ASKPASS; output in $WORK/ssh-NAME.out, ssh's status returned.
ssh_login() {
  local name=$1 ns=$2 user=$3 password=$4 dest=$5
  printf '#!/bin/sh\nprintf "%%s\\n" "$SSH_TEST_PW"\n' >"$WORK/ssh-askpass"
  chmod 755 "$WORK/ssh-askpass"
  printf 'exit\n' |
    ip netns exec "$ns" env SSH_TEST_PW="$password" SSH_ASKPASS="$WORK/ssh-askpass" \
      SSH_ASKPASS_REQUIRE=force setsid -w timeout 30 ssh -o StrictHostKeyChecking=no \
      -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o PreferredAuthentications=password \
      -o NumberOfPasswordPrompts=1 -l "$user" "$dest" >"$WORK/ssh-$name.out" 2>&1
}

# ssh_lands NAME NS USER PASSWORD DEST PROMPT: the login gets a Rampart session whose prompt is
# PROMPT ("host>" user EXEC, "host#" privileged EXEC).
ssh_lands() {
  ssh_login "$@" || { cat "$WORK/ssh-$1.out"; tail -20 "$WORK/rampartd.log"; fail "$1: $3 not let in"; }
  grep -qxF "$6 exit" "$WORK/ssh-$1.out" ||
    { cat "$WORK/ssh-$1.out"; fail "$1: $3 did not land at '$6'"; }
}

# ssh_refused NAME NS USER PASSWORD DEST: no session.
ssh_refused() {
  if ssh_login "$@"; then fail "$1: $3 was let in: $(cat "$WORK/ssh-$1.out")"; fi
  grep -q ' exit$' "$WORK/ssh-$1.out" && fail "$1: $3 got a session: $(cat "$WORK/ssh-$1.out")"
  return 0
}
