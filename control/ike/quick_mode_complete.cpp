// The end of quick mode, one path for both roles once the exchange is authenticated (the
// responder verified HASH(3), the initiator HASH(2) and sends HASH(3) here): the keys of both
// SAs, the dataplane, the ASA's completion lines and syslogs, the SA database.
#include <fmt/format.h>

#include "control/ike/phase2.hpp"
#include "control/ike/quick_mode_sa.hpp"

namespace rampart::ike {

namespace {

// "Security negotiation complete for ..." names the user, else the group. [U] The L2L responder's
// "Group X" and the initiator's "LAN-to-LAN Group (X)" are kept as they were; no ASA responder
// sample for L2L is at hand.
std::string negotiating_party(const IkeSa& sa, bool initiator) {
  if (sa.remote_access && !sa.username.empty()) return fmt::format("User ({})", sa.username);
  if (initiator) return fmt::format("LAN-to-LAN Group ({})", sa.tunnel_group);
  return fmt::format("Group {}", sa.tunnel_group);
}

}  // namespace

void Phase2::complete_quick_mode(IkeSa& sa, uint32_t msgid) {
  QuickModeExchange& q = sa.quick_modes.at(msgid);
  const bool initiator = q.initiator;
  IpsecSa ips = std::move(q.sa);
  log_.debug(&sa, "loading all IPSEC SAs");
  log_.debug(&sa, "Generating Quick Mode Key!");
  if (initiator)  // a responder's were derived when it sent QM2
    derive_quick_mode_keys(ips, sa.choice.hash, sa.keys.skeyid_d, q.gxy, q.ni, q.nr);
  log_encrypt_rule_lookup(sa, ips);
  log_.debug(&sa, "Generating Quick Mode Key!");
  if (initiator) {
    log_.debug(&sa, "constructing qm hash payload");
    wire_.send_hashed(sa, Exchange::QuickMode, msgid,
                      quick_mode_hash3(sa.choice.hash, sa.keys.skeyid_a, msgid, q.ni, q.nr), {},
                      false);
  }
  ips.established_at = env_.now();
  // Logged once the dataplane holds the outbound SA, amid its "IPSEC: ..." steps (as the
  // ASA prints it when its key engine has added that SA).
  install(sa, ips, [&] {
    log_.event(&sa,
               fmt::format("Security negotiation complete for {}  {}, Inbound SPI = 0x{:08x}, "
                           "Outbound SPI = 0x{:08x}",
                           negotiating_party(sa, initiator), initiator ? "Initiator" : "Responder",
                           ips.inbound.spi, ips.outbound.spi));
  });
  if (ips.lifetime_seconds)
    log_.debug(
        &sa, fmt::format("Starting P2 rekey timer: {} seconds.", ips.lifetime_seconds * 95 / 100));
  // [U] Kept to the responder, as before: the client's route, on its own quick modes.
  if (sa.assigned && !initiator)
    log_.event(&sa, fmt::format("Adding static route for client address: {}", sa.assigned->str()));
  ipsec_sa_syslog(sa, ips.inbound.spi, true, true);
  ipsec_sa_syslog(sa, ips.outbound.spi, false, true);
  log_.event(&sa, fmt::format("PHASE 2 COMPLETED (msgid={:08x})", msgid));
  log_.syslog_sa(&sa, nullptr, 713120, msgid);
  ++(initiator ? stats_.out_p2_exchanges : stats_.in_p2_exchanges);
  retire_superseded(sa, ips);
  ipsec_established(sa, ips);
  sa.ipsec.push_back(std::move(ips));
  ++generation_;
  journal_.touch(sa.index);
  sa.quick_modes.end(msgid);
  sa.exchange_ivs.erase(msgid);
}

}  // namespace rampart::ike
