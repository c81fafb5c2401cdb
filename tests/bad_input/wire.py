"""What the catalogue's network cases put on the wire, from the client namespace.

Each sender is a small object with a run() method that the runner calls inside the client
namespace (through peer.py): plain datagrams to UDP 500/4500, raw ESP (IP protocol 50), and a
few exchanges that need the appliance's answer first (its cookie, its KE). ISAKMP is built here
field by field (RFC 2408 3.1-3.6) rather than with a library, so that a case can break exactly
one field. A sender raises (exit status 1) when the appliance did not answer as an ASA would.
"""
import hashlib
import hmac
import os
import socket
import struct

APPLIANCE = "198.51.100.1"  # the outside interface (crypto ikev1 enable outside)
DMZ = "198.51.100.129"      # an interface without crypto ikev1 enable

# RFC 2408 3.1 exchange types, 3.1 payload types (the ones used here)
MAIN, AGGRESSIVE, INFO, QUICK = 2, 4, 5, 32
P_SA, P_KE, P_ID, P_HASH, P_NONCE, P_NOTIFY, P_VID = 1, 4, 5, 8, 10, 11, 13
NO_PROPOSAL_CHOSEN = 14  # RFC 2408 3.14.1

# RFC 2409 6.2: the 1024-bit MODP group (group 2), generator 2.
MODP1024 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)


def header(icookie, rcookie, first, exchange, length, flags=0, msgid=0, version=0x10):
    return struct.pack("!8s8sBBBBII", icookie, rcookie, first, version, exchange, flags, msgid,
                       length)


def payload(next_type, body, length=None):
    return struct.pack("!BBH", next_type, 0, 4 + len(body) if length is None else length) + body


def chain(*items):
    """ISAKMP payloads from (type, body) pairs: returns (first type, bytes)."""
    out = b""
    for i, (_, body) in enumerate(items):
        nxt = items[i + 1][0] if i + 1 < len(items) else 0
        out += payload(nxt, body)
    return (items[0][0] if items else 0), out


def message(exchange, items, icookie=None, rcookie=bytes(8), flags=0, msgid=0, version=0x10):
    first, body = chain(*items)
    icookie = icookie or os.urandom(8)
    return header(icookie, rcookie, first, exchange, 28 + len(body), flags, msgid, version) + body


def attr(t, v):
    return struct.pack("!HH", 0x8000 | t, v)  # RFC 2408 3.3, the TV form


def sa_payload(enc=7, keylen=128, hash_alg=2, auth=1, group=2):
    """A phase-1 SA with one transform: AES-128/SHA/PSK/group 2 unless told otherwise."""
    attrs = attr(1, enc) + (attr(14, keylen) if keylen else b"") + attr(2, hash_alg)
    attrs += attr(3, auth) + attr(4, group) + attr(11, 1) + attr(12, 28800)
    transform = struct.pack("!BBHBBH", 0, 0, 8 + len(attrs), 1, 1, 0) + attrs  # #1 KEY_IKE
    proposal = struct.pack("!BBHBBBB", 0, 0, 8 + len(transform), 1, 1, 0, 1) + transform
    return struct.pack("!II", 1, 1) + proposal  # DOI IPsec, SIT_IDENTITY_ONLY


class Peer:
    """A UDP socket on the client's port 500 or 4500, as a real initiator has."""

    def __init__(self, port=500):
        self.port = port
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind(("", port))
        self.s.settimeout(3)

    def send(self, data, to=APPLIANCE):
        self.s.sendto(data, (to, self.port))

    def ask(self, data, to=APPLIANCE):
        self.send(data, to)
        reply, _ = self.s.recvfrom(65535)
        return reply


def payloads_of(msg):
    """(type, body) of each payload of an unencrypted ISAKMP message."""
    out, nxt, p = [], msg[16], 28
    while nxt and p + 4 <= len(msg):
        n, _, length = struct.unpack("!BBH", msg[p:p + 4])
        out.append((nxt, msg[p + 4:p + length]))
        nxt, p = n, p + length
    return out


class Datagram:
    """One datagram to UDP 500 or 4500 (with or without the RFC 3948 non-ESP marker)."""

    def __init__(self, data, port=500, to=APPLIANCE):
        self.data, self.port, self.to = data, port, to

    def run(self):
        Peer(self.port).send(self.data, self.to)


class Esp:
    """Raw ESP (IP protocol 50) to the outside address."""

    def __init__(self, data):
        self.data = data

    def run(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
        s.sendto(self.data, (APPLIANCE, 0))


class MainModeRefused:
    """MM1 with one transform the policy does not take: the answer must be NO_PROPOSAL_CHOSEN."""

    def __init__(self, **transform):
        self.transform = transform

    def run(self):
        reply = Peer().ask(message(MAIN, [(P_SA, sa_payload(**self.transform))]))
        notes = [b for t, b in payloads_of(reply) if t == P_NOTIFY]
        kind = struct.unpack("!H", notes[0][6:8])[0] if notes else None
        if reply[18] != INFO or kind != NO_PROPOSAL_CHOSEN:
            raise SystemExit(f"expected NO_PROPOSAL_CHOSEN, got exchange {reply[18]} notify {kind}")


class MainMode:
    """Main mode from the start, with MM3 or MM5 made bad on purpose (RFC 2409 5, PSK).

    mm3_ke: the KE of MM3 (None: a real g^x of group 2). wrong_psk: finish with an MM5
    encrypted under keys derived from this key instead of the tunnel-group's."""

    def __init__(self, mm3_ke=None, wrong_psk=None):
        self.mm3_ke, self.wrong_psk = mm3_ke, wrong_psk

    def run(self):
        peer, ci = Peer(), os.urandom(8)
        sa_body = sa_payload()
        mm2 = peer.ask(message(MAIN, [(P_SA, sa_body)], icookie=ci))
        cr = mm2[8:16]
        if mm2[18] != MAIN:
            raise SystemExit(f"MM1 refused (exchange {mm2[18]})")
        x = int.from_bytes(os.urandom(64), "big")
        gx = pow(2, x, MODP1024).to_bytes(128, "big")
        ni = os.urandom(16)
        mm3 = message(MAIN, [(P_KE, gx if self.mm3_ke is None else self.mm3_ke), (P_NONCE, ni)],
                      icookie=ci, rcookie=cr)
        if self.wrong_psk is None:
            peer.send(mm3)
            return
        mm4 = dict(payloads_of(peer.ask(mm3)))
        gy, nr = mm4[P_KE], mm4[P_NONCE]
        gxy = pow(int.from_bytes(gy, "big"), x, MODP1024).to_bytes(128, "big")
        prf = lambda k, m: hmac.new(k, m, hashlib.sha1).digest()
        skeyid = prf(self.wrong_psk, ni + nr)
        d = prf(skeyid, gxy + ci + cr + b"\0")
        a = prf(skeyid, d + gxy + ci + cr + b"\1")
        e = prf(skeyid, a + gxy + ci + cr + b"\2")
        iv = hashlib.sha1(gx + gy).digest()[:16]
        idii = struct.pack("!BBH", 1, 17, 500) + socket.inet_aton("198.51.100.2")
        _, body = chain((P_ID, idii), (P_HASH, prf(skeyid, b"HASH_I")))
        body += bytes(-len(body) % 16)
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        enc = Cipher(algorithms.AES(e[:16]), modes.CBC(iv)).encryptor()
        sealed = enc.update(body) + enc.finalize()
        peer.send(header(ci, cr, P_ID, MAIN, 28 + len(sealed), flags=1) + sealed)
