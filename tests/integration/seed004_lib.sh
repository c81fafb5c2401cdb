# Seed 004's lab, for the tests that load its PIX 6.3 configuration whole (sourced after lib.sh).
# Its addresses are rewritten into the lab's plan, keeping every mask and last octet:
# 192.168.1.0/24 (outside) -> 198.51.100.0/24 and 10.89.129.0/24 (inside) -> 192.0.2.0/24.
#
#   OUTNS  eth0 198.51.100.3/24 (the seed's default gateway: "the Internet")
#     |                     appliance $NS: eth0 outside 198.51.100.1, eth1 inside 192.0.2.194/28
#   INNS   eth0 192.0.2.193/28 (the seed's inside router; hosts behind it, as the seed's
#          "route inside 192.0.2.128 255.255.255.128 192.0.2.193" has them, go on its lo)
#
# seed004_lab OUTNS INNS: the namespaces and the startup-config in $FLASH; the caller adds the
# hosts, the inside router's default route (via 192.0.2.194) and starts rampartd.
seed004_lab() {
  wire_hosts "$1" "$2"
  ip -n "$1" addr add 198.51.100.3/24 dev eth0
  ip -n "$2" addr add 192.0.2.193/28 dev eth0
  sed -e 's/192\.168\.1\./198.51.100./g' -e 's/10\.89\.129\./192.0.2./g' \
    "$(dirname "${BASH_SOURCE[0]}")/../fixtures/seed004-pix63.cfg" >"$FLASH/startup-config"
}

# seed004_wait_takeover: rampartd has applied the seed's firewall (it turns forwarding on).
seed004_wait_takeover() {
  forwarding() { [[ $(ip netns exec "$NS" sysctl -n net.ipv4.ip_forward) == 1 ]]; }
  wait_for 20 forwarding || { tail -30 "$WORK/rampartd.log"; fail "the firewall never took over"; }
}
