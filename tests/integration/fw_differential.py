#!/usr/bin/env python3
"""The firewall's oracle: packet-tracer's verdicts against the kernel's, on real packets.

  gen SEED DIR     writes DIR/config.txt (ASA lines), DIR/tracer.txt (one packet-tracer line
                   per flow), DIR/plan.json (segments, hosts, flows)
  segments DIR     one line per segment: index nameif box-address prefix host-addresses...
  mapped DIR       the static rules' mapped network (reached through the box)
  check DIR OUT    reads packet-tracer's answers (OUT: the shell's transcript), sends each flow's
                   first packet from its source host's namespace, captures what arrives in every
                   namespace, and compares: allowed <-> arrived, with the same translated source
                   and destination (a ping to the box: answered iff allowed). Exits 1 on any
                   disagreement, printing each.

The namespaces come from fw_differential.sh: one per segment (the hosts of a segment are
addresses of its namespace's eth0), named in FWDIFF_NS ("outside=NS inside=NS ...").
"""
import ctypes
import json
import os
import random
import re
import select
import socket
import struct
import sys
import time

# ---- the lab: segments and their hosts (documentation addresses only) ----------------------

SEGMENTS = [
    # nameif, box address, prefix, hosts; outside's first host is the gateway to REMOTE
    {"nameif": "outside", "hw": 0, "box": "198.51.100.1", "prefix": 26,
     "hosts": ["198.51.100.2", "198.51.100.4", "198.51.100.5"]},
    {"nameif": "inside", "hw": 1, "box": "192.0.2.1", "prefix": 25,
     "hosts": ["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13"]},
    {"nameif": "dmz", "hw": 2, "box": "192.0.2.129", "prefix": 26,
     "hosts": ["192.0.2.130", "192.0.2.131", "192.0.2.132"]},
    {"nameif": "dmz2", "hw": 3, "box": "198.51.100.65", "prefix": 26,
     "hosts": ["198.51.100.66", "198.51.100.67", "198.51.100.68"]},
]
REMOTE_NET = ("203.0.113.0", 26)  # beyond outside's gateway 198.51.100.2
REMOTE_HOSTS = ["203.0.113.10", "203.0.113.11", "203.0.113.12"]
MAPPED_NET = ("198.51.100.16", 28)  # static NAT's mapped addresses, on outside
# Routed, but owned by nobody: the first reaches outside's gateway (which takes all of REMOTE),
# the others die waiting for ARP on their segment.
UNOWNED = ["203.0.113.30", "198.51.100.40", "192.0.2.100"]
MARK = b"FWDIFF"


def mask(prefix):
    m = (0xffffffff << (32 - prefix)) & 0xffffffff if prefix else 0
    return socket.inet_ntoa(struct.pack("!I", m))


def network(addr, prefix):
    a = struct.unpack("!I", socket.inet_aton(addr))[0]
    m = (0xffffffff << (32 - prefix)) & 0xffffffff if prefix else 0
    return socket.inet_ntoa(struct.pack("!I", a & m))


# ---- the generator -------------------------------------------------------------------------

