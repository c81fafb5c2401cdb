#include "control/aaa/aaa.hpp"

#include <openssl/crypto.h>

namespace rampart::aaa {

Password::~Password() {
  wipe();
}

void Password::wipe() {
  // The optimiser may not drop this store: the buffer is freed right after.
  if (!clear_.empty()) OPENSSL_cleanse(clear_.data(), clear_.size());
  clear_.clear();
}

}  // namespace rampart::aaa
