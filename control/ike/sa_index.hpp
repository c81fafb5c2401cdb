// A secondary index of the IKE SAs by one key (the peer's address, the user name): what a
// per-set-up question ("this peer's other SAs", "this user's sessions") walks instead of every
// SA. The engine keeps it in step where the key is set and where an SA goes; a reader still
// checks what it finds, so that a key changed meanwhile can only cost a look, never a wrong
// answer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace rampart::ike {

template <class Key>
class SaIndex {
 public:
  void add(const Key& key, uint64_t index) {
    by_key_.emplace(key, index);
    ++counts_[key];
  }
  void remove(const Key& key, uint64_t index) {
    auto [from, to] = by_key_.equal_range(key);
    for (auto it = from; it != to; ++it)
      if (it->second == index) {
        by_key_.erase(it);
        if (auto c = counts_.find(key); c != counts_.end() && --c->second == 0) counts_.erase(c);
        return;
      }
  }
  // How many SAs are under key: a bound that spares a walk (10,000 sessions of one user).
  size_t count(const Key& key) const {
    auto c = counts_.find(key);
    return c == counts_.end() ? 0 : c->second;
  }
  void move(const Key& from, const Key& to, uint64_t index) {
    if (from == to) return;
    remove(from, index);
    add(to, index);
  }
  // The SAs under key, in index order (the order a walk of the table would meet them).
  std::vector<uint64_t> find(const Key& key) const {
    std::vector<uint64_t> out;
    auto [from, to] = by_key_.equal_range(key);
    for (auto it = from; it != to; ++it) out.push_back(it->second);
    std::sort(out.begin(), out.end());
    return out;
  }
  size_t size() const { return by_key_.size(); }

 private:
  std::unordered_multimap<Key, uint64_t> by_key_;
  std::unordered_map<Key, size_t> counts_;
};

}  // namespace rampart::ike