PORTS = [22, 25, 53, 80, 123, 443, 8080]
PORT_NAMES = {22: "ssh", 25: "smtp", 53: "domain", 80: "www", 443: "https"}


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.lines = []
        self.objects = {}  # name -> what it covers (for ACL operands)
        self.statics = []  # mapped addresses of the static rules

    def pick(self, seq):
        return self.r.choice(seq)

    def segments(self):
        n = self.pick([3, 4])
        segs = [dict(s) for s in SEGMENTS[:n]]
        levels = [0, 50, 50, 100, self.r.randint(1, 99)]
        for s in segs:
            s["level"] = 0 if s["nameif"] == "outside" and self.r.random() < 0.7 else self.pick(levels)
        return segs

    def port_op(self, proto):
        kind = self.r.random()
        p = self.pick(PORTS)
        text = PORT_NAMES.get(p, str(p)) if proto != "udp" or p in (53, 123) else str(p)
        if kind < 0.5:
            return f" eq {text}"
        if kind < 0.6:
            return f" lt {p}"
        if kind < 0.7:
            return f" gt {p}"
        if kind < 0.8:
            return f" neq {p}"
        lo = self.r.randint(1, 1000)
        return f" range {lo} {lo + self.r.randint(0, 9000)}"

    def address_operand(self, segs):
        k = self.r.random()
        if k < 0.3:
            return "any"
        hosts = [h for s in segs for h in s["hosts"]] + REMOTE_HOSTS
        if k < 0.6:
            return f"host {self.pick(hosts)}"
        if k < 0.75:
            s = self.pick(segs)
            return f"{network(s['box'], s['prefix'])} {mask(s['prefix'])}"
        if k < 0.9 and self.objects:
            return f"object {self.pick(sorted(self.objects))}"
        return f"object-group {self.pick(self.groups)}"

    def ace(self, name, segs):
        action = "permit" if self.r.random() < 0.7 else "deny"
        src, dst = self.address_operand(segs), self.address_operand(segs)
        if self.svc_groups and self.r.random() < 0.15:
            return f"access-list {name} extended {action} object-group {self.pick(self.svc_groups)} {src} {dst}"
        proto = self.pick(["ip", "tcp", "tcp", "udp", "icmp"])
        port = self.port_op(proto) if proto in ("tcp", "udp") and self.r.random() < 0.7 else ""
        sport = self.port_op(proto) if proto in ("tcp", "udp") and self.r.random() < 0.1 else ""
        icmp = f" {self.pick(['echo', 'echo-reply'])}" if proto == "icmp" and self.r.random() < 0.6 else ""
        return f"access-list {name} extended {action} {proto} {src}{sport} {dst}{port}{icmp}"

    def icmp_rule(self, s, segs):
        action = "permit" if self.r.random() < 0.6 else "deny"
        k = self.r.random()
        if k < 0.35:
            src = "any"
        elif k < 0.7:
            src = f"host {self.pick([h for t in segs for h in t['hosts']] + REMOTE_HOSTS)}"
        else:
            t = self.pick(segs)
            src = f"{network(t['box'], t['prefix'])} {mask(t['prefix'])}"
        kind = f" {self.pick(['echo', 'echo-reply', 'unreachable', '8', '0'])}" \
            if self.r.random() < 0.6 else ""
        return f"icmp {action} {src}{kind} {s['nameif']}"

    def config(self):
        segs = self.segments()
        L = self.lines
        L.append("hostname fwdiff")
        for s in segs:
            L += [f"interface GigabitEthernet0/{s['hw']}", f"nameif {s['nameif']}",
                  f"security-level {s['level']}", f"ip address {s['box']} {mask(s['prefix'])}",
                  "no shutdown", "exit"]
        L.append(f"route outside {REMOTE_NET[0]} {mask(REMOTE_NET[1])} {SEGMENTS[0]['hosts'][0]}")
        # Objects: each segment's network, the remote network; some hosts.
        for s in segs:
            L += [f"object network NET_{s['nameif']}",
                  f"subnet {network(s['box'], s['prefix'])} {mask(s['prefix'])}", "exit"]
            self.objects[f"NET_{s['nameif']}"] = s
        L += ["object network REMOTE", f"subnet {REMOTE_NET[0]} {mask(REMOTE_NET[1])}", "exit"]
        self.objects["REMOTE"] = True
        # Groups: network and service.
        self.groups = []
        for g in range(self.r.randint(1, 3)):
            name = f"GRP{g}"
            L.append(f"object-group network {name}")
            for _ in range(self.r.randint(1, 3)):
                if self.r.random() < 0.6:
                    L.append(f"network-object host {self.pick([h for s in segs for h in s['hosts']])}")
                else:
                    s = self.pick(segs)
                    L.append(f"network-object {network(s['box'], s['prefix'])} {mask(s['prefix'])}")
            L.append("exit")
            self.groups.append(name)
        # Service groups in the protocol's place ("object-group service N" of service-objects):
        # the 8.3+ form (the model has no port group after an address).
        self.svc_groups = []
        for g in range(self.r.randint(0, 2)):
            name = f"SVC{g}"
            L.append(f"object-group service {name}")
            for _ in range(self.r.randint(1, 3)):
                proto = self.pick(["tcp", "udp"])
                p = self.pick(PORTS)
                L.append(f"service-object {proto} destination eq {p}" if self.r.random() < 0.7
                         else f"service-object {proto} destination range {p} {p + self.r.randint(1, 500)}")
            L.append("exit")
            self.svc_groups.append(name)
        # NAT: statics for a few servers (one a port forward), PAT for inside networks, and the
        # VPN-style identity exemption toward REMOTE.
        mapped = [f"198.51.100.{a}" for a in range(17, 31)]
        self.r.shuffle(mapped)
        inner = [s for s in segs if s["nameif"] != "outside"]
        for i in range(self.r.randint(1, 3)):
            s = self.pick(inner)
            real = self.pick(s["hosts"])
            L += [f"object network SRV{i}", f"host {real}"]
            self.statics.append(mapped.pop())
            if self.r.random() < 0.25:
                L.append(f"nat ({s['nameif']},outside) static {self.statics[-1]} service tcp 8080 www")
            else:
                L.append(f"nat ({s['nameif']},outside) static {self.statics[-1]}")
            L.append("exit")
        for s in inner:
            if self.r.random() < 0.75:
                L += [f"object network PAT_{s['nameif']}",
                      f"subnet {network(s['box'], s['prefix'])} {mask(s['prefix'])}",
                      f"nat ({s['nameif']},outside) dynamic interface", "exit"]
        if self.r.random() < 0.6:
            L.append("nat (inside,outside) source static NET_inside NET_inside "
                     "destination static REMOTE REMOTE")
        # ACLs and their bindings.
        for s in segs:
            for direction, prob in (("in", 0.6), ("out", 0.25)):
                if self.r.random() < prob:
                    name = f"{s['nameif'].upper()}_{direction.upper()}"
                    for _ in range(self.r.randint(2, 8)):
                        L.append(self.ace(name, segs))
                    # Often a broad permit last, so that NAT and the outbound ACLs see traffic.
                    if self.r.random() < 0.4:
                        L.append(f"access-list {name} extended permit {self.pick(['ip', 'tcp', 'udp'])} any any")
                    L.append(f"access-group {name} {direction} interface {s['nameif']}")
        if self.r.random() < 0.35:
            for _ in range(self.r.randint(1, 4)):
                L.append(self.ace("GLOBAL_ACL", segs))
            L.append("access-group GLOBAL_ACL global")
        if self.r.random() < 0.5:
            L.append("same-security-traffic permit inter-interface")
        if self.r.random() < 0.3:
            L.append("same-security-traffic permit intra-interface")
        # ICMP to the box: rules on some interfaces (the rest answer any ICMP).
        for s in segs:
            if self.r.random() < 0.4:
                for _ in range(self.r.randint(1, 4)):
                    L.append(self.icmp_rule(s, segs))
        if self.r.random() < 0.4:
            L += ["class-map inspection_default", "match default-inspection-traffic", "exit",
                  "policy-map global_policy", "class inspection_default", "inspect icmp", "exit",
                  "exit", "service-policy global_policy global"]
        return segs

    def flows(self, segs, n):
        out = []
        owned = {s["nameif"]: list(s["hosts"]) for s in segs}
        owned["outside"] += REMOTE_HOSTS
        static_mapped = [f"198.51.100.{a}" for a in range(17, 31)]
        for i in range(n):
            s = self.pick(segs)
            src = self.pick(owned[s["nameif"]])
            k = self.r.random()
            others = [h for t in segs if t is not s for h in owned[t["nameif"]]]
            if k < 0.6:
                dst = self.pick(others)
            elif k < 0.85:
                # Mostly a static's own mapped address, sometimes one no rule maps.
                dst = self.pick(self.statics if self.r.random() < 0.85 else static_mapped)
            elif k < 0.93:
                dst = self.pick([t["box"] for t in segs])
            else:
                dst = self.pick(UNOWNED)
            proto = self.pick(["tcp"] * 9 + ["udp"] * 6 + ["icmp"] * 4)
            f = {"id": i, "in": s["nameif"], "proto": proto, "src": src, "dst": dst}
            if proto == "icmp":
                f["type"] = 8 if self.r.random() < 0.85 else 0
            else:
                f["sport"] = 20000 + i
                f["dport"] = self.pick(PORTS) if self.r.random() < 0.8 else self.r.randint(1024, 65535)
            out.append(f)
        return out


