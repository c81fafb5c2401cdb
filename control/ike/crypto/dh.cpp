#include "control/ike/crypto/dh.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <fmt/format.h>

namespace rampart::ike {

namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct PctxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using Pctx = std::unique_ptr<EVP_PKEY_CTX, PctxFree>;

// The MODP primes as OpenSSL carries them from RFC 2409 and RFC 3526; the generator is 2.
BIGNUM* modp_prime(int group) {
  switch (group) {
    case 1:
      return BN_get_rfc2409_prime_768(nullptr);
    case 2:
      return BN_get_rfc2409_prime_1024(nullptr);
    case 5:
      return BN_get_rfc3526_prime_1536(nullptr);
    case 14:
      return BN_get_rfc3526_prime_2048(nullptr);
    case 15:
      return BN_get_rfc3526_prime_3072(nullptr);
    case 16:
      return BN_get_rfc3526_prime_4096(nullptr);
    default:
      return nullptr;
  }
}

// An ECP group's curve is its OpenSSL name in the algorithm table (a literal, so its view ends
// in a NUL); MODP groups have none.
const char* curve(int group) {
  const config::DhGroupRow* r = config::dh_group(group);
  return r && r->ecp ? r->openssl.data() : nullptr;
}

// RFC 5903 7: the KE payload is x | y, each the field's length.
size_t field_bytes(int group) {
  return config::dh_group(group)->public_bytes / 2;
}

Bytes to_fixed(const BIGNUM* b, size_t len) {
  Bytes out(len);
  BN_bn2binpad(b, out.data(), static_cast<int>(len));
  return out;
}

}  // namespace

struct DhKey::Impl {
  Bn p, x;  // MODP
  Pkey ec;  // ECP
};

bool dh_group_supported(int group) {
  return config::dh_group(group) != nullptr;
}

size_t dh_public_length(int group) {
  const config::DhGroupRow* r = config::dh_group(group);
  return r ? r->public_bytes : 0;
}

DhKey::DhKey(int group, std::unique_ptr<Impl> impl, Bytes pub)
    : group_(group), impl_(std::move(impl)), public_(std::move(pub)) {}
DhKey::DhKey(DhKey&&) noexcept = default;
DhKey& DhKey::operator=(DhKey&&) noexcept = default;
DhKey::~DhKey() = default;

rampart::expected<DhKey, std::string> DhKey::generate(int group) {
  auto impl = std::make_unique<Impl>();
  if (const char* c = curve(group)) {
    EVP_PKEY* raw = EVP_EC_gen(c);
    if (!raw) return rampart::unexpected(fmt::format("cannot generate a {} key", c));
    impl->ec.reset(raw);
    // The octet string is 04 | x | y; the KE payload carries x | y (RFC 5903 7).
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(raw, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &len);
    Bytes pt(len);
    EVP_PKEY_get_octet_string_param(raw, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt.data(), len, &len);
    if (len != 1 + 2 * field_bytes(group) || pt[0] != 0x04)
      return rampart::unexpected(std::string("unexpected EC point encoding"));
    return DhKey(group, std::move(impl), Bytes(pt.begin() + 1, pt.end()));
  }
  impl->p.reset(modp_prime(group));
  if (!impl->p) return rampart::unexpected(fmt::format("DH group {} is not supported", group));
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  // A 256-bit exponent: twice the security of the strongest group here (RFC 3526 8).
  impl->x.reset(BN_secure_new());
  if (!BN_priv_rand(impl->x.get(), 256, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY))
    return rampart::unexpected(std::string("no randomness for a DH key"));
  BN_set_flags(impl->x.get(), BN_FLG_CONSTTIME);
  Bn g(BN_new()), y(BN_new());
  BN_set_word(g.get(), 2);
  if (!BN_mod_exp_mont_consttime(y.get(), g.get(), impl->x.get(), impl->p.get(), ctx.get(),
                                 nullptr))
    return rampart::unexpected(std::string("DH exponentiation failed"));
  Bytes pub = to_fixed(y.get(), static_cast<size_t>(BN_num_bytes(impl->p.get())));
  return DhKey(group, std::move(impl), std::move(pub));
}

rampart::expected<SecretBytes, std::string> DhKey::shared_secret(const Bytes& peer) const {
  if (peer.size() != dh_public_length(group_))
    return rampart::unexpected(
        fmt::format("KE payload length {} is wrong for group {}", peer.size(), group_));
  if (impl_->ec) {
    Bytes pt{0x04};
    pt.insert(pt.end(), peer.begin(), peer.end());
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                        OSSL_PARAM_BLD_free);
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve(group_), 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pt.data(), pt.size());
    std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
        OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
    Pctx fctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* raw = nullptr;
    // fromdata refuses a point that is not on the curve.
    if (EVP_PKEY_fromdata_init(fctx.get()) <= 0 ||
        EVP_PKEY_fromdata(fctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
      return rampart::unexpected(std::string("the peer's public value is not on the curve"));
    Pkey peer_key(raw);
    Pctx check(EVP_PKEY_CTX_new_from_pkey(nullptr, raw, nullptr));
    if (EVP_PKEY_public_check(check.get()) <= 0)
      return rampart::unexpected(std::string("the peer's public value is not on the curve"));
    Pctx dctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl_->ec.get(), nullptr));
    size_t len = 0;
    if (EVP_PKEY_derive_init(dctx.get()) <= 0 || EVP_PKEY_derive_set_peer(dctx.get(), raw) <= 0 ||
        EVP_PKEY_derive(dctx.get(), nullptr, &len) <= 0)
      return rampart::unexpected(std::string("ECDH failed"));
    Bytes z(len);
    if (EVP_PKEY_derive(dctx.get(), z.data(), &len) <= 0)
      return rampart::unexpected(std::string("ECDH failed"));
    z.resize(len);
    return SecretBytes(std::move(z));  // the x coordinate (RFC 5903 7)
  }
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  Bn y(BN_bin2bn(peer.data(), static_cast<int>(peer.size()), nullptr));
  // 1 < y < p - 1: the values that would force a known shared secret are refused.
  Bn pm1(BN_dup(impl_->p.get()));
  BN_sub_word(pm1.get(), 1);
  if (BN_cmp(y.get(), BN_value_one()) <= 0 || BN_cmp(y.get(), pm1.get()) >= 0)
    return rampart::unexpected(std::string("the peer's public value is outside the group"));
  Bn z(BN_secure_new());
  if (!BN_mod_exp_mont_consttime(z.get(), y.get(), impl_->x.get(), impl_->p.get(), ctx.get(),
                                 nullptr))
    return rampart::unexpected(std::string("DH exponentiation failed"));
  return SecretBytes(to_fixed(z.get(), static_cast<size_t>(BN_num_bytes(impl_->p.get()))));
}

rampart::expected<DhExchange, std::string> dh_respond(int group, const Bytes& peer_public) {
  auto key = DhKey::generate(group);
  if (!key) return rampart::unexpected(key.error());
  auto shared = key->shared_secret(peer_public);
  if (!shared) return rampart::unexpected(shared.error());
  return DhExchange{key->public_value(), std::move(*shared)};
}

}  // namespace rampart::ike
