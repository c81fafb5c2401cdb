"""The bad-input catalogue: one entry per case, run by run.py against one rampartd.

Each case names its channel, the input, the ASA's words that must answer it (a regular
expression searched in `where`), and the counter that must move by `delta`:
  where = "debug"   the console that runs `debug crypto isakmp 127` (network cases)
          "cli"     what the session printed for the lines typed (cli cases)
          "errors"  `show startup-config errors` after a reload (config cases)
          "counter" the counter's own show output (the dataplane logs no line per packet)
  words = None      the ASA says nothing (it drops silently); the counter alone answers
Counters read through a show command: IKE (`show crypto isakmp stats`), ASP (`show asp drop`,
absent = 0), CLI and CONFIG (`show counters`, absent = 0).
After every case the daemon must be the same process and still answer.

To add a case, append one entry; network inputs are built in wire.py.
"""
from dataclasses import dataclass, field

import wire as w


@dataclass
class Counter:
    show: str
    regex: str  # one group: the value; no match means 0


def IKE(name):
    return Counter("show crypto isakmp stats", rf"^\s*{name}:\s+(\d+)$")


def ASP(name):
    return Counter("show asp drop", rf"\({name}\)\s+(\d+)$")


def CLI(name):
    return Counter("show counters", rf"^CLI\s+{name}\s+(\d+)\s")


CONFIG = Counter("show counters", r"^CONFIG\s+LOAD_ERRORS\s+(\d+)\s")


@dataclass
class Case:
    id: str
    channel: str          # network | cli | config
    what: str             # one line for the report
    words: str | None     # regex of the ASA's answer
    counter: Counter
    delta: int = 1
    where: str = "debug"
    send: object = None   # network: a wire.py sender
    lines: list = field(default_factory=list)  # cli: lines typed; config: startup-config lines
    enable: bool = True   # cli: enter privileged mode first
    secret: str | None = None  # must appear in no answer and no log


MALFORMED = r"Received malformed IKE message, dropping"
MISMATCH = r"Phase 1 failure: Mismatched attribute types for class "
A, ESP_SPI = w.APPLIANCE, bytes.fromhex("deadbeef")

