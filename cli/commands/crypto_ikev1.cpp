// crypto ikev1 (and the pre-8.4 "crypto isakmp" spelling): enable per interface, policies and
// their sub-mode, NAT traversal, identity, aggressive-mode control and the half-open limit.
#include "cli/commands/common.hpp"
#include "cli/commands/crypto_common.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kPolicy = mask_of(Mode::IsakmpPolicy);

config::IsakmpPolicy& current_policy(Ctx& c) {
  uint32_t prio = c.session.frame().num;
  auto& p = c.cfg.crypto.policies[prio];
  p.priority = prio;
  return p;
}

bool has_psk_groups(const config::Config& cfg) {
  for (const auto& [name, tg] : cfg.tunnel_groups)
    if (tg.ipsec.pre_shared_key) return true;
  return false;
}

void enable(Ctx& c) {
  const std::string& ifname = c.args.str("ifname");
  if (c.negated) {
    c.cfg.crypto.isakmp_enabled.erase(ifname);
    return;
  }
  if (!require_nameif(c, ifname)) return;
  c.cfg.crypto.isakmp_enabled.insert(ifname);
  // Aggressive mode sends a hash of the pre-shared key before the peer is authenticated; it
  // can be cracked offline. The ASA accepts it by default, so do we, but say so once here.
  if (!c.cfg.crypto.am_disable && has_psk_groups(c.cfg))
    warning(c,
            "IKEv1 aggressive mode is accepted with pre-shared keys: a captured exchange lets "
            "the key be guessed offline. Use 'crypto ikev1 am-disable' unless remote-access "
            "clients need it.");
}

}  // namespace

