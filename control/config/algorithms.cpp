#include "control/config/algorithms.hpp"

#include <array>

namespace rampart::config {

namespace {

using dataplane::EspAuth;
using dataplane::EspCipher;

// Rows are in the order the ASA lists the words in "?" help and in the grammar's choices.
// PIX 6.3 words are those of its "isakmp policy" and "crypto ipsec transform-set" commands:
// no SHA-2, no groups above 5 (its group 7 is an elliptic curve we do not carry). The PIX
// column is from secondary descriptions of PIX 6.3, not its command reference [U]: the AES
// words (6.3 added AES), esp-null and esp-none are the least certain.
constexpr std::array kIkeEncryptions{
    IkeEncryptionRow{IkeEncryption::Des,
                     {"des", "des", "des encryption type"},
                     1,
                     0,
                     8,
                     8,
                     "DES-CBC",
                     "DES",
                     "DES"},
    IkeEncryptionRow{IkeEncryption::TripleDes,
                     {"3des", "3des", "3des encryption type"},
                     5,
                     0,
                     24,
                     8,
                     "DES-EDE3-CBC",
                     "3DES",
                     "3DES"},
    IkeEncryptionRow{IkeEncryption::Aes128,
                     {"aes", "aes", "aes - 128 bit keys"},
                     7,
                     128,
                     16,
                     16,
                     "AES-128-CBC",
                     "AES",
                     "AES128"},
    IkeEncryptionRow{IkeEncryption::Aes192,
                     {"aes-192", "aes-192", "aes - 192 bit keys"},
                     7,
                     192,
                     24,
                     16,
                     "AES-192-CBC",
                     "AES",
                     "AES192"},
    IkeEncryptionRow{IkeEncryption::Aes256,
                     {"aes-256", "aes-256", "aes - 256 bit keys"},
                     7,
                     256,
                     32,
                     16,
                     "AES-256-CBC",
                     "AES",
                     "AES256"},
};

constexpr std::array kIkeHashes{
    IkeHashRow{IkeHash::Md5, {"md5", "md5", "set hash md5"}, 1, 16, "MD5", "MD5", "MD5"},
    IkeHashRow{IkeHash::Sha1, {"sha", "sha", "set hash sha1"}, 2, 20, "SHA1", "SHA", "SHA1"},
    IkeHashRow{
        IkeHash::Sha256, {"sha256", "", "set hash sha256"}, 4, 32, "SHA2-256", "SHA256", "SHA256"},
    IkeHashRow{
        IkeHash::Sha384, {"sha384", "", "set hash sha384"}, 5, 48, "SHA2-384", "SHA384", "SHA384"},
    IkeHashRow{
        IkeHash::Sha512, {"sha512", "", "set hash sha512"}, 6, 64, "SHA2-512", "SHA512", "SHA512"},
};

constexpr std::array kIkeAuthentications{
    IkeAuthenticationRow{IkeAuthentication::PreShare,
                         {"pre-share", "pre-share", "Set pre-shared key for authentication"},
                         1,
                         65001,
                         "Preshared Key"},
    IkeAuthenticationRow{IkeAuthentication::RsaSig,
                         {"rsa-sig", "rsa-sig", "Set RSA signature for authentication"},
                         3,
                         65003,
                         "RSA Signature"},
    // CRACK (draft-harkins-ipsra-crack) is accepted as a word but negotiated by nothing here;
    // the ASA's name for it in the mismatch line is not known to us [U].
    IkeAuthenticationRow{IkeAuthentication::Crack,
                         {"crack", "", "Set challenge/response for authentication"},
                         0,
                         0,
                         "RSA Signature"},
};

constexpr std::array kDhGroups{
    DhGroupRow{1, "group1", "D-H Group 1", {"1", "1", "Group 1 (768-bit modulus)"}, 96, false, ""},
    DhGroupRow{
        2, "group2", "D-H Group 2", {"2", "2", "Group 2 (1024-bit modulus)"}, 128, false, ""},
    DhGroupRow{5,
               "group5",
               "D-H Group 5",
               {"5", "5", "Group 5 (1536-bit modulus)"},
               192,
               false,
               "modp_1536"},
    DhGroupRow{14,
               "group14",
               "D-H Group 14",
               {"14", "", "Group 14 (2048-bit modulus)"},
               256,
               false,
               "modp_2048"},
    DhGroupRow{15,
               "group15",
               "D-H Group 15",
               {"15", "", "Group 15 (3072-bit modulus)"},
               384,
               false,
               "modp_3072"},
    DhGroupRow{16,
               "group16",
               "D-H Group 16",
               {"16", "", "Group 16 (4096-bit modulus)"},
               512,
               false,
               "modp_4096"},
    DhGroupRow{19,
               "group19",
               "D-H Group 19",
               {"19", "", "Group 19 (256-bit elliptic curve)"},
               64,
               true,
               "P-256"},
    DhGroupRow{20,
               "group20",
               "D-H Group 20",
               {"20", "", "Group 20 (384-bit elliptic curve)"},
               96,
               true,
               "P-384"},
    DhGroupRow{21,
               "group21",
               "D-H Group 21",
               {"21", "", "Group 21 (521-bit elliptic curve)"},
               132,
               true,
               "P-521"},
};

constexpr std::array kEspEncryptions{
    EspEncryptionRow{EspEncryption::Des,
                     {"esp-des", "esp-des", "esp des encryption type"},
                     2,
                     0,
                     EspCipher::Des,
                     8,
                     8,
                     8,
                     "DES-CBC",
                     "DES"},
    EspEncryptionRow{EspEncryption::TripleDes,
                     {"esp-3des", "esp-3des", "esp 3des encryption type"},
                     3,
                     0,
                     EspCipher::TripleDes,
                     24,
                     8,
                     8,
                     "DES-EDE3-CBC",
                     "3DES"},
    EspEncryptionRow{EspEncryption::Aes128,
                     {"esp-aes", "esp-aes", "esp aes 128 encryption"},
                     12,
                     128,
                     EspCipher::AesCbc128,
                     16,
                     16,
                     16,
                     "AES-128-CBC",
                     "AES128"},
    EspEncryptionRow{EspEncryption::Aes192,
                     {"esp-aes-192", "esp-aes-192", "esp aes 192 encryption"},
                     12,
                     192,
                     EspCipher::AesCbc192,
                     24,
                     16,
                     16,
                     "AES-192-CBC",
                     "AES192"},
    EspEncryptionRow{EspEncryption::Aes256,
                     {"esp-aes-256", "esp-aes-256", "esp aes 256 encryption"},
                     12,
                     256,
                     EspCipher::AesCbc256,
                     32,
                     16,
                     16,
                     "AES-256-CBC",
                     "AES256"},
    // RFC 4303 2.4: with no cipher block the payload still pads to 4 bytes.
    EspEncryptionRow{EspEncryption::Null,
                     {"esp-null", "esp-null", "esp null encryption type"},
                     11,
                     0,
                     EspCipher::Null,
                     0,
                     0,
                     4,
                     "",
                     "none"},
};

constexpr std::array kEspIntegrities{
    EspIntegrityRow{EspIntegrity::Md5,
                    {"esp-md5-hmac", "esp-md5-hmac", "esp md5 authentication"},
                    1,
                    EspAuth::HmacMd5,
                    16,
                    12,
                    "MD5",
                    "MD5",
                    "esp-md5-hmac"},
    EspIntegrityRow{EspIntegrity::Sha1,
                    {"esp-sha-hmac", "esp-sha-hmac", "esp sha authentication"},
                    2,
                    EspAuth::HmacSha1,
                    20,
                    12,
                    "SHA1",
                    "SHA1",
                    "esp-sha-hmac"},
    EspIntegrityRow{EspIntegrity::Sha256,
                    {"esp-sha256-hmac", "", "esp sha-256 authentication"},
                    5,
                    EspAuth::HmacSha256,
                    32,
                    16,
                    "SHA2-256",
                    "SHA256",
                    "esp-sha256-hmac"},
    EspIntegrityRow{EspIntegrity::Sha384,
                    {"esp-sha384-hmac", "", "esp sha-384 authentication"},
                    6,
                    EspAuth::HmacSha384,
                    48,
                    24,
                    "SHA2-384",
                    "SHA384",
                    "esp-sha384-hmac"},
    EspIntegrityRow{EspIntegrity::Sha512,
                    {"esp-sha512-hmac", "", "esp sha-512 authentication"},
                    7,
                    EspAuth::HmacSha512,
                    64,
                    32,
                    "SHA2-512",
                    "SHA512",
                    "esp-sha512-hmac"},
    EspIntegrityRow{EspIntegrity::None,
                    {"esp-none", "esp-none", "esp no authentication"},
                    0,
                    EspAuth::None,
                    0,
                    0,
                    "",
                    "none",
                    "no sa-hmac"},
};

// The dataplane sizes every packet by its own constexpr functions; the ESP rows must say the
// same, or the keys IKE derives would not be the keys the dataplane expects.
constexpr bool esp_rows_agree_with_dataplane() {
  for (const auto& r : kEspEncryptions)
    if (r.key_bytes != dataplane::key_bytes(r.dataplane) ||
        r.iv_bytes != dataplane::iv_bytes(r.dataplane) ||
        r.block_bytes != dataplane::pad_block(r.dataplane))
      return false;
  for (const auto& r : kEspIntegrities)
    if (r.icv_bytes != dataplane::icv_bytes(EspCipher::AesCbc128, r.dataplane)) return false;
  return true;
}
static_assert(esp_rows_agree_with_dataplane());

// Each enum's rows are indexed by the enumerator in row(); they must be complete.
template <typename Rows>
constexpr bool complete(const Rows& rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    bool found = false;
    for (const auto& r : rows) found = found || static_cast<size_t>(r.id) == i;
    if (!found) return false;
  }
  return true;
}
static_assert(kIkeEncryptions.size() == kIkeEncryptionCount && kIkeHashes.size() == kIkeHashCount &&
              kEspEncryptions.size() == kEspEncryptionCount &&
              kEspIntegrities.size() == kEspIntegrityCount);
static_assert(complete(kIkeEncryptions) && complete(kIkeHashes) && complete(kIkeAuthentications) &&
              complete(kEspEncryptions) && complete(kEspIntegrities));

template <typename Rows, typename Id>
const auto& find_row(const Rows& rows, Id id) {
  for (const auto& r : rows)
    if (r.id == id) return r;
  return rows.front();  // unreachable: complete() holds
}

template <typename Rows>
auto parse(const Rows& rows, std::string_view word, Dialect d)
    -> std::optional<decltype(rows.front().id)> {
  for (const auto& r : rows)
    if (!r.words.in(d).empty() && r.words.in(d) == word) return r.id;
  return std::nullopt;
}

template <typename Rows>
Choices choices(const Rows& rows, Dialect d) {
  Choices c;
  for (const auto& r : rows) {
    if (r.words.in(d).empty()) continue;
    c.words += std::string(c.words.empty() ? "" : "|") + std::string(r.words.in(d));
    c.help += std::string(c.help.empty() ? "" : "|") + std::string(r.words.help);
  }
  return c;
}

}  // namespace

