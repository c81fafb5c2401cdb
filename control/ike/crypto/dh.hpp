// Diffie-Hellman for IKEv1: MODP groups 1, 2, 5, 14, 15, 16 (RFC 2409 6, RFC 3526) and ECP
// groups 19, 20, 21 (RFC 5903), through OpenSSL. Public values are fixed-length big-endian as
// they go in the KE payload; a peer value that is not in the group is refused.
#pragma once

#include <memory>
#include <string>

#include "control/ike/crypto/prf.hpp"
#include "platform/expected.hpp"

namespace rampart::ike {

bool dh_group_supported(int group);
// Length of a public value in the KE payload: the modulus for MODP, 2 x the field for ECP.
size_t dh_public_length(int group);

class DhKey {
 public:
  // A fresh private key of the group and its public value.
  static rampart::expected<DhKey, std::string> generate(int group);
  DhKey(DhKey&&) noexcept;
  DhKey& operator=(DhKey&&) noexcept;
  ~DhKey();

  int group() const { return group_; }
  const Bytes& public_value() const { return public_; }
  // g^xy from the peer's public value; an error for a value outside the group (0, 1, p-1, >=p,
  // a point not on the curve, a wrong length).
  rampart::expected<SecretBytes, std::string> shared_secret(const Bytes& peer) const;

 private:
  struct Impl;
  DhKey(int group, std::unique_ptr<Impl> impl, Bytes pub);
  int group_ = 0;
  std::unique_ptr<Impl> impl_;
  Bytes public_;
};

// The responder's whole share of an exchange in one call, safe on any thread (nothing shared):
// a fresh private key of the group, its public value and g^xy with the peer's value. The
// private key is gone when this returns: a responder never needs it again.
struct DhExchange {
  Bytes our_public;
  SecretBytes shared;
};
rampart::expected<DhExchange, std::string> dh_respond(int group, const Bytes& peer_public);

}  // namespace rampart::ike