void register_crypto_ikev1(CommandTree& t) {
  for (std::string_view v : {"ikev1", "isakmp"}) {
    // Both spellings; the 8.4+ one is shown. "isakmp" carries the global options in 9.x too.
    bool old = v == "isakmp";
    std::string_view vh = old ? "Configure ISAKMP policy" : "Configure IKEv1 policy";
    t.add({kConfig,
           fmt::format("crypto {} enable <ifname:WORD>", v),
           {kHelpCrypto, vh, "Enable IKEv1 on the specified interface", "Name of interface"},
           enable,
           true});
    t.add({kConfig,
           fmt::format("crypto {} policy <priority:1-65535>", v),
           {kHelpCrypto, vh, "Set IKEv1 policy suite",
            "Policy suite priority (1 highest, 65535 lowest)"},
           [](Ctx& c) {
             uint32_t prio = c.args.num("priority");
             if (c.negated) {
               c.cfg.crypto.policies.erase(prio);
               return;
             }
             auto& p = c.cfg.crypto.policies[prio];
             p.priority = prio;
             c.session.enter({Mode::IsakmpPolicy, "", prio});
           },
           true});
    t.add({kConfig,
           fmt::format("crypto {} am-disable", v),
           {kHelpCrypto, vh, "Disable inbound aggressive mode connections"},
           [](Ctx& c) { c.cfg.crypto.am_disable = !c.negated; },
           true});
    t.add({kConfig,
           fmt::format("crypto {} limit max-in-negotiation-sa <n:1-65535>", v),
           {kHelpCrypto, vh, "Limit the number of IKEv1 SAs",
            "Limit the number of SAs in negotiation", "Number of SAs"},
           [](Ctx& c) {
             if (c.negated)
               c.cfg.crypto.max_in_negotiation_sa.reset();
             else
               c.cfg.crypto.max_in_negotiation_sa = static_cast<int>(c.args.num("n"));
           },
           true});
  }
  t.add({kConfig,
         "crypto isakmp nat-traversal [<keepalive:10-3600>]",
         {kHelpCrypto, "Configure ISAKMP policy", "Enable NAT traversal",
          "NAT keepalive interval in seconds"},
         [](Ctx& c) {
           c.cfg.crypto.nat_traversal = !c.negated;
           c.cfg.crypto.nat_traversal_keepalive =
               c.negated ? 20 : static_cast<int>(c.args.num("keepalive", 20));
         },
         true});
  t.add({kConfig,
         "crypto isakmp identity {kind:address|hostname|auto}",
         {kHelpCrypto, "Configure ISAKMP policy", "Set identity type",
          "Use the IP address|Use the hostname|Choose by connection type"},
         [](Ctx& c) { c.cfg.crypto.identity = c.negated ? "auto" : c.args.str("kind"); },
         true});
  t.add({kConfig,
         "crypto isakmp identity key-id <id:WORD>",
         {kHelpCrypto, "Configure ISAKMP policy", "Set identity type", "Use a key ID",
          "Key ID string"},
         [](Ctx& c) { c.cfg.crypto.identity = c.negated ? "auto" : "key-id " + c.args.str("id"); },
         true});

  // The policy sub-mode. Words and help come from the algorithm table; each handler turns the
  // word into the model's enum here, once (the grammar let only the table's words through).
  const auto& auth = config::ike_authentication_choices(config::Dialect::Asa);
  t.add({kPolicy,
         fmt::format("authentication {{method:{}}}", auth.words),
         {"Set authentication method", auth.help},
         [](Ctx& c) {
           auto& p = current_policy(c);
           if (c.negated) {
             p.authentication = config::IsakmpPolicy{}.authentication;
           } else if (auto a = config::parse_ike_authentication(c.args.str("method"),
                                                                config::Dialect::Asa)) {
             p.authentication = *a;
           } else {
             c.session.invalid_input_at(c.out, c.args, "method");
           }
         },
         true});
  const auto& enc = config::ike_encryption_choices(config::Dialect::Asa);
  t.add({kPolicy,
         fmt::format("encryption {{alg:{}}}", enc.words),
         {"Set encryption algorithm", enc.help},
         [](Ctx& c) {
           auto& p = current_policy(c);
           if (c.negated) {
             p.encryption = config::IsakmpPolicy{}.encryption;
           } else if (auto e =
                          config::parse_ike_encryption(c.args.str("alg"), config::Dialect::Asa)) {
             p.encryption = *e;
           } else {
             c.session.invalid_input_at(c.out, c.args, "alg");
           }
         },
         true});
  const auto& hash = config::ike_hash_choices(config::Dialect::Asa);
  t.add({kPolicy,
         fmt::format("hash {{alg:{}}}", hash.words),
         {"Set hash algorithm", hash.help},
         [](Ctx& c) {
           auto& p = current_policy(c);
           if (c.negated) {
             p.hash = config::IsakmpPolicy{}.hash;
           } else if (auto h = config::parse_ike_hash(c.args.str("alg"), config::Dialect::Asa)) {
             p.hash = *h;
           } else {
             c.session.invalid_input_at(c.out, c.args, "alg");
           }
         },
         true});
  const auto& groups = config::dh_group_choices(config::Dialect::Asa);
  t.add({kPolicy,
         fmt::format("group {{g:{}}}", groups.words),
         {"Set the Diffie-Hellman group", groups.help},
         [](Ctx& c) {
           auto& p = current_policy(c);
           if (c.negated) {
             p.group = config::IsakmpPolicy{}.group;
           } else if (auto g = config::parse_dh_group(c.args.str("g"), config::Dialect::Asa)) {
             p.group = *g;
           } else {
             c.session.invalid_input_at(c.out, c.args, "g");
           }
         },
         true});
  t.add({kPolicy,
         "lifetime <seconds:120-2147483647>",
         {"Set lifetime for ISAKMP security association", "Lifetime in seconds"},
         [](Ctx& c) { current_policy(c).lifetime = c.negated ? 86400 : c.args.num("seconds"); },
         true});
  t.add({kPolicy,
         "lifetime none",
         {"Set lifetime for ISAKMP security association", "Infinite lifetime"},
         [](Ctx& c) { current_policy(c).lifetime = c.negated ? 86400 : 0; },
         true});
}

void render_crypto_ikev1(const config::Config& cfg, ConfigWriter& w) {
  const auto& c = cfg.crypto;
  if (c.identity != "auto") w.line("crypto isakmp identity " + c.identity);
  for (const auto& ifname : c.isakmp_enabled) w.line("crypto ikev1 enable " + ifname);
  if (c.am_disable) w.line("crypto ikev1 am-disable");
  if (c.max_in_negotiation_sa)
    w.line(fmt::format("crypto ikev1 limit max-in-negotiation-sa {}", *c.max_in_negotiation_sa));
  for (const auto& [prio, p] : c.policies) {
    w.line(fmt::format("crypto ikev1 policy {}", prio));
    w.sub(fmt::format("authentication {}", config::row(p.authentication).words.asa));
    w.sub(fmt::format("encryption {}", config::row(p.encryption).words.asa));
    w.sub(fmt::format("hash {}", config::row(p.hash).words.asa));
    w.sub(fmt::format("group {}", p.group));
    w.sub(p.lifetime ? fmt::format("lifetime {}", p.lifetime) : "lifetime none");
  }
  if (!c.nat_traversal)
    w.line("no crypto isakmp nat-traversal");
  else if (c.nat_traversal_keepalive != 20)
    w.line(fmt::format("crypto isakmp nat-traversal {}", c.nat_traversal_keepalive));
}

}  // namespace rampart::cli
