#!/usr/bin/env bash
# SNMP (issue 14): rampartd runs net-snmp's snmpd from the snmp-server lines and serves IF-MIB
# and the Cisco VPN MIBs to it as an AgentX subagent; snmpget/snmpwalk and snmptrapd are the
# real peers:
#
#   $CNS vpnc 198.51.100.2 --- outside 198.51.100.1 [$NS rampartd + snmpd] inside 192.0.2.1
#                                                             |
#   $INS 192.0.2.10 (v2c NMS + snmptrapd :1162), 192.0.2.11 (not configured), 192.0.2.12 and
#        192.0.2.13 (v3, users ops and audit)
#
# The configured host reads with its community (and only it: a wrong community, another inside
# address and the outside get no answer); the v3 user reads with authPriv, and only from its
# host: the kernel rules (table ip rampart_snmp) drop and count a poll from 192.0.2.11 (same
# subnet, valid community and v3 credentials), a v3 poll from the v2c host and a v2c one from
# the v3 host; each v3 host reads with its own line's user only: another host's user, with its
# right passwords, gets no answer (rampartd's user check on the kernel's queue, counted in
# show counters); ifHCInOctets rises with traffic;
# a vpnc tunnel shows in crasNumSessions and cipSecGlobalActiveTunnels and its start and stop
# arrive at snmptrapd as cipSecTunnelStart/Stop; with vpn-sessiondb max-session-limit 1 a
# second client is refused and ciscoRasTooManySessions arrives, once for two refused clients;
# snmpd's coldStart does not (not enabled); with
# "enable traps snmp linkup linkdown" the outside wire pulled and put back arrives as
# linkDown/linkUp. Secrets stay in a 0600 file in a 0700 directory and are masked in show
# running-config. The rules go with "no snmp-server enable" and with rampartd; when nft cannot
# install them, snmpd does not run until it can.
source "$(dirname "$0")/lib.sh"
# Debian ships no MIB files: numeric OIDs only, and no MIB loading (nor its complaints).
export MIBS=

TRAPD_PID=
VPNC2_PID=
stop_trapd() {
  if [[ -n "$TRAPD_PID" ]]; then kill "$TRAPD_PID" 2>/dev/null || true; wait "$TRAPD_PID" 2>/dev/null || true; fi
  TRAPD_PID=
  if [[ -n "$VPNC2_PID" ]]; then kill "$VPNC2_PID" 2>/dev/null || true; wait "$VPNC2_PID" 2>/dev/null || true; fi
  VPNC2_PID=
}
trap 'stop_trapd; cleanup' EXIT

COMMUNITY=s3cretComm
make_vpn_lab
ip -n "$INS" addr add 192.0.2.11/24 dev eth0
ip -n "$INS" addr add 192.0.2.12/24 dev eth0
ip -n "$INS" addr add 192.0.2.13/24 dev eth0

# snmptrapd on the NMS: every notification logged with numeric OIDs.
mkdir -m 0700 "$WORK/trapd"
printf 'authCommunity log %s\n' "$COMMUNITY" >"$WORK/trapd/snmptrapd.conf"
SNMP_PERSISTENT_DIR=$WORK/trapd ip netns exec "$INS" snmptrapd -f -C -c "$WORK/trapd/snmptrapd.conf" \
  -On -Lf "$WORK/traps.log" udp:192.0.2.10:1162 &
TRAPD_PID=$!

start_daemon --snmp-dir "$WORK/snmp"
ezvpn_gateway_lines "snmp-server host inside 192.0.2.10 community $COMMUNITY version 2c udp-port 1162" \
  "snmp-server group NMS v3 priv" \
  "snmp-server user ops NMS v3 auth sha Auth-Pass-1 priv aes 128 Priv-Pass-1" \
  "snmp-server user spare NMS v3 auth sha Auth-Pass-2 priv aes 128 Priv-Pass-2" \
  "snmp-server user audit NMS v3 auth sha Auth-Pass-3 priv aes 128 Priv-Pass-3" \
  "snmp-server host inside 192.0.2.12 poll version 3 ops" \
  "snmp-server host inside 192.0.2.13 poll version 3 audit" \
  "snmp-server location Lab rack 1" "snmp-server enable traps ipsec start stop" \
  "snmp-server enable traps remote-access session-threshold-exceeded" \
  "vpn-sessiondb max-session-limit 1" >"$WORK/lines"
