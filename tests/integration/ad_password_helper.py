#!/usr/bin/env python3
"""The directory behind FreeRADIUS's rlm_mschap, as Samba's ntlm_auth presents Active Directory.

FreeRADIUS 3.2.1 (Debian 12) cannot change passwords itself: its local_cpw calls
EVP_CIPHER_CTX_set_key_length() before the cipher is set and crashes (fixed upstream in
"mschapv2: set key length after specifying the cipher"). A real site changes them in AD through
ntlm_auth; this helper answers the same two calls from password files, written independently of
Rampart's C++ (MD4 and DES through the openssl command with its legacy provider, RC4 here):

  auth DIR --username=U --challenge=HEX8 --nt-response=HEX24
      "NT_KEY: <MD4(MD4(password))>" when the response is right; "Password expired" while
      DIR/U.expired exists; else a logon failure.
  cpw DIR   (stdin: the ntlm-change-password-1 protocol)
      decrypts the new password with the old NT hash (RFC 2759 8.9), checks the old hash
      encrypted with the new one (8.12), writes DIR/U.pw and removes DIR/U.expired.
"""
import os
import subprocess
import sys


def openssl(args, data):
    return subprocess.run(["openssl"] + args + ["-provider", "legacy", "-provider", "default"],
                          input=data, capture_output=True, check=True).stdout


def md4(data):
    return openssl(["dgst", "-md4", "-binary"], data)


def nt_hash(password):
    return md4(password.encode("utf-16-le"))


def des(clear8, key7):
    v = int.from_bytes(key7, "big")
    key = bytes((((v >> (49 - 7 * i)) & 0x7F) << 1) for i in range(8))
    return openssl(["enc", "-des-ecb", "-nopad", "-K", key.hex()], clear8)


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def read_password(directory, user):
    with open(os.path.join(directory, user + ".pw"), encoding="utf-8") as f:
        return f.read()


def auth(directory, args):
    opts = dict(a[2:].split("=", 1) for a in args if a.startswith("--") and "=" in a)
    user = opts.get("username", "")
    if not user.isalnum():
        print("Logon failure (0xc000006d)")
        return 1
    if os.path.exists(os.path.join(directory, user + ".expired")):
        print("Password expired (0xC0000224)")
        return 1
    h = nt_hash(read_password(directory, user))
    challenge = bytes.fromhex(opts.get("challenge", ""))
    z = h + bytes(5)
    expect = b"".join(des(challenge, z[7 * i:7 * i + 7]) for i in range(3))
    if expect.hex() != opts.get("nt-response", "").lower():
        print("Logon failure (0xc000006d)")
        return 1
    print("NT_KEY: " + md4(h).hex().upper())
    return 0


def cpw(directory):
    fields = {}
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line == ".":
            break
        key, _, value = line.partition(": ")
        fields[key] = value
    user = fields.get("username", "")
    if not user.isalnum():
        print("Password-Change: No\nPassword-Change-Error: no such user\n.")
        return 0
    old = nt_hash(read_password(directory, user))
    block = rc4(old, bytes.fromhex(fields["new-nt-password-blob"]))
    n = int.from_bytes(block[512:516], "little")
    if n > 512 or n % 2:
        print("Password-Change: No\nPassword-Change-Error: wrong old password\n.")
        return 0
    new = block[512 - n:512].decode("utf-16-le")
    fresh = nt_hash(new)
    if des(old[:8], fresh[:7]) + des(old[8:], fresh[7:14]) != bytes.fromhex(
            fields["old-nt-hash-blob"]):
        print("Password-Change: No\nPassword-Change-Error: old hash does not match\n.")
        return 0
    with open(os.path.join(directory, user + ".pw"), "w", encoding="utf-8") as f:
        f.write(new)
    try:
        os.remove(os.path.join(directory, user + ".expired"))
    except FileNotFoundError:
        pass
    print("Password-Change: Yes\n.")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "auth":
        sys.exit(auth(sys.argv[2], sys.argv[3:]))
    sys.exit(cpw(sys.argv[2]))
