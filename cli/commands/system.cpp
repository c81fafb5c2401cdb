// System identity and terminal settings: hostname, domain-name, enable password, passwd,
// names, banner motd, pager lines, mtu, console timeout.
#include <cctype>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/aaa/password.hpp"

namespace rampart::cli {

namespace {

// RFC 1123 host label: letters, digits and hyphens, starting and ending with a letter or digit.
bool valid_hostname(std::string_view h) {
  if (h.empty() || h.size() > 63) return false;
  for (char ch : h)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') return false;
  return std::isalnum(static_cast<unsigned char>(h.front())) &&
         std::isalnum(static_cast<unsigned char>(h.back()));
}

// "enable password X [encrypted|pbkdf2]" and "passwd X [encrypted]" share this.
std::optional<config::PasswordHash> password_arg(Ctx& c) {
  const std::string& pw = c.args.str("password");
  if (!c.args.has("kind")) return aaa::hash_password(pw);
  auto h = aaa::parse_stored(pw, c.args.str("kind"));
  if (!h) error(c, fmt::format("Invalid {} password", c.args.str("kind")));
  return h;
}

}  // namespace

void register_system(CommandTree& t) {
  t.add({kConfig, "hostname <name:WORD>", {"Change host name", "New host name"}, [](Ctx& c) {
           const std::string& h = c.args.str("name");
           if (!valid_hostname(h)) {
             error(c,
                   "Hostname must start and end with a letter or digit and contain only "
                   "letters, digits and hyphens (63 characters at most)");
             return;
           }
           c.cfg.system.hostname = h;
         }});
  t.add({kConfig, "no hostname", {"Change host name"}, [](Ctx& c) {
           c.cfg.system.hostname = config::System{}.hostname;
         }});
  t.add({kConfig,
         "domain-name <name:WORD>",
         {"Change domain name", "Domain name"},
         [](Ctx& c) {
           if (c.negated)
             c.cfg.system.domain_name.reset();
           else
             c.cfg.system.domain_name = c.args.str("name");
         },
         true});
  t.add({kConfig,
         "enable password <password:WORD> [{kind:encrypted|pbkdf2}]",
         {"Configure the password for the privileged mode", "Assign the privileged level password",
          "The password (at most 32 characters), or its stored form",
          "The password is an encrypted (MD5) hash|The password is a PBKDF2 hash"},
         [](Ctx& c) {
           if (auto h = password_arg(c)) c.cfg.system.enable_password = *h;
         }});
  t.add({kConfig,
         "no enable password",
         {"Configure the password for the privileged mode", "Assign the privileged level password"},
         [](Ctx& c) { c.cfg.system.enable_password.reset(); }});
  t.add({kConfig,
         "passwd <password:WORD> [{kind:encrypted|pbkdf2}]",
         {"Change Telnet/SSH login password", "The password, or its stored form",
          "The password is an encrypted (MD5) hash|The password is a PBKDF2 hash"},
         [](Ctx& c) {
           if (auto h = password_arg(c)) c.cfg.system.passwd = *h;
         }});
  t.add({kConfig, "no passwd", {"Change Telnet/SSH login password"}, [](Ctx& c) {
           c.cfg.system.passwd.reset();
         }});
  t.add({kConfig,
         "names",
         {"Enable the use of address names"},
         [](Ctx& c) { c.cfg.system.names_enabled = !c.negated; },
         true});
  t.add({kConfig,
         "name <address:A.B.C.D> <name:WORD>",
         {"Associate a name with an IP address", "IP address", "Name"},
         [](Ctx& c) {
           std::string entry = c.args.str("address") + " " + c.args.str("name");
           auto& names = c.cfg.system.names;
           std::erase(names, entry);
           if (!c.negated) names.push_back(entry);
         },
         true});
  t.add({kConfig,
         "banner motd <text:LINE>",
         {"Configure login/session banners", "Set message of the day banner", "Banner text"},
         [](Ctx& c) { c.cfg.system.banner_motd.push_back(c.args.str("text")); }});
  t.add({kConfig,
         "no banner motd",
         {"Configure login/session banners", "Set message of the day banner"},
         [](Ctx& c) { c.cfg.system.banner_motd.clear(); }});
  t.add({kConfig,
         "pager lines <n:0-2147483647>",
         {"Control page length for pagination", "Number of lines on a page",
          "Number of lines (0 disables paging)"},
         [](Ctx& c) { c.cfg.system.pager_lines = static_cast<int>(c.args.num("n")); }});
  t.add({kConfig, "no pager", {"Control page length for pagination"}, [](Ctx& c) {
           c.cfg.system.pager_lines = 0;
         }});
  t.add({kConfig,
         "mtu <ifname:WORD> <bytes:64-9198>",
         {"Specify MTU (Maximum Transmission Unit) for an interface", "Name of interface",
          "MTU in bytes"},
         [](Ctx& c) {
           const std::string& n = c.args.str("ifname");
           if (!require_nameif(c, n)) return;
           if (c.negated)
             c.cfg.system.mtu.erase(n);
           else
             c.cfg.system.mtu[n] = static_cast<int>(c.args.num("bytes"));
         },
         true});
  t.add({kConfig,
         "console timeout <minutes:0-60>",
         {"Serial console idle timeout configuration", "Idle time-out",
          "Idle time in minutes (0 means never)"},
         [](Ctx& c) {
           c.cfg.system.console_timeout = c.negated ? 0 : static_cast<int>(c.args.num("minutes"));
         },
         true});
}

void render_system(const config::Config& cfg, ConfigWriter& w) {
  const auto& s = cfg.system;
  w.line("hostname " + s.hostname);
  if (s.domain_name) w.line("domain-name " + *s.domain_name);
  if (s.enable_password)
    w.line(fmt::format("enable password {} {}", s.enable_password->hash, s.enable_password->kind));
  if (s.passwd) w.line(fmt::format("passwd {} {}", s.passwd->hash, s.passwd->kind));
  if (s.names_enabled) w.line("names");
  for (const auto& n : s.names) w.line("name " + n);
  for (const auto& b : s.banner_motd) w.line("banner motd " + b);
}

void render_terminal(const config::Config& cfg, ConfigWriter& w) {
  w.line(fmt::format("pager lines {}", cfg.system.pager_lines));
  render_logging(cfg, w);  // between pager and mtu, as the ASA prints it
  // The ASA prints an mtu line for every named interface, 1500 unless configured.
  for (const auto& [hw, itf] : cfg.interfaces) {
    if (!itf.nameif) continue;
    auto it = cfg.system.mtu.find(*itf.nameif);
    w.line(fmt::format("mtu {} {}", *itf.nameif, it == cfg.system.mtu.end() ? 1500 : it->second));
  }
}

}  // namespace rampart::cli
