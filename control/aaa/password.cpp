#include "control/aaa/password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <string>

#include <fmt/format.h>

namespace rampart::aaa {

namespace {

// The ASA's PBKDF2 parameters (9.7+): HMAC-SHA512, 5000 iterations, 16-byte salt.
constexpr int kIterations = 5000;
constexpr size_t kSaltLen = 16;
constexpr size_t kHashLen = 64;

// The crypt(3)-style alphabet of the legacy PIX/ASA form.
constexpr std::string_view kLegacyAlphabet =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string b64(const unsigned char* data, size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> unb64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string pbkdf2(std::string_view clear, std::string_view salt, int iterations) {
  std::array<unsigned char, kHashLen> out{};
  PKCS5_PBKDF2_HMAC(clear.data(), static_cast<int>(clear.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha512(), kHashLen, out.data());
  return std::string(reinterpret_cast<char*>(out.data()), out.size());
}

// The legacy form: MD5 over the password NUL-padded to 16 bytes, then four 3-byte groups of the
// digest (bytes 0-2, 4-6, 8-10, 12-14) written little-endian, 6 bits a character. Checked
// against the PIX vectors "cisco" -> 2KFQnbNIdI.2KYOU and "" -> 8Ry2YjIyt7RRXU24.
// For "username" passwords the ASA mixes in the username; the rule used here (append the first
// four characters of the username, pad to 32 bytes past 12 characters) is from public write-ups
// and has not been checked against a real ASA.
std::string legacy_hash(std::string_view clear, std::string_view username) {
  std::string pw(clear);
  if (!username.empty()) pw += username.substr(0, 4);
  size_t len = pw.size() > 16 ? 32 : 16;
  pw.resize(len, '\0');
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  EVP_Digest(pw.data(), pw.size(), d, &dlen, EVP_md5(), nullptr);
  std::string out;
  for (int i : {0, 4, 8, 12}) {
    uint32_t v = d[i] | (d[i + 1] << 8) | (d[i + 2] << 16);
    for (int k = 0; k < 4; ++k, v >>= 6) out += kLegacyAlphabet[v & 0x3f];
  }
  return out;
}

bool equal_ct(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct Pbkdf2Parts {
  int iterations = 0;
  std::string salt, hash;
};

std::optional<Pbkdf2Parts> split_pbkdf2(std::string_view text) {
  // $sha512$<iterations>$<salt b64>$<hash b64>
  if (!text.starts_with("$sha512$")) return std::nullopt;
  text.remove_prefix(8);
  auto d1 = text.find('$');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = text.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  Pbkdf2Parts p;
  auto it = text.substr(0, d1);
  auto [ptr, ec] = std::from_chars(it.data(), it.data() + it.size(), p.iterations);
  if (ec != std::errc() || ptr != it.data() + it.size() || p.iterations < 1000 ||
      p.iterations > 1000000)
    return std::nullopt;
  auto salt = unb64(text.substr(d1 + 1, d2 - d1 - 1));
  auto hash = unb64(text.substr(d2 + 1));
  if (!salt || !hash || salt->empty() || hash->size() != kHashLen) return std::nullopt;
  p.salt = *salt;
  p.hash = *hash;
  return p;
}

}  // namespace

config::PasswordHash hash_password(std::string_view clear) {
  std::array<unsigned char, kSaltLen> salt{};
  RAND_bytes(salt.data(), static_cast<int>(salt.size()));
  std::string s(reinterpret_cast<char*>(salt.data()), salt.size());
  std::string h = pbkdf2(clear, s, kIterations);
  return {fmt::format("$sha512${}${}${}", kIterations, b64(salt.data(), salt.size()),
                      b64(reinterpret_cast<const unsigned char*>(h.data()), h.size())),
          "pbkdf2"};
}

std::optional<config::PasswordHash> parse_stored(std::string_view hash, std::string_view kind) {
  if (kind == "pbkdf2") {
    if (!split_pbkdf2(hash)) return std::nullopt;
    return config::PasswordHash{std::string(hash), "pbkdf2"};
  }
  if (kind == "encrypted") {
    if (hash.size() != 16) return std::nullopt;
    for (char c : hash)
      if (kLegacyAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    return config::PasswordHash{std::string(hash), "encrypted"};
  }
  return std::nullopt;
}

bool verify_password(const config::PasswordHash& stored, std::string_view clear,
                     std::string_view username) {
  if (stored.kind == "pbkdf2") {
    auto p = split_pbkdf2(stored.hash);
    return p && equal_ct(pbkdf2(clear, p->salt, p->iterations), p->hash);
  }
  if (stored.kind == "encrypted") return equal_ct(legacy_hash(clear, username), stored.hash);
  return false;
}

}  // namespace rampart::aaa