mapfile -t LINES <"$WORK/lines"
cli "configure terminal" "${LINES[@]}" >"$WORK/config.out"
grep -q ERROR "$WORK/config.out" && fail "configuration refused: $(cat "$WORK/config.out")"

# v2c from the NMS; the options of every query: numeric OIDs, one try of a second.
q() { ip netns exec "$INS" "$@" -On -t 1 -r 0; }
get2c() { q snmpget -v2c -c "$COMMUNITY" 192.0.2.1 "$@"; }
wait_for 20 get2c 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 || { tail -20 "$WORK/snmp/snmpd.log"; fail "no SNMP answer"; }
descr=$(get2c 1.3.6.1.2.1.1.1.0)
grep -q 'STRING: "Cisco Adaptive Security Appliance Version 9.8(4)"' <<<"$descr" || fail "sysDescr: $descr"
# snmpd answers its own objects at once; Rampart's once its AgentX session is open.
if_number() { get2c 1.3.6.1.2.1.2.1.0 2>/dev/null | grep -q 'INTEGER: [0-9]'; }
wait_for 10 if_number || fail "no IF-MIB: $(grep 'snmp' "$WORK/rampartd.log" | tail -3)"
grep -q 'Lab rack 1' <<<"$(get2c 1.3.6.1.2.1.1.6.0)" || fail "sysLocation"

# IF-MIB from Rampart: the inside interface by its ifName, and its ifDescr.
names=$(q snmpwalk -v2c -c "$COMMUNITY" 192.0.2.1 1.3.6.1.2.1.31.1.1.1.1)
idx=$(sed -n 's/^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.1\.\([0-9]*\) = STRING: "inside"$/\1/p' <<<"$names")
[[ -n "$idx" ]] || fail "no ifName inside: $names"
grep -q "STRING: \"Adaptive Security Appliance 'inside' interface\"" \
  <<<"$(get2c 1.3.6.1.2.1.2.2.1.2."$idx")" || fail "ifDescr: $(get2c 1.3.6.1.2.1.2.2.1.2."$idx")"
walk=$(q snmpwalk -v2c -c "$COMMUNITY" 192.0.2.1 1.3.6.1.2.1.2)
[[ $(grep -c '^\.1\.3\.6\.1\.2\.1\.2\.2\.1\.10\.' <<<"$walk") -ge 2 ]] || fail "ifInOctets walk: $walk"
# Counters rise with traffic: 30 pings of 1000 bytes to the inside address.
octets() { get2c 1.3.6.1.2.1.31.1.1.1.6."$idx" | sed -n 's/.*Counter64: //p'; }
before=$(octets)
ip netns exec "$INS" ping -q -c 30 -i 0.01 -s 1000 192.0.2.1 >/dev/null
after=$(octets)
((after - before >= 30000)) || fail "ifHCInOctets $before -> $after"

# Nobody else is answered: a wrong community, an address not configured, the outside.
# What the kernel rules refuse is counted: one packet per try below (-r 0; a v3 try is its
# engine discovery), and snmpd never sees it.
refused() { ip netns exec "$NS" nft list counter ip rampart_snmp refused | sed -n 's/^.*packets \([0-9]*\) .*$/\1/p'; }
refused0=$(refused)
[[ -n "$refused0" ]] || fail "no rampart_snmp table: $(ip netns exec "$NS" nft list ruleset | head -40)"
get2c_wrong() { q snmpget -v2c -c wrong 192.0.2.1 1.3.6.1.2.1.1.1.0; }
get2c_wrong >/dev/null 2>&1 && fail "answered a wrong community"
q snmpget -v2c -c "$COMMUNITY" --clientaddr=192.0.2.11 192.0.2.1 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 &&
  fail "answered 192.0.2.11"
