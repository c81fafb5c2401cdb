// Hands negotiated IPsec SAs to the dataplane's SA database, and takes them back.
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

namespace {

dataplane::Selector4 selector(const Selector& s) {
  return {s.address.value, s.mask.value, s.protocol, s.port};
}

}  // namespace

dataplane::SaSpec Engine::sa_spec(const IkeSa& sa, const IpsecSa& ips) const {
  dataplane::SaSpec spec;
  spec.id = ips.id;
  spec.spi_in = ips.inbound.spi;
  spec.spi_out = ips.outbound.spi;
  // The dataplane knows only its own numeric transforms: each row of the table names its one.
  const auto cipher = config::row(ips.encryption).dataplane;
  const auto auth = config::row(ips.integrity).dataplane;
  spec.keys_in = {cipher, auth, ips.inbound.encryption_key.bytes(),
                  ips.inbound.integrity_key.bytes()};
  spec.keys_out = {cipher, auth, ips.outbound.encryption_key.bytes(),
                   ips.outbound.integrity_key.bytes()};
  spec.local = sa.local.address.value;
  spec.peer = sa.peer.address.value;
  if (ips.udp_encapsulated) {
    spec.local_port = sa.local.port;
    spec.peer_port = sa.peer.port;
  }
  spec.local_ts = selector(ips.local);
  spec.remote_ts = selector(ips.remote);
  spec.replay_window = static_cast<size_t>(cfg_.crypto.replay_window);
  spec.lifetime_seconds = ips.lifetime_seconds;
  spec.lifetime_kilobytes = ips.lifetime_kilobytes;
  // Quick mode admits a remote-access SA only for the client's assigned address/32.
  spec.client = sa.remote_access && sa.assigned && ips.remote.address == *sa.assigned &&
                ips.remote.mask.value == 0xffffffffu;
  return spec;
}

namespace {

void wipe(dataplane::SaSpec& spec) {
  spec.keys_in.wipe();
  spec.keys_out.wipe();
}

}  // namespace

bool Engine::install_inbound(const IkeSa& sa, const IpsecSa& ips) {
  if (!sad_) return false;
  dataplane::SaSpec spec = sa_spec(sa, ips);
  auto r = sad_->add_inbound(spec);
  wipe(spec);
  // Not fatal here: QM3 tries the whole install again, and says why it fails.
  return r.has_value();
}

// What the outbound index holds for the SA's proxies: cs_id names the SA being installed, rule
// the one traffic between them leaves on now (0 for none: a first SA, and still while the new
// one is being installed; the old one on a rekey).
void Engine::log_encrypt_rule_lookup(const IkeSa& sa, const IpsecSa& ips) {
  if (!sad_ || ips.crypto_map.empty()) return;
  uint64_t rule = sad_->encrypt_rule(selector(ips.local), selector(ips.remote));
  log(&sa, Tag::Debug,
      fmt::format("NP encrypt rule look up for crypto map {} {} matching ACL {}: returned "
                  "cs_id={:08x}; rule={:08x}",
                  ips.crypto_map, ips.map_seq, ips.map_acl.empty() ? "Unknown" : ips.map_acl,
                  ips.id, rule));
}

void Engine::forget_quick_mode(const QuickModeExchange& q) {
  if (sad_ && q.inbound_installed) sad_->remove(q.sa.id);
}

void Engine::install(const IkeSa& sa, const IpsecSa& ips, const std::function<void()>& keyed) {
  bool told = false;
  auto tell = [&] {
    if (told) return;
    told = true;
    if (keyed) keyed();
  };
  if (!sad_) {
    tell();
    return;
  }
  dataplane::Sad::Trace trace;
  if (debugging(DebugKind::Ipsec, 1))
    trace = [this, &sa](const std::string& l) { ipsec_log(&sa, 1, l); };
  auto outbound_added = [&] {
    log_encrypt_rule_lookup(sa, ips);
    tell();
    log(&sa, Tag::Debug,
        fmt::format("IKE got a KEY_ADD msg for SA: SPI = 0x{:08x}", ips.outbound.spi));
  };
  // A responder's SA decrypts since QM2 (install_inbound): now it may encrypt too.
  rampart::expected<void, std::string> r;
  if (!sad_->go_live(ips.id, trace, outbound_added)) {
    dataplane::SaSpec spec = sa_spec(sa, ips);
    r = sad_->add(spec, trace, outbound_added);
    wipe(spec);
  }
  tell();
  if (!r) {
    ipsec_log(
        &sa, 1,
        fmt::format("IPSEC: cannot install SA with SPI 0x{:08X}: {}", ips.inbound.spi, r.error()));
  } else {
    log(&sa, Tag::Debug, fmt::format("pitcher: rcv KEY_UPDATE, spi 0x{:08x}", ips.inbound.spi));
  }
  if (r && sa.assigned) {
    // A client address on an inside subnet: the dataplane announces it there and answers ARP
    // for it while the SA lives.
    for (const auto& [hw, itf] : cfg_.interfaces)
      if (itf.nameif && *itf.nameif != sa.nameif && itf.address && itf.mask && !itf.shutdown &&
          (sa.assigned->value & itf.mask->value) == (itf.address->value & itf.mask->value)) {
        log(&sa, Tag::Event, fmt::format("Gratuitous ARP sent for {}", sa.assigned->str()));
        break;
      }
  }
}

