// The one algorithm table: every IKE phase-1 cipher, hash, authentication method and DH group
// and every ESP cipher and integrity transform, with its spelling in each CLI dialect (ASA
// 8.4/9.x "crypto ikev1 policy" / "crypto ipsec ikev1 transform-set" words, PIX 6.3 "isakmp
// policy" / "crypto ipsec transform-set" words), its IANA number, its sizes and its OpenSSL
// name. The CLI turns words into these enums once; the model stores the enums; everything else
// (proposal matching, key derivation, show output, the dataplane hand-off) reads a row.
//
// Where it lives, and why: the dependency order is cli -> control -> dataplane -> platform, and
// the dataplane must not see configuration words. So the dataplane keeps only its numeric
// EspCipher/EspAuth and their constexpr sizes (dataplane/crypto/transform.hpp, read per packet
// by a switch the compiler folds), and each ESP row here names the dataplane's enum and carries
// the same sizes, which algorithms.cpp checks against the dataplane's at compile time
// (static_assert): one table to read, no second copy that can drift.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dataplane/crypto/transform.hpp"

namespace rampart::config {

// Which CLI dialect a word is read in or written for.
enum class Dialect : uint8_t { Asa, Pix };

enum class IkeEncryption : uint8_t { Des, TripleDes, Aes128, Aes192, Aes256 };
enum class IkeHash : uint8_t { Md5, Sha1, Sha256, Sha384, Sha512 };
enum class IkeAuthentication : uint8_t { PreShare, RsaSig, Crack };
enum class EspEncryption : uint8_t { Des, TripleDes, Aes128, Aes192, Aes256, Null };
enum class EspIntegrity : uint8_t { None, Md5, Sha1, Sha256, Sha384, Sha512 };
// How many enumerators (and rows) each has, for arrays indexed by them.
constexpr size_t kIkeEncryptionCount = 5, kIkeHashCount = 5, kEspEncryptionCount = 6,
                 kEspIntegrityCount = 6;

// The words of one algorithm: the ASA's, the PIX 6.3's (empty where PIX 6.3 had no such
// algorithm) and the "?" help of the ASA's word.
struct Words {
  std::string_view asa, pix, help;
  std::string_view in(Dialect d) const { return d == Dialect::Asa ? asa : pix; }
};

// RFC 2409 appendix A class 1 (Encryption Algorithm) and class 14 (Key Length).
struct IkeEncryptionRow {
  IkeEncryption id;
  Words words;
  uint16_t iana;             // Encryption Algorithm value
  uint16_t key_attr;         // Key Length attribute (bits) sent and required; 0: none (fixed key)
  size_t key_bytes;          // the cipher's key
  size_t block_bytes;        // its block, which is also the IV (RFC 2409 appendix B)
  std::string_view openssl;  // EVP cipher name
  std::string_view debug;    // "Phase 1 failure: ... Rcv'd: AES" (by IANA value, any key length)
  std::string_view session;  // show vpn-sessiondb: "AES256"
};

// RFC 2409 appendix A class 2 (Hash Algorithm); the PRF is HMAC over it.
struct IkeHashRow {
  IkeHash id;
  Words words;
  uint16_t iana;
  size_t digest_bytes;
  std::string_view openssl;  // EVP digest name
  std::string_view debug;    // debug lines and show crypto isakmp sa detail: "SHA"
  std::string_view session;  // show vpn-sessiondb: "SHA1"
};

// RFC 2409 appendix A class 3 (Authentication Method), with the XAUTH variant a client offers
// for the same credential (draft-ietf-ipsec-isakmp-xauth-06 6.1). CRACK has no value here.
struct IkeAuthenticationRow {
  IkeAuthentication id;
  Words words;
  uint16_t iana;           // 0: not offered by an initiator, matches nothing
  uint16_t iana_xauth;     // the XAUTHInit variant
  std::string_view debug;  // "Cfg'd: Preshared Key"
};

// RFC 2409 appendix A class 4 (Group Description): RFC 2409 6, RFC 3526, RFC 5903.
struct DhGroupRow {
  int group;                 // the IANA number, which is also the policy's word
  std::string_view asa_pfs;  // crypto map "set pfs group14"
  std::string_view pfs_help;
  Words words;               // ikev1 policy "group 14"
  size_t public_bytes;       // the KE payload: modulus, or 2 x field for ECP
  bool ecp;                  // an elliptic curve (RFC 5903), else a MODP group
  std::string_view openssl;  // OpenSSL group name; empty for RFC 2409's, OpenSSL has none
};

// RFC 2407 4.4.4 (IPSEC transform identifiers) with RFC 2407 4.5 Key Length for AES (RFC 3602).
struct EspEncryptionRow {
  EspEncryption id;
  Words words;
  uint8_t iana;       // ESP transform id
  uint16_t key_attr;  // Key Length attribute (bits); 0: none
  dataplane::EspCipher dataplane;
  size_t key_bytes, iv_bytes, block_bytes;  // block: what the payload pads to
  std::string_view openssl;                 // empty for NULL
  std::string_view session;                 // show vpn-sessiondb: "AES256", "none"
};

// RFC 2407 4.5 Authentication Algorithm; ICVs truncated as RFC 2404/4868 say.
struct EspIntegrityRow {
  EspIntegrity id;
  Words words;
  uint16_t iana;  // 0: no authentication attribute
  dataplane::EspAuth dataplane;
  size_t key_bytes, icv_bytes;
  std::string_view openssl;  // EVP digest name; empty for none
  std::string_view session;  // show vpn-sessiondb: "SHA1", "none"
  std::string_view show;     // show crypto ipsec sa "transform:": "esp-sha-hmac", "no sa-hmac"
};

std::span<const IkeEncryptionRow> ike_encryptions();
std::span<const IkeHashRow> ike_hashes();
std::span<const IkeAuthenticationRow> ike_authentications();
std::span<const DhGroupRow> dh_groups();
std::span<const EspEncryptionRow> esp_encryptions();
std::span<const EspIntegrityRow> esp_integrities();

// A row by its enum (every enumerator has one).
const IkeEncryptionRow& row(IkeEncryption a);
const IkeHashRow& row(IkeHash a);
const IkeAuthenticationRow& row(IkeAuthentication a);
const EspEncryptionRow& row(EspEncryption a);
const EspIntegrityRow& row(EspIntegrity a);
const DhGroupRow* dh_group(int group);  // nullptr: not a group we have

// The CLI boundary: a dialect's word to the enum, nullopt for a word that dialect lacks.
std::optional<IkeEncryption> parse_ike_encryption(std::string_view word, Dialect d);
std::optional<IkeHash> parse_ike_hash(std::string_view word, Dialect d);
std::optional<IkeAuthentication> parse_ike_authentication(std::string_view word, Dialect d);
std::optional<int> parse_dh_group(std::string_view word, Dialect d);  // "14" (policy)
std::optional<int> parse_pfs_group(std::string_view word);            // "group14" (ASA)
std::optional<EspEncryption> parse_esp_encryption(std::string_view word, Dialect d);
std::optional<EspIntegrity> parse_esp_integrity(std::string_view word, Dialect d);

// The wire's numbers to the enum (what a peer offered); nullopt for what we do not carry.
std::optional<IkeEncryption> ike_encryption_of(uint16_t iana, uint16_t key_bits);
std::optional<IkeHash> ike_hash_of(uint16_t iana);
std::optional<EspEncryption> esp_encryption_of(uint8_t iana, uint16_t key_bits);
std::optional<EspIntegrity> esp_integrity_of(uint16_t iana);

// The grammar's choice list and its help, "des|3des|aes" and "help|help|help", in table order,
// for the words a dialect has. Made once and kept: the grammar holds views of them.
struct Choices {
  std::string words, help;
};
const Choices& ike_encryption_choices(Dialect d);
const Choices& ike_hash_choices(Dialect d);
const Choices& ike_authentication_choices(Dialect d);
const Choices& dh_group_choices(Dialect d);
const Choices& pfs_group_choices();
const Choices& esp_encryption_choices(Dialect d);
const Choices& esp_integrity_choices(Dialect d);

}  // namespace rampart::config
