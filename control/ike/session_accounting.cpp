#include "control/ike/session_accounting.hpp"

#include <fmt/format.h>

#include "control/ike/codec/bytes.hpp"
#include "control/ike/engine.hpp"

namespace rampart::ike {

SessionAccounting::SessionAccounting(const config::Config& cfg, Environment& env)
    : cfg_(cfg), env_(env) {}

void SessionAccounting::start(IkeSa& sa, const std::string& group, const IkeSa* continuing) {
  if (continuing && continuing->accounting) {
    sa.accounting = continuing->accounting;
    return;
  }
  if (!numbered_) {  // drawn at the first session, not at start: tests rig the engine's draws
    Bytes b(4);
    env_.random(b.data(), b.size());
    next_id_ = get_be32(b);
    numbered_ = true;
  }
  auto s = std::make_shared<AccountingSession>();
  s->id = fmt::format("{:08X}", next_id_++);
  s->group = group;
  s->started = s->last_interim = env_.now();
  sa.accounting = s;
  env_.account(record(sa, aaa::AccountingRecord::Kind::Start));
}

void SessionAccounting::interim(IkeSa& sa, uint64_t now) {
  if (!sa.accounting) return;
  auto g = cfg_.aaa_servers.find(sa.accounting->group);
  if (g == cfg_.aaa_servers.end() || !g->second.interim_accounting_update ||
      *g->second.interim_accounting_update <= 0)
    return;
  const uint64_t every = uint64_t(*g->second.interim_accounting_update) * 3600;
  if (now < sa.accounting->last_interim + every) return;
  sa.accounting->last_interim = now;  // shared: one Interim per session, whichever SA sends it
  env_.account(record(sa, aaa::AccountingRecord::Kind::Interim));
}

void SessionAccounting::stop(IkeSa& sa, EndReason reason) {
  if (!sa.accounting) return;
  if (sa.accounting.use_count() > 1) {  // another IKE SA carries the session on
    sa.accounting.reset();
    return;
  }
  auto r = record(sa, aaa::AccountingRecord::Kind::Stop);
  r.terminate_cause = std::string(terminate_cause(reason));
  sa.accounting.reset();
  env_.account(std::move(r));
}

SessionAccounting::Traffic SessionAccounting::retire(IkeSa& sa, const IpsecSa& ips) {
  Traffic t;
  if (!sa.accounting || !sad_) return t;
  sad_->with(ips.id, [&](const dataplane::Sad::Entry& e) {
    t = {e.in->counters().bytes, e.in->counters().packets, e.out->counters().bytes,
         e.out->counters().packets};
  });
  credit(*sa.accounting, t);
  return t;
}

void SessionAccounting::credit(AccountingSession& s, const Traffic& t) {
  s.in_octets += t.in_octets;
  s.in_packets += t.in_packets;
  s.out_octets += t.out_octets;
  s.out_packets += t.out_packets;
}

aaa::AccountingRecord SessionAccounting::record(const IkeSa& sa,
                                                aaa::AccountingRecord::Kind kind) const {
  const AccountingSession& s = *sa.accounting;
  aaa::AccountingRecord r;
  r.kind = kind;
  r.group = s.group;
  r.session_id = s.id;
  r.user = sa.username;
  r.tunnel_group = sa.tunnel_group;
  r.client = sa.peer.address;
  r.framed_ip = sa.assigned;
  r.nas = sa.local.address;
  r.nas_port = static_cast<uint32_t>(sa.index);
  // What the SAs that are gone carried, and what the live ones carry so far.
  r.in_octets = s.in_octets;
  r.in_packets = s.in_packets;
  r.out_octets = s.out_octets;
  r.out_packets = s.out_packets;
  if (sad_)
    for (const auto& ips : sa.ipsec)
      sad_->with(ips.id, [&](const dataplane::Sad::Entry& e) {
        r.in_octets += e.in->counters().bytes;
        r.in_packets += e.in->counters().packets;
        r.out_octets += e.out->counters().bytes;
        r.out_packets += e.out->counters().packets;
      });
  r.session_seconds = static_cast<uint32_t>(env_.now() - s.started);
  r.classes = sa.authz.classes;
  return r;
}

}  // namespace rampart::ike
