// crypto dynamic-map and crypto map: entries, their "set ..." and "match address" lines, the
// interface binding, and the PIX 6.3 client lines kept for mode-config push.
#include <functional>

#include "cli/commands/aaa_parts.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/crypto_common.hpp"
#include "cli/commands/pix_nat.hpp"

namespace rampart::cli {

namespace {

constexpr int kMaxTransformSets = 11;  // per entry, as on the ASA
constexpr int kMaxPeers = 10;

// Finds (or with create, makes) the settings of "crypto map|dynamic-map NAME SEQ".
using Resolver = std::function<config::CryptoMapSettings*(Ctx&, bool create)>;

// The entry "NAME SEQ" of a crypto map or dynamic-map collection; with create, made if absent.
template <typename Maps, typename SettingsOf>
config::CryptoMapSettings* entry_of(Ctx& c, Maps& maps, bool create, SettingsOf settings_of) {
  const std::string& name = c.args.str("map");
  uint32_t seq = c.args.num("seq");
  auto m = maps.find(name);
  if (m == maps.end()) {
    if (!create) return nullptr;
    m = maps.emplace(name, typename Maps::mapped_type{}).first;
    m->second.name = name;
  }
  auto e = m->second.entries.find(seq);
  if (e == m->second.entries.end()) {
    if (!create) return nullptr;
    e = m->second.entries.emplace(seq, typename decltype(m->second.entries)::mapped_type{}).first;
  }
  return &settings_of(e->second, seq);
}

config::CryptoMapSettings* dynamic_entry(Ctx& c, bool create) {
  return entry_of(
      c, c.cfg.crypto.dynamic_maps, create,
      [](config::CryptoMapSettings& s, uint32_t) -> config::CryptoMapSettings& { return s; });
}

config::CryptoMapSettings* static_entry(Ctx& c, bool create) {
  return entry_of(c, c.cfg.crypto.maps, create,
                  [](config::CryptoMapEntry& e, uint32_t seq) -> config::CryptoMapSettings& {
                    e.seq = seq;
                    return e.settings;
                  });
}

// The numbered list arguments "<ts1> [<ts2> [...]]" in order.
std::vector<std::string> list_args(const Args& a, std::string_view base, int max) {
  std::vector<std::string> out;
  for (int i = 1; i <= max; ++i) {
    std::string key = fmt::format("{}{}", base, i);
    if (!a.has(key)) break;
    out.push_back(a.str(key));
  }
  return out;
}

// "<x1:WORD> [<x2:WORD> [<x3:WORD> ...]]" with one help string per token.
std::string list_syntax(std::string_view base, int max) {
  std::string s = fmt::format("<{}1:WORD>", base);
  for (int i = 2; i <= max; ++i) s += fmt::format(" [<{}{}:WORD>", base, i);
  return s + std::string(static_cast<size_t>(max - 1), ']');
}

void register_settings(CommandTree& t, const std::string& prefix,
                       const std::vector<std::string_view>& prefix_help, const Resolver& entry) {
  auto help = [&](std::initializer_list<std::string_view> more, size_t repeat_last = 0) {
    auto v = prefix_help;
    v.insert(v.end(), more);
    for (size_t i = 0; i < repeat_last; ++i) v.push_back(v.back());
    return v;
  };
  const std::string set = prefix + " set ";
  // set [ikev1] transform-set A [B ...]
  for (bool ikev1 : {true, false}) {
    std::string kw = ikev1 ? "ikev1 transform-set " : "transform-set ";
    auto h = ikev1 ? help({"Specify crypto map settings", "Set IKEv1 settings",
                           "Specify transform-sets", "Proposal tag"},
                          kMaxTransformSets - 1)
                   : help({"Specify crypto map settings", "Specify transform-sets", "Proposal tag"},
                          kMaxTransformSets - 1);
    t.add({kConfig, set + kw + list_syntax("ts", kMaxTransformSets), h,
           [entry](Ctx& c) {
             auto* e = entry(c, !c.negated);
             if (!e) return;
             auto sets = list_args(c.args, "ts", kMaxTransformSets);
             if (c.negated) {
               e->transform_sets.clear();
               return;
             }
             for (const auto& s : sets)
               if (!c.cfg.crypto.transform_sets.contains(s))
                 warning(c, fmt::format("transform set {} not found; the entry is incomplete "
                                        "until it is defined",
                                        s));
             e->transform_sets = sets;
           },
           true, !ikev1});
  }
  const auto& pfs = config::pfs_group_choices();
  t.add({kConfig, set + fmt::format("pfs [{{group:{}}}]", pfs.words),
         help({"Specify crypto map settings", "Specify pfs settings", pfs.help}),
         [entry](Ctx& c) {
           auto* e = entry(c, !c.negated);
           if (!e) return;
           if (c.negated) {
             e->pfs_group.reset();
             return;
           }
           // "set pfs" alone means group 2, as on the ASA.
           auto g = config::parse_pfs_group(c.args.has("group") ? c.args.str("group") : "group2");
           if (!g) {
             c.session.invalid_input_at(c.out, c.args, "group");
             return;
           }
           e->pfs_group = *g;
         },
         true});
  t.add({kConfig, set + "security-association lifetime {unit:seconds|kilobytes} <n:10-2147483647>",
         help({"Specify crypto map settings", "Security association duration",
               "Set security association lifetime",
               "Specify lifetime in seconds|Specify lifetime in kilobytes", "Lifetime value"}),
         [entry](Ctx& c) {
           auto* e = entry(c, !c.negated);
           if (!e) return;
           auto& field =
               c.args.str("unit") == "seconds" ? e->lifetime_seconds : e->lifetime_kilobytes;
           if (c.negated)
             field.reset();
           else
             field = c.args.num("n");
         },
         true});
  t.add({kConfig, set + "reverse-route",
         help({"Specify crypto map settings", "Enable reverse route injection"}),
         [entry](Ctx& c) {
           if (auto* e = entry(c, !c.negated)) e->reverse_route = !c.negated;
         },
         true});
  t.add({kConfig, set + "nat-t-disable",
         help({"Specify crypto map settings", "Disable NAT-T negotiation for this entry"}),
         [entry](Ctx& c) {
           if (auto* e = entry(c, !c.negated)) e->nat_t_disable = !c.negated;
         },
         true});
  t.add({kConfig, set + "peer " + list_syntax("peer", kMaxPeers),
         help({"Specify crypto map settings", "Specify peer address or hostname",
               "IP address or hostname of peer"},
              kMaxPeers - 1),
         [entry](Ctx& c) {
           auto* e = entry(c, !c.negated);
           if (!e) return;
           if (c.negated)
             e->peers.clear();
           else
             e->peers = list_args(c.args, "peer", kMaxPeers);
         },
         true});
  t.add({kConfig, set + "connection-type {type:answer-only|originate-only|bidirectional}",
         help({"Specify crypto map settings", "Specify connection type",
               "Answer only|Originate only|Bidirectional"}),
         [entry](Ctx& c) {
           auto* e = entry(c, !c.negated);
           if (!e) return;
           if (c.negated || c.args.str("type") == "bidirectional")
             e->connection_type.reset();
           else
             e->connection_type = c.args.str("type");
         },
         true});
  t.add({kConfig, prefix + " match address <acl:WORD>",
         help({"Match values of packet", "Match address of packet", "Access-list name"}),
         [entry](Ctx& c) {
           auto* e = entry(c, !c.negated);
           if (!e) return;
           if (c.negated) {
             e->match_address.reset();
             return;
           }
           if (!c.cfg.access_lists.contains(c.args.str("acl")))
             warning(c, fmt::format("ACL {} does not exist yet; define it before traffic can "
                                    "match this entry",
                                    c.args.str("acl")));
           e->match_address = c.args.str("acl");
         },
         true});
}

// PIX 6.3 "crypto map M client authentication G": the XAUTH server group of the peers the
// map serves. The ASA has no such line; converting, it puts the group into the remote-access
// tunnel-groups as their authentication-server-group. Those that exist get it now; the map
// keeps the group so that the tunnel-groups later PIX lines create (vpngroup, the wildcard
// isakmp key) get it too (pix.cpp), whichever order the PIX configuration has.
void map_client_authentication(Ctx& c) {
  const std::string& map = c.args.str("map");
  const std::string& group = c.args.str("aaa");
  if (c.negated) {
    if (auto it = c.cfg.crypto.maps.find(map); it != c.cfg.crypto.maps.end())
      it->second.client_authentication.reset();
    return;
  }
  if (!require_server_group(c, group)) return;
  auto& m = c.cfg.crypto.maps[map];
  m.name = map;
  m.client_authentication = group;
  std::vector<std::string> asa;
  for (const auto& [name, tg] : c.cfg.tunnel_groups) {
    if (tg.type != "remote-access" || tg.general.authentication_server_group) continue;
    asa.push_back(fmt::format("tunnel-group {} general-attributes", name));
    asa.push_back("authentication-server-group " + group);
  }
  std::string line = fmt::format("crypto map {} client authentication {}", map, group);
  if (asa.empty()) {
    info(c, fmt::format("PIX command converted: {} -> authentication-server-group {} in each "
                        "remote-access tunnel-group",
                        line, group));
    return;
  }
  convert(c, line, asa);
}

void map_client_config(Ctx& c) {
  auto& m = c.cfg.crypto.maps[c.args.str("map")];
  m.name = c.args.str("map");
  bool on = !c.negated;
  if (c.args.str("mode") == "initiate")
    m.client_config_initiate = on;
  else
    m.client_config_respond = on;
}

}  // namespace

void register_crypto_maps(CommandTree& t) {
  const std::vector<std::string_view> dyn{kHelpCrypto, "Configure a dynamic crypto map",
                                          "Dynamic crypto map template tag", "Sequence number"};
  register_settings(t, "crypto dynamic-map <map:WORD> <seq:1-65535>", dyn, dynamic_entry);
  t.add({kConfig, "no crypto dynamic-map <map:WORD> [<seq:1-65535>]", dyn, [](Ctx& c) {
           auto& maps = c.cfg.crypto.dynamic_maps;
           auto m = maps.find(c.args.str("map"));
           if (m == maps.end()) return;
           if (!c.args.has("seq"))
             maps.erase(m);
           else if (m->second.entries.erase(c.args.num("seq")) && m->second.entries.empty())
             maps.erase(m);
         }});

  const std::vector<std::string_view> map{kHelpCrypto, "Configure a crypto map", "Crypto map tag",
                                          "Sequence to insert into crypto map "
                                          "entry"};
  register_settings(t, "crypto map <map:WORD> <seq:1-65535>", map, static_entry);
  auto map_help = [&](std::initializer_list<std::string_view> more) {
    auto v = map;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig, "crypto map <map:WORD> <seq:1-65535> ipsec-isakmp [dynamic <dyn:WORD>]",
         map_help({"IPsec w/ISAKMP", "Enable dynamic crypto map support",
                   "Name of dynamic crypto map template"}),
         [](Ctx& c) {
           auto& m = c.cfg.crypto.maps[c.args.str("map")];
           m.name = c.args.str("map");
           auto& e = m.entries[c.args.num("seq")];
           e.seq = c.args.num("seq");
           if (c.args.has("dyn")) {
             if (!c.cfg.crypto.dynamic_maps.contains(c.args.str("dyn")))
               warning(c,
                       fmt::format("dynamic crypto map {} does not exist yet", c.args.str("dyn")));
             e.dynamic_map = c.args.str("dyn");
           }
         }});
  t.add({kConfig,
         "no crypto map <map:WORD> [<seq:1-65535>]",
         {kHelpCrypto, "Configure a crypto map", "Crypto map tag",
          "Sequence to insert into crypto map entry"},
         [](Ctx& c) {
           auto& maps = c.cfg.crypto.maps;
           auto m = maps.find(c.args.str("map"));
           if (m == maps.end()) return;
           if (!c.args.has("seq"))
             maps.erase(m);
           else
             m->second.entries.erase(c.args.num("seq"));
         }});
  t.add({kConfig,
         "crypto map <map:WORD> interface <ifname:WORD>",
         {kHelpCrypto, "Configure a crypto map", "Crypto map tag",
          "Apply crypto map to an interface", "Name of interface"},
         [](Ctx& c) {
           const std::string& ifname = c.args.str("ifname");
           auto& maps = c.cfg.crypto.maps;
           if (c.negated) {
             if (auto m = maps.find(c.args.str("map")); m != maps.end())
               m->second.interface.reset();
             return;
           }
           if (!require_nameif(c, ifname)) return;
           // One crypto map per interface: binding another replaces the old binding.
           for (auto& [name, m] : maps)
             if (m.interface == ifname) m.interface.reset();
           auto& m = maps[c.args.str("map")];
           m.name = c.args.str("map");
           m.interface = ifname;
         },
         true});
  // PIX 6.3: mode-config push/pull and XAUTH server group per crypto map. Kept as they are,
  // hidden from '?': the IKE code uses them for the VPN Client 1.1 push flow.
  t.add({kConfig,
         "crypto map <map:WORD> client configuration address {mode:initiate|respond}",
         {kHelpCrypto, "Configure a crypto map", "Crypto map tag", "Client settings (PIX)",
          "Mode configuration", "Address assignment",
          "Push the address to the client|Answer the client's address request"},
         map_client_config,
         true,
         true});
  t.add({kConfig,
         "crypto map <map:WORD> client authentication <aaa:WORD>",
         {kHelpCrypto, "Configure a crypto map", "Crypto map tag", "Client settings (PIX)",
          "Extended authentication (XAUTH) server group", "AAA server group name"},
         map_client_authentication,
         true,
         true});
}

