// nftables through libnftables: a script applied as one transaction (all of it or none of it,
// with the kernel's or the parser's error text returned, never a crash), a dry run that only
// checks, and the named counters of a table read back.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "platform/expected.hpp"

struct nft_ctx;

namespace rampart::platform {

struct CounterValue {
  uint64_t packets = 0, bytes = 0;
  bool operator==(const CounterValue&) const = default;
};

class Nftables {
 public:
  static rampart::expected<Nftables, std::string> open();
  Nftables(Nftables&&) noexcept;
  Nftables& operator=(Nftables&&) noexcept;
  ~Nftables();

  // Runs the script as one transaction: the kernel applies every command or none.
  rampart::expected<void, std::string> run(const std::string& script);
  // Parses and evaluates the script as run() would, and changes nothing (NFT_CTX_DRY_RUN).
  rampart::expected<void, std::string> check(const std::string& script);
  // Runs a command and returns what nft prints ("list table ip t").
  rampart::expected<std::string, std::string> output(const std::string& command);
  // The named counters of a table, by name; empty when the table does not exist.
  rampart::expected<std::map<std::string, CounterValue>, std::string> counters(
      std::string_view family, std::string_view table);

 private:
  explicit Nftables(nft_ctx* ctx) : ctx_(ctx) {}
  rampart::expected<std::string, std::string> execute(const std::string& script, bool dry);
  nft_ctx* ctx_ = nullptr;
};

// Parses "list counters" text output: "counter NAME {" ... "packets N bytes M".
std::map<std::string, CounterValue> parse_counters(std::string_view text);

}  // namespace rampart::platform
