// Password storage as the ASA does it. New passwords are stored as PBKDF2-HMAC-SHA512
// ("$sha512$<iterations>$<salt b64>$<hash b64>", keyword "pbkdf2", as ASA 9.7+ prints them);
// the legacy PIX/ASA MD5 form (keyword "encrypted", 16 characters) is accepted from pasted
// configurations and verified, so old configs keep working. Cleartext is never stored.
#pragma once

#include <optional>
#include <string_view>

#include "control/config/model.hpp"

namespace rampart::aaa {

// Hashes a new cleartext password (PBKDF2, random salt). username salts the legacy form only.
config::PasswordHash hash_password(std::string_view clear);
// Accepts a stored hash as typed after "password"/"enable password": kind is "encrypted" or
// "pbkdf2". Returns nullopt when the text is not a well-formed hash of that kind.
std::optional<config::PasswordHash> parse_stored(std::string_view hash, std::string_view kind);
// Constant-time check of a cleartext password against a stored hash. For the legacy MD5 form
// of "username" passwords the ASA mixes in the username; pass it (empty for enable/passwd).
bool verify_password(const config::PasswordHash& stored, std::string_view clear,
                     std::string_view username = {});

}  // namespace rampart::aaa
