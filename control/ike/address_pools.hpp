// Addresses handed to remote-access clients from "ip local pool" ranges: lowest free first,
// released when the session ends, so "show ip local pool" can say what is in use.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "control/config/model.hpp"

namespace rampart::ike {

class AddressPools {
 public:
  // The first free address of the first named pool that has one.
  std::optional<config::Ipv4> allocate(const config::Config& cfg,
                                       const std::vector<std::string>& pools);
  // Marks a fixed address (a user's vpn-framed-ip-address) as used; false when it already is.
  bool claim(config::Ipv4 address);
  void release(config::Ipv4 address);
  bool in_use(config::Ipv4 address) const { return used_.contains(address.value); }
  // The addresses of a pool that are handed out, for "show ip local pool".
  std::vector<config::Ipv4> in_use(const config::LocalPool& pool) const;

 private:
  std::set<uint32_t> used_;
  // Per pool range (first, last): every address of the range below this one is used.
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> free_from_;
};

}  // namespace rampart::ike
