// Internal to the nftables compiler: the text helpers and the parts compiled apart (NAT).
#pragma once

#include <string>
#include <vector>

#include "control/firewall/nft_ruleset.hpp"

namespace rampart::firewall::nft {

std::string ip(uint32_t address);
// "{ a, b-c }", or "" for every address; nullopt when the set is empty (matches nothing).
std::optional<std::string> address_match(const AddressSet& s, std::string_view field);
std::optional<std::string> port_match(const PortSet& s, std::string_view proto,
                                      std::string_view field);
// `{ "eth0", "eth0-vpn" }`: the devices of a nameif (its VPN device too); "" for "any".
std::string devices_of(const Policy& p, const std::string& nameif);
std::string quoted(std::string_view s);

// The chains and declarations NAT adds: helpers, dstnat, srcnat, input.
// A NAT rule, or one that can join a verdict map with its neighbours: those with the same
// `group` (interfaces and lookup expression) in a row become one lookup of `key`, each going
// to a chain `element` of its own that holds `action` (its counter and translation).
struct NatLine {
  std::string text;
  std::string group, lookup, key, element, action;  // empty group: a plain rule
};
struct NatOut {
  std::vector<NatLine> dstnat, srcnat;
  std::vector<std::string> input;
  std::vector<std::string> helpers, helper_objects;
  std::vector<std::pair<std::string, std::string>> element_chains;  // name, its one rule
};
// The rules of a NAT chain, runs of keyed lines merged into verdict maps.
std::vector<std::string> merge_nat(const std::vector<NatLine>& lines, NatOut& nat);
void compile_nat(const Policy& p, Ruleset& out, NatOut& nat);
void compile_helpers(const Policy& p, NatOut& nat);

}  // namespace rampart::firewall::nft