ip netns exec "$CNS" snmpget -v2c -c "$COMMUNITY" -t 1 -r 0 198.51.100.1 1.3.6.1.2.1.1.1.0 \
  >/dev/null 2>&1 && fail "answered on the outside"
# The v3 user's valid credentials from an address not configured, and from the v2c host (its
# host line says 2c; snmpd's VACM could not tell, the rules do by the message's version).
get3() { q snmpget -v3 -u ops -l authPriv -a SHA -A Auth-Pass-1 -x AES -X Priv-Pass-1 "$@" 192.0.2.1 1.3.6.1.2.1.2.1.0; }
get3 --clientaddr=192.0.2.11 >/dev/null 2>&1 && fail "v3 user answered 192.0.2.11"
get3 --clientaddr=192.0.2.10 >/dev/null 2>&1 && fail "v3 user answered the v2c host"
# And the community from the v3 host.
q snmpget -v2c -c "$COMMUNITY" --clientaddr=192.0.2.12 192.0.2.1 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 &&
  fail "v2c answered the v3 host"
(($(refused) - refused0 == 5)) || fail "refused polls counted $refused0 -> $(refused), not 5"

# show snmp-server statistics: snmpd's own counters, less rampartd's queries for them.
counter() { sed -n "s/^ *\([0-9]*\) $2\$/\1/p" <<<"$1"; }
s1=$(cli "show snmp-server statistics")
# The wrong community from the NMS (192.0.2.11's never reached snmpd: the rules dropped it).
(($(counter "$s1" "Unknown community name") >= 1)) || fail "bad communities not counted: $s1"
(($(counter "$s1" "Get-next PDUs") >= 10)) || fail "walks not counted: $s1"
for i in 1 2 3; do get2c 1.3.6.1.2.1.1.5.0 >/dev/null; done
s2=$(cli "show snmp-server statistics")
(($(counter "$s2" "Get-request PDUs") - $(counter "$s1" "Get-request PDUs") == 3)) || fail "3 gets: $s1 / $s2"
(($(counter "$s2" "SNMP packets input") - $(counter "$s1" "SNMP packets input") == 3)) || fail "3 packets: $s1 / $s2"
(($(counter "$s2" "Response PDUs") - $(counter "$s1" "Response PDUs") == 3)) || fail "3 responses: $s1 / $s2"
# rampartd's own community: on snmpd's unix socket only, never on the wire nor shown.
SELF=$(sed -n 's/^com2secunix self [^ ]* "\(.*\)"$/\1/p' "$WORK/snmp/snmpd.conf")
[[ ${#SELF} == 32 ]] || fail "no random community for rampartd's queries"
q snmpget -v2c -c "$SELF" 192.0.2.1 1.3.6.1.2.1.11.1.0 >/dev/null 2>&1 && fail "rampartd's community answered over UDP"
grep -q "$SELF" "$WORK/rampartd.log" && fail "rampartd's community in its log"
grep -q "$SELF" <<<"$(cli "show running-config all")" && fail "rampartd's community shown"

# snmpd logs errors only: refused requests cannot fill the appliance's /run.
grep -q "Connection from" "$WORK/snmp/snmpd.log" && fail "snmpd logs every request"

# v3 authPriv from the v3 host.
v3=$(q snmpget -v3 -u ops -l authPriv -a SHA -A Auth-Pass-1 -x AES -X Priv-Pass-1 \
  --clientaddr=192.0.2.12 192.0.2.1 1.3.6.1.2.1.2.1.0) || fail "v3 authPriv: no answer"
grep -q 'INTEGER: [0-9]' <<<"$v3" || fail "v3 ifNumber: $v3"
q snmpget -v3 -u ops -l authPriv -a SHA -A Auth-Pass-1 -x AES -X Wrong-Pass-1 \
  --clientaddr=192.0.2.12 192.0.2.1 1.3.6.1.2.1.2.1.0 >/dev/null 2>&1 && fail "v3 with a wrong privacy password"
# Each v3 host with its own line's user only. snmpd alone would answer any user it knows from
# any admitted host (its VACM has no source for USM): rampartd's check refuses, and counts, a
# user that is not the host line's, however right its passwords.
get3u() {  # get3u HOST USER N: user's passwords are Auth-Pass-N/Priv-Pass-N
  q snmpget -v3 -u "$2" -l authPriv -a SHA -A "Auth-Pass-$3" -x AES -X "Priv-Pass-$3" \
    --clientaddr="$1" 192.0.2.1 1.3.6.1.2.1.2.1.0 2>&1
}
v3_refused() { cli "show counters protocol snmp" | awk '$2 == "V3_OTHER_USER" {print $3}'; }
out=$(get3u 192.0.2.13 audit 3) || fail "v3 user audit from its own host: $out"
grep -q 'INTEGER: [0-9]' <<<"$out" || fail "v3 audit ifNumber: $out"
[[ -z "$(v3_refused)" ]] || fail "refused before any other user: $(cli "show counters")"
out=$(get3u 192.0.2.12 audit 3) && fail "answered audit from ops's host: $out"
grep -q "Timeout" <<<"$out" || fail "audit from ops's host: $out"
out=$(get3u 192.0.2.13 ops 1) && fail "answered ops from audit's host: $out"
# A user no host line names, with its right passwords: refused as well (and unknown to snmpd).
out=$(get3u 192.0.2.12 spare 2) && fail "answered a user on no host line: $out"
[[ "$(v3_refused)" == 3 ]] || fail "V3_OTHER_USER: $(cli "show counters")"
# Each host's own user still reads (the discovery probes before each try were let through).
get3u 192.0.2.12 ops 1 | grep -q 'INTEGER: [0-9]' || fail "ops from its host after refusals"

# snmpd killed: rampartd starts it again and its subagent session comes back.
kill -9 "$(cat "$WORK/snmp/snmpd.pid")"
ifname_back() { get2c 1.3.6.1.2.1.31.1.1.1.1."$idx" 2>/dev/null | grep -q 'STRING: "inside"'; }
wait_for 20 ifname_back || fail "no IF-MIB after snmpd was killed: $(grep 'snmp' "$WORK/rampartd.log" | tail -3)"
# The counters of the snmpd before are kept: they count since rampartd started.
s3=$(cli "show snmp-server statistics")
(($(counter "$s3" "Get-request PDUs") >= $(counter "$s2" "Get-request PDUs"))) || fail "counters lost: $s2 / $s3"

# Secrets at rest, and on the console.
[[ $(stat -c %a "$WORK/snmp") == 700 ]] || fail "run directory mode $(stat -c %a "$WORK/snmp")"
[[ $(stat -c %a "$WORK/snmp/snmpd.conf") == 600 ]] || fail "snmpd.conf mode"
shown=$(cli "show running-config snmp-server")
grep -q "^snmp-server host inside 192.0.2.10 community \*\*\*\*\* version 2c udp-port 1162$" <<<"$shown" ||
  fail "running-config: $shown"
grep -qE "$COMMUNITY|Auth-Pass-1|Priv-Pass-1" <<<"$shown" && fail "secret shown: $shown"
# The command accounting (%ASA-5-111008/111010) logs the lines with their secrets masked.
grep -qE "$COMMUNITY|Auth-Pass-1|Priv-Pass-1" "$WORK/rampartd.log" && fail "secret in the daemon's log"

# A tunnel: counted, and its start and stop sent as notifications.
vpnc_connect cisco cisco || fail "vpnc did not connect: $(tail -5 "$WORK/vpnc.log")"
sessions() { get2c 1.3.6.1.4.1.9.9.392.1.3.1.0 | grep -q "Gauge32: $1\$"; }
wait_for 10 sessions 1 || fail "crasNumSessions: $(get2c 1.3.6.1.4.1.9.9.392.1.3.1.0)"
get2c 1.3.6.1.4.1.9.9.171.1.3.1.1.0 | grep -q 'Gauge32: 1$' || fail "cipSecGlobalActiveTunnels"
# The tunnel's row: the client's address (cipSecTunRemoteAddr, four octets) and its IKE SA's.
tun=$(q snmpwalk -v2c -c "$COMMUNITY" 192.0.2.1 1.3.6.1.4.1.9.9.171.1)
grep -q '^\.1\.3\.6\.1\.4\.1\.9\.9\.171\.1\.3\.2\.1\.5\.[0-9]* = Hex-STRING: C6 33 64 02' <<<"$tun" ||
  fail "cipSecTunRemoteAddr: $tun"
grep -q '^\.1\.3\.6\.1\.4\.1\.9\.9\.171\.1\.2\.3\.1\.8\.[0-9]* = Hex-STRING: C6 33 64 02' <<<"$tun" ||
  fail "cikeTunRemoteAddr: $tun"
# Packets through the tunnel: cipSecTunInPkts (.32) and cipSecTunOutPkts (.45) from the SA's
# counters (10 pings from the client to the inside host and their replies).
ip netns exec "$CNS" ping -q -c 10 -i 0.02 -W 1 192.0.2.10 >/dev/null 2>&1 || true
tun=$(q snmpwalk -v2c -c "$COMMUNITY" 192.0.2.1 1.3.6.1.4.1.9.9.171.1.3.2.1)
pkts() { sed -n "s/^\.1\.3\.6\.1\.4\.1\.9\.9\.171\.1\.3\.2\.1\.$1\.[0-9]* = Counter32: //p" <<<"$tun"; }
(($(pkts 32) >= 10 && $(pkts 45) >= 10)) || fail "cipSecTunIn/OutPkts: $(pkts 32) / $(pkts 45)"
trap_seen() { grep -q "$1" "$WORK/traps.log" 2>/dev/null; }
wait_for 10 trap_seen '\.1\.3\.6\.1\.4\.1\.9\.9\.171\.2\.0\.7' ||
  fail "no cipSecTunnelStart: $(cat "$WORK/traps.log"; grep "snmp:" "$WORK/rampartd.log" | tail -5)"
# cipSecTunnelStart carries cipSecTunLifeTime (the transform's 28800 s).
grep -q '\.1\.3\.6\.1\.4\.1\.9\.9\.171\.1\.3\.2\.1\.9\.[0-9]* = INTEGER: 28800' "$WORK/traps.log" ||
  fail "cipSecTunnelStart without its lifetime: $(cat "$WORK/traps.log")"
# vpn-sessiondb max-session-limit 1: a second client (another port, no NAT-T) passes XAUTH and
# is refused (113029); snmptrapd gets ciscoRasTooManySessions once, however many are refused,
# with crasNumSessions, crasNumUsers, crasMaxSessionsSupportable, crasMaxUsersSupportable and
# crasThrMaxSessions (the limit).
refused_client() {
  cp "$WORK/vpnc.conf" "$WORK/vpnc2.conf"
  ip netns exec "$CNS" vpnc --no-detach --debug 1 --pid-file "$WORK/vpnc2.pid" --dh dh2 \
    --pfs nopfs --local-port 0 --natt-mode none --script /bin/true "$WORK/vpnc2.conf" \
    >>"$WORK/vpnc2.log" 2>&1 &
  VPNC2_PID=$!
  vpnc2_gone() { ! kill -0 "$VPNC2_PID" 2>/dev/null; }
  wait_for 20 vpnc2_gone || fail "second client not refused: $(tail -5 "$WORK/vpnc2.log")"
  wait "$VPNC2_PID" 2>/dev/null || true
  VPNC2_PID=
}
refused_client
grep -qF '%ASA-4-113029: Group EZ User cisco IP 198.51.100.2 Session could not be established: session limit of 1 reached.' \
  "$WORK/rampartd.log" || fail "no 113029: $(grep -E '113029|1130' "$WORK/rampartd.log" | tail -3)"
too_many='OID: \.1\.3\.6\.1\.4\.1\.9\.9\.392\.0\.1([[:space:]]|$)'
trap_seen_e() { grep -qE "$1" "$WORK/traps.log" 2>/dev/null; }
wait_for 10 trap_seen_e "$too_many" || fail "no ciscoRasTooManySessions: $(cat "$WORK/traps.log")"
refused_client
refused_twice() { cli "show crypto isakmp stats" | grep -qE '^ +Refused Session Limit: +2$'; }
wait_for 5 refused_twice || fail "second refusal not counted: $(cli "show crypto isakmp stats")"
sleep 1.2 # one tick of the daemon: time for a second trap, were one due
[[ $(grep -cE "$too_many" "$WORK/traps.log") == 1 ]] || fail "not one ciscoRasTooManySessions: $(cat "$WORK/traps.log")"
many=$(grep -E "$too_many" "$WORK/traps.log")
for vb in '1\.3\.1\.0 = Gauge32: 1' '1\.3\.3\.0 = Gauge32: 1' '1\.1\.1\.0 = INTEGER: 1' \
  '1\.1\.2\.0 = INTEGER: 1' '1\.6\.1\.0 = INTEGER: 1'; do
  grep -qE "\.1\.3\.6\.1\.4\.1\.9\.9\.392\.$vb([[:space:]]|$)" <<<"$many" ||
    fail "ciscoRasTooManySessions without $vb: $many"
done
get2c 1.3.6.1.4.1.9.9.392.1.6.1.0 | grep -q 'INTEGER: 1$' || fail "crasThrMaxSessions"
sessions 1 || fail "the first session after the refusals: $(get2c 1.3.6.1.4.1.9.9.392.1.3.1.0)"
echo "ok   a second client refused at max-session-limit 1; one ciscoRasTooManySessions"
kill "$VPNC_PID"
wait "$VPNC_PID" 2>/dev/null || true
VPNC_PID=
cli "vpn-sessiondb logoff all" >/dev/null
wait_for 15 trap_seen '\.1\.3\.6\.1\.4\.1\.9\.9\.171\.2\.0\.8' ||
  fail "no cipSecTunnelStop: $(cat "$WORK/traps.log")"
wait_for 10 sessions 0 || fail "crasNumSessions after the tunnel: $(get2c 1.3.6.1.4.1.9.9.392.1.3.1.0)"

# No "snmp-server enable traps snmp": snmpd started (and restarted) several times above, yet
# neither its coldStart nor net-snmp's own notifications reached the NMS.
# snmptrapd logs a notification's varbinds on one line, tab-separated.
cold='OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.1([[:space:]]|$)'
grep -qE "$cold" "$WORK/traps.log" && fail "coldStart sent: $(cat "$WORK/traps.log")"
grep -q 'OID: \.1\.3\.6\.1\.4\.1\.8072\.4\.' "$WORK/traps.log" && fail "net-snmp notification sent"
# linkdown and linkup: the outside wire pulled and put back (the client's end of the veth).
cli "configure terminal" "snmp-server enable traps snmp linkup linkdown" >/dev/null
wait_for 20 ifname_back || fail "no IF-MIB after enabling link traps"
out=$(sed -n 's/^\.1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.1\.\([0-9]*\) = STRING: "outside"$/\1/p' <<<"$names")
[[ -n "$out" ]] || fail "no ifName outside: $names"
sleep 1.2 # one tick of the daemon: it learns the links' states before they change
ip -n "$CNS" link set eth0 down
wait_for 10 trap_seen 'OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.3' || fail "no linkDown: $(cat "$WORK/traps.log")"
# ifIndex, ifAdminStatus up(1), ifOperStatus down(2) of the outside interface.
down=$(grep 'OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.3' "$WORK/traps.log")
grep -qE "\.1\.3\.6\.1\.2\.1\.2\.2\.1\.8\.$out = INTEGER: 2([[:space:]]|$)" <<<"$down" &&
  grep -qE "\.1\.3\.6\.1\.2\.1\.2\.2\.1\.7\.$out = INTEGER: 1([[:space:]]|$)" <<<"$down" ||
  fail "linkDown varbinds: $(cat "$WORK/traps.log")"
ip -n "$CNS" link set eth0 up
wait_for 10 trap_seen 'OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.4' || fail "no linkUp: $(cat "$WORK/traps.log")"
grep -qE "$cold" "$WORK/traps.log" && fail "coldStart sent with linkup linkdown only"
# With coldstart and warmstart on: a change of the snmp-server lines restarts snmpd and
# announces nothing (the box did not restart); snmpd dying and started again is a warmStart.
cli "configure terminal" "snmp-server enable traps snmp coldstart warmstart" >/dev/null
wait_for 20 ifname_back || fail "no IF-MIB after enabling coldstart and warmstart"
sleep 2
grep -qE "$cold" "$WORK/traps.log" && fail "coldStart sent for a configuration change"
kill -9 "$(cat "$WORK/snmp/snmpd.pid")"
warm='OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.2([[:space:]]|$)'
wait_for 20 trap_seen 'OID: \.1\.3\.6\.1\.6\.3\.1\.1\.5\.2' || fail "no warmStart after snmpd died: $(cat "$WORK/traps.log")"
(($(grep -cE "$warm" "$WORK/traps.log") == 1)) || fail "warmStart count: $(cat "$WORK/traps.log")"
grep -qE "$cold" "$WORK/traps.log" && fail "coldStart sent when snmpd started again"
echo "ok   no coldStart for a configuration change; one warmStart when snmpd came back"
asan_clean
# The rules go with SNMP, and with rampartd.
table() { ip netns exec "$NS" nft list table ip rampart_snmp >/dev/null 2>&1; }
no_table() { ! table; }
cli "configure terminal" "no snmp-server enable" >/dev/null
wait_for 5 no_table || fail "rampart_snmp kept with SNMP off"
# Fail closed: rules nft will not install keep snmpd stopped (any address could poll it
# otherwise) until they can be. Here a chain jumping to ours makes nft refuse to replace it.
ip netns exec "$NS" nft -f - <<'NFT'
add table ip rampart_snmp
add chain ip rampart_snmp input
add chain ip rampart_snmp hold
add rule ip rampart_snmp hold jump input
NFT
cli "configure terminal" "snmp-server enable" >/dev/null
wait_for 5 grep -q 'snmp: kernel rules: .*snmpd stays stopped' "$WORK/rampartd.log" ||
  fail "no log line for rules that could not be installed: $(grep snmp "$WORK/rampartd.log" | tail -3)"
sleep 2
get2c 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && fail "snmpd answered without its kernel rules"
[[ -s $WORK/snmp/snmpd.pid ]] && kill -0 "$(cat "$WORK/snmp/snmpd.pid")" 2>/dev/null &&
  fail "snmpd runs without its kernel rules"
ip netns exec "$NS" nft delete table ip rampart_snmp
wait_for 20 get2c 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 || fail "snmpd not back once the rules were in"
# What the listing says, polled, whatever nft's exit status: snmpd may answer between the
# rules' two transactions (the v3 queue rule, an xt target this nft cannot print, follows the
# rest), and one CI run failed this check on rules the next listing showed in place.
rules_in() {
  local out
  out=$(ip netns exec "$NS" nft list chain ip rampart_snmp input 2>/dev/null) || true
  grep -q 'counter name "refused" drop' <<<"$out"
}
wait_for 5 rules_in || fail "rules not installed: $(ip netns exec "$NS" nft list table ip rampart_snmp)"
echo "ok   rules that cannot be installed keep snmpd stopped until they can be"
asan_clean
stop_daemon
table && fail "rampart_snmp kept after rampartd stopped"
echo "PASS snmp_agent"
