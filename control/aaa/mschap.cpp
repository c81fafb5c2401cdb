#include "control/aaa/mschap.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <memory>

namespace rampart::aaa::mschap {
namespace {

// The legacy algorithms, fetched once from a library context of our own. They live as long as
// the process: worker threads may use them until the very end, so they are never freed.
struct Legacy {
  EVP_MD* md4 = nullptr;
  EVP_CIPHER* des = nullptr;
  EVP_CIPHER* rc4 = nullptr;
  bool ok() const { return md4 && des && rc4; }
};

const Legacy& legacy() {
  static const Legacy l = [] {
    Legacy made;
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    if (!ctx || !OSSL_PROVIDER_load(ctx, "legacy")) return made;
    made.md4 = EVP_MD_fetch(ctx, "MD4", nullptr);
    made.des = EVP_CIPHER_fetch(ctx, "DES-ECB", nullptr);
    made.rc4 = EVP_CIPHER_fetch(ctx, "RC4", nullptr);
    return made;
  }();
  return l;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::optional<NtHash> md4(std::span<const uint8_t> data) {
  const Legacy& l = legacy();
  NtHash out{};
  if (!l.ok() || EVP_Digest(data.data(), data.size(), out.data(), nullptr, l.md4, nullptr) != 1)
    return std::nullopt;
  return out;
}

using Sha1 = std::array<uint8_t, 20>;
Sha1 sha1(std::initializer_list<std::span<const uint8_t>> parts) {
  Sha1 out{};
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  EVP_DigestInit_ex(c, EVP_sha1(), nullptr);
  for (auto p : parts) EVP_DigestUpdate(c, p.data(), p.size());
  EVP_DigestFinal_ex(c, out.data(), nullptr);
  EVP_MD_CTX_free(c);
  return out;
}

// RFC 2759 8.2: "excluding any prepended domain name".
std::string_view strip_domain(std::string_view user) {
  const auto slash = user.find('\\');
  return slash == std::string_view::npos ? user : user.substr(slash + 1);
}

void put_utf16(std::string& out, uint32_t unit) {
  out.push_back(static_cast<char>(unit & 0xff));
  out.push_back(static_cast<char>(unit >> 8));
}

// One code point from UTF-8 at s[i], advancing i; an invalid sequence yields its first byte.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto c = static_cast<uint8_t>(s[i]);
  const size_t extra = c >= 0xc2 && c < 0xe0   ? 1
                       : c >= 0xe0 && c < 0xf0 ? 2
                       : c >= 0xf0 && c < 0xf5 ? 3
                                               : 0;
  if (extra == 0 || i + extra >= s.size()) {
    ++i;
    return c;
  }
  uint32_t cp = c & (0x3fu >> extra);
  for (size_t j = 1; j <= extra; ++j) {
    const auto cc = static_cast<uint8_t>(s[i + j]);
    if ((cc & 0xc0) != 0x80) {
      ++i;
      return c;
    }
    cp = cp << 6 | (cc & 0x3f);
  }
  const bool overlong = (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
  if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
    ++i;
    return c;
  }
  i += extra + 1;
  return cp;
}

std::string hex_upper(std::span<const uint8_t> b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t x : b) {
    out += kHex[x >> 4];
    out += kHex[x & 0xf];
  }
  return out;
}

template <size_t N>
std::optional<std::array<uint8_t, N>> unhex(std::string_view s) {
  if (s.size() != 2 * N) return std::nullopt;
  std::array<uint8_t, N> out{};
  for (size_t i = 0; i < N; ++i) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data() + 2 * i, s.data() + 2 * i + 2, v, 16);
    if (ec != std::errc{} || end != s.data() + 2 * i + 2) return std::nullopt;
    out[i] = static_cast<uint8_t>(v);
  }
  return out;
}

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The server's words go to the log: printable, and bounded.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return out;
}

}  // namespace

// RFC 2759 8.6: seven key octets spread over eight, each octet's low bit set for odd parity
// (the parity is not checked by DES itself; RFC 2759 9.3 shows the result).
std::array<uint8_t, 8> des_key(std::span<const uint8_t, 7> k) {
  uint64_t v = 0;
  for (uint8_t b : k) v = v << 8 | b;
  std::array<uint8_t, 8> out{};
  for (int i = 0; i < 8; ++i) {
    const auto seven = static_cast<uint8_t>((v >> (49 - 7 * i)) & 0x7f);
    out[static_cast<size_t>(i)] =
        static_cast<uint8_t>(seven << 1 | (std::popcount(seven) % 2 == 0 ? 1 : 0));
  }
  return out;
}

