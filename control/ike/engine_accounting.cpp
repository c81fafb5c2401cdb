// Accounting of remote-access sessions for the tunnel-group's accounting-server-group, as the ASA
// sends it: Start once the client holds its address, Interim every "interim-accounting-update
// periodic H" hours, Stop when the session ends, with what all of its IPsec SAs carried (the
// ones rekeyed away too) and why it ended. The Acct-Session-Id is the session's: quick-mode
// rekeys keep it, and an IKE SA that takes over a client's session (a phase-1 rekey: same
// client, same user, same tunnel-group) shares it, so that the Stop goes with the last of them.
#include <fmt/format.h>

#include "control/ike/engine.hpp"

namespace rampart::ike {

void Engine::accounting_start(IkeSa& sa) {
  if (sa.accounting || !sa.remote_access || !sa.authorized || !sa.assigned) return;
  const config::TunnelGroup* tg = tunnel_group_of(sa);
  if (!tg || !tg->general.accounting_server_group) return;
  // A client that brings up a new IKE SA for the session it has (a phase-1 rekey) goes on
  // with that session's accounting.
  for (const auto& [idx, other] : sas_)
    if (other.get() != &sa && other->accounting && other->state != P1State::Deleting &&
        other->peer == sa.peer && other->username == sa.username &&
        other->tunnel_group == sa.tunnel_group) {
      sa.accounting = other->accounting;
      log(&sa, Tag::Debug,
          fmt::format("Accounting session {} continues on this SA", sa.accounting->id));
      return;
    }
  auto s = std::make_shared<AccountingSession>();
  // Eight hex digits, unique among the sessions alive.
  for (int tries = 0; tries < 16; ++tries) {
    s->id = fmt::format("{:08X}", get_be32(random_bytes(4)));
    bool taken = false;
    for (const auto& [idx, other] : sas_)
      taken |= other->accounting && other->accounting->id == s->id;
    if (!taken) break;
  }
  s->group = *tg->general.accounting_server_group;
  s->started = s->last_interim = env_.now();
  sa.accounting = s;
  env_.account(accounting_record(sa, aaa::AccountingRecord::Kind::Start));
}

void Engine::accounting_interim(IkeSa& sa, uint64_t now) {
  if (!sa.accounting) return;
  auto g = cfg_.aaa_servers.find(sa.accounting->group);
  if (g == cfg_.aaa_servers.end() || !g->second.interim_accounting_update ||
      *g->second.interim_accounting_update <= 0)
    return;
  const uint64_t every = uint64_t(*g->second.interim_accounting_update) * 3600;
  if (now < sa.accounting->last_interim + every) return;
  sa.accounting->last_interim = now;  // shared: one Interim per session, whichever SA sends it
  env_.account(accounting_record(sa, aaa::AccountingRecord::Kind::Interim));
}

void Engine::accounting_stop(IkeSa& sa, EndReason reason) {
  if (!sa.accounting) return;
  if (sa.accounting.use_count() > 1) {  // another IKE SA carries the session on
    sa.accounting.reset();
    return;
  }
  auto r = accounting_record(sa, aaa::AccountingRecord::Kind::Stop);
  r.terminate_cause = std::string(terminate_cause(reason));
  sa.accounting.reset();
  env_.account(std::move(r));
}

Engine::Traffic Engine::retire_traffic(IkeSa& sa, const IpsecSa& ips) {
  Traffic t;
  if (!sa.accounting || !sad_) return t;
  sad_->with(ips.id, [&](const dataplane::Sad::Entry& e) {
    t = {e.in->counters().bytes, e.in->counters().packets, e.out->counters().bytes,
         e.out->counters().packets};
  });
  credit(*sa.accounting, t);
  return t;
}

void Engine::credit(AccountingSession& s, const Traffic& t) {
  s.in_octets += t.in_octets;
  s.in_packets += t.in_packets;
  s.out_octets += t.out_octets;
  s.out_packets += t.out_packets;
}

aaa::AccountingRecord Engine::accounting_record(const IkeSa& sa, aaa::AccountingRecord::Kind kind) {
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
