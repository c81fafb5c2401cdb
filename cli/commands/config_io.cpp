// Configuration I/O: show running-config [all] [section], write terminal, show startup-config,
// write memory, copy running-config startup-config, write erase, clear configure <section>.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "cli/commands/aaa_parts.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "platform/ifmap.hpp"

namespace rampart::cli {

namespace {

// A show running-config section: the words typed, the help, and the prefixes of the top-level
// lines it shows (several where the 9.x spelling spans two, e.g. crypto ikev1 / crypto isakmp).
struct Section {
  std::string_view words;
  std::vector<std::string_view> help;
  std::vector<std::string_view> prefixes;
  bool takes_name = false;  // "tunnel-group NAME" narrows to one object
};

const std::vector<Section>& sections() {
  static const std::vector<Section> s = {
      {"crypto", {"Show crypto configuration"}, {"crypto"}},
      {"crypto map",
       {"Show crypto configuration", "Show crypto map configuration"},
       {"crypto map"}},
      {"crypto dynamic-map",
       {"Show crypto configuration", "Show dynamic crypto map configuration"},
       {"crypto dynamic-map"}},
      {"crypto ikev1",
       {"Show crypto configuration", "Show IKEv1 configuration"},
       {"crypto ikev1", "crypto isakmp"}},
      {"crypto isakmp",
       {"Show crypto configuration", "Show ISAKMP configuration"},
       {"crypto ikev1", "crypto isakmp"}},
      {"crypto ipsec", {"Show crypto configuration", "Show IPsec configuration"}, {"crypto ipsec"}},
      {"ipsec", {"Show IPsec configuration"}, {"crypto ipsec"}},
      {"interface", {"Show interface configuration"}, {"interface"}, true},
      {"access-list", {"Show configured access control elements"}, {"access-list"}, true},
      {"access-group", {"Show access-group bindings"}, {"access-group"}},
      {"object", {"Show configured objects"}, {"object"}},
      {"object network",
       {"Show configured objects", "Show network objects"},
       {"object network"},
       true},
      {"object service",
       {"Show configured objects", "Show service objects"},
       {"object service"},
       true},
      {"object-group", {"Show configured object groups"}, {"object-group"}},
      {"timeout", {"Show timeout configuration"}, {"timeout"}},
      {"same-security-traffic",
       {"Show same-security-traffic configuration"},
       {"same-security-traffic"}},
      {"arp", {"Show ARP configuration"}, {"arp"}},
      {"icmp", {"Show ICMP access configuration"}, {"icmp"}},
      {"class-map", {"Show class-map configuration"}, {"class-map"}, true},
      {"policy-map", {"Show policy-map configuration"}, {"policy-map"}, true},
      {"service-policy", {"Show service-policy configuration"}, {"service-policy"}},
      {"ip local pool",
       {"Show IP configuration", "Show local address pools", "Show IP address pools"},
       {"ip local pool"}},
      {"route", {"Show configured static routes"}, {"route"}},
      {"aaa-server", {"Show AAA server configuration"}, {"aaa-server"}, true},
      {"aaa", {"Show AAA configuration"}, {"aaa"}},
      {"ssh", {"Show SSH configuration"}, {"ssh"}},
      {"sysopt", {"Show system options"}, {"sysopt", "no sysopt"}},
      {"hostname", {"Show the host name"}, {"hostname"}},
      {"names", {"Show name/address associations"}, {"names", "name"}},
      {"mtu", {"Show interface MTU configuration"}, {"mtu"}},
      {"pager", {"Show pager configuration"}, {"pager"}},
      {"tunnel-group", {"Show tunnel-group configuration"}, {"tunnel-group"}, true},
      {"group-policy", {"Show group-policy configuration"}, {"group-policy"}, true},
      {"username", {"Show local user database configuration"}, {"username"}, true},
      {"ntp", {"Show NTP configuration"}, {"ntp"}},
      {"clock", {"Show clock configuration"}, {"clock"}},
      {"logging", {"Show logging configuration"}, {"logging", "no logging"}},
      {"snmp-server", {"Show snmp-server configuration"}, {"snmp-server", "no snmp-server"}},
      {"vpn-sessiondb", {"Show VPN session database configuration"}, {"vpn-sessiondb"}},  // [U]
  };
  return s;
}

void show_running(Ctx& c, const Section* section) {
  RenderOptions opt;
  opt.show_defaults = c.args.has("all");
  if (!section) {
    c.out += render_running_config(c.cfg, opt);
    return;
  }
  std::vector<std::string> prefixes(section->prefixes.begin(), section->prefixes.end());
  if (c.args.has("name")) {
    std::string name = c.args.str("name");
    if (section->words == "interface")
      name = platform::canonical_interface_name(name).value_or(name);
    for (auto& p : prefixes) p += " " + name;
  }
  c.out += render_section(c.cfg, opt, prefixes);
}

// The running configuration's checksum as write memory and show checksum print it, in four
// words ("show running-config" ends with the same 32 digits in one).
std::string checksum_line(const config::Config& cfg) {
  std::string sum = config_checksum(cfg);
  return fmt::format("Cryptochecksum: {} {} {} {} \n", sum.substr(0, 8), sum.substr(8, 8),
                     sum.substr(16, 8), sum.substr(24, 8));
}

// show checksum: what an operator compares with the saved copy's, or between two boxes. [U] the
// trailing space, as write memory's line has it.
void show_checksum(Ctx& c) {
  c.out += checksum_line(c.cfg);
}

void save(Ctx& c) {
  auto start = std::chrono::steady_clock::now();
  c.out += "Building configuration...\n";
  std::string text = render_saved_config(c.cfg);
  c.out += checksum_line(c.cfg) + "\n";
  if (auto r = c.sys.write_startup(text); !r) {
    c.out += fmt::format("%Error writing {}startup-config ({})\n", c.sys.flash_label(), r.error());
    return;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  c.out += fmt::format("{} bytes copied in {:.3f} secs\n[OK]\n", text.size(), secs);
}

// The secrets a configuration holds, as show running-config masks them: each line whose
// revealed rendering differs from its masked one, and the words that differ in it.
struct SecretLines {
  std::map<std::string, std::string> masked_line;  // revealed line -> masked line
  std::set<std::string> words;                     // the secrets themselves
};

// The text split at sep, empty parts kept (lines) or dropped (words).
std::vector<std::string> split_at(std::string_view text, char sep, bool keep_empty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find(sep, start), text.size());
    if (keep_empty || end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> lines_of(std::string_view text) {
  return split_at(text, '\n', true);
}
std::vector<std::string> words_of(const std::string& line) {
  return split_at(line, ' ', false);
}

SecretLines secret_lines(const config::Config& cfg) {
  SecretLines s;
  auto clear = lines_of(render_running_config(cfg, RenderOptions{.reveal_secrets = true}));
  auto masked = lines_of(render_running_config(cfg, RenderOptions{}));
  for (size_t i = 0; i < clear.size() && i < masked.size(); ++i) {
    if (clear[i] == masked[i]) continue;
    s.masked_line[clear[i]] = masked[i];
    auto cw = words_of(clear[i]), mw = words_of(masked[i]);
    for (size_t w = 0; w < cw.size() && w < mw.size(); ++w)
      if (cw[w] != mw[w] && mw[w] == config::Secret::masked) s.words.insert(cw[w]);
  }
  return s;
}

// A saved line as show startup-config prints it: the masked form of a line the renderer
// wrote; for any other line (a file copied in by hand), every word that is one of the
// configuration's secrets masked.
std::string masked_saved_line(const std::string& line, const SecretLines& s) {
  if (auto it = s.masked_line.find(line); it != s.masked_line.end()) return it->second;
  bool hit = false;
  std::string out;
  for (const auto& w : words_of(line)) {
    bool secret = s.words.contains(w);
    hit = hit || secret;
    out += (out.empty() ? "" : " ") + (secret ? std::string(config::Secret::masked) : w);
  }
  if (!hit) return line;
  size_t indent = line.find_first_not_of(' ');
  return std::string(indent == std::string::npos ? 0 : indent, ' ') + out;
}

// The saved file's own text, as write memory wrote it, its secrets masked as show
// running-config masks them (the ASA's show startup-config masks keys the same way; "more
// system:running-config" is the way to read them back).
void show_startup(Ctx& c) {
  auto text = c.sys.read_startup();
  if (!text) {
    c.out += "No Configuration\n";
    return;
  }
  Appliance scratch(c.sys);
  scratch.replace_config(*text);
  SecretLines secrets = secret_lines(scratch.config());
  auto lines = lines_of(*text);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (const auto& l : lines) c.out += masked_saved_line(l, secrets) + "\n";
}

// What "clear configure <section>" resets, as the ASA does: the section back to defaults.
void clear_section(config::Config& cfg, std::string_view what, System& sys) {
  config::Config fresh;
  if (what == "all") {
    // Like a factory box: every hardware interface present and shut down.
    cfg = fresh;
    for (const auto& name : sys.hardware_interfaces())
      cfg.interfaces[name] = config::Interface{.hw_name = name, .shutdown = true};
  } else if (what == "crypto") {
    cfg.crypto = fresh.crypto;
  } else if (what == "crypto map") {
    cfg.crypto.maps.clear();
  } else if (what == "crypto dynamic-map") {
    cfg.crypto.dynamic_maps.clear();
  } else if (what == "crypto ikev1" || what == "crypto isakmp") {
    cfg.crypto.policies.clear();
    cfg.crypto.isakmp_enabled.clear();
    cfg.crypto.am_disable = fresh.crypto.am_disable;
    cfg.crypto.nat_traversal = fresh.crypto.nat_traversal;
    cfg.crypto.nat_traversal_keepalive = fresh.crypto.nat_traversal_keepalive;
    cfg.crypto.identity = fresh.crypto.identity;
    cfg.crypto.max_in_negotiation_sa.reset();
  } else if (what == "crypto ipsec") {
    cfg.crypto.transform_sets.clear();
    cfg.crypto.sa_lifetime_seconds = fresh.crypto.sa_lifetime_seconds;
    cfg.crypto.sa_lifetime_kilobytes = fresh.crypto.sa_lifetime_kilobytes;
    cfg.crypto.replay_window = fresh.crypto.replay_window;
    cfg.crypto.df_bit.clear();
    cfg.crypto.fragmentation.clear();
  } else if (what == "tunnel-group") {
    cfg.tunnel_groups.clear();
  } else if (what == "group-policy") {
    cfg.group_policies.clear();
  } else if (what == "username") {
    cfg.users.clear();
  } else if (what == "access-list") {
    cfg.access_lists.clear();
    cfg.access_list_order.clear();
    cfg.firewall.access_groups.clear();  // the ASA unbinds what it deletes
  } else if (what == "access-group") {
    cfg.firewall.access_groups.clear();
  } else if (what == "timeout") {
    cfg.firewall.timeouts.clear();
    cfg.firewall.uauth_absolute = fresh.firewall.uauth_absolute;
  } else if (what == "icmp") {
    cfg.firewall.icmp.clear();
  } else if (what == "same-security-traffic") {
    cfg.firewall.same_security_inter = cfg.firewall.same_security_intra = false;
  } else if (what == "service-policy") {
    cfg.firewall.service_policies.clear();
  } else if (what == "ip local pool") {
    cfg.pools.clear();
  } else if (what == "route") {
    cfg.routes.clear();
  } else if (what == "aaa-server") {
    clear_server_groups(cfg);  // with every reference to them
  } else if (what == "ssh") {
    cfg.management.ssh.clear();
    cfg.management.ssh_version = fresh.management.ssh_version;
    cfg.management.ssh_timeout = fresh.management.ssh_timeout;
  } else if (what == "sysopt") {
    cfg.management.permit_vpn = fresh.management.permit_vpn;
  } else if (what == "names") {
    cfg.system.names.clear();
    cfg.system.names_enabled = false;
  } else if (what == "vpn-sessiondb") {
    cfg.vpn_sessiondb = fresh.vpn_sessiondb;
  } else if (what == "interface") {
    for (auto& [hw, itf] : cfg.interfaces) itf = config::Interface{.hw_name = hw, .shutdown = true};
    cfg.system.mtu.clear();
  }
}

}  // namespace

void register_config_io(CommandTree& t) {
  const ModeMask priv = kPrivAndConfig;
  t.add({priv,
         "show running-config [{all:all}]",
         {kHelpShow, kHelpRunning, "Configuration including the default values"},
         [](Ctx& c) { show_running(c, nullptr); }});
  for (const Section& s : sections()) {
    std::vector<std::string_view> help{kHelpShow, kHelpRunning,
                                       "Configuration including the default values"};
    help.insert(help.end(), s.help.begin(), s.help.end());
    std::string syntax = fmt::format("show running-config [{{all:all}}] {}", s.words);
    if (s.takes_name) {
      syntax += " [<name:WORD>]";
      help.push_back("Name of the object to show");
    }
    const Section* sp = &s;
    t.add({priv, syntax, help, [sp](Ctx& c) { show_running(c, sp); }});
  }
  t.add({priv,
         "write terminal",
         {"Write running configuration to memory, network, or terminal", "Write to terminal"},
         [](Ctx& c) { show_running(c, nullptr); }});
  t.add({priv, "show startup-config", {kHelpShow, kHelpStartup}, show_startup});
  t.add({priv, "show checksum", {kHelpShow, "Display the configuration checksum"}, show_checksum});
  t.add({priv,
         "write memory",
         {"Write running configuration to memory, network, or terminal",
          "Write configuration to memory"},
         save});
  t.add({priv,
         "copy running-config startup-config",
         {"Copy from one file to another", "Copy from current system configuration",
          "Copy to startup configuration"},
         [](Ctx& c) {
           c.session.ask("Destination filename [startup-config]? ", false,
                         [](Session& s, std::string_view answer, std::string& out) {
                           if (!answer.empty() && answer != "startup-config") {
                             out += fmt::format("%Error opening {} (Not supported)\n", answer);
                             return;
                           }
                           Args none;
                           Ctx c2{s, s.appliance().config(), s.appliance().sys(), out, none};
                           save(c2);
                         });
         }});
  t.add({priv,
         "write erase",
         {"Write running configuration to memory, network, or terminal",
          "Erase startup configuration"},
         [](Ctx& c) {
           c.session.ask("Erase configuration in flash memory? [confirm]", false,
                         [](Session& s, std::string_view answer, std::string& out) {
                           if (!answer.empty() && answer != "y" && answer != "yes") return;
                           if (auto r = s.appliance().sys().erase_startup(); !r)
                             out += fmt::format("%Error erasing startup-config ({})\n", r.error());
                           else
                             out += "[OK]\n";
                         });
         }});
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> clears = {
      {"all", {"Clear all configuration"}},
      {"crypto", {"Clear all crypto configuration"}},
      {"crypto map", {"Clear all crypto configuration", "Clear all crypto map configuration"}},
      {"crypto dynamic-map",
       {"Clear all crypto configuration", "Clear all dynamic crypto map configuration"}},
      {"crypto ikev1", {"Clear all crypto configuration", "Clear all IKEv1 configuration"}},
      {"crypto isakmp", {"Clear all crypto configuration", "Clear all ISAKMP configuration"}},
      {"crypto ipsec", {"Clear all crypto configuration", "Clear all IPsec configuration"}},
      {"tunnel-group", {"Clear all tunnel-group configuration"}},
      {"group-policy", {"Clear all group-policy configuration"}},
      {"username", {"Clear the local user database"}},
      {"access-list", {"Clear all access lists"}},
      {"access-group", {"Clear all access-group bindings"}},
      {"timeout", {"Clear all timeouts (back to their defaults)"}},
      {"same-security-traffic", {"Clear same-security-traffic permissions"}},
      {"icmp", {"Clear ICMP access rules"}},
      {"service-policy", {"Clear all service-policy bindings"}},
      {"ip local pool",
       {"Clear IP configuration", "Clear local address pools", "Clear all IP address pools"}},
      {"route", {"Clear all static routes"}},
      {"aaa-server", {"Clear all AAA server configuration"}},
      {"ssh", {"Clear SSH configuration"}},
      {"sysopt", {"Clear system options"}},
      {"names", {"Clear name/address associations"}},
      {"interface", {"Clear all interface configuration"}},
      {"vpn-sessiondb", {"Clear the VPN Session Manager configuration"}},  // [U] the help text
  };
  for (const auto& [words, help] : clears) {
    std::vector<std::string_view> h{kHelpClear, "Clear configuration"};
    h.insert(h.end(), help.begin(), help.end());
    std::string_view w = words;
    t.add({kConfig, fmt::format("clear configure {}", words), h,
           [w](Ctx& c) { clear_section(c.cfg, w, c.sys); }});
  }
}

}  // namespace rampart::cli
