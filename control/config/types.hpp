// Small value types shared by the configuration model: addresses, masks, secrets.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rampart::config {

// An IPv4 address in host byte order. Printed dotted-quad, as every ASA line shows it.
struct Ipv4 {
  uint32_t value = 0;
  auto operator<=>(const Ipv4&) const = default;
  static std::optional<Ipv4> parse(std::string_view text);
  std::string str() const;
};

// A netmask; parse() accepts only contiguous masks (255.255.255.0), as the ASA does.
struct Mask {
  uint32_t value = 0;
  auto operator<=>(const Mask&) const = default;
  static std::optional<Mask> parse(std::string_view text);
  static Mask from_prefix(int len);
  int prefix_len() const;
  std::string str() const { return Ipv4{value}.str(); }
};

// A shared secret (pre-shared key, AAA server key, group password). It never prints itself:
// show commands render "*****", as the ASA does; only the startup-config writer asks for
// reveal(). The storage is wiped on destruction.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view clear) : clear_(clear) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret();
  bool empty() const { return clear_.empty(); }
  const std::string& reveal() const { return clear_; }
  static constexpr std::string_view masked = "*****";
  bool operator==(const Secret& o) const { return clear_ == o.clear_; }

 private:
  std::string clear_;
};

// Orders names with embedded numbers numerically ("GigabitEthernet0/2" < "GigabitEthernet0/10").
struct NaturalLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

}  // namespace rampart::config
