// MS-CHAPv2 (RFC 2759) as a RADIUS client computes it for password-management: the
// NT-Response to an authenticator challenge, the check of the server's authenticator response
// ("S=..."), and the password-change blocks (RFC 2759 8.9-8.13).
//
// MD4, single DES and RC4 are "legacy" algorithms in OpenSSL 3. They are fetched from a
// private library context that has the legacy provider loaded: this code never loads it into
// the default context (IKE's crypto/cipher.cpp does, for single-DES proposals; that is its own
// choice), and works whether or not the default context has it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rampart::aaa::mschap {

using Challenge = std::array<uint8_t, 16>;       // AuthenticatorChallenge, PeerChallenge
using NtHash = std::array<uint8_t, 16>;          // RFC 2759 8.3 PasswordHash
using NtResponse = std::array<uint8_t, 24>;      // RFC 2759 8.1
using PasswordBlock = std::array<uint8_t, 516>;  // RFC 2759 8.10 PWBLOCK

// RFC 2759 8.10: a password of up to 256 Unicode characters.
constexpr size_t kMaxPasswordChars = 256;

// False when the legacy provider cannot be loaded (then nothing here works and MS-CHAPv2 is
// refused with an error, never silently replaced by PAP).
bool available();

// The password as RFC 2759 hashes it: UTF-16LE of the UTF-8 the user typed (bytes that are
// not UTF-8 are taken as Latin-1). nullopt: more than 256 characters.
std::optional<std::string> utf16le(std::string_view utf8);

// RFC 2759 8.3 NtPasswordHash: MD4 of the UTF-16LE password. nullopt: too long, or no MD4.
std::optional<NtHash> nt_hash(std::string_view password);
// RFC 2759 8.4 HashNtPasswordHash: MD4 of the hash.
std::optional<NtHash> hash_nt_hash(const NtHash& h);
// RFC 2759 8.2 ChallengeHash: SHA-1(PeerChallenge | AuthenticatorChallenge | UserName)[0..8].
std::array<uint8_t, 8> challenge_hash(const Challenge& peer, const Challenge& auth,
                                      std::string_view user);
// RFC 2759 8.5 ChallengeResponse: three DES encryptions of the challenge with 7-octet keys.
std::optional<NtResponse> challenge_response(std::span<const uint8_t, 8> challenge,
                                             const NtHash& h);
// RFC 2759 8.1 GenerateNTResponse.
std::optional<NtResponse> nt_response(const Challenge& auth, const Challenge& peer,
                                      std::string_view user, std::string_view password);
// RFC 2759 8.7 GenerateAuthenticatorResponse: "S=" and 40 upper-case hex digits.
std::optional<std::string> authenticator_response(const NtHash& password_hash,
                                                  const NtResponse& response, const Challenge& peer,
                                                  const Challenge& auth, std::string_view user);
// RFC 2759 8.8 CheckAuthenticatorResponse, constant-time: the server's "S=..." (its first 42
// characters; a " M=message" may follow) against what the password gives.
bool check_authenticator_response(std::string_view received, std::string_view password,
                                  const NtResponse& response, const Challenge& peer,
                                  const Challenge& auth, std::string_view user);

// RFC 2759 8.6: a 7-octet key spread over 8 octets with odd parity (RFC 2759 9.3).
std::array<uint8_t, 8> des_key(std::span<const uint8_t, 7> k);
// RFC 2759 8.6 DesEncrypt with a 7-octet key.
std::optional<std::array<uint8_t, 8>> des_encrypt(std::span<const uint8_t, 8> clear,
                                                  std::span<const uint8_t, 7> key);
// RC4 (RFC 2759 8.11 Rc4Encrypt); decrypts too.
bool rc4(std::span<const uint8_t> key, std::span<const uint8_t> in, std::span<uint8_t> out);

// RFC 2759 8.9 NewPasswordEncryptedWithOldNtPasswordHash: the 516-octet block (random pad,
// the UTF-16LE new password at its end, its length in octets as a little-endian 32-bit word)
// RC4-encrypted with the old password's NT hash. nullopt: too long, or no crypto.
std::optional<PasswordBlock> new_password_encrypted(std::string_view new_password,
                                                    std::string_view old_password);
// RFC 2759 8.12 OldNtPasswordHashEncryptedWithNewNtPasswordHash.
std::optional<NtHash> old_hash_encrypted(std::string_view new_password,
                                         std::string_view old_password);

// RFC 2759 6: the Failure packet's text, as MS-CHAP-Error (RFC 2548 2.1.5) carries it:
// "E=eeeeeeeeee R=r C=cccccccccccccccccccccccccccccccc V=vvvvvvvvvv M=<msg>". Only E is
// required; a value that does not parse makes the whole string malformed.
struct Failure {
  uint32_t error = 0;  // 646 restricted hours, 647 disabled, 648 expired, 649 no dial-in,
                       // 691 authentication failure, 709 changing password
  bool retry = false;
  std::optional<Challenge> challenge;
  std::optional<uint32_t> version;
  std::string message;
};
std::optional<Failure> parse_failure(std::string_view text);

// The error numbers we act on (RFC 2759 6).
constexpr uint32_t kErrorRestrictedHours = 646;
constexpr uint32_t kErrorAccountDisabled = 647;
constexpr uint32_t kErrorPasswordExpired = 648;
constexpr uint32_t kErrorNoDialinPermission = 649;
constexpr uint32_t kErrorAuthenticationFailure = 691;
constexpr uint32_t kErrorChangingPassword = 709;

}  // namespace rampart::aaa::mschap
