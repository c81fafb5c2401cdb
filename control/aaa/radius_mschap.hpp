// MS-CHAPv2 over RADIUS (RFC 2548, RFC 2759) for password-management, as the ASA speaks it
// toward Microsoft NPS/IAS (or any server with MS-CHAPv2): the Access-Request's attributes for
// a login (MS-CHAP-Challenge + MS-CHAP2-Response) and for a password change (MS-CHAP-Challenge
// + MS-CHAP2-CPW + three MS-CHAP-NT-Enc-PW chunks), and what a checked reply's MS-CHAP
// attributes mean. Pure functions over values (radius_client.cpp sends them; the unit tests
// and the fuzz-ish test call them directly).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/aaa/mschap.hpp"
#include "control/aaa/radius_attributes.hpp"

namespace rampart::aaa::radius {

// What one Access-Request's MS-CHAPv2 attributes were computed from, to check the answer.
struct MschapExchange {
  mschap::Challenge authenticator{};  // our MS-CHAP-Challenge (random)
  mschap::Challenge peer{};           // the Peer-Challenge we chose (random)
  mschap::NtResponse response{};
  uint8_t ident = 0;
  bool change = false;  // a password change (MS-CHAP2-CPW): the new password proves the answer
};

// The attributes for r (change when r.new_password is set), with fresh random challenges.
// nullopt: a password longer than 256 characters, or no MD4/DES/RC4 (mschap::available()).
std::optional<std::vector<Attribute>> mschap_attributes(const AuthRequest& r, MschapExchange& ex);
// The same from given challenges and ident (the unit tests: deterministic packets).
std::optional<std::vector<Attribute>> mschap_attributes(const AuthRequest& r,
                                                        const MschapExchange& fixed,
                                                        MschapExchange& ex);

// What a checked reply's code and attributes say about an MS-CHAPv2 request.
struct MschapVerdict {
  ServerAnswer::Kind kind = ServerAnswer::Kind::Reject;
  std::optional<uint32_t> error;  // MS-CHAP-Error's E= (648, 691, 709...)
  std::string message;            // MS-CHAP-Error's M=, for the log (printable only)
  std::string why;                // for "debug radius" when the reply is refused
};
// Access-Accept: MS-CHAP2-Success with our Ident must carry the authenticator response the
// password gives (RFC 2759 8.8: mutual authentication), else the Accept is refused: missing
// or unparsable -> Malformed, wrong -> BadAuthenticator. Access-Reject: MS-CHAP-Error E=648
// (login) -> PasswordExpired, other errors -> Reject, an unparsable error -> Malformed.
MschapVerdict read_mschap_reply(uint8_t code, const std::vector<ReplyAttribute>& attrs,
                                const MschapExchange& ex, const AuthRequest& r);

}  // namespace rampart::aaa::radius
