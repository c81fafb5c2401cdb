// libbpf and libxdp return errors as negative errno values (some as positive ones): the text.
#pragma once

#include <cstring>
#include <string>

namespace rampart::dataplane::xdp {

inline std::string bpf_error(int err) {
  return std::strerror(err < 0 ? -err : err);
}

}  // namespace rampart::dataplane::xdp
