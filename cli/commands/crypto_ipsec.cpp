// crypto ipsec: transform sets (both the 8.3 "crypto ipsec transform-set" and the 8.4+
// "crypto ipsec ikev1 transform-set" spellings), global SA lifetimes, replay window, DF bit and
// fragmentation policy per interface.
#include "cli/commands/common.hpp"
#include "cli/commands/crypto_common.hpp"

namespace rampart::cli {

namespace {

void transform_set(Ctx& c) {
  const std::string& name = c.args.str("name");
  auto& sets = c.cfg.crypto.transform_sets;
  if (c.negated) {
    if (!sets.erase(name)) error(c, fmt::format("Transform set {} not found", name));
    return;
  }
  // The words become the table's enums here, once; the grammar let only its words through.
  auto enc = config::parse_esp_encryption(c.args.str("enc"), config::Dialect::Asa);
  auto auth = c.args.has("auth")
                  ? config::parse_esp_integrity(c.args.str("auth"), config::Dialect::Asa)
                  : config::EspIntegrity::None;
  if (!enc || !auth) {
    c.session.invalid_input_at(c.out, c.args, enc ? "auth" : "enc");
    return;
  }
  // ESP without integrity leaves it open to forgery and cut-and-paste: the null cipher needs an
  // HMAC (RFC 4303 3.2).
  if (*enc == config::EspEncryption::Null && *auth == config::EspIntegrity::None) {
    error(c, "esp-null requires an authentication transform");
    return;
  }
  config::TransformSet& ts = sets[name];
  ts.name = name;
  ts.encryption = *enc;
  ts.integrity = *auth;
}

void transform_mode(Ctx& c) {
  auto it = c.cfg.crypto.transform_sets.find(c.args.str("name"));
  if (it == c.cfg.crypto.transform_sets.end()) {
    error(c, fmt::format("Transform set {} not found", c.args.str("name")));
    return;
  }
  it->second.mode = c.negated ? "tunnel" : "transport";
}

}  // namespace

void register_crypto_ipsec(CommandTree& t) {
  for (bool ikev1 : {false, true}) {
    std::string pre = ikev1 ? "crypto ipsec ikev1 transform-set <name:WORD> "
                            : "crypto ipsec transform-set <name:WORD> ";
    std::vector<std::string_view> h{kHelpCrypto,
                                    "Configure transform-set, IPsec SA lifetime and "
                                    "fragmentation"};
    if (ikev1) h.push_back("Set IKEv1 settings");
    h.push_back("Define transform-set");
    h.push_back("Transform set tag");
    auto with = [&](std::initializer_list<std::string_view> more) {
      auto v = h;
      v.insert(v.end(), more);
      return v;
    };
    // The 8.3 spelling is accepted and shown in the 8.4+ form, as an ASA 8.4 converts it.
    const auto& enc = config::esp_encryption_choices(config::Dialect::Asa);
    const auto& auth = config::esp_integrity_choices(config::Dialect::Asa);
    t.add({kConfig, pre + fmt::format("{{enc:{}}} [{{auth:{}}}]", enc.words, auth.words),
           with({enc.help, auth.help}), transform_set, false, !ikev1});
    t.add({kConfig, "no " + pre, h, transform_set, false, !ikev1});
    t.add({kConfig, pre + "mode transport", with({"Set the encapsulation mode", "Transport mode"}),
           transform_mode, true, !ikev1});
  }
  const std::vector<std::string_view> sa{
      kHelpCrypto, "Configure transform-set, IPsec SA lifetime and fragmentation",
      "Configure global IPsec security association parameters"};
  auto sa_with = [&](std::initializer_list<std::string_view> more) {
    auto v = sa;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig, "crypto ipsec security-association lifetime seconds <n:120-2147483647>",
         sa_with({"Configure the security association lifetime", "Lifetime in seconds", "Seconds"}),
         [](Ctx& c) {
           c.cfg.crypto.sa_lifetime_seconds =
               c.negated ? config::Crypto{}.sa_lifetime_seconds : c.args.num("n");
         },
         true});
  t.add({kConfig, "crypto ipsec security-association lifetime kilobytes <n:10-2147483647>",
         sa_with(
             {"Configure the security association lifetime", "Lifetime in kilobytes", "Kilobytes"}),
         [](Ctx& c) {
           c.cfg.crypto.sa_lifetime_kilobytes =
               c.negated ? config::Crypto{}.sa_lifetime_kilobytes : c.args.num("n");
         },
         true});
  t.add({kConfig, "crypto ipsec security-association replay window-size {n:64|128|256|512|1024}",
         sa_with({"Configure the anti-replay checking", "Set the anti-replay window size",
                  "64 packets|128 packets|256 packets|512 packets|1024 packets"}),
         [](Ctx& c) {
           c.cfg.crypto.replay_window =
               c.negated ? config::Crypto{}.replay_window : static_cast<int>(c.args.num("n"));
         },
         true});
  t.add({kConfig,
         "crypto ipsec df-bit {policy:clear-df|set-df|copy-df} <ifname:WORD>",
         {kHelpCrypto, "Configure transform-set, IPsec SA lifetime and fragmentation",
          "Set the DF bit policy of encapsulated packets",
          "Clear the DF bit|Set the DF bit|Copy the DF bit from the inner header",
          "Name of interface"},
         [](Ctx& c) {
           const std::string& n = c.args.str("ifname");
           if (!c.negated && !require_nameif(c, n)) return;
           if (c.negated || c.args.str("policy") == "copy-df")
             c.cfg.crypto.df_bit.erase(n);
           else
             c.cfg.crypto.df_bit[n] = c.args.str("policy");
         },
         true});
  t.add({kConfig,
         "crypto ipsec fragmentation {policy:before-encryption|after-encryption} <ifname:WORD>",
         {kHelpCrypto, "Configure transform-set, IPsec SA lifetime and fragmentation",
          "Set the fragmentation policy", "Fragment before encryption|Fragment after encryption",
          "Name of interface"},
         [](Ctx& c) {
           const std::string& n = c.args.str("ifname");
           if (!c.negated && !require_nameif(c, n)) return;
           if (c.negated || c.args.str("policy") == "before-encryption")
             c.cfg.crypto.fragmentation.erase(n);
           else
             c.cfg.crypto.fragmentation[n] = c.args.str("policy");
         },
         true});
}

