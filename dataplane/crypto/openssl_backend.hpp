// The OpenSSL EVP backend: one packet per EVP call sequence, contexts keyed once per SA.
// Internal to dataplane/crypto.
#pragma once

#include <memory>

#include "dataplane/crypto/backend.hpp"

namespace rampart::dataplane::crypto {

std::unique_ptr<Backend> make_openssl();

}  // namespace rampart::dataplane::crypto
