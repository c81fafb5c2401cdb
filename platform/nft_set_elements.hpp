// IPv4 addresses added to and deleted from nftables sets through netlink directly (libnftnl),
// one transaction per call: what libnftables does for "add element" and "delete element",
// without its parser and without the cache it reads before every command (each table, set and
// named object of the ruleset: with an ASA's ACL counters, a fifth of the event loop's time at
// a VPN session's set-up and teardown).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "platform/expected.hpp"

struct mnl_socket;

namespace rampart::platform {

struct SetElementChange {
  bool add = true;  // false: delete
  std::string set;
  uint32_t address = 0;  // host order
};

class NftSetElements {
 public:
  static rampart::expected<NftSetElements, std::string> open();
  NftSetElements(NftSetElements&&) noexcept;
  NftSetElements& operator=(NftSetElements&&) noexcept;
  ~NftSetElements();

  // Applies every change to the sets of table (family ip) in order, as one transaction: all of
  // them or none, as nft would. Adding an element that is there already changes nothing (nft's
  // "add", not "create"); deleting one that is not there fails the whole, with the kernel's
  // reason and the change it refused.
  rampart::expected<void, std::string> apply(std::string_view table,
                                             std::span<const SetElementChange> changes);

 private:
  explicit NftSetElements(mnl_socket* nl, uint32_t port) : nl_(nl), port_(port) {}
  // Reads the kernel's answers to the changes just sent.
  rampart::expected<void, std::string> answers(std::span<const SetElementChange> changes);
  mnl_socket* nl_ = nullptr;
  uint32_t port_ = 0;
  uint32_t seq_ = 0;
  size_t rcvbuf_ = 0;  // what the socket's receive buffer was raised to
};

}  // namespace rampart::platform
