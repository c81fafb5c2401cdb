// PIX 6.3 commands, converted into the ASA model the way an ASA converts a PIX configuration:
// each PIX line runs the equivalent ASA commands and prints one notice. Non-VPN PIX features we
// do not implement are reported with their line number; no line is dropped silently.
#include <cctype>

#include "cli/commands/common.hpp"
#include "cli/commands/pix_nat.hpp"
#include "cli/commands/sections.hpp"
#include "platform/ifmap.hpp"

namespace rampart::cli {

// Runs ASA lines in order from Config mode, returns to Config mode, and prints one notice for
// the PIX line (or the errors the ASA lines produced).
void convert(Ctx& c, std::string_view pix_line, const std::vector<std::string>& asa_lines) {
  std::string errors;
  for (const auto& l : asa_lines) {
    Reply r = c.session.execute_internal(l);
    errors += r.output.find("ERROR") != std::string::npos ? r.output : "";
  }
  while (c.session.mode() != Mode::Config && c.session.mode() != Mode::PrivExec)
    c.session.exit_mode();
  if (!errors.empty()) {
    c.out += errors;
    return;
  }
  // The notice names the ASA lines, with any secret they carry masked.
  std::string joined;
  for (const auto& l : asa_lines) {
    if (l == "exit") continue;  // leaving a sub-mode is no part of what was converted
    std::string shown = l.starts_with("ikev1 pre-shared-key ") ? "ikev1 pre-shared-key *****" : l;
    joined += (joined.empty() ? "" : " / ") + shown;
  }
  info(c, fmt::format("PIX command converted: {} -> {}", pix_line, joined));
}

namespace {

// The line as typed, rebuilt from the words the grammar bound.
std::string words(const Args& a, std::initializer_list<std::string_view> keys, std::string prefix) {
  for (auto k : keys)
    if (a.has(k)) prefix += " " + a.str(k);
  return prefix;
}

// The line as it may be shown: an SNMP community is a shared secret, masked as the ASA masks it.
std::string masked(std::string_view line) {
  std::string out;
  bool secret_next = false;
  for (const auto& w : split_words(line)) {
    out += (out.empty() ? "" : " ") +
           (secret_next ? std::string(config::Secret::masked) : std::string(w.text));
    secret_next = w.text == "community";
  }
  return out;
}

// Why a PIX/ASA feature has no effect on this box, by the line's first words: each line that
// is reported names its own reason rather than a blanket one.
std::string_view why_unsupported(std::string_view line) {
  struct Why {
    std::string_view prefix, why;
  };
  static constexpr Why kWhy[] = {
      {"pdm ", "no PIX Device Manager: this box is managed from its CLI"},
      {"floodguard ",
       "PIX AAA flood guard; the ASA dropped it for connection limits (set connection in a "
       "policy-map), which this box does not configure"},
      {"ip audit ", "no intrusion detection signatures (PIX IDS) on this box"},
      {"failover", "no failover pair: this box runs alone"},
      {"telnet ", "no Telnet server on this box: manage it with ssh"},
      {"aaa authentication include", "no cut-through proxy authentication of through traffic"},
      {"aaa authentication exclude", "no cut-through proxy authentication of through traffic"},
      {"aaa accounting ", "no cut-through proxy accounting of through traffic"},
      // Lines of an ASA 9.x running configuration (most of them its defaults) for functions
      // this box does not have: a pasted configuration reports them instead of failing.
      {"http ", "no HTTPS server (ASDM, WebVPN): this box is managed from its CLI over SSH"},
      {"asdm ", "no ASDM: this box is managed from its CLI"},
      {"threat-detection ", "no threat detection; drops are counted in show asp drop"},
      {"mac-address auto", "no multiple-context mode: each interface keeps its own MAC address"},
      {"ftp mode ", "no FTP client on this box"},
      {"icmp unreachable ", "the ICMP errors the box sends are rate-limited by the kernel"},
      {"arp rate-limit ", "ARP is the kernel's, not configured here"},
      {"arp permit-nonconnected", "ARP is the kernel's, not configured here"},
      {"user-identity ", "no Identity Firewall on this box"},
      {"dynamic-access-policy-record ", "no dynamic access policies: group-policies apply"},
      {"service sw-reset-button", "no reset button on this hardware"},
      {"crypto ipsec security-association pmtu-aging ",
       "the dataplane keeps no learned path MTU per SA"},
      {"crypto ca ", "no certificates (PKI): IKE authenticates with pre-shared keys"},
      {"ssh stricthostkeycheck", "no SSH client on this box"},
      {"ssh key-exchange ",
       "the SSH server offers OpenSSH's own key exchanges (curve25519, ECDH, DH groups 14, 16 "
       "and 18 with SHA-2)"},
      {"prompt ", "the prompt shows the hostname and mode only"},
      {"call-home", "no Smart Call Home reporting"},
      {"timeout conn-holddown ",
       "connections are not ended when their route goes: each stays until its idle timeout"},
      {"timeout igp ", "no dynamic routing (OSPF, EIGRP): routes are static"},
  };
  // A "no" form has the reason of the line it negates.
  if (line.starts_with("no ")) line.remove_prefix(3);
  for (const auto& w : kWhy)
    if (line.starts_with(w.prefix)) return w.why;
  return "not a VPN function";
}

void unsupported(Ctx& c, std::string_view what) {
  warning(c, fmt::format("line {}: \"{}\" is not supported ({}); ignored", c.session.line_number(),
                         masked(what), why_unsupported(what)));
}

}  // namespace

void report_unsupported(Ctx& c, std::string_view line) {
  unsupported(c, line);
}

namespace {

bool group_exists(Ctx& c, const std::string& g) {
  return c.cfg.tunnel_groups.contains(g);
}

// The XAUTH server group an earlier "crypto map M client authentication G" gave the map's
// peers, for a remote-access tunnel-group a PIX line creates or first fills (the ASA's
// conversion puts it there; see crypto_map.cpp). Nothing when the group has one already.
std::vector<std::string> client_authentication(Ctx& c, const std::string& g) {
  auto tg = c.cfg.tunnel_groups.find(g);
  if (tg != c.cfg.tunnel_groups.end() && tg->second.general.authentication_server_group) return {};
  for (const auto& [name, m] : c.cfg.crypto.maps)
    if (m.client_authentication && c.cfg.aaa_servers.contains(*m.client_authentication))
      return {fmt::format("tunnel-group {} general-attributes", g),
              "authentication-server-group " + *m.client_authentication};
  return {};
}

// vpngroup settings live in the tunnel-group and a group-policy of the same name (C8).
std::vector<std::string> ensure_group(Ctx& c, const std::string& g) {
  std::vector<std::string> l;
  if (!group_exists(c, g)) {
    l.push_back(fmt::format("tunnel-group {} type remote-access", g));
    for (auto& a : client_authentication(c, g)) l.push_back(std::move(a));
  }
  return l;
}

std::vector<std::string> ensure_policy(Ctx& c, const std::string& g) {
  auto l = ensure_group(c, g);
  if (!c.cfg.group_policies.contains(g)) {
    l.push_back(fmt::format("group-policy {} internal", g));
    l.push_back(fmt::format("tunnel-group {} general-attributes", g));
    l.push_back(fmt::format("default-group-policy {}", g));
  }
  l.push_back(fmt::format("group-policy {} attributes", g));
  return l;
}

int minutes(uint32_t seconds) {
  return static_cast<int>((seconds + 59) / 60);
}

void vpngroup(Ctx& c) {
  const std::string& g = c.args.str("group");
  const std::string& what = c.args.str("what");
  std::string line = words(c.args, {"group", "what", "rest"}, "vpngroup");
  auto rest = split_words(c.args.str("rest"));
  auto arg = [&](size_t i) { return i < rest.size() ? std::string(rest[i].text) : std::string(); };
  std::vector<std::string> asa;
  if (what == "address-pool" && rest.size() == 1) {
    asa = ensure_group(c, g);
    asa.push_back(fmt::format("tunnel-group {} general-attributes", g));
    asa.push_back("address-pool " + arg(0));
  } else if (what == "password" && rest.size() == 1) {
    asa = ensure_group(c, g);
    asa.push_back(fmt::format("tunnel-group {} ipsec-attributes", g));
    asa.push_back("ikev1 pre-shared-key " + arg(0));
    line = fmt::format("vpngroup {} password *****", g);  // never echo a secret
  } else if (what == "authentication-server" && rest.size() == 1) {
    asa = ensure_group(c, g);
    asa.push_back(fmt::format("tunnel-group {} general-attributes", g));
    asa.push_back("authentication-server-group " + arg(0));
  } else if ((what == "idle-time" || what == "max-time") && rest.size() == 1 &&
             std::isdigit(static_cast<unsigned char>(arg(0)[0]))) {
    asa = ensure_policy(c, g);
    asa.push_back(fmt::format("{} {}",
                              what == "idle-time" ? "vpn-idle-timeout" : "vpn-session-timeout",
                              minutes(static_cast<uint32_t>(std::stoul(arg(0))))));
  } else if ((what == "dns-server" || what == "wins-server") && !rest.empty() && rest.size() <= 2) {
    asa = ensure_policy(c, g);
    asa.push_back(fmt::format("{} value {}", what, c.args.str("rest")));
  } else if (what == "default-domain" && rest.size() == 1) {
    asa = ensure_policy(c, g);
    asa.push_back("default-domain value " + arg(0));
  } else if (what == "split-tunnel" && rest.size() == 1) {
    asa = ensure_policy(c, g);
    asa.push_back("split-tunnel-policy tunnelspecified");
    asa.push_back("split-tunnel-network-list value " + arg(0));
  } else if (what == "split-dns" && !rest.empty()) {
    asa = ensure_policy(c, g);
    asa.push_back("split-dns value " + c.args.str("rest"));
  } else if (what == "pfs" && rest.empty()) {
    asa = ensure_policy(c, g);
    asa.push_back("pfs enable");
  } else if (what == "backup-server" && !rest.empty()) {
    asa = ensure_policy(c, g);
    std::string v = c.args.str("rest");
    if (v == "clear-client-cfg") v = "clear-client-config";
    asa.push_back("backup-servers " + v);
  } else {
    unsupported(c, line);
    return;
  }
  convert(c, line, asa);
}

void isakmp_key(Ctx& c) {
  auto mask = config::Mask::parse(c.args.str("netmask"));
  std::string shown = fmt::format("isakmp key ***** address {} netmask {}", c.args.str("address"),
                                  c.args.str("netmask"));
  if (!mask) {
    c.session.invalid_input_at(c.out, c.args, "netmask");
    return;
  }
  const std::string& key = c.args.str("key");
  std::vector<std::string> asa;
  if (c.args.ip("address").value == 0 && mask->value == 0) {
    // The wildcard key: every peer. On the PIX, XAUTH belongs to the crypto map ("client
    // authentication"), so every peer using this key must pass it: the key goes to
    // DefaultRAGroup, whose sessions always run XAUTH. Only with no-xauth did the PIX let such
    // peers in without it; then LAN-to-LAN peers without a group of their own may use it too.
    asa = client_authentication(c, "DefaultRAGroup");
    asa.push_back("tunnel-group DefaultRAGroup ipsec-attributes");
    asa.push_back("ikev1 pre-shared-key " + key);
    if (c.args.has("noxauth")) {
      asa.push_back("isakmp ikev1-user-authentication none");
      asa.push_back("tunnel-group DefaultL2LGroup ipsec-attributes");
      asa.push_back("ikev1 pre-shared-key " + key);
    }
  } else if (mask->value == 0xffffffffu) {
    const std::string& peer = c.args.str("address");
    if (!group_exists(c, peer)) asa.push_back(fmt::format("tunnel-group {} type ipsec-l2l", peer));
    asa.push_back(fmt::format("tunnel-group {} ipsec-attributes", peer));
    asa.push_back("ikev1 pre-shared-key " + key);
  } else {
    unsupported(c, shown + " (a key for a subnet of peers has no ASA equivalent)");
    return;
  }
  convert(c, shown, asa);
}

void register_unsupported(CommandTree& t) {
  // PIX/ASA features this box does not have: accepted, reported with why, never applied.
  struct U {
    std::string_view syntax;
    std::vector<std::string_view> help;
  };
  static const std::vector<U> list = {
      {"pdm <rest:LINE>", {"PIX Device Manager", "Arguments"}},
      {"floodguard <rest:LINE>", {"Flood guard (PIX)", "Arguments"}},
      {"ip audit <rest:LINE>",
       {"Configure IP parameters", "Intrusion detection (PIX)", "Arguments"}},
      {"failover [<rest:LINE>]", {"Failover configuration", "Arguments"}},
      {"no failover [<rest:LINE>]", {"Failover configuration", "Arguments"}},
      {"telnet <rest:LINE>", {"Telnet management access", "Arguments"}},
      {"aaa authentication {kind:include|exclude} <rest:LINE>",
       {"Enable, disable, or view user authentication, authorization and accounting",
        "Enable or disable user authentication",
        "Authenticate matching traffic (PIX cut-through proxy)|Exempt matching traffic (PIX)",
        "Arguments"}},
      {"aaa accounting <rest:LINE>",
       {"Enable, disable, or view user authentication, authorization and accounting",
        "Enable or disable user accounting", "Arguments"}},
      {"http <rest:LINE>", {"Configure http server and https related commands", "Arguments"}},
      {"asdm <rest:LINE>", {"Configure Device Manager", "Arguments"}},
      {"no asdm <rest:LINE>", {"Configure Device Manager", "Arguments"}},
      {"threat-detection <rest:LINE>", {"Show threat detection information", "Arguments"}},
      {"no threat-detection <rest:LINE>", {"Show threat detection information", "Arguments"}},
      {"mac-address auto [<rest:LINE>]",
       {"Generic system configuration", "Automatic MAC address generation", "Arguments"}},
      {"no mac-address auto [<rest:LINE>]",
       {"Generic system configuration", "Automatic MAC address generation", "Arguments"}},
      {"ftp mode <rest:LINE>", {"Configure FTP client", "Set the FTP client mode", "Arguments"}},
      {"icmp unreachable <rest:LINE>",
       {"Configure ICMP access", "Rate limit for ICMP unreachables", "Arguments"}},
      {"arp rate-limit <rest:LINE>",
       {"Change or view ARP table, set ARP timeout value, view statistics", "ARP rate limit",
        "Arguments"}},
      {"arp permit-nonconnected",
       {"Change or view ARP table, set ARP timeout value, view statistics",
        "Permit ARP entries for non-connected subnets"}},
      {"no arp permit-nonconnected",
       {"Change or view ARP table, set ARP timeout value, view statistics",
        "Permit ARP entries for non-connected subnets"}},
      {"user-identity <rest:LINE>", {"Identity Firewall", "Arguments"}},
      {"dynamic-access-policy-record <rest:LINE>", {"Dynamic access policy record", "Arguments"}},
      {"service sw-reset-button", {"Define service", "Reset button"}},
      {"crypto ipsec security-association pmtu-aging <rest:LINE>",
       {kHelpCrypto, "Configure transform-set, IPsec SA lifetime and fragmentation",
        "Configure global IPsec security association parameters", "Path MTU aging", "Arguments"}},
      {"crypto ca <rest:LINE>", {kHelpCrypto, "Certificate authority", "Arguments"}},
      {"ssh stricthostkeycheck", {"Configure SSH options", "Check the server's host key"}},
      {"ssh key-exchange <rest:LINE>",
       {"Configure SSH options", "Key exchange method", "Arguments"}},
      {"prompt <rest:LINE>", {"Configure session prompt display", "Arguments"}},
      {"call-home [<rest:LINE>]", {"Smart Call Home", "Arguments"}},
      {"no call-home [<rest:LINE>]", {"Smart Call Home", "Arguments"}},
  };
  for (const auto& u : list)
    t.add({kConfig, std::string(u.syntax), u.help,
           [](Ctx& c) {
             // Rebuild the line from the session history: it is what the user typed.
             const auto& h = c.session.history();
             unsupported(c, h.empty() ? "" : h.back());
           },
           false, true});
}

// "isakmp policy N ATTR VALUE": an algorithm is read in the PIX 6.3 dialect (no SHA-2, no
// group above 5) and written as the ASA's word for the same row; a word PIX 6.3 did not have
// is invalid input at that word, as the PIX would have said.
void isakmp_policy(Ctx& c) {
  const std::string& attr = c.args.str("attr");
  const std::string& value = c.args.str("value");
  constexpr auto pix = config::Dialect::Pix;
  std::optional<std::string_view> asa;
  if (attr == "authentication") {
    if (auto a = config::parse_ike_authentication(value, pix)) asa = config::row(*a).words.asa;
  } else if (attr == "encryption") {
    if (auto e = config::parse_ike_encryption(value, pix)) asa = config::row(*e).words.asa;
  } else if (attr == "hash") {
    if (auto e = config::parse_ike_hash(value, pix)) asa = config::row(*e).words.asa;
  } else if (attr == "group") {
    if (auto g = config::parse_dh_group(value, pix)) asa = config::dh_group(*g)->words.asa;
  } else {
    asa = value;  // lifetime: a number the ASA line checks
  }
  if (!asa) {
    c.session.invalid_input_at(c.out, c.args, "value");
    return;
  }
  convert(c, words(c.args, {"priority", "attr", "value"}, "isakmp policy"),
          {"crypto ikev1 policy " + c.args.str("priority"), fmt::format("{} {}", attr, *asa)});
}

}  // namespace

void register_pix(CommandTree& t) {
  t.add({kConfig,
         "PIX Version <version:WORD>",
         {"PIX configuration header", "Version keyword", "Software version"},
         [](Ctx& c) {
           info(c, fmt::format("PIX Version {} configuration: PIX commands are converted to the "
                               "ASA model as they are read",
                               c.args.str("version")));
         },
         false,
         true});
  t.add({kConfig,
         "nameif <hw:WORD> <name:WORD> <level:WORD>",
         {"Name an interface (PIX)", "Hardware interface, e.g. ethernet0", "Name of interface",
          "Security level, e.g. security100"},
         [](Ctx& c) {
           auto hw = platform::canonical_interface_name(c.args.str("hw"));
           if (!hw) {
             c.session.invalid_input_at(c.out, c.args, "hw");
             return;
           }
           std::string lvl = c.args.str("level");
           if (!lvl.starts_with("security") || lvl.size() == 8 || lvl.size() > 11) {
             c.session.invalid_input_at(c.out, c.args, "level");
             return;
           }
           std::string level = lvl.substr(8);
           convert(c, words(c.args, {"hw", "name", "level"}, "nameif"),
                   {"interface " + *hw, "nameif " + c.args.str("name"), "security-level " + level});
         },
         false,
         true});
  t.add({kConfig,
         "ip address <ifname:WORD> <address:A.B.C.D> <mask:A.B.C.D>",
         {"Configure IP parameters", "Set the address of a named interface (PIX)",
          "Name of interface", "IP address", "Subnet mask"},
         [](Ctx& c) {
           const config::Interface* itf = require_nameif(c, c.args.str("ifname"));
           if (!itf) return;
           convert(c, words(c.args, {"ifname", "address", "mask"}, "ip address"),
                   {"interface " + itf->hw_name,
                    fmt::format("ip address {} {}", c.args.str("address"), c.args.str("mask"))});
         },
         false,
         true});
  const std::vector<std::string_view> isakmp{"Configure ISAKMP (PIX)"};
  auto h = [&](std::initializer_list<std::string_view> more) {
    auto v = isakmp;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig, "isakmp enable <ifname:WORD>",
         h({"Enable ISAKMP on an interface", "Name of interface"}),
         [](Ctx& c) {
           convert(c, "isakmp enable " + c.args.str("ifname"),
                   {"crypto ikev1 enable " + c.args.str("ifname")});
         },
         false, true});
  t.add({kConfig, "isakmp identity {kind:address|hostname|auto}",
         h({"Set identity type", "Address|Hostname|Automatic"}),
         [](Ctx& c) {
           convert(c, "isakmp identity " + c.args.str("kind"),
                   {"crypto isakmp identity " + c.args.str("kind")});
         },
         false, true});
  t.add({kConfig,
         "isakmp policy <priority:1-65535> {attr:authentication|encryption|hash|group|lifetime} "
         "<value:WORD>",
         h({"Set an ISAKMP policy attribute", "Policy priority",
            "Authentication method|Encryption algorithm|Hash algorithm|Diffie-Hellman group|"
            "Lifetime in seconds",
            "Value"}),
         isakmp_policy, false, true});
  t.add({kConfig,
         "isakmp key <key:WORD> address <address:A.B.C.D> netmask <netmask:A.B.C.D> "
         "[{noxauth:no-xauth}] [{noconfig:no-config-mode}]",
         h({"Set a pre-shared key", "The key", "Peer address", "Peer address", "Peer netmask",
            "Peer netmask", "Do not run XAUTH with these peers",
            "Do not run mode-config with these peers"}),
         isakmp_key, false, true});
  t.add({kConfig, "isakmp client configuration address-pool local <pool:WORD> [<ifname:WORD>]",
         h({"Client settings", "Mode configuration", "Address pool for clients", "Local pool",
            "Pool name", "Name of interface"}),
         [](Ctx& c) {
           auto asa = client_authentication(c, "DefaultRAGroup");
           asa.push_back("tunnel-group DefaultRAGroup general-attributes");
           asa.push_back("address-pool " + c.args.str("pool"));
           convert(
               c,
               words(c.args, {"pool", "ifname"}, "isakmp client configuration address-pool local"),
               asa);
         },
         false, true});
  t.add({kConfig, "isakmp nat-traversal [<keepalive:10-3600>]",
         h({"Enable NAT traversal", "Keepalive interval in seconds"}),
         [](Ctx& c) {
           convert(c, words(c.args, {"keepalive"}, "isakmp nat-traversal"),
                   {words(c.args, {"keepalive"}, "crypto isakmp nat-traversal")});
         },
         false, true});
  t.add({kConfig, "isakmp keepalive <threshold:10-3600> [<retry:2-10>]",
         h({"Dead peer detection", "Threshold in seconds", "Retry interval in seconds"}),
         [](Ctx& c) {
           std::string retry = c.args.has("retry") ? c.args.str("retry") : "2";
           convert(c, words(c.args, {"threshold", "retry"}, "isakmp keepalive"),
                   {"tunnel-group DefaultRAGroup ipsec-attributes",
                    fmt::format("isakmp keepalive threshold {} retry {}", c.args.str("threshold"),
                                retry)});
         },
         false, true});
  t.add({kConfig,
         "vpngroup <group:WORD> <what:WORD> [<rest:LINE>]",
         {"Configure a VPN client group (PIX)", "Group name", "Attribute", "Value"},
         vpngroup,
         false,
         true});
  register_unsupported(t);
}

}  // namespace rampart::cli
