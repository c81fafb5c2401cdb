// What the engine says and counts as negotiated IPsec SAs go into the dataplane's SA database
// and come out of it (IpsecDataplane does the moving).
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/phase2.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

// What the outbound index holds for the SA's proxies: cs_id names the SA being installed, rule
// the one traffic between them leaves on now (0 for none: a first SA, and still while the new
// one is being installed; the old one on a rekey).
void Phase2::log_encrypt_rule_lookup(const IkeSa& sa, const IpsecSa& ips) {
  if (ips.crypto_map.empty()) return;
  auto rule = dataplane_.encrypt_rule(ips);
  if (!rule) return;
  log_.debug(&sa,
             fmt::format("NP encrypt rule look up for crypto map {} {} matching ACL {}: returned "
                         "cs_id={:08x}; rule={:08x}",
                         ips.crypto_map, ips.map_seq, ips.map_acl.empty() ? "Unknown" : ips.map_acl,
                         ips.id, *rule));
}

void Phase2::install(const IkeSa& sa, const IpsecSa& ips, const std::function<void()>& keyed) {
  bool told = false;
  auto tell = [&] {
    if (told) return;
    told = true;
    if (keyed) keyed();
  };
  dataplane::Sad::Trace trace;
  if (log_.watching(DebugKind::Ipsec, 1))
    trace = [this, &sa](const std::string& l) { log_.ipsec(&sa, 1, l); };
  auto outbound_added = [&] {
    log_encrypt_rule_lookup(sa, ips);
    tell();
    log_.debug(&sa, fmt::format("IKE got a KEY_ADD msg for SA: SPI = 0x{:08x}", ips.outbound.spi));
  };
  // A responder's SA decrypts since QM2 (add_inbound): now it may encrypt too.
  auto r = dataplane_.go_live(sa, ips, trace, outbound_added);
  tell();
  if (!r) return;  // no dataplane
  if (!*r) {
    log_.ipsec(
        &sa, 1,
        fmt::format("IPSEC: cannot install SA with SPI 0x{:08X}: {}", ips.inbound.spi, r->error()));
    return;
  }
  log_.debug(&sa, fmt::format("pitcher: rcv KEY_UPDATE, spi 0x{:08x}", ips.inbound.spi));
}

void Phase2::ipsec_sa_syslog(const IkeSa& sa, uint32_t spi, bool inbound, bool created) {
  log_.syslog_plain(created ? 602303 : 602304, inbound ? "inbound" : "outbound",
                    sa.remote_access ? "remote access" : "LAN-to-LAN", spi, sa.local.address.str(),
                    sa.peer.address.str(),
                    sa.username.empty() ? sa.peer.address.str() : sa.username);
}

uint32_t Phase2::draw_inbound_spi(const IkeSa& sa) {
  // An SPI handed out is held while its IKE SA has a quick mode in flight or an IPsec SA on it.
  auto holds = [this](uint64_t index, uint32_t spi) {
    const IkeSa* owner = sas_.get(index);
    return owner && (owner->quick_modes.holds_spi(spi) ||
                     std::any_of(owner->ipsec.begin(), owner->ipsec.end(),
                                 [&](const IpsecSa& ips) { return ips.inbound.spi == spi; }));
  };
  return dataplane_.draw_inbound_spi(sa.index, holds,
                                     [this] { return get_be32(wire_.random_bytes(4)); });
}

void Phase2::uninstall(IkeSa& sa, const IpsecSa& ips) {
  ++generation_;  // every IPsec SA that goes passes here or through uninstall_draining
  journal_.touch(sa.index);
  accounting_.retire(sa, ips);
  dataplane_.remove(ips.id);
}

void Phase2::uninstall_draining(IkeSa& sa, const IpsecSa& ips) {
  ++generation_;
  journal_.touch(sa.index);
  SessionAccounting::Traffic credited = accounting_.retire(sa, ips);
  dataplane_.retire(ips.id, env_.now() + timers::kDrainSeconds, sa.accounting, credited);
}

void Phase2::delete_ipsec(IkeSa& sa, size_t which, bool notify_peer, std::string_view reason,
                          bool drain) {
  if (which >= sa.ipsec.size()) return;
  const IpsecSa& ips = sa.ipsec[which];
  if (notify_peer && sa.keys.skeyid_a.size() != 0) informational_.send_ipsec_delete(sa, ips);
  ipsec_sa_syslog(sa, ips.inbound.spi, true, false);
  ipsec_sa_syslog(sa, ips.outbound.spi, false, false);
  log_.debug(&sa, fmt::format("IPSec SA with SPI 0x{:08x} deleted: {}", ips.inbound.spi, reason));
  if (drain)
    uninstall_draining(sa, ips);
  else
    uninstall(sa, ips);
  sa.ipsec.erase(sa.ipsec.begin() + static_cast<long>(which));
}

void Phase2::forget(IkeSa& sa) {
  for (const auto& ips : sa.ipsec) uninstall(sa, ips);
  sa.quick_modes.each([&](const QuickModeExchange& q) { dataplane_.forget(q); });
}

}  // namespace rampart::ike