def tracer_line(f):
    if f["proto"] == "icmp":
        return f"packet-tracer input {f['in']} icmp {f['src']} {f['type']} 0 {f['dst']}"
    return (f"packet-tracer input {f['in']} {f['proto']} {f['src']} {f['sport']} "
            f"{f['dst']} {f['dport']}")


def gen(seed, d, n):
    g = Gen(seed)
    segs = g.config()
    flows = g.flows(segs, n)
    with open(os.path.join(d, "config.txt"), "w") as fh:
        fh.write("\n".join(g.lines) + "\n")
    with open(os.path.join(d, "tracer.txt"), "w") as fh:
        fh.write("\n".join(tracer_line(f) for f in flows) + "\n")
    plan = {"seed": seed, "segments": segs, "remote": REMOTE_HOSTS, "remote_net": REMOTE_NET,
            "mapped_net": MAPPED_NET, "unowned": UNOWNED, "flows": flows}
    with open(os.path.join(d, "plan.json"), "w") as fh:
        json.dump(plan, fh, indent=1)


# ---- reading packet-tracer's answers -------------------------------------------------------

XLATE = re.compile(r"^(Untranslate|Dynamic translate|Static translate) "
                   r"([\d.]+)/(\d+) to ([\d.]+)/(\d+)$")