NETWORK = [
    Case("net-runt-isakmp", "network", "12 bytes to UDP 500, shorter than an ISAKMP header",
         MALFORMED, IKE("In Drop Packets"), send=w.Datagram(bytes(12))),
    Case("net-length-beyond", "network", "header length 1000 in a 28-byte datagram",
         MALFORMED, IKE("In Drop Packets"),
         send=w.Datagram(w.header(b"A" * 8, bytes(8), 0, w.MAIN, 1000))),
    Case("net-length-short", "network", "header length 20, below the header's own 28",
         MALFORMED, IKE("In Drop Packets"),
         send=w.Datagram(w.header(b"B" * 8, bytes(8), 0, w.MAIN, 20))),
    Case("net-payload-length-short", "network", "an SA payload whose length says 2 (< 4)",
         MALFORMED, IKE("In Drop Packets"),
         send=w.Datagram(w.header(b"C" * 8, bytes(8), w.P_SA, w.MAIN, 36) +
                         w.payload(0, bytes(4), length=2))),
    Case("net-payload-overrun", "network", "an SA payload running 200 bytes past the datagram",
         MALFORMED, IKE("In Drop Packets"),
         send=w.Datagram(w.header(b"D" * 8, bytes(8), w.P_SA, w.MAIN, 40) +
                         w.payload(0, bytes(8), length=208))),
    Case("net-ikev2", "network", "an IKEv2 IKE_SA_INIT (version 2.0): not spoken, dropped",
         None, IKE("In Drop Packets"),
         send=w.Datagram(w.message(34, [(33, bytes(8))], version=0x20))),
    Case("net-unknown-exchange", "network", "exchange type 99 with no responder cookie",
         None, IKE("In Drop Packets"), send=w.Datagram(w.message(99, [(w.P_VID, bytes(16))]))),
    Case("net-quick-mode-unknown-sa", "network", "a quick-mode message for cookies nobody has",
         r"Received packet for an unknown or deleted IKE SA, dropping", IKE("No Sa Fails"),
         send=w.Datagram(w.message(w.QUICK, [(w.P_HASH, bytes(20))], rcookie=b"R" * 8,
                                   msgid=0x1234))),
    Case("net-info-unknown-sa", "network", "an informational (delete) for cookies nobody has",
         r"Received packet for an unknown or deleted IKE SA, dropping", IKE("In Drop Packets"),
         send=w.Datagram(w.message(w.INFO, [(12, bytes(12))], rcookie=b"S" * 8, msgid=7))),
    Case("net-des-proposal", "network", "main mode offering DES only: NO_PROPOSAL_CHOSEN",
         MISMATCH + r"Encryption Alg: Rcv'd: DES\s+Cfg'd: AES", IKE("Responder Fails"),
         send=w.MainModeRefused(enc=1, keylen=0)),
    Case("net-md5-proposal", "network", "main mode offering AES/MD5: NO_PROPOSAL_CHOSEN",
         MISMATCH + r"Hash Alg: Rcv'd: MD5\s+Cfg'd: SHA", IKE("Out Notifys"),
         send=w.MainModeRefused(hash_alg=1)),
    Case("net-group5-proposal", "network", "main mode offering DH group 5 to a group-2 policy",
         MISMATCH + r"Group Description: Rcv'd: Group 5\s+Cfg'd: Group 2",
         IKE("Responder Fails"), send=w.MainModeRefused(group=5)),
    Case("net-unknown-group-proposal", "network", "main mode offering DH group 99 (no such)",
         MISMATCH + r"Group Description: Rcv'd: Group 99\s+Cfg'd: Group 2",
         IKE("Responder Fails"), send=w.MainModeRefused(group=99)),
    Case("net-rsa-proposal", "network", "main mode offering RSA signatures to a PSK policy",
         MISMATCH + r"Auth Method: Rcv'd: RSA Signature\s+Cfg'd: Preshared Key",
         IKE("Responder Fails"), send=w.MainModeRefused(auth=3)),
    Case("net-bad-ke-length", "network", "MM3 with a 10-byte KE for DH group 2",
         r"Received KE payload of 10 bytes for DH group 2, expected 128",
         IKE("Responder Fails"), send=w.MainMode(mm3_ke=bytes(10))),
    Case("net-ke-zero", "network", "MM3 with g^x = 0 (not a group element)",
         r"Invalid Diffie-Hellman value from peer", IKE("Responder Fails"),
         send=w.MainMode(mm3_ke=bytes(128))),
    Case("net-wrong-psk-main-mode", "network", "main mode to MM5 with the wrong pre-shared key",
         r"ERROR, had problems decrypting packet, probably due to mismatched pre-shared key",
         IKE("Decrypt Fails"), send=w.MainMode(wrong_psk=b"not-the-key"),
         secret="right-key-4711"),
    Case("net-am-interface-not-enabled", "network",
         "aggressive mode to the dmz address (no crypto ikev1 enable dmz): silence",
         None, IKE("In Drop Packets"),
         send=w.Datagram(w.message(w.AGGRESSIVE, [(w.P_SA, w.sa_payload())]), to=w.DMZ)),
    Case("net-natt-marker-garbage", "network", "UDP 4500: non-ESP marker, then 10 bytes",
         MALFORMED, IKE("In Drop Packets"), send=w.Datagram(bytes(4) + b"x" * 10, port=4500)),
    Case("net-esp-unknown-spi", "network", "ESP for SPI 0xDEADBEEF, which no SA has",
         r"IPSEC tunnel is down \(ipsec-tun-down\)", ASP("ipsec-tun-down"), where="counter",
         send=w.Esp(ESP_SPI + bytes(4) + bytes(48))),
    Case("net-esp-runt", "network", "a 6-byte ESP packet: shorter than an SPI and sequence number",
         r"IPSEC packet too short \(ipsec-runt\)", ASP("ipsec-runt"), where="counter",
         send=w.Esp(ESP_SPI + b"\0\1")),
    Case("net-esp-in-udp-garbage", "network", "UDP 4500: 40 bytes of ESP-in-UDP for no SA",
         r"IPSEC tunnel is down \(ipsec-tun-down\)", ASP("ipsec-tun-down"), where="counter",
         send=w.Datagram(ESP_SPI + bytes(36), port=4500)),
    Case("net-nat-keepalive", "network", "a NAT-T keepalive (0xFF): never reaches IKE",
         None, IKE("In Packets"), delta=0, send=w.Datagram(b"\xff", port=4500)),
]