namespace {

void render_settings(ConfigWriter& w, const std::string& p, const config::CryptoMapSettings& s) {
  if (s.match_address) w.line(fmt::format("{} match address {}", p, *s.match_address));
  if (const auto* g = s.pfs_group ? config::dh_group(*s.pfs_group) : nullptr)
    w.line(fmt::format("{} set pfs {}", p, g->asa_pfs));
  if (!s.peers.empty()) {
    std::string l = p + " set peer";
    for (const auto& peer : s.peers) l += " " + peer;
    w.line(l + " ");  // the ASA prints a trailing space here too
  }
  if (!s.transform_sets.empty()) {
    std::string l = p + " set ikev1 transform-set";
    for (const auto& ts : s.transform_sets) l += " " + ts;
    w.line(l);
  }
  if (s.lifetime_seconds)
    w.line(fmt::format("{} set security-association lifetime seconds {}", p, *s.lifetime_seconds));
  if (s.lifetime_kilobytes)
    w.line(
        fmt::format("{} set security-association lifetime kilobytes {}", p, *s.lifetime_kilobytes));
  if (s.reverse_route) w.line(p + " set reverse-route");
  if (s.nat_t_disable) w.line(p + " set nat-t-disable");
  if (s.connection_type) w.line(fmt::format("{} set connection-type {}", p, *s.connection_type));
}

}  // namespace

void render_crypto_maps(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [name, dm] : cfg.crypto.dynamic_maps)
    for (const auto& [seq, s] : dm.entries)
      render_settings(w, fmt::format("crypto dynamic-map {} {}", name, seq), s);
  for (const auto& [name, m] : cfg.crypto.maps) {
    for (const auto& [seq, e] : m.entries) {
      std::string p = fmt::format("crypto map {} {}", name, seq);
      render_settings(w, p, e.settings);
      if (e.dynamic_map)
        w.line(fmt::format("{} ipsec-isakmp dynamic {}", p, *e.dynamic_map));
      else if (e.settings.match_address == std::nullopt && e.settings.peers.empty() &&
               e.settings.transform_sets.empty())
        w.line(p + " ipsec-isakmp");  // an entry with nothing set yet still exists
    }
    if (m.client_config_initiate)
      w.line(fmt::format("crypto map {} client configuration address initiate", name));
    if (m.client_config_respond)
      w.line(fmt::format("crypto map {} client configuration address respond", name));
    // client authentication is not printed: converted, it lives in the tunnel-groups.
    if (m.interface) w.line(fmt::format("crypto map {} interface {}", name, *m.interface));
  }
}

}  // namespace rampart::cli