bool available() {
  return legacy().ok();
}

std::optional<std::string> utf16le(std::string_view utf8) {
  std::string out;
  size_t units = 0;
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t cp = next_code_point(utf8, i);
    if (cp >= 0x10000) {
      put_utf16(out, 0xd800 + ((cp - 0x10000) >> 10));
      put_utf16(out, 0xdc00 + ((cp - 0x10000) & 0x3ff));
      units += 2;
    } else {
      put_utf16(out, cp);
      ++units;
    }
    if (units > kMaxPasswordChars) {
      OPENSSL_cleanse(out.data(), out.size());
      return std::nullopt;
    }
  }
  return out;
}

std::optional<NtHash> nt_hash(std::string_view password) {
  auto u = utf16le(password);
  if (!u) return std::nullopt;
  auto h = md4(bytes(*u));
  OPENSSL_cleanse(u->data(), u->size());
  return h;
}

std::optional<NtHash> hash_nt_hash(const NtHash& h) {
  return md4(h);
}

std::array<uint8_t, 8> challenge_hash(const Challenge& peer, const Challenge& auth,
                                      std::string_view user) {
  const Sha1 d = sha1({peer, auth, bytes(strip_domain(user))});
  std::array<uint8_t, 8> out{};
  std::copy_n(d.begin(), 8, out.begin());
  return out;
}

