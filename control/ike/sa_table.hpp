// The engine's IKE SAs by session index, and the look-ups a datagram or a set-up question needs
// without a walk over every SA: by initiator cookie (every datagram), by the peer's address
// (INITIAL-CONTACT, a rekey's predecessor, accounting) and by the XAUTH user (simultaneous
// logins); and how many SAs completed phase 1 (the session limit). Every SA comes in through
// adopt() and goes through erase(), and the keys the indexes follow (the peer's address, the
// user, the index itself) change only through here, so that no index can drift from its SAs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/ike/sa.hpp"
#include "control/ike/sa_index.hpp"

namespace rampart::ike {

class SaTable {
 public:
  using Map = std::map<uint64_t, std::unique_ptr<IkeSa>>;

  // Every SA in index order (the order show vpn-sessiondb lists sessions).
  const Map& all() const { return sas_; }
  size_t size() const { return sas_.size(); }
  bool contains(uint64_t index) const { return sas_.contains(index); }
  IkeSa* get(uint64_t index);
  const IkeSa* get(uint64_t index) const;

  // A new session index: never one given out before.
  uint64_t next_index() { return next_index_++; }
  IkeSa& adopt(std::unique_ptr<IkeSa> sa);
  void erase(uint64_t index);

  // The SA of these cookies, or null.
  IkeSa* find(const Cookie& i, const Cookie& r) const;
  // Our responder SA for this initiator cookie and peer that has not completed phase 1 (its
  // first message came again), or null.
  IkeSa* find_half_open(const Cookie& i, const Endpoint& peer) const;
  // The SAs whose peer is at this address, or whose XAUTH named this user, in index order.
  std::vector<IkeSa*> of_peer(const config::Ipv4& address) const;
  std::vector<IkeSa*> of_user(const std::string& user) const;
  // How many SAs the user has: a bound that spares building of_user at 10,000 sessions.
  size_t user_count(const std::string& user) const { return by_user_.count(user); }

  void set_username(IkeSa& sa, const std::string& user);
  void move_peer(IkeSa& sa, const Endpoint& to);
  // Phase 1 of sa completed at now (again, for a rekeyed one: counted once).
  void mark_established(IkeSa& sa, uint64_t now);
  size_t established() const { return established_; }
  // a takes b's session index and b a's (a phase-1 rekey: the session keeps its number).
  void swap_indexes(IkeSa& a, IkeSa& b);

 private:
  static uint64_t cookie_key(const Cookie& c);
  void unindex_cookie(const IkeSa& sa);
  std::vector<IkeSa*> indexed(const std::vector<uint64_t>& indexes) const;

  Map sas_;
  uint64_t next_index_ = 1;
  std::unordered_multimap<uint64_t, uint64_t> by_icookie_;  // every SA: icookie -> index
  SaIndex<uint32_t> by_peer_address_;  // every SA, by its peer's address (it may move: NAT-T)
  SaIndex<std::string> by_user_;       // SAs whose XAUTH named a user, by that name
  size_t established_ = 0;             // SAs whose phase 1 completed
};

}  // namespace rampart::ike
