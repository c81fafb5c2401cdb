#!/usr/bin/python3
# Writes tests/vectors/esp_scapy.txt: ESP tunnel-mode packets made by an independent
# implementation (scapy's SecurityAssociation, Debian's python3-scapy 2.5) for every transform
# Rampart's dataplane supports, with fixed keys and IVs so that our encapsulation must produce the
# same bytes and our decapsulation must recover the inner packet. Run it from the repository root:
#   /usr/bin/python3 tests/vectors/make_esp_vectors.py > tests/vectors/esp_scapy.txt
import warnings
warnings.filterwarnings("ignore")
from scapy.all import IP, ICMP, Raw
from scapy.layers.ipsec import SecurityAssociation, ESP

# (name, scapy cipher, key bytes, iv bytes, scapy auth, auth key bytes)
TRANSFORMS = [
    ("esp-null esp-sha-hmac", "NULL", 0, 0, "HMAC-SHA1-96", 20),
    ("esp-des esp-md5-hmac", "DES", 8, 8, "HMAC-MD5-96", 16),
    ("esp-3des esp-sha-hmac", "3DES", 24, 8, "HMAC-SHA1-96", 20),
    ("esp-aes esp-sha-hmac", "AES-CBC", 16, 16, "HMAC-SHA1-96", 20),
    ("esp-aes-192 esp-sha-hmac", "AES-CBC", 24, 16, "HMAC-SHA1-96", 20),
    ("esp-aes-256 esp-sha-hmac", "AES-CBC", 32, 16, "HMAC-SHA1-96", 20),
    ("esp-aes-256 esp-sha256-hmac", "AES-CBC", 32, 16, "SHA2-256-128", 32),
    ("esp-aes-256 esp-sha384-hmac", "AES-CBC", 32, 16, "SHA2-384-192", 48),
    ("esp-aes-256 esp-sha512-hmac", "AES-CBC", 32, 16, "SHA2-512-256", 64),
    ("esp-aes-gcm-128", "AES-GCM", 16 + 4, 8, "NULL", 0),
    ("esp-aes-gcm-256", "AES-GCM", 32 + 4, 8, "NULL", 0),
]

def pattern(n, seed):
    return bytes((seed * 37 + i * 11) & 0xFF for i in range(n))

print("# ESP tunnel mode vectors from scapy 2.5 (tests/vectors/make_esp_vectors.py): per transform,")
print("# keys, SPI, sequence number, IV, the inner IPv4 packet and the ESP packet (from the SPI on).")
for t, (name, cipher, klen, ivlen, auth, alen) in enumerate(TRANSFORMS):
    for size in (0, 36, 1000):
        inner = IP(src="203.0.113.10", dst="192.0.2.10", id=t * 10 + 1) / ICMP(id=7, seq=size) / Raw(pattern(size, t))
        inner = IP(bytes(inner))
        ek = pattern(klen, 100 + t)
        ak = pattern(alen, 200 + t)
        iv = pattern(ivlen, 300 + t + size)
        spi = 0xC0DE0000 + t
        seq = 1 + size
        sa = SecurityAssociation(ESP, spi=spi, crypt_algo=cipher, crypt_key=ek or None,
                                 auth_algo=auth, auth_key=ak or None,
                                 tunnel_header=IP(src="198.51.100.1", dst="198.51.100.2"))
        pkt = sa.encrypt(inner, seq_num=seq, iv=iv or None)
        esp = bytes(pkt[ESP])
        print(f"transform = {name}")
        print(f"enc_key = {ek.hex()}")
        print(f"auth_key = {ak.hex()}")
        print(f"spi = {spi:08x}")
        print(f"seq = {seq}")
        print(f"iv = {iv.hex()}")
        print(f"inner = {bytes(inner).hex()}")
        print(f"esp = {esp.hex()}")
        print()