std::optional<std::array<uint8_t, 8>> des_encrypt(std::span<const uint8_t, 8> clear,
                                                  std::span<const uint8_t, 7> key) {
  const Legacy& l = legacy();
  if (!l.ok()) return std::nullopt;
  const auto k = des_key(key);
  CipherCtx c(EVP_CIPHER_CTX_new());
  std::array<uint8_t, 8> out{};
  int len = 0;
  const bool ok = c && EVP_EncryptInit_ex2(c.get(), l.des, k.data(), nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_set_padding(c.get(), 0) == 1 &&
                  EVP_EncryptUpdate(c.get(), out.data(), &len, clear.data(), 8) == 1 && len == 8;
  return ok ? std::optional(out) : std::nullopt;
}

bool rc4(std::span<const uint8_t> key, std::span<const uint8_t> in, std::span<uint8_t> out) {
  const Legacy& l = legacy();
  if (!l.ok() || out.size() < in.size() || key.empty()) return false;
  CipherCtx c(EVP_CIPHER_CTX_new());
  int len = 0;
  return c && EVP_EncryptInit_ex2(c.get(), l.rc4, nullptr, nullptr, nullptr) == 1 &&
         EVP_CIPHER_CTX_set_key_length(c.get(), static_cast<int>(key.size())) == 1 &&
         EVP_EncryptInit_ex2(c.get(), nullptr, key.data(), nullptr, nullptr) == 1 &&
         EVP_EncryptUpdate(c.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) ==
             1 &&
         static_cast<size_t>(len) == in.size();
}

std::optional<NtResponse> challenge_response(std::span<const uint8_t, 8> challenge,
                                             const NtHash& h) {
  // RFC 2759 8.5: the 16-octet hash zero-padded to 21 octets, three 7-octet DES keys.
  std::array<uint8_t, 21> z{};
  std::copy(h.begin(), h.end(), z.begin());
  NtResponse out{};
  for (size_t i = 0; i < 3; ++i) {
    auto block = des_encrypt(challenge, std::span<const uint8_t, 7>(z.data() + 7 * i, 7));
    if (!block) return std::nullopt;
    std::copy(block->begin(), block->end(), out.begin() + static_cast<long>(8 * i));
  }
  OPENSSL_cleanse(z.data(), z.size());
  return out;
}

std::optional<NtResponse> nt_response(const Challenge& auth, const Challenge& peer,
                                      std::string_view user, std::string_view password) {
  const auto challenge = challenge_hash(peer, auth, user);
  auto h = nt_hash(password);
  if (!h) return std::nullopt;
  auto r = challenge_response(challenge, *h);
  OPENSSL_cleanse(h->data(), h->size());
  return r;
}

std::optional<std::string> authenticator_response(const NtHash& password_hash,
                                                  const NtResponse& response, const Challenge& peer,
                                                  const Challenge& auth, std::string_view user) {
  // RFC 2759 8.7: the two magic constants, without their terminating NULs.
  static constexpr std::string_view kMagic1 = "Magic server to client signing constant";
  static constexpr std::string_view kMagic2 = "Pad to make it do more than one iteration";
  auto hh = hash_nt_hash(password_hash);
  if (!hh) return std::nullopt;
  const Sha1 digest = sha1({*hh, response, bytes(kMagic1)});
  const auto challenge = challenge_hash(peer, auth, user);
  const Sha1 final_digest = sha1({digest, challenge, bytes(kMagic2)});
  OPENSSL_cleanse(hh->data(), hh->size());
  return "S=" + hex_upper(final_digest);
}

bool check_authenticator_response(std::string_view received, std::string_view password,
                                  const NtResponse& response, const Challenge& peer,
                                  const Challenge& auth, std::string_view user) {
  if (received.size() < 42) return false;
  auto h = nt_hash(password);
  if (!h) return false;
  auto expect = authenticator_response(*h, response, peer, auth, user);
  OPENSSL_cleanse(h->data(), h->size());
  // RFC 2759 8.8 compares the hex text; upper and lower case digits are the same octets.
  std::string got(received.substr(0, 42));
  std::transform(got.begin(), got.end(), got.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return expect && CRYPTO_memcmp(expect->data(), got.data(), 42) == 0;
}

std::optional<PasswordBlock> new_password_encrypted(std::string_view new_password,
                                                    std::string_view old_password) {
  auto u = utf16le(new_password);
  auto old = nt_hash(old_password);
  if (!u || !old) return std::nullopt;
  // RFC 2759 8.10 EncryptPwBlockWithPasswordHash: random fill, the password at the end of the
  // 512-octet buffer, its length (octets) as a little-endian word after it.
  PasswordBlock clear{};
  if (RAND_bytes(clear.data(), 512) != 1) return std::nullopt;
  std::copy(u->begin(), u->end(), clear.begin() + static_cast<long>(512 - u->size()));
  const auto n = static_cast<uint32_t>(u->size());
  for (size_t i = 0; i < 4; ++i) clear[512 + i] = static_cast<uint8_t>(n >> (8 * i));
  PasswordBlock out{};
  const bool ok = rc4(*old, clear, out);
  OPENSSL_cleanse(clear.data(), clear.size());
  OPENSSL_cleanse(u->data(), u->size());
  OPENSSL_cleanse(old->data(), old->size());
  return ok ? std::optional(out) : std::nullopt;
}

std::optional<NtHash> old_hash_encrypted(std::string_view new_password,
                                         std::string_view old_password) {
  auto fresh = nt_hash(new_password);
  auto old = nt_hash(old_password);
  if (!fresh || !old) return std::nullopt;
  // RFC 2759 8.13 NtPasswordHashEncryptedWithBlock: two DES blocks keyed by the new hash.
  auto a = des_encrypt(std::span<const uint8_t, 8>(old->data(), 8),
                       std::span<const uint8_t, 7>(fresh->data(), 7));
  auto b = des_encrypt(std::span<const uint8_t, 8>(old->data() + 8, 8),
                       std::span<const uint8_t, 7>(fresh->data() + 7, 7));
  OPENSSL_cleanse(fresh->data(), fresh->size());
  OPENSSL_cleanse(old->data(), old->size());
  if (!a || !b) return std::nullopt;
  NtHash out{};
  std::copy(a->begin(), a->end(), out.begin());
  std::copy(b->begin(), b->end(), out.begin() + 8);
  return out;
}

std::optional<Failure> parse_failure(std::string_view text) {
  Failure f;
  bool have_error = false;
  while (!text.empty()) {
    if (text.front() == ' ') {
      text.remove_prefix(1);
      continue;
    }
    if (text.size() < 2 || text[1] != '=') return std::nullopt;
    const char key = text[0];
    // RFC 2759 6: M= runs to the end of the packet, spaces included.
    if (key == 'M') {
      f.message = printable(text.substr(2));
      break;
    }
    const size_t end = std::min(text.find(' '), text.size());
    const std::string_view value = text.substr(2, end - 2);
    text.remove_prefix(end);
    if (key == 'E') {
      auto e = number(value);
      if (!e || have_error) return std::nullopt;
      f.error = *e;
      have_error = true;
    } else if (key == 'R') {
      if (value != "0" && value != "1") return std::nullopt;
      f.retry = value == "1";
    } else if (key == 'C') {
      // 32 hex digits for MS-CHAPv2 (16 for v1, whose challenge we never use).
      if (value.size() == 16) continue;
      auto c = unhex<16>(value);
      if (!c) return std::nullopt;
      f.challenge = *c;
    } else if (key == 'V') {
      auto v = number(value);
      if (!v) return std::nullopt;
      f.version = *v;
    } else {
      return std::nullopt;
    }
  }
  if (!have_error) return std::nullopt;
  return f;
}

}  // namespace rampart::aaa::mschap
