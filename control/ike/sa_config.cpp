#include "control/ike/sa_config.hpp"

#include "control/ike/ike_log.hpp"

namespace rampart::ike {

const config::TunnelGroup* tunnel_group_of(const config::Config& cfg, const IkeSa& sa) {
  auto it = cfg.tunnel_groups.find(sa.tunnel_group);
  return it == cfg.tunnel_groups.end() ? nullptr : &it->second;
}

const config::TunnelGroup* tunnel_group_or_abort(const config::Config& cfg, IkeLog& log,
                                                 IkeSa& sa) {
  const config::TunnelGroup* tg = tunnel_group_of(cfg, sa);
  if (!tg) {
    log.event(&sa, "Tunnel group was removed during the negotiation, aborting");
    sa.state = P1State::Deleting;
    sa.delete_reason = EndReason::InternalError;
  }
  return tg;
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

Landing landing_group(const config::Config& cfg, bool aggressive, bool xauth,
                      const config::Ipv4& peer, const std::optional<std::string>& named) {
  Landing out;
  out.wanted = named ? *named : peer.str();
  auto has_key = [&](auto it) {
    return it != cfg.tunnel_groups.end() && it->second.ipsec.pre_shared_key &&
           !it->second.ipsec.pre_shared_key->empty();
  };
  auto it = cfg.tunnel_groups.find(out.wanted);
  if (it != cfg.tunnel_groups.end() && aggressive && it->second.type == "ipsec-l2l" &&
      out.wanted != peer.str()) {
    out.l2l_named_from_elsewhere = true;
    it = cfg.tunnel_groups.end();
  }
  if (it == cfg.tunnel_groups.end()) {
    bool remote = aggressive || xauth;
    it = cfg.tunnel_groups.find(remote ? "DefaultRAGroup" : "DefaultL2LGroup");
    if (!remote && !has_key(it)) it = cfg.tunnel_groups.find("DefaultRAGroup");
  }
  if (!has_key(it)) return out;
  out.group = it->first;
  out.remote_access = it->second.type != "ipsec-l2l";
  return out;
}

}  // namespace rampart::ike
