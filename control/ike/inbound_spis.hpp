// Our inbound SPIs handed to peers, each with the IKE SA whose quick mode or IPsec SA took it:
// an index that is checked when it answers, so that no path that ends an exchange or an SA has
// anything to release. An entry whose SA no longer holds its SPI is free, and is forgotten
// then, or when the index has doubled since it was last swept. Installed SAs are the SA
// database's to know (Sad::inbound_spi_in_use); this covers the SPIs not installed yet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace rampart::ike {

class InboundSpis {
 public:
  // holds(sa, spi): whether the IKE SA of that index still holds the SPI.
  template <class Holds>
  bool taken(uint32_t spi, Holds&& holds) {
    auto it = by_spi_.find(spi);
    if (it == by_spi_.end()) return false;
    if (holds(it->second, spi)) return true;
    by_spi_.erase(it);
    return false;
  }
  template <class Holds>
  void record(uint32_t spi, uint64_t sa, Holds&& holds) {
    by_spi_[spi] = sa;
    if (by_spi_.size() < 2 * swept_size_ + kSlack) return;
    std::erase_if(by_spi_, [&](const auto& e) { return !holds(e.second, e.first); });
    swept_size_ = by_spi_.size();
  }
  size_t size() const { return by_spi_.size(); }

 private:
  static constexpr size_t kSlack = 1024;
  std::unordered_map<uint32_t, uint64_t> by_spi_;
  size_t swept_size_ = 0;
};

}  // namespace rampart::ike
