#include "control/ike/sa_table.hpp"

#include <utility>

namespace rampart::ike {

IkeSa* SaTable::get(uint64_t index) {
  auto it = sas_.find(index);
  return it == sas_.end() ? nullptr : it->second.get();
}

const IkeSa* SaTable::get(uint64_t index) const {
  auto it = sas_.find(index);
  return it == sas_.end() ? nullptr : it->second.get();
}

IkeSa& SaTable::adopt(std::unique_ptr<IkeSa> sa) {
  IkeSa& raw = *sa;
  by_icookie_.emplace(cookie_key(raw.icookie), raw.index);
  by_peer_address_.add(raw.peer.address.value, raw.index);
  if (!raw.username.empty()) by_user_.add(raw.username, raw.index);
  if (raw.established) ++established_;
  sas_.emplace(raw.index, std::move(sa));
  return raw;
}

void SaTable::erase(uint64_t index) {
  auto it = sas_.find(index);
  if (it == sas_.end()) return;
  const IkeSa& sa = *it->second;
  unindex_cookie(sa);
  by_peer_address_.remove(sa.peer.address.value, index);
  if (!sa.username.empty()) by_user_.remove(sa.username, index);
  if (sa.established) --established_;
  sas_.erase(it);
}

IkeSa* SaTable::find(const Cookie& i, const Cookie& r) const {
  // Through the index: this runs for every datagram, and a walk over every SA each would cost
  // 10,000 comparisons per packet at 10,000 tunnels (and a garbage packet with random cookies
  // always the whole walk).
  auto [from, to] = by_icookie_.equal_range(cookie_key(i));
  for (auto it = from; it != to; ++it)
    if (auto sa = sas_.find(it->second); sa != sas_.end())
      if (sa->second->icookie == i && sa->second->rcookie == r) return sa->second.get();
  return nullptr;
}

IkeSa* SaTable::find_half_open(const Cookie& i, const Endpoint& peer) const {
  // Through the same index: this runs for every first message, and a flood of them must not
  // cost a walk over every SA each.
  auto [from, to] = by_icookie_.equal_range(cookie_key(i));
  for (auto it = from; it != to; ++it)
    if (auto sa = sas_.find(it->second); sa != sas_.end()) {
      IkeSa& s = *sa->second;
      if (s.responder && s.icookie == i && s.peer == peer && s.established == 0) return &s;
    }
  return nullptr;
}

std::vector<IkeSa*> SaTable::of_peer(const config::Ipv4& address) const {
  return indexed(by_peer_address_.find(address.value));
}

std::vector<IkeSa*> SaTable::of_user(const std::string& user) const {
  return indexed(by_user_.find(user));
}

void SaTable::set_username(IkeSa& sa, const std::string& user) {
  if (!sa.username.empty()) by_user_.remove(sa.username, sa.index);
  sa.username = user;
  if (!user.empty()) by_user_.add(user, sa.index);
}

void SaTable::move_peer(IkeSa& sa, const Endpoint& to) {
  by_peer_address_.move(sa.peer.address.value, to.address.value, sa.index);
  sa.peer = to;
}

void SaTable::mark_established(IkeSa& sa, uint64_t now) {
  if (!sa.established) ++established_;
  sa.established = now;
}

void SaTable::swap_indexes(IkeSa& a, IkeSa& b) {
  // Every index names SAs by their index: out under the old ones, back under the new.
  for (IkeSa* s : {&a, &b}) {
    unindex_cookie(*s);
    by_peer_address_.remove(s->peer.address.value, s->index);
    if (!s->username.empty()) by_user_.remove(s->username, s->index);
  }
  auto na = sas_.extract(a.index), nb = sas_.extract(b.index);
  std::swap(a.index, b.index);
  na.key() = a.index;
  nb.key() = b.index;
  sas_.insert(std::move(na));
  sas_.insert(std::move(nb));
  for (IkeSa* s : {&a, &b}) {
    by_icookie_.emplace(cookie_key(s->icookie), s->index);
    by_peer_address_.add(s->peer.address.value, s->index);
    if (!s->username.empty()) by_user_.add(s->username, s->index);
  }
}

uint64_t SaTable::cookie_key(const Cookie& c) {
  uint64_t k = 0;
  for (uint8_t b : c) k = (k << 8) | b;
  return k;
}

void SaTable::unindex_cookie(const IkeSa& sa) {
  auto [from, to] = by_icookie_.equal_range(cookie_key(sa.icookie));
  for (auto it = from; it != to; ++it)
    if (it->second == sa.index) {
      by_icookie_.erase(it);
      return;
    }
}

std::vector<IkeSa*> SaTable::indexed(const std::vector<uint64_t>& indexes) const {
  std::vector<IkeSa*> out;
  out.reserve(indexes.size());
  for (uint64_t i : indexes)
    if (auto it = sas_.find(i); it != sas_.end()) out.push_back(it->second.get());
  return out;
}

}  // namespace rampart::ike
