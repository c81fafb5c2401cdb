// The algorithm table (control/config/algorithms): every word of each dialect reads back to
// the row it came from, the wire numbers find their row, and every size agrees with what
// OpenSSL itself says of the cipher or digest the row names.
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>

#include "control/config/algorithms.hpp"
#include "control/ike/codec/constants.hpp"
#include "control/ike/crypto/dh.hpp"

namespace algorithms_test {

using namespace rampart::config;

namespace {

// DES is in OpenSSL 3's legacy provider; the default one must then be loaded explicitly. Kept
// loaded until exit, as the code under test keeps them: unloading would take the default
// provider from every later test.
struct Providers {
  OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  ~Providers() {
    if (legacy) OSSL_PROVIDER_unload(legacy);
    if (base) OSSL_PROVIDER_unload(base);
  }
};

struct CipherFree {
  void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
};
struct MdFree {
  void operator()(EVP_MD* m) const { EVP_MD_free(m); }
};

std::unique_ptr<EVP_CIPHER, CipherFree> cipher(std::string_view name) {
  return std::unique_ptr<EVP_CIPHER, CipherFree>(
      EVP_CIPHER_fetch(nullptr, std::string(name).c_str(), nullptr));
}
std::unique_ptr<EVP_MD, MdFree> digest(std::string_view name) {
  return std::unique_ptr<EVP_MD, MdFree>(EVP_MD_fetch(nullptr, std::string(name).c_str(), nullptr));
}

// Every word of a dialect parses to its own row, no two rows share a word, and a word the
// dialect lacks is refused.
template <typename Rows, typename Parse>
void round_trips(const Rows& rows, Parse parse) {
  for (Dialect d : {Dialect::Asa, Dialect::Pix}) {
    std::set<std::string_view> seen;
    for (const auto& r : rows) {
      std::string_view w = r.words.in(d);
      INFO("word '" << w << "' dialect " << (d == Dialect::Asa ? "ASA" : "PIX"));
      if (w.empty()) continue;
      CHECK(seen.insert(w).second);
      auto id = parse(w, d);
      REQUIRE(id);
      CHECK(*id == r.id);
      CHECK(row(*id).words.in(d) == w);
    }
    CHECK_FALSE(parse("blowfish", d));
    CHECK_FALSE(parse("", d));
  }
}

}  // namespace

TEST_CASE("every ASA and PIX word reads back to its own row", "[algorithms]") {
  round_trips(ike_encryptions(), parse_ike_encryption);
  round_trips(ike_hashes(), parse_ike_hash);
  round_trips(ike_authentications(), parse_ike_authentication);
  round_trips(esp_encryptions(), parse_esp_encryption);
  round_trips(esp_integrities(), parse_esp_integrity);
  for (Dialect d : {Dialect::Asa, Dialect::Pix})
    for (const auto& g : dh_groups()) {
      if (g.words.in(d).empty()) continue;
      CHECK(parse_dh_group(g.words.in(d), d) == g.group);
      CHECK(dh_group(g.group) == &g);
    }
  for (const auto& g : dh_groups()) CHECK(parse_pfs_group(g.asa_pfs) == g.group);
  CHECK_FALSE(parse_pfs_group("group3"));
  CHECK_FALSE(dh_group(3));
}

TEST_CASE("PIX 6.3 words are the older subset", "[algorithms]") {
  // What a PIX 6.3 "isakmp policy" line could not say is refused in that dialect.
  CHECK(parse_ike_hash("sha256", Dialect::Asa) == IkeHash::Sha256);
  CHECK_FALSE(parse_ike_hash("sha256", Dialect::Pix));
  CHECK_FALSE(parse_dh_group("14", Dialect::Pix));
  CHECK(parse_dh_group("5", Dialect::Pix) == 5);
  CHECK_FALSE(parse_esp_integrity("esp-sha512-hmac", Dialect::Pix));
  CHECK(ike_hash_choices(Dialect::Pix).words == "md5|sha");
  CHECK(ike_hash_choices(Dialect::Asa).words == "md5|sha|sha256|sha384|sha512");
}

TEST_CASE("wire numbers find their row, and only theirs", "[algorithms]") {
  for (const auto& r : ike_encryptions()) CHECK(ike_encryption_of(r.iana, r.key_attr) == r.id);
  for (const auto& r : ike_hashes()) CHECK(ike_hash_of(r.iana) == r.id);
  for (const auto& r : esp_encryptions()) CHECK(esp_encryption_of(r.iana, r.key_attr) == r.id);
  for (const auto& r : esp_integrities()) CHECK(esp_integrity_of(r.iana) == r.id);
  // AES with an odd key length, or none, is no row (the caller decides what "none" means).
  CHECK_FALSE(ike_encryption_of(7, 0));
  CHECK_FALSE(ike_encryption_of(7, 64));
  CHECK_FALSE(esp_encryption_of(12, 100));
  CHECK_FALSE(ike_hash_of(3));  // Tiger
  CHECK_FALSE(esp_integrity_of(3));
}

TEST_CASE("the wire constants the load client reads agree with the table", "[algorithms]") {
  using namespace rampart::ike;
  CHECK(row(EspEncryption::Des).iana == p2attr::kEspDes);
  CHECK(row(EspEncryption::TripleDes).iana == p2attr::kEsp3Des);
  CHECK(row(EspEncryption::Null).iana == p2attr::kEspNull);
  CHECK(row(EspEncryption::Aes256).iana == p2attr::kEspAes);
  CHECK(row(EspIntegrity::Md5).iana == p2attr::kHmacMd5);
  CHECK(row(EspIntegrity::Sha1).iana == p2attr::kHmacSha);
  CHECK(row(EspIntegrity::Sha256).iana == p2attr::kHmacSha256);
  CHECK(row(EspIntegrity::Sha384).iana == p2attr::kHmacSha384);
  CHECK(row(EspIntegrity::Sha512).iana == p2attr::kHmacSha512);
  CHECK(row(IkeAuthentication::PreShare).iana == p1attr::kAuthPsk);
  CHECK(row(IkeAuthentication::PreShare).iana_xauth == p1attr::kAuthXauthInitPsk);
  CHECK(row(IkeAuthentication::RsaSig).iana == p1attr::kAuthRsaSig);
  CHECK(row(IkeAuthentication::RsaSig).iana_xauth == p1attr::kAuthXauthInitRsa);
}

TEST_CASE("sizes agree with OpenSSL's own", "[algorithms]") {
  static Providers providers;
  for (const auto& r : ike_encryptions()) {
    INFO(r.openssl);
    auto c = cipher(r.openssl);
    REQUIRE(c);
    CHECK(static_cast<size_t>(EVP_CIPHER_get_key_length(c.get())) == r.key_bytes);
    CHECK(static_cast<size_t>(EVP_CIPHER_get_iv_length(c.get())) == r.block_bytes);
    CHECK(static_cast<size_t>(EVP_CIPHER_get_block_size(c.get())) == r.block_bytes);
    CHECK(r.key_attr == (r.iana == 7 ? r.key_bytes * 8 : 0));
  }
  for (const auto& r : ike_hashes()) {
    INFO(r.openssl);
    auto m = digest(r.openssl);
    REQUIRE(m);
    CHECK(static_cast<size_t>(EVP_MD_get_size(m.get())) == r.digest_bytes);
  }
  for (const auto& r : esp_encryptions()) {
    INFO(r.words.asa);
    if (r.openssl.empty()) {
      CHECK(r.key_bytes == 0);
      CHECK(r.iv_bytes == 0);
      continue;
    }
    auto c = cipher(r.openssl);
    REQUIRE(c);
    CHECK(static_cast<size_t>(EVP_CIPHER_get_key_length(c.get())) == r.key_bytes);
    CHECK(static_cast<size_t>(EVP_CIPHER_get_iv_length(c.get())) == r.iv_bytes);
    CHECK(static_cast<size_t>(EVP_CIPHER_get_block_size(c.get())) == r.block_bytes);
    CHECK(r.key_attr == (r.iana == 12 ? r.key_bytes * 8 : 0));
  }
  for (const auto& r : esp_integrities()) {
    INFO(r.words.asa);
    if (r.openssl.empty()) {
      CHECK(r.key_bytes == 0);
      CHECK(r.icv_bytes == 0);
      continue;
    }
    auto m = digest(r.openssl);
    REQUIRE(m);
    // RFC 2403/2404/4868: the HMAC key is the digest's length, the ICV half of it (96 bits
    // for MD5 and SHA-1).
    CHECK(static_cast<size_t>(EVP_MD_get_size(m.get())) == r.key_bytes);
    CHECK(r.icv_bytes == (r.key_bytes <= 20 ? 12 : r.key_bytes / 2));
  }
}

// A key of the group OpenSSL knows by the row's name, made by OpenSSL alone.
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
std::unique_ptr<EVP_PKEY, PkeyFree> named_key(const DhGroupRow& g) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, g.ecp ? "EC" : "DH", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), std::string(g.openssl).c_str()) != 1 ||
      EVP_PKEY_generate(ctx.get(), &key) != 1)
    return nullptr;
  return std::unique_ptr<EVP_PKEY, PkeyFree>(key);
}

TEST_CASE("DH rows agree with the groups OpenSSL computes", "[algorithms]") {
  for (const auto& g : dh_groups()) {
    INFO("group " << g.group);
    auto key = rampart::ike::DhKey::generate(g.group);
    REQUIRE(key);
    CHECK(key->public_value().size() == g.public_bytes);
    if (g.openssl.empty()) continue;  // RFC 2409's groups 1 and 2 have no OpenSSL name
    auto named = named_key(g);
    REQUIRE(named);
    size_t bytes = (static_cast<size_t>(EVP_PKEY_get_bits(named.get())) + 7) / 8;
    CHECK((g.ecp ? 2 * bytes : bytes) == g.public_bytes);
  }
}
}  // namespace algorithms_test