def parse_traces(transcript, flows):
    """One answer per flow, in order: verdict, output interface, translated tuple, text."""
    blocks = re.split(r"^\S*# ?packet-tracer input .*$", transcript, flags=re.M)[1:]
    if len(blocks) != len(flows):
        sys.exit(f"FAIL: {len(flows)} packet-tracer lines, {len(blocks)} answers")
    answers = []
    for f, b in zip(flows, blocks):
        b = b.split("\nfwdiff", 1)[0]  # up to the next prompt
        a = {"text": b.strip("\n"), "src": f["src"], "dst": f["dst"],
             "sport": f.get("sport", 0), "dport": f.get("dport", 0)}
        m = re.search(r"^Action: (allow|drop)$", b, re.M)
        if not m:
            sys.exit(f"FAIL: no Action in packet-tracer's answer for flow {f['id']}:\n{b}")
        a["allowed"] = m.group(1) == "allow"
        o = re.search(r"^output-interface: (.*)$", b, re.M)
        a["output"] = o.group(1) if o else ""
        for line in b.splitlines():
            x = XLATE.match(line)
            if not x:
                continue
            if x.group(1) == "Untranslate":
                a["dst"], a["dport"] = x.group(4), int(x.group(5))
            else:
                a["src"], a["sport"] = x.group(4), int(x.group(5))
        answers.append(a)
    return answers


# ---- the wire ------------------------------------------------------------------------------

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


def enter(ns):
    """Moves this thread into a named network namespace; sockets it opens stay there."""
    fd = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    try:
        enter_fd(fd)
    finally:
        os.close(fd)


def enter_fd(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def packet(f):
    src, dst = socket.inet_aton(f["src"]), socket.inet_aton(f["dst"])
    payload = MARK + b"%06d" % f["id"]
    if f["proto"] == "tcp":
        hdr = struct.pack("!HHIIBBHHH", f["sport"], f["dport"], f["id"] + 1, 0, 5 << 4, 0x02,
                          64240, 0, 0)
        proto = 6
    elif f["proto"] == "udp":
        hdr = struct.pack("!HHHH", f["sport"], f["dport"], 8 + len(payload), 0)
        proto = 17
    else:
        hdr = struct.pack("!BBHHH", f["type"], 0, 0, (f["id"] + 1) & 0xffff, 1)
        proto = 1
    l4 = hdr + payload
    if proto == 1:
        c = checksum(l4)
        l4 = l4[:2] + struct.pack("!H", c) + l4[4:]
    else:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(l4))
        c = checksum(pseudo + l4) or 0xffff
        at = 16 if proto == 6 else 6
        l4 = l4[:at] + struct.pack("!H", c) + l4[at + 2:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), f["id"] & 0xffff, 0, 64, proto, 0,
                     src, dst)
    return ip + l4


