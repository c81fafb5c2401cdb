// RSA key pairs for the box's own identity (the SSH host key that "crypto key generate rsa"
// makes), through OpenSSL: PKCS#8 PEM on flash, which OpenSSH reads as a host key.
#pragma once

#include <string>

#include "platform/expected.hpp"

namespace rampart::platform {

struct RsaPublic {
  int bits = 0;
  std::string spki_der;  // SubjectPublicKeyInfo, as "show crypto key mypubkey rsa" prints it
};

// A new key pair, as PEM text (unencrypted PKCS#8; the file holding it is mode 0600).
rampart::expected<std::string, std::string> generate_rsa_pem(int bits);
// The public half of a PEM private key.
rampart::expected<RsaPublic, std::string> rsa_public_of(const std::string& pem);

}  // namespace rampart::platform