std::span<const IkeEncryptionRow> ike_encryptions() {
  return kIkeEncryptions;
}
std::span<const IkeHashRow> ike_hashes() {
  return kIkeHashes;
}
std::span<const IkeAuthenticationRow> ike_authentications() {
  return kIkeAuthentications;
}
std::span<const DhGroupRow> dh_groups() {
  return kDhGroups;
}
std::span<const EspEncryptionRow> esp_encryptions() {
  return kEspEncryptions;
}
std::span<const EspIntegrityRow> esp_integrities() {
  return kEspIntegrities;
}

const IkeEncryptionRow& row(IkeEncryption a) {
  return find_row(kIkeEncryptions, a);
}
const IkeHashRow& row(IkeHash a) {
  return find_row(kIkeHashes, a);
}
const IkeAuthenticationRow& row(IkeAuthentication a) {
  return find_row(kIkeAuthentications, a);
}
const EspEncryptionRow& row(EspEncryption a) {
  return find_row(kEspEncryptions, a);
}
const EspIntegrityRow& row(EspIntegrity a) {
  return find_row(kEspIntegrities, a);
}

const DhGroupRow* dh_group(int group) {
  for (const auto& r : kDhGroups)
    if (r.group == group) return &r;
  return nullptr;
}

std::optional<IkeEncryption> parse_ike_encryption(std::string_view word, Dialect d) {
  return parse(kIkeEncryptions, word, d);
}
std::optional<IkeHash> parse_ike_hash(std::string_view word, Dialect d) {
  return parse(kIkeHashes, word, d);
}
std::optional<IkeAuthentication> parse_ike_authentication(std::string_view word, Dialect d) {
  return parse(kIkeAuthentications, word, d);
}
std::optional<EspEncryption> parse_esp_encryption(std::string_view word, Dialect d) {
  return parse(kEspEncryptions, word, d);
}
std::optional<EspIntegrity> parse_esp_integrity(std::string_view word, Dialect d) {
  return parse(kEspIntegrities, word, d);
}