void Engine::ipsec_sa_syslog(const IkeSa& sa, uint32_t spi, bool inbound, bool created) {
  syslog_plain(created ? 602303 : 602304, inbound ? "inbound" : "outbound",
               sa.remote_access ? "remote access" : "LAN-to-LAN", spi, sa.local.address.str(),
               sa.peer.address.str(), sa.username.empty() ? sa.peer.address.str() : sa.username);
}

bool Engine::holds_inbound_spi(uint64_t index, uint32_t spi) const {
  const IkeSa* sa = sas_.get(index);
  if (!sa) return false;
  return sa->quick_modes.holds_spi(spi) ||
         std::any_of(sa->ipsec.begin(), sa->ipsec.end(),
                     [&](const IpsecSa& ips) { return ips.inbound.spi == spi; });
}

uint32_t Engine::draw_inbound_spi(const IkeSa& sa) {
  auto holds = [this](uint64_t index, uint32_t spi) { return holds_inbound_spi(index, spi); };
  auto taken = [&](uint32_t spi) {
    return (sad_ && sad_->inbound_spi_in_use(spi)) || inbound_spis_.taken(spi, holds);
  };
  // RFC 4303 2.1: SPIs 1-255 are reserved, 0 is never sent. A broken random source that keeps
  // repeating itself ends the loop: the SA database then refuses the duplicate (no overwrite).
  uint32_t spi = 0;
  for (int tries = 0; tries < 1024; ++tries) {
    spi = get_be32(random_bytes(4));
    if (spi >= 0x100 && !taken(spi)) break;
  }
  inbound_spis_.record(spi, sa.index, holds);
  return spi;
}

void Engine::uninstall(IkeSa& sa, const IpsecSa& ips) {
  ++ipsec_generation_;  // every IPsec SA that goes passes here or through uninstall_draining
  journal_.touch(sa.index);
  accounting_.retire(sa, ips);
  if (sad_) sad_->remove(ips.id);
}

void Engine::uninstall_draining(IkeSa& sa, const IpsecSa& ips) {
  ++ipsec_generation_;
  journal_.touch(sa.index);
  SessionAccounting::Traffic credited = accounting_.retire(sa, ips);
  if (!sad_) return;
  sad_->retire(ips.id);
  draining_.push_back({ips.id, env_.now() + timers::kDrainSeconds, sa.accounting, credited});
}

void Engine::drain_timer(uint64_t now) {
  while (!draining_.empty() && draining_.front().until <= now) {
    const Draining& d = draining_.front();
    // What arrived on it since it was retired, for a session still accounted (a Stop already
    // sent is not reopened); counters cleared meanwhile ("clear crypto ipsec sa counters")
    // count from zero again.
    auto since = [](uint64_t now_n, uint64_t then) { return now_n >= then ? now_n - then : now_n; };
    if (auto s = d.session.lock(); s && sad_)
      sad_->with(d.id, [&](const dataplane::Sad::Entry& e) {
        SessionAccounting::credit(*s, {since(e.in->counters().bytes, d.credited.in_octets),
                                       since(e.in->counters().packets, d.credited.in_packets),
                                       since(e.out->counters().bytes, d.credited.out_octets),
                                       since(e.out->counters().packets, d.credited.out_packets)});
      });
    if (sad_) sad_->remove(d.id);
    draining_.pop_front();
  }
}

std::optional<std::string> Engine::dataplane_expired(const IpsecSa& ips) const {
  if (!sad_) return std::nullopt;
  std::optional<std::string> why;
  sad_->with(ips.id, [&](const dataplane::Sad::Entry& e) {
    // The volume lifetime holds for each direction's SA on its own, counted over what
    // authenticated (inbound) or was sent (outbound).
    uint64_t limit = uint64_t{ips.lifetime_kilobytes} * 1024;
    if (limit && (e.in->counters().bytes >= limit || e.out->counters().bytes >= limit))
      why = "lifetime expired (kilobytes)";
    // RFC 4303 3.3.3: the sender's 32-bit sequence number must not cycle; the SA ends first.
    else if (e.out->last_sequence() >= kSequenceLimit ||
             e.out->counters().drops[static_cast<size_t>(dataplane::EspDrop::SeqExhausted)])
      why = "sequence number exhausted";
  });
  return why;
}

}  // namespace rampart::ike
