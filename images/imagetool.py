#!/usr/bin/env python3
"""Byte-level steps of the image build that no Debian tool does on a plain file.

  imagetool.py pack-bin OUT VERSION KERNEL INITRD KEY  the upgrade file (.bin), signed with
                                                       KEY (an Ed25519 private key, PEM)
  imagetool.py grubenv OUT KEY=VALUE...              a 1024-byte GRUB environment block
  imagetool.py bios-boot DISK CORE_IMG BOOT_IMG LBA  GRUB's MBR code and core.img in the
                                                     BIOS boot partition starting at LBA

The .bin layout is read by rampartd (firmware/daemon/boot_image.cpp): a text header ending in
an empty line (its last line the release key's signature), then the kernel and the initramfs
back to back.
"""
import hashlib
import subprocess
import sys
import tempfile

SECTOR = 512


def pack_bin(out, version, kernel, initrd, key):
    k = open(kernel, "rb").read()
    i = open(initrd, "rb").read()
    digest = hashlib.sha256(k + i).hexdigest()
    header = (f"RAMPART-IMAGE 1\nversion={version}\nkernel={len(k)}\ninitrd={len(i)}\n"
              f"sha256={digest}\n").encode()
    # Ed25519 (deterministic: the same key and inputs give the same bytes) over the header
    # lines, which carry the payload's sizes and SHA-256: the signature covers the whole file.
    # OpenSSL 3.0 signs Ed25519 in one shot and must know the input's size: a file, not a pipe.
    with tempfile.NamedTemporaryFile() as h:
        h.write(header)
        h.flush()
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key, "-in", h.name],
                             capture_output=True, check=True).stdout
    if len(sig) != 64:
        sys.exit("pack-bin: openssl gave no Ed25519 signature")
    header += f"signature={sig.hex()}\n\n".encode()
    with open(out, "wb") as f:
        f.write(header + k + i)


def grubenv(out, pairs):
    # GRUB reads and rewrites this block in place (save_env), so it must be exactly 1024
    # bytes, padded with '#'.
    text = "# GRUB Environment Block\n" + "".join(p + "\n" for p in pairs)
    data = text.encode()
    if len(data) > 1024:
        sys.exit("grubenv: too many variables")
    open(out, "wb").write(data + b"#" * (1024 - len(data)))


def bios_boot(disk, core_path, boot_path, lba):
    # What grub-bios-setup does for a GPT disk with a BIOS boot partition, on a plain file:
    # boot.img's code goes into the protective MBR (its partition table kept), told where
    # core.img starts; core.img's first sector (diskboot) lists where the rest of it lies.
    core = bytearray(open(core_path, "rb").read())
    boot = bytearray(open(boot_path, "rb").read())
    if len(boot) != SECTOR or len(core) < SECTOR:
        sys.exit("bios-boot: unexpected boot.img or core.img size")
    sectors = (len(core) + SECTOR - 1) // SECTOR
    core += b"\0" * (sectors * SECTOR - len(core))
    boot[0x5C:0x64] = lba.to_bytes(8, "little")  # GRUB_BOOT_MACHINE_KERNEL_SECTOR
    boot[0x64] = 0xFF  # boot drive: the one the BIOS booted from
    boot[0x66:0x68] = b"\x90\x90"  # no floppy probe: an appliance boots from a disk
    # diskboot's block list: the 12 bytes before the end of its sector (start, len, segment).
    bl = SECTOR - 12
    core[bl:bl + 8] = (lba + 1).to_bytes(8, "little")
    core[bl + 8:bl + 10] = (sectors - 1).to_bytes(2, "little")
    with open(disk, "r+b") as f:
        mbr = bytearray(f.read(SECTOR))
        mbr[0:440] = boot[0:440]  # code only: the disk signature and partition table stay
        f.seek(0)
        f.write(mbr)
        f.seek(lba * SECTOR)
        f.write(core)


def main(argv):
    if len(argv) >= 2 and argv[1] == "pack-bin" and len(argv) == 7:
        pack_bin(*argv[2:])
    elif len(argv) >= 3 and argv[1] == "grubenv":
        grubenv(argv[2], argv[3:])
    elif len(argv) == 6 and argv[1] == "bios-boot":
        bios_boot(argv[2], argv[3], argv[4], int(argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
