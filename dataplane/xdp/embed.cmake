# Writes the compiled XDP program (IN) into a C++ header (OUT) as a byte array, so that
# rampartd carries its own program and never loads one from a file someone else could swap.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT}
     "// Generated from dataplane/xdp/steer.bpf.c by dataplane/xdp/embed.cmake; do not edit.\n"
     "#pragma once\n"
     "namespace rampart::dataplane::xdp {\n"
     "alignas(8) inline constexpr unsigned char kSteerObject[] = {${bytes}};\n"
     "}\n")
