// The intel-ipsec-mb backend (multi-buffer job API). Internal to dataplane/crypto.
#pragma once

#include <memory>
#include <string>

#include "dataplane/crypto/backend.hpp"

namespace rampart::dataplane::crypto {

// Null, with the reason in *why_not, when the library cannot run well on this CPU.
std::unique_ptr<Backend> make_ipsec_mb(std::string* why_not);

}  // namespace rampart::dataplane::crypto
