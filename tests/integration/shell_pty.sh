#!/usr/bin/env bash
# The real shell on a terminal (tmux), as a person uses it: TAB completes, '?' shows help and
# keeps the line, the pager stops at <--- More --->, Ctrl-Z leaves config mode.
source "$(dirname "$0")/lib.sh"
make_ns
start_daemon
cfg=("configure terminal")
for i in $(seq 1 30); do cfg+=("access-list PAGER extended permit ip host 192.0.2.$i any"); done
cfg+=("end")
cli "${cfg[@]}" >/dev/null

T=rampart-pty-$$
tmux kill-session -t "$T" 2>/dev/null || true
tmux new-session -d -s "$T" -x 100 -y 60 "$BIN/rampart --control $SOCK"
trap 'tmux kill-session -t "$T" 2>/dev/null || true; cleanup' EXIT
screen() { tmux capture-pane -p -t "$T"; }
wait_for() {  # wait_for REGEX: until the screen shows it (5 s)
  for _ in $(seq 100); do screen | grep -qE "$1" && return 0; sleep 0.05; done
  echo "--- screen:"; screen; fail "timed out waiting for: $1"
}
keys() { tmux send-keys -t "$T" "$@"; }

wait_for '^rampart> ?$'
keys 'en' Tab
wait_for '^rampart> enable ?$'
keys Enter
wait_for '^Password:'
keys Enter
wait_for '^rampart# ?$'
keys 'show ?'
wait_for 'running-config +Show the current operating configuration'
wait_for '^rampart# show ?$'          # the line is still there after the help
keys C-u 'terminal pager 10' Enter
keys 'show running-config' Enter
wait_for '<--- More --->'
# Enter shows one more line, space a page; the ACL entries appear page by page.
lines_before=$(screen | grep -vc '^$')
keys Enter
sleep 0.3
[[ $(screen | grep -vc "^$") -eq $((lines_before + 1)) ]] || { screen; echo "before $lines_before"; fail "Enter did not show exactly one line"; }
for _ in 1 2 3 4 5; do
  screen | grep -q 'host 192.0.2.1 any' && break
  keys Space
  sleep 0.3
done
wait_for 'access-list PAGER extended permit ip host 192.0.2.1 any'
keys q
wait_for '^rampart# ?$'
screen | grep -q 'host 192.0.2.30 any' && fail "q did not stop the output"
keys 'configure terminal' Enter
wait_for '^rampart\(config\)# ?$'
keys 'interface GigabitEthernet0/0' Enter
wait_for '^rampart\(config-if\)# ?$'
keys C-z
wait_for '^rampart# ?$'
# Debug lines appear while the console sits at the prompt, with what was typed kept below.
keys 'debug crypto isakmp 127' Enter
wait_for '^rampart# ?$'
keys 'show ver'
ip netns exec "$NS" bash -c 'printf "not ike" >/dev/udp/127.0.0.1/500'
wait_for 'IKEv1 DEBUG\]IP = 127.0.0.1, Received malformed IKE message'
wait_for '^rampart# show ver$'
keys C-u 'exit' Enter
echo "PASS shell_pty"