def parse_arrival(data):
    """(proto, src, dst, sport, dport, icmp_type, flow id) of a marked IPv4 packet, or None."""
    if len(data) < 20 or data[0] >> 4 != 4:
        return None
    ihl = (data[0] & 15) * 4
    proto = data[9]
    at = data.find(MARK, ihl)
    if at < 0:
        return None
    try:
        fid = int(data[at + len(MARK):at + len(MARK) + 6])
    except ValueError:
        return None
    src, dst = socket.inet_ntoa(data[12:16]), socket.inet_ntoa(data[16:20])
    l4 = data[ihl:]
    sport = dport = icmp_type = None
    if proto in (6, 17):
        sport, dport = struct.unpack("!HH", l4[:4])
        # A quote inside an ICMP error is not an arrival; neither is anything before the L4 data.
        if at != ihl + (20 if proto == 6 else 8):
            return None
    elif proto == 1:
        icmp_type = l4[0]
        if at != ihl + 8:
            return None
    return {"proto": {6: "tcp", 17: "udp", 1: "icmp"}.get(proto, str(proto)), "src": src,
            "dst": dst, "sport": sport, "dport": dport, "type": icmp_type, "id": fid}


def wire(plan):
    """Sends every flow's first packet, returns what arrived where: id -> [(ns, arrival)]."""
    segs = plan["segments"]
    # FWDIFF_NS="outside=NS0 inside=NS1 ...": each segment's namespace; its NIC is eth0.
    names = dict(kv.split("=", 1) for kv in os.environ["FWDIFF_NS"].split())
    sniffers, senders = {}, {}
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    for s in segs:
        enter(names[s["nameif"]])
        sn = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
        sn.bind(("eth0", 0))
        sn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        sn.setblocking(False)
        sniffers[sn] = s["nameif"]
        tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        senders[s["nameif"]] = tx
    enter_fd(home)
    os.close(home)
    arrivals = {}

    def drain(timeout):
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return
            ready, _, _ = select.select(list(sniffers), [], [], left)
            for sn in ready:
                while True:
                    try:
                        data, addr = sn.recvfrom(65535)
                    except BlockingIOError:
                        break
                    if addr[2] == PACKET_OUTGOING:
                        continue
                    a = parse_arrival(data)
                    if a:
                        arrivals.setdefault(a["id"], []).append((sniffers[sn], a))

    for n, f in enumerate(plan["flows"]):
        senders[f["in"]].sendto(packet(f), (f["dst"], 0))
        if n % 50 == 49:
            drain(0.01)  # pacing: the box's queues are not what is tested
    drain(1.5)
    return arrivals


# ---- the comparison ------------------------------------------------------------------------

def owner(plan, address):
    for s in plan["segments"]:
        if address in s["hosts"]:
            return s["nameif"]
    net, prefix = plan["remote_net"]
    if network(address, prefix) == net:
        return "outside"  # its gateway's namespace receives all of REMOTE
    return None


def box_addresses(plan):
    return {s["box"] for s in plan["segments"]}


def judge_box_echo(a, replies):
    """An echo request to one of the box's addresses: answered iff packet-tracer allows it."""
    if a["allowed"]:
        return None if replies else "packet-tracer allows the ping to the box, but no reply came"
    return "packet-tracer drops the ping to the box, but it was answered" if replies else None