INVALID = r"\^\nERROR: % Invalid input detected at '\^' marker\."

CLI_CASES = [
    Case("cli-invalid-word", "cli", "a misspelt keyword", r"\n {28}" + INVALID,
         CLI("INVALID_INPUT"), where="cli", lines=["show crypto isakmp sb"]),
    Case("cli-incomplete", "cli", "a command cut short (the ASA sample)",
         r"ERROR: % Incomplete command\n", CLI("INCOMPLETE"), where="cli",
         lines=["sh cry ipsec"]),
    Case("cli-ambiguous", "cli", "an abbreviation two commands share",
         r'ERROR: % Ambiguous command:\s+"sh c"', CLI("AMBIGUOUS"), where="cli",
         lines=["sh c"]),
    Case("cli-out-of-range", "cli", "policy priority 70000 (1-65535)", INVALID,
         CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "crypto ikev1 policy 70000"]),
    Case("cli-bad-ip", "cli", "an address with an octet of 300", INVALID, CLI("INVALID_INPUT"),
         where="cli", lines=["configure terminal", "interface GigabitEthernet0/2",
                             "ip address 198.51.100.300 255.255.255.192"]),
    Case("cli-bad-mask", "cli", "a non-contiguous mask", INVALID, CLI("INVALID_INPUT"),
         where="cli", lines=["configure terminal", "interface GigabitEthernet0/2",
                             "ip address 198.51.100.129 255.0.255.0"]),
    Case("cli-enable-wrong-3", "cli", "enable with a wrong password three times",
         r"Password: \*+\nInvalid password\nPassword: \*+\nInvalid password\nPassword: \*+\n"
         r"Access denied\.", CLI("ENABLE_FAILED"), delta=3, where="cli", enable=False,
         lines=["enable", "guess-1", "guess-2", "guess-3"], secret="catalogue-enable-1"),
    Case("cli-user-mode-config", "cli", "configure terminal before enable", INVALID,
         CLI("INVALID_INPUT"), where="cli", enable=False, lines=["configure terminal"]),
    Case("cli-accel-extra-word", "cli", "show crypto accelerator statistics with a word more",
         INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["show crypto accelerator statistics now"]),
    Case("cli-accel-user-mode", "cli", "the crypto engines' statistics before enable", INVALID,
         CLI("INVALID_INPUT"), where="cli", enable=False,
         lines=["show crypto accelerator statistics"]),
    Case("cli-config-in-exec", "cli", "a configuration command in privileged EXEC",
         INVALID, CLI("INVALID_INPUT"), where="cli", lines=["hostname other"]),
    Case("cli-submode-in-config", "cli", "a policy sub-mode command in config mode", INVALID,
         CLI("INVALID_INPUT"), where="cli", lines=["configure terminal", "encryption aes"]),
    Case("cli-bad-transform", "cli", "a transform set with esp-blowfish", INVALID,
         CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "crypto ipsec ikev1 transform-set T esp-blowfish"]),
    Case("cli-unknown-nameif", "cli", "crypto ikev1 enable on a nameif that does not exist",
         r"ERROR: 'nowhere' is not a valid interface name", CLI("REJECTED"), where="cli",
         lines=["configure terminal", "crypto ikev1 enable nowhere"]),
    Case("cli-long-hostname", "cli", "a 70-character hostname (63 at most)",
         r"ERROR: Hostname must start and end with a letter or digit", CLI("REJECTED"),
         where="cli", lines=["configure terminal", "hostname " + "h" * 70]),
    Case("cli-control-character", "cli", "a hostname with a BEL (0x07) in it",
         r"\n {28}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "hostname ab\x07cd"]),
    Case("cli-over-long-line", "cli", "a 600-character line (the ASA takes 512)",
         r"\n {520,}" + INVALID, CLI("INVALID_INPUT"), where="cli", lines=["show " + "x" * 595]),
    Case("cli-private-file", "cli", "more of the SSH host keys' folder",
         r"%Error opening disk0:/\.private/ssh_host_ed25519_key \(No such file or directory\)",
         CLI("REJECTED"), where="cli", lines=["more disk0:/.private/ssh_host_ed25519_key"]),
    Case("cli-flash-traversal", "cli", "a flash path climbing out of disk0:",
         r"%Error opening disk0:/\.\./\.\./etc/passwd", CLI("REJECTED"), where="cli",
         lines=["more disk0:/../../etc/passwd"]),
    Case("cli-ipsec-lifetime-zero", "cli", "an IPsec SA lifetime of 0 s (120-2147483647)",
         INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "crypto ipsec security-association lifetime seconds 0"]),
    Case("cli-lifetime-range", "cli", "an IKE lifetime of 50 s (120-2147483647)", INVALID,
         CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "crypto ikev1 policy 20", "lifetime 50"]),
    # The firewall's configuration (issue 12).
    Case("cli-object-fqdn", "cli", "object network with an fqdn (no DNS client here)",
         r"\n {32}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "object network WWW", "fqdn www.example.com"]),
    Case("cli-object-in-use", "cli", "deleting an object an access-list names",
         r"ERROR: unable to delete object \(WEB\)\. Object is being used\.", CLI("REJECTED"),
         where="cli",
         lines=["configure terminal", "object network WEB", "host 192.0.2.10", "exit",
                "access-list CAT-IN extended permit tcp any object WEB eq www",
                "no object network WEB"]),
    Case("cli-group-loop", "cli", "an object-group nested in itself through another",
         r"ERROR: Adding object-group \(CAT-A\) to object-group \(CAT-B\) would create a loop",
         CLI("REJECTED"), where="cli",
         lines=["configure terminal", "object-group network CAT-B",
                "network-object host 192.0.2.20", "object-group network CAT-A",
                "group-object CAT-B", "object-group network CAT-B", "group-object CAT-A"]),
    Case("cli-acl-missing-group", "cli", "an access-list naming an object-group that is not there",
         r"ERROR: specified object group <NOPE> not found", CLI("REJECTED"), where="cli",
         lines=["configure terminal",
                "access-list CAT-X extended permit ip any object-group NOPE"]),
    Case("cli-acl-bad-log-level", "cli", "an access-list entry logging at level 9 (0-7)",
         r"\n {79}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal",
                "access-list CAT-X extended permit icmp any any echo-reply log 9"]),
    Case("cli-access-group-no-acl", "cli", "access-group of an access-list that does not exist",
         r"ERROR: access-list CAT-NONE does not exist", CLI("REJECTED"), where="cli",
         lines=["configure terminal", "access-group CAT-NONE in interface outside"]),
    Case("cli-timeout-bad-time", "cli", "timeout conn 0:61:00 (minutes 0-59)",
         r"\n {30}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "timeout conn 0:61:00"]),
    Case("cli-inspect-unknown", "cli", "inspect of an engine the ASA does not have",
         r"\n {32}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "policy-map CAT-P", "class class-default",
                "inspect gopher"]),
    Case("cli-fixup-unknown", "cli", "a PIX fixup of a protocol the PIX had no fixup for",
         r"\n {32}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "fixup protocol gopher 70"]),
    Case("cli-clear-conn-mask", "cli", "clear conn with a non-contiguous netmask: nothing cleared",
         r"\n {46}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["clear conn address 192.0.2.1 netmask 255.0.255.0"]),
    Case("cli-show-conn-port", "cli", "show conn port 70000 (1-65535)", r"\n {24}" + INVALID,
         CLI("INVALID_INPUT"), where="cli", lines=["show conn port 70000"]),
    Case("cli-show-conn-protocol", "cli", "show conn protocol gre (tcp, udp or icmp)",
         r"\n {28}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["show conn protocol gre"]),
    Case("cli-clear-conn-user-mode", "cli", "clear conn before enable", INVALID,
         CLI("INVALID_INPUT"), where="cli", enable=False, lines=["clear conn"]),
    # NAT (issue 12): a misspelt word in the hand-read NAT line still gets its marker.
    Case("cli-nat-bad-word", "cli", "twice NAT with 'source statik'",
         r"\n {45}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "nat (inside,outside) source statik any any"]),
    Case("cli-nat-unknown-object", "cli", "twice NAT naming an object that does not exist",
         r"ERROR: Object NOPE does not exist", CLI("REJECTED"), where="cli",
         lines=["configure terminal", "nat (inside,outside) source static NOPE NOPE"]),
    Case("cli-nat-route-lookup", "cli", "route-lookup on a NAT rule that is not identity NAT",
         r"ERROR: Route-lookup is only supported for identity NAT", CLI("REJECTED"),
         where="cli", lines=["configure terminal", "object network NATWEB",
                             "host 192.0.2.80",
                             "nat (inside,outside) static 203.0.113.80 route-lookup"]),
    Case("cli-pix-static-bad-port", "cli", "a PIX static port forward with port 70000",
         INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal",
                "static (inside,outside) tcp interface 70000 192.0.2.22 22"]),
    # packet-tracer: the '^' under the operand that is not one.
    Case("cli-tracer-unknown-if", "cli", "packet-tracer from a nameif that does not exist",
         r"\n {29}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["packet-tracer input nowhere tcp 192.0.2.10 1025 198.51.100.2 80"]),
    Case("cli-tracer-bad-port", "cli", "packet-tracer with a port of 70000", r"\n {69}" + INVALID,
         CLI("INVALID_INPUT"), where="cli",
         lines=["packet-tracer input inside tcp 192.0.2.10 1025 198.51.100.2 70000"]),
    Case("cli-tracer-bad-icmp", "cli", "packet-tracer with an ICMP type named wrong",
         r"\n {52}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["packet-tracer input inside icmp 192.0.2.10 echoes 0 198.51.100.2"]),
    # SNMP (issue 14): the snmp-server lines refuse what snmpd could not be given.
    Case("cli-snmp-host-version", "cli", "snmp-server host with version 4 (1, 2c or 3)",
         r"\n {59}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "snmp-server host inside 192.0.2.9 version 4"]),
    Case("cli-snmp-host-v3-no-user", "cli", "snmp-server host version 3 without its user",
         r"ERROR: % Incomplete command", CLI("INCOMPLETE"), where="cli",
         lines=["configure terminal", "snmp-server host inside 192.0.2.9 version 3"]),
    Case("cli-snmp-host-no-nameif", "cli", "snmp-server host on an interface name not there",
         r"ERROR: 'nowhere' is not a valid interface name", CLI("REJECTED"), where="cli",
         lines=["configure terminal", "snmp-server host nowhere 192.0.2.9"]),
    Case("cli-snmp-user-no-group", "cli", "snmp-server user in a group not defined",
         r"ERROR: Group NOGROUP does not exist", CLI("REJECTED"), where="cli",
         lines=["configure terminal", "snmp-server user CAT-U NOGROUP v3"]),
    Case("cli-snmp-community-long", "cli", "a community of 33 characters (32 at most)",
         r"ERROR: Community string length exceeds 32 characters", CLI("REJECTED"), where="cli",
         lines=["configure terminal", "snmp-server community " + "c" * 33]),
    Case("cli-snmp-trap-unknown", "cli", "snmp-server enable traps of a family the ASA lacks",
         r"\n {42}" + INVALID, CLI("INVALID_INPUT"), where="cli",
         lines=["configure terminal", "snmp-server enable traps bogus"]),
]


def _err(line_no, text):
    return rf"^ERROR: line {line_no}: {text}$"


# Config cases: each is the lab's startup-config plus these lines (run.py numbers them: the
# first added line is BASE_LINES + 1), loaded by a reload.
CONFIG_CASES = [
    Case("cfg-unknown-command", "config", "a line that is no command",
         _err("{n}", "this is not a command") + r"\nERROR: % Invalid input", CONFIG,
         where="errors", lines=["this is not a command"]),
    Case("cfg-bad-encryption", "config", "encryption blowfish in a policy block",
         _err("{n+1}", "encryption blowfish"), CONFIG, where="errors",
         lines=["crypto ikev1 policy 30", " encryption blowfish", " hash sha"]),
    Case("cfg-route-unknown-nameif", "config", "a route out of a nameif that does not exist",
         _err("{n}", r"route nowhere 0\.0\.0\.0 0\.0\.0\.0 198\.51\.100\.62") +
         r"\nERROR: 'nowhere' is not a valid interface name", CONFIG, where="errors",
         lines=["route nowhere 0.0.0.0 0.0.0.0 198.51.100.62"]),
    Case("cfg-policy-zero", "config", "crypto ikev1 policy 0 (1-65535), and its sub-lines",
         _err("{n}", "crypto ikev1 policy 0"), CONFIG, delta=2, where="errors",
         lines=["crypto ikev1 policy 0", " hash md5"]),
    Case("cfg-key-control-character", "config", "a pre-shared key with a BEL (0x07) in it",
         _err("{n+2}", r"ikev1 pre-shared-key \*\*\*\*\*"), CONFIG, where="errors",
         lines=["tunnel-group 198.51.100.3 type ipsec-l2l",
                "tunnel-group 198.51.100.3 ipsec-attributes",
                " ikev1 pre-shared-key sec\x07ret-key-99"], secret="ret-key-99"),
    Case("cfg-key-missing", "config", "ikev1 pre-shared-key with no key",
         _err("{n+2}", "ikev1 pre-shared-key") + r"\nERROR: % Incomplete command", CONFIG,
         where="errors",
         lines=["tunnel-group 198.51.100.4 type ipsec-l2l",
                "tunnel-group 198.51.100.4 ipsec-attributes", " ikev1 pre-shared-key"]),
    Case("cfg-bad-password-line", "config", "a username line with privilege 99: no password shown",
         _err("{n}", r"username ops password \*\*\*\*\* privilege 99"), CONFIG,
         where="errors", lines=["username ops password hidden-pw-77 privilege 99"],
         secret="hidden-pw-77"),
    Case("cfg-pool-reversed", "config", "an address pool whose range runs backwards",
         _err("{n}", r"ip local pool P 203\.0\.113\.50-203\.0\.113\.10 mask 255\.255\.255\.0") +
         r"\nERROR: The first address of the range must not be higher than the last", CONFIG,
         where="errors", lines=["ip local pool P 203.0.113.50-203.0.113.10 mask 255.255.255.0"]),
    Case("cfg-hostname-control", "config", "a hostname with a control character (0x01)",
         _err("{n}", r"hostname a\\x01b"), CONFIG, where="errors", lines=["hostname a\x01b"]),
    Case("cfg-pix-no-effect", "config", "a PIX 6.3 line with no meaning here (pdm), and why",
         r'^WARNING: line {n}: "pdm history enable" is not supported \(no PIX Device Manager: '
         r"this box is managed from its CLI\); ignored$", CONFIG, delta=0, where="errors",
         lines=["pdm history enable"]),
    Case("cfg-pix-nat-no-global", "config", "a PIX nat id that no global pairs with",
         r'^WARNING: line {n}: "nat \(inside\) 9 192\.0\.2\.0 255\.255\.255\.0" has no '
         r'"global \(IF\) 9" to pair with; not converted$', CONFIG, delta=0, where="errors",
         lines=["nat (inside) 9 192.0.2.0 255.255.255.0"]),
    # Over the ASA's 512 characters a line is refused whole; the report shows its first 512.
    Case("cfg-over-long-line", "config", "a 600-character line",
         _err("{n}", "A{512}") + r"\nERROR: % Invalid input", CONFIG, where="errors",
         lines=["A" * 600]),
]

CASES = NETWORK + CLI_CASES + CONFIG_CASES