std::optional<int> parse_dh_group(std::string_view word, Dialect d) {
  for (const auto& r : kDhGroups)
    if (!r.words.in(d).empty() && r.words.in(d) == word) return r.group;
  return std::nullopt;
}

std::optional<int> parse_pfs_group(std::string_view word) {
  for (const auto& r : kDhGroups)
    if (r.asa_pfs == word) return r.group;
  return std::nullopt;
}

std::optional<IkeEncryption> ike_encryption_of(uint16_t iana, uint16_t key_bits) {
  for (const auto& r : kIkeEncryptions)
    if (r.iana == iana && r.key_attr == key_bits) return r.id;
  return std::nullopt;
}

std::optional<IkeHash> ike_hash_of(uint16_t iana) {
  for (const auto& r : kIkeHashes)
    if (r.iana == iana) return r.id;
  return std::nullopt;
}

std::optional<EspEncryption> esp_encryption_of(uint8_t iana, uint16_t key_bits) {
  for (const auto& r : kEspEncryptions)
    if (r.iana == iana && r.key_attr == key_bits) return r.id;
  return std::nullopt;
}

std::optional<EspIntegrity> esp_integrity_of(uint16_t iana) {
  for (const auto& r : kEspIntegrities)
    if (r.iana == iana) return r.id;
  return std::nullopt;
}

