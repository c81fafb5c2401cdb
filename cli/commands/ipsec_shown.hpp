// What the views show of an IPsec SA, never its keys: copied on the event loop with the rest
// of a view's rows, read where the view's text is made (another thread in rampartd).
#pragma once

#include <cstdint>

#include "control/config/algorithms.hpp"
#include "control/ike/sa.hpp"

namespace rampart::cli {

struct IpsecShown {
  ike::Selector local, remote;
  config::EspEncryption encryption = config::EspEncryption::Aes128;
  config::EspIntegrity integrity = config::EspIntegrity::Sha1;
  bool udp_encapsulated = false, tunnel_mode = true;
  uint32_t lifetime_seconds = 0, lifetime_kilobytes = 0;
  uint64_t age = 0;  // seconds since it was established

  static IpsecShown of(const ike::IpsecSa& s, uint64_t now) {
    return {.local = s.local,
            .remote = s.remote,
            .encryption = s.encryption,
            .integrity = s.integrity,
            .udp_encapsulated = s.udp_encapsulated,
            .tunnel_mode = s.tunnel_mode,
            .lifetime_seconds = s.lifetime_seconds,
            .lifetime_kilobytes = s.lifetime_kilobytes,
            .age = now - s.established_at};
  }
};

}  // namespace rampart::cli
