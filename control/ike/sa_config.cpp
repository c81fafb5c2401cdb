#include "control/ike/sa_config.hpp"

namespace rampart::ike {

const config::TunnelGroup* tunnel_group_of(const config::Config& cfg, const IkeSa& sa) {
  auto it = cfg.tunnel_groups.find(sa.tunnel_group);
  return it == cfg.tunnel_groups.end() ? nullptr : &it->second;
}

const config::CryptoMapSettings* static_entry(const config::Config& cfg, const std::string& map,
                                              uint32_t seq) {
  auto m = cfg.crypto.maps.find(map);
  if (m == cfg.crypto.maps.end()) return nullptr;
  auto e = m->second.entries.find(seq);
  if (e == m->second.entries.end() || e->second.dynamic_map) return nullptr;
  return &e->second.settings;
}

bool pushes_config(const config::Config& cfg, const IkeSa& sa) {
  for (const auto& [name, map] : cfg.crypto.maps)
    if (map.interface == sa.nameif && map.client_config_initiate &&
        !(map.client_config_respond && sa.peer_unity))
      return true;
  return false;
}

}  // namespace rampart::ike
