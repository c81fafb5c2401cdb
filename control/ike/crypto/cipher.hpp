// IKEv1 message encryption (RFC 2409 appendix B): CBC over the payload chain, zero padding to
// the block with the pad length in the last byte, and the IV chained from message to message.
#pragma once

#include <string>

#include "control/ike/crypto/prf.hpp"
#include "platform/expected.hpp"

namespace rampart::ike {

// The configuration's enum; key and block sizes are the table's (control/config/algorithms).
using CipherAlg = config::IkeEncryption;

size_t key_length(CipherAlg c);
size_t block_size(CipherAlg c);

// Pads and encrypts; the caller keeps the last ciphertext block as the next IV.
rampart::expected<Bytes, std::string> encrypt(CipherAlg c, const SecretBytes& key, const Bytes& iv,
                                              const Bytes& plaintext);
// Decrypts a body whose length is a multiple of the block; padding stays for the codec to skip.
rampart::expected<Bytes, std::string> decrypt(CipherAlg c, const SecretBytes& key, const Bytes& iv,
                                              const Bytes& ciphertext);

// The IV for the next message of the same exchange: the last ciphertext block.
Bytes last_block(CipherAlg c, const Bytes& ciphertext);
// The first IV of a quick mode or informational exchange: hash(last phase-1 IV | M-ID).
Bytes exchange_iv(HashAlg h, CipherAlg c, const Bytes& phase1_iv, uint32_t message_id);

}  // namespace rampart::ike
