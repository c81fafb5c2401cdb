// Admission of new negotiations (admission.hpp decides): the refusals counted and logged once a
// second whatever their rate, and a responder SA counted as half-open until its peer proves
// the key.
#include <fmt/format.h>

#include "control/ike/phase1.hpp"

namespace rampart::ike {

bool Phase1::admit(const Datagram& d) {
  size_t limit = cfg_.crypto.max_in_negotiation_sa
                     ? static_cast<size_t>(*cfg_.crypto.max_in_negotiation_sa)
                     : 1000;
  admission_.set_capacity(env_.dh_capacity());
  Refusal why = admission_.check(d.peer.address.value, env_.now(), limit);
  if (why == Refusal::None) return true;
  refuse(why, d.peer);
  return false;
}

void Phase1::refuse(Refusal why, const Endpoint& peer) {
  ++stats_.in_drop;
  switch (why) {
    case Refusal::GlobalLimit:
      ++stats_.system_capacity_fails;
      break;
    case Refusal::PeerLimit:
      ++stats_.refused_peer_limit;
      break;
    case Refusal::PeerRate:
      ++stats_.refused_peer_rate;
      break;
    case Refusal::GlobalRate:
      ++stats_.refused_rate;
      break;
    case Refusal::CryptoBusy:
      ++stats_.refused_busy;
      break;
    case Refusal::None:
      return;
  }
  // Anyone can send first messages: one line a second, whatever the rate.
  auto due = admission_.log_due(env_.now());
  if (!due) return;
  log_.event(nullptr, "Maximum concurrent IKE negotiations exceeded!", &peer);
  log_.debug(nullptr,
             fmt::format("New negotiation refused ({}); {} more refused since the last report",
                         refusal_name(why), *due),
             &peer);
  log_.syslog_sa(nullptr, &peer, 713191);
}

void Phase1::settle(IkeSa& sa) {
  if (!sa.p1 || !sa.p1->half_open_address) return;
  admission_.settled(*sa.p1->half_open_address);
  sa.p1->half_open_address.reset();
}

IkeSa& Phase1::new_responder_sa(const Datagram& d, const Message& m) {
  auto sa = std::make_unique<IkeSa>();
  sa->index = sas_.next_index();
  sa->icookie = m.header.initiator_cookie;
  Bytes rc = wire_.random_bytes(8);
  std::copy(rc.begin(), rc.end(), sa->rcookie.begin());
  sa->peer = d.peer;
  sa->local = d.local;
  sa->nameif = d.nameif;
  sa->created = env_.now();
  sa->last_heard = sa->created;
  sa->p1->half_open_address = d.peer.address.value;
  admission_.opened(d.peer.address.value, sa->created);
  return sas_.adopt(std::move(sa));
}

}  // namespace rampart::ike
