#!/usr/bin/env bash
# Computes RFC 2409 5 PSK keying values with the openssl command-line tool (an implementation
# independent of Rampart's code), for tests/vectors/ikev1_psk_sha1.txt.
set -euo pipefail
rep() { printf "%0.s$1" $(seq 1 "$2"); }
hmac() { xxd -r -p | openssl dgst -sha1 -mac HMAC -macopt "hexkey:$1" -r | cut -d' ' -f1; }
sha1() { xxd -r -p | openssl dgst -sha1 -r | cut -d' ' -f1; }
PSK=$(printf 'ezvpn-lab-key' | xxd -p)
NI=$(rep 11 20); NR=$(rep 22 20); GXY=$(rep 33 128); GXI=$(rep 44 128); GXR=$(rep 55 128)
CI=d56197780d7be3e5; CR=1b301d2de710eda0
SAI=$(rep 66 52); IDII=0b1101f4455a; IDIR=011101f4c6336301
SKEYID=$(echo "$NI$NR" | hmac "$PSK")
D=$(echo "$GXY$CI${CR}00" | hmac "$SKEYID")
A=$(echo "$D$GXY$CI${CR}01" | hmac "$SKEYID")
E=$(echo "$A$GXY$CI${CR}02" | hmac "$SKEYID")
K1=$(echo "00" | hmac "$E"); K2=$(echo "$K1" | hmac "$E")
KA=$(echo "$K1$K2" | cut -c1-64)
IV=$(echo "$GXI$GXR" | sha1 | cut -c1-32)
HI=$(echo "$GXI$GXR$CI$CR$SAI$IDII" | hmac "$SKEYID")
HR=$(echo "$GXR$GXI$CR$CI$SAI$IDIR" | hmac "$SKEYID")
cat <<OUT
# IKEv1 phase 1, pre-shared key, PRF HMAC-SHA1, AES-256-CBC (RFC 2409 5 and appendix B).
# Inputs are synthetic (repeated bytes, the seed's cookies); outputs were computed with the
# openssl command-line tool (openssl dgst -sha1 -mac HMAC), not with Rampart's code.
psk = $PSK
ni = $NI
nr = $NR
gxy = $GXY
gxi = $GXI
gxr = $GXR
cky_i = $CI
cky_r = $CR
sai_b = $SAI
idii_b = $IDII
idir_b = $IDIR
skeyid = $SKEYID
skeyid_d = $D
skeyid_a = $A
skeyid_e = $E
ka = $KA
iv = $IV
hash_i = $HI
hash_r = $HR
OUT