def judge(plan, f, a, seen):
    """None when tracer and wire agree; else why not. Flows toward an address nobody owns can
    only be checked for not arriving anywhere."""
    if not a["allowed"]:
        return None if not seen else "packet-tracer drops it, but it arrived"
    where = owner(plan, a["dst"])
    if where is None:
        return None if not seen else "arrived, though no host owns the destination"
    if not seen:
        return "packet-tracer allows it, but nothing arrived"
    for ns, p in seen:
        ok = (ns == where and p["proto"] == f["proto"] and p["src"] == a["src"]
              and p["dst"] == a["dst"])
        if ok and f["proto"] != "icmp":
            ok = p["sport"] == a["sport"] and p["dport"] == a["dport"]
        if ok and f["proto"] == "icmp":
            ok = p["type"] == f["type"]
        if ok:
            return None
    return "arrived, but not as packet-tracer translated it"


def check(d, transcript_path):
    with open(os.path.join(d, "plan.json")) as fh:
        plan = json.load(fh)
    with open(transcript_path, errors="replace") as fh:
        answers = parse_traces(fh.read(), plan["flows"])
    arrivals = wire(plan)
    bad = 0
    stats = {"allowed": 0, "dropped": 0, "unowned": 0, "translated": 0, "box_echo": 0}
    boxes = box_addresses(plan)
    kinds = {}  # (why, protocol) -> count, the summary that points at the culprit
    for f, a in zip(plan["flows"], answers):
        stats["allowed" if a["allowed"] else "dropped"] += 1
        if a["allowed"] and owner(plan, a["dst"]) is None:
            stats["unowned"] += 1
        elif a["allowed"] and (a["src"], a["dst"]) != (f["src"], f["dst"]):
            stats["translated"] += 1
        # The flow's own packet only: not the destination's answer (an echo reply, an ICMP
        # error quoting it), which carries the same mark back.
        seen = [(ns, p) for ns, p in arrivals.get(f["id"], [])
                if p["proto"] == f["proto"] and (f["proto"] != "icmp" or p["type"] == f["type"])]
        why = judge(plan, f, a, seen)
        if why is None and f["proto"] == "icmp" and f["type"] == 8 and f["dst"] in boxes:
            # The box's own answer, back on the interface the request came in on.
            replies = [p for ns, p in arrivals.get(f["id"], [])
                       if ns == f["in"] and p["proto"] == "icmp" and p["type"] == 0
                       and p["src"] == f["dst"] and p["dst"] == f["src"]]
            stats["box_echo"] += 1
            why = judge_box_echo(a, replies)
        if why is None:
            continue
        bad += 1
        kind = (why, f["proto"] + (f" type {f['type']}" if f["proto"] == "icmp" else ""))
        kinds[kind] = kinds.get(kind, 0) + 1
        if bad <= 20:
            print(f"DISAGREE flow {f['id']}: {why}\n  {tracer_line(f)}")
            print("  expected on the wire: src {} {} dst {} {}".format(
                a["src"], a.get("sport", ""), a["dst"], a.get("dport", "")))
            print("  the wire showed: " + (", ".join(
                f"{ns}: {p['proto']} {p['src']}:{p['sport']} -> {p['dst']}:{p['dport']}"
                f"{'' if p['type'] is None else ' type ' + str(p['type'])}"
                for ns, p in seen) or "nothing"))
            print("  " + a["text"].replace("\n", "\n  "))
    for (why, proto), n in sorted(kinds.items()):
        print(f"  {n} x {proto}: {why}")
    total = len(plan["flows"])
    print(f"seed {plan['seed']}: {total} flows, {stats['allowed']} allowed "
          f"({stats['unowned']} toward unowned addresses, {stats['translated']} translated), "
          f"{stats['dropped']} dropped, {stats['box_echo']} pings to the box, "
          f"{bad} disagreements")
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "gen":
        n = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
        gen(int(sys.argv[2]), sys.argv[3], n)
        return 0
    if len(sys.argv) == 3 and sys.argv[1] in ("segments", "mapped"):
        with open(os.path.join(sys.argv[2], "plan.json")) as fh:
            plan = json.load(fh)
        if sys.argv[1] == "mapped":
            print("{}/{}".format(*plan["mapped_net"]))
        for s in plan["segments"] if sys.argv[1] == "segments" else []:
            extra = plan["remote"] if s["nameif"] == "outside" else []
            print(s["hw"], s["nameif"], s["box"], s["prefix"], " ".join(s["hosts"] + extra))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        return check(sys.argv[2], sys.argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
