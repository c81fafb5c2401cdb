// The kernel rules that keep the kernel off what the dataplane owns (DESIGN: "rules live in one
// place in platform/"): ESP addressed to the box is dropped at input, so the kernel, which has
// no ESP of its own here, never answers it with ICMP protocol-unreachable. ESP-in-UDP needs no
// rule: the IKE socket's filter refuses it and the socket exists, so no port-unreachable either.
#pragma once

#include <optional>
#include <string>

namespace rampart::platform {

// Installs (or refreshes) table ip rampart_dataplane. An error text when nft is unavailable.
std::optional<std::string> install_dataplane_rules();
void remove_dataplane_rules();

}  // namespace rampart::platform