void render_crypto_ipsec(const config::Config& cfg, ConfigWriter& w) {
  const auto& c = cfg.crypto;
  for (const auto& [name, ts] : c.transform_sets) {
    // The trailing space is the ASA's own; operators' TextFSM templates depend on it.
    std::string line = "crypto ipsec ikev1 transform-set " + name;
    line += fmt::format(" {}", config::row(ts.encryption).words.asa);
    if (ts.integrity != config::EspIntegrity::None)
      line += fmt::format(" {}", config::row(ts.integrity).words.asa);
    w.line(line + " ");
    if (ts.mode == "transport")
      w.line(fmt::format("crypto ipsec ikev1 transform-set {} mode transport", name));
  }
  w.line(
      fmt::format("crypto ipsec security-association lifetime seconds {}", c.sa_lifetime_seconds));
  w.line(fmt::format("crypto ipsec security-association lifetime kilobytes {}",
                     c.sa_lifetime_kilobytes));
  if (c.replay_window != config::Crypto{}.replay_window)
    w.line(fmt::format("crypto ipsec security-association replay window-size {}", c.replay_window));
  for (const auto& [ifname, policy] : c.df_bit)
    w.line(fmt::format("crypto ipsec df-bit {} {}", policy, ifname));
  for (const auto& [ifname, policy] : c.fragmentation)
    w.line(fmt::format("crypto ipsec fragmentation {} {}", policy, ifname));
}

}  // namespace rampart::cli