// Both dialects' lists of a table, made on first use and kept for the program's life.
template <const auto& rows>
const Choices& kept(Dialect d) {
  static const Choices asa = choices(rows, Dialect::Asa), pix = choices(rows, Dialect::Pix);
  return d == Dialect::Asa ? asa : pix;
}

const Choices& ike_encryption_choices(Dialect d) {
  return kept<kIkeEncryptions>(d);
}
const Choices& ike_hash_choices(Dialect d) {
  return kept<kIkeHashes>(d);
}
const Choices& ike_authentication_choices(Dialect d) {
  return kept<kIkeAuthentications>(d);
}
const Choices& dh_group_choices(Dialect d) {
  return kept<kDhGroups>(d);
}
const Choices& esp_encryption_choices(Dialect d) {
  return kept<kEspEncryptions>(d);
}
const Choices& esp_integrity_choices(Dialect d) {
  return kept<kEspIntegrities>(d);
}
const Choices& pfs_group_choices() {
  static const Choices c = [] {
    Choices c;
    for (const auto& r : kDhGroups) {
      c.words += std::string(c.words.empty() ? "" : "|") + std::string(r.asa_pfs);
      c.help += std::string(c.help.empty() ? "" : "|") + std::string(r.pfs_help);
    }
    return c;
  }();
  return c;
}

}  // namespace rampart::config
