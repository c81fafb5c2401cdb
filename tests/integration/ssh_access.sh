#!/usr/bin/env bash
# SSH management access with Debian's OpenSSH: each "ssh NET MASK IF" line admits NET on IF only.
#
#   client ns  eth0 198.51.100.2/26 + 203.0.113.2/24 ──── eth0 198.51.100.1/26 (outside)  appliance
#   inside ns  eth0 192.0.2.10/24 ─────────────────────── eth1 192.0.2.1/24 (inside)
#
# "ssh 0.0.0.0 0.0.0.0 inside" + "ssh 203.0.113.0 255.255.255.0 outside": the inside host and the
# client's 203.0.113.2 get in; the client's 198.51.100.2 is disconnected before any password is
# asked, on the outside address and on the inside address (routed through the outside port).
# Also: a user name with a newline in it cannot forge a second syslog line (issue 11).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ssh_lib.sh"
make_vpn_lab
ip -n "$CNS" addr add 203.0.113.2/24 dev eth0
ip -n "$CNS" route add 192.0.2.0/24 via 198.51.100.1

cat >"$FLASH/startup-config" <<'EOF'
hostname sshfw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.1 255.255.255.192
 no shutdown
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 192.0.2.1 255.255.255.0
 no shutdown
route outside 203.0.113.0 255.255.255.0 198.51.100.2 1
username admin password Adm1n-pw privilege 15
aaa authentication ssh console LOCAL
ssh 0.0.0.0 0.0.0.0 inside
ssh 203.0.113.0 255.255.255.0 outside
EOF

# rampartd runs in its own mount namespace with a copy of /etc (ssh_lib.sh): the host's files
# are never touched.
ssh_start_daemon
ssh_wait_listen 198.51.100.1
ssh_wait_listen 192.0.2.1

# The password comes from SSH_ASKPASS, which also leaves a mark: a refused client must never
# have been asked for it.
cat >"$WORK/askpass" <<EOF
#!/bin/sh
touch "$WORK/asked.\$SSH_TEST_NAME"
echo Adm1n-pw
EOF
chmod 755 "$WORK/askpass"
# try NAME NS [ssh options...] DEST: runs "show version" through a scripted session; output in
# $WORK/NAME.out, status returned.
try() {
  local name=$1 ns=$2
  shift 2
  printf 'show version\nexit\n' |
    ip netns exec "$ns" env SSH_TEST_NAME="$name" SSH_ASKPASS="$WORK/askpass" \
      SSH_ASKPASS_REQUIRE=force setsid -w timeout 20 ssh -o StrictHostKeyChecking=no \
      -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o PreferredAuthentications=password \
      -o NumberOfPasswordPrompts=1 -l admin "$@" >"$WORK/$name.out" 2>&1
}
admitted() {
  try "$@" || { cat "$WORK/$1.out" "$WORK/rampartd.log"; tail -5 "$WORK/etc/passwd"; fail "$1: not let in"; }
  grep -q '^sshfw> exit$' "$WORK/$1.out" ||
    fail "$1: no Rampart session: $(cat "$WORK/$1.out")"
  [[ -e "$WORK/asked.$1" ]] || fail "$1: got in without a password"
}
refused() {
  if try "$@"; then fail "$1: let in: $(cat "$WORK/$1.out")"; fi
  [[ ! -e "$WORK/asked.$1" ]] || fail "$1: was asked for a password: $(cat "$WORK/$1.out")"
}

admitted inside "$INS" 192.0.2.1
admitted permitted-outside "$CNS" -b 203.0.113.2 198.51.100.1
refused other-outside "$CNS" -b 198.51.100.2 198.51.100.1
grep -q 'Too many authentication failures' "$WORK/other-outside.out" ||
  fail "other-outside: not disconnected by sshd: $(cat "$WORK/other-outside.out")"
# Allowed on inside from anywhere, but only when it comes in on the inside interface.
refused outside-to-inside-address "$CNS" -b 198.51.100.2 192.0.2.1
refused permitted-outside-to-inside-address "$CNS" -b 203.0.113.2 192.0.2.1
grep -q '%ASA-6-605005: Login permitted from 192.0.2.10/ssh for user "admin"' \
  "$WORK/rampartd.log" || fail "no 605005 for the inside login"

# A forged user name: sshd's PAM helper passes it on as the client sent it.
python3 - "$SOCK" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
payload = b'x"\n%ASA-6-605005: Login permitted from 192.0.2.66/ssh for user "admin\x00bad\x00192.0.2.66'
s.sendall(bytes([5]) + struct.pack(">I", len(payload)) + payload)
assert s.recv(64)[5:] == b"0", "forged name let in"
EOF
sleep 0.2
grep '192.0.2.66' "$WORK/rampartd.log" | grep -v -q '%ASA-6-605004: Login denied' &&
  fail "a user name with a newline forged a syslog line: $(grep 192.0.2.66 "$WORK/rampartd.log")"
grep -q 'for user "x"\\x0a%ASA-6-605005: Login permitted' "$WORK/rampartd.log" ||
  fail "the forged name is not logged escaped: $(grep 605004 "$WORK/rampartd.log")"
echo "PASS ssh_access"
