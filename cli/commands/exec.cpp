// Exec-level commands that move between modes or set up the terminal: enable, disable,
// configure terminal, exit, end, quit/logout, terminal ..., show history/version (show clock:
// time.cpp).
#include <ctime>

#include <fmt/format.h>

#include "cli/admin_auth.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "cli/session.hpp"
#include "cli/system.hpp"
#include "control/aaa/password.hpp"
#include "control/config/model.hpp"
#include "dataplane/forward/io_choice.hpp"

namespace rampart::cli {

namespace {

constexpr int kEnableAttempts = 3;

void ask_enable_password(Session& s, int attempt) {
  s.ask("Password: ", true, [attempt](Session& s, std::string_view answer, std::string& out) {
    auto local = [](const config::Config& cfg, std::string_view pw) {
      const auto& stored = cfg.system.enable_password;
      // No enable password configured: the ASA still asks, and an empty answer lets you in.
      return stored ? aaa::verify_password(*stored, pw) : pw.empty();
    };
    // "aaa authentication enable console GROUP": the logged-in user's password at the group.
    check_admin_password(s, out, "enable", aaa::Purpose::Enable, s.user(), answer, local,
                         [attempt](Session& s, const AdminVerdict& v, std::string& out) {
                           if (v.ok) {
                             s.set_privileged(true);
                             return;
                           }
                           ++s.appliance().counters().enable_failed;
                           if (attempt + 1 >= kEnableAttempts) {
                             out += "Access denied.\n";
                             return;
                           }
                           out += "Invalid password\n";
                           ask_enable_password(s, attempt + 1);
                         });
  });
}

std::string plural(uint64_t n, std::string_view unit) {
  return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
}

// "up 2 days 5 hours", "up 14 mins 6 secs": the two most significant units, as the ASA prints.
std::string uptime_text(uint64_t s) {
  uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
  if (d) return plural(d, "day") + " " + plural(h, "hour");
  if (h) return plural(h, "hour") + " " + plural(m, "min");
  if (m) return plural(m, "min") + " " + plural(sec, "sec");
  return plural(sec, "sec");
}

void show_version(Ctx& c) {
  VersionInfo v = c.sys.version();
  std::string& o = c.out;
  o += fmt::format("\nRampart Adaptive Security Appliance Software Version {}\n", v.version);
  // "Software Version" on this line too: operators' parsers (ntc-templates'
  // cisco_asa_show_version) stop at a line they do not know, and take the last "Software
  // Version" as the ASA release whose syntax their automation speaks.
  o += fmt::format("Configuration language: ASA Software Version {} (IKEv1)\n\n", kAsaRelease);
  o += fmt::format("Compiled on {} by builders ({})\n", v.build_date, v.build);
  o += fmt::format("System image file is \"{}\"\n", v.image);
  o += "Config file at boot was \"startup-config\"\n\n";
  o += fmt::format("{} up {}\n\n", c.cfg.system.hostname, uptime_text(v.uptime_seconds));
  o += fmt::format("Hardware:   {}\n", v.hardware);
  if (!v.flash.empty()) o += v.flash + "\n";
  o += "\n";
  o += crypto_engine_line();  // the ESP crypto engine, as the ASA names its accelerator
  // [U] ours, the ASA has no such line: what the packet workers read and write the ports
  // with. "VPN ..." so that operators' show version parsers (ntc-templates, whose rule for
  // "^VPN.*:" lines skips it) do not stop at a line they do not know.
  o += fmt::format("VPN packet I/O : {}\n\n", dataplane::io_status());
  int i = 0;
  for (const auto& name : c.sys.hardware_interfaces()) {
    LinkState l = c.sys.link_state(name);
    o += fmt::format(" {}: Ext: {:<20}: address is {}, irq 0\n", i++, name,
                     l.mac.empty() ? "0000.0000.0000" : l.mac);
  }
  o += fmt::format("\nSerial Number: {}\n", v.serial);
  o += "Configuration register is 0x1\n";
  BootStatus b = c.sys.boot_status();
  if (!b.slot.empty()) o += fmt::format("Firmware slot {} (A/B) is running\n", b.slot);
}

}  // namespace

void register_exec(CommandTree& t) {
  const ModeMask user = mask_of(Mode::UserExec);
  const ModeMask priv = mask_of(Mode::PrivExec);
  const ModeMask config = mask_of(Mode::Config);
  const ModeMask submodes = kAllModes & ~kExecModes & ~config;

  t.add({user, "enable", {"Turn on privileged commands"}, [](Ctx& c) {
           // A NAS-Prompt administrator never reaches privileged EXEC through enable
           // authentication (the ASA's management authorization). [U] the ASA's words.
           if (c.session.enable_barred() && c.cfg.management.authenticates("enable")) {
             ++c.session.appliance().counters().enable_failed;
             c.out += "Access denied.\n";
             return;
           }
           ask_enable_password(c.session, 0);
         }});
  t.add({priv, "enable", {"Turn on privileged commands"}, [](Ctx&) {}});
  t.add({priv, "disable", {"Turn off privileged commands"}, [](Ctx& c) {
           c.session.set_privileged(false);
         }});
  t.add({priv,
         "configure terminal",
         {"Configure using various methods", "Configure using terminal/console"},
         [](Ctx& c) { c.session.enter({Mode::Config}); }});
  for (std::string_view word : {"exit", "logout", "quit"}) {
    t.add({kExecModes,
           std::string(word),
           {word == "quit" ? "Quit from the EXEC" : "Exit from the EXEC"},
           [](Ctx& c) {
             c.out += "\nLogoff\n\n";
             c.session.close();
           }});
  }
  t.add({config, "exit", {"Exit from config mode"}, [](Ctx& c) { c.session.exit_mode(); }});
  t.add({submodes, "exit", {"Exit from this submode"}, [](Ctx& c) { c.session.exit_mode(); }});
  t.add({config | submodes, "end", {"Exit from configure mode"}, [](Ctx& c) {
           c.session.end_config();
         }});

  // Terminal settings belong to the session, not to the configuration.
  t.add({kAllModes,
         "terminal pager [lines] <n:0-2147483647>",
         {"Set terminal line parameters", "Control page length for pagination",
          "Number of lines on a page", "Number of lines on a page (0 disables paging)"},
         [](Ctx& c) { c.session.pager_lines = static_cast<int>(c.args.num("n")); }});
  t.add({kAllModes,
         "terminal monitor",
         {"Set terminal line parameters", "Syslog monitor"},
         [](Ctx& c) { c.session.monitor = !c.negated; }});
  t.add({kAllModes,
         "terminal no monitor",
         {"Set terminal line parameters", "Negate a command or set its defaults", "Syslog monitor"},
         [](Ctx& c) { c.session.monitor = false; }});
  t.add({kAllModes,
         "terminal width <n:40-511>",
         {"Set terminal line parameters", "Set terminal width", "Number of characters per line"},
         [](Ctx& c) {
           c.session.width = static_cast<int>(c.args.num("n"));
           // PIX and ASA configurations carry this line; here it is the session's only.
           if (c.session.mode() != Mode::UserExec && c.session.mode() != Mode::PrivExec)
             c.out += "INFO: terminal width applies to this session only; it is not saved\n";
         }});

  t.add({kAllModes,
         "show history",
         {"Show running system information", "Display the session command history"},
         [](Ctx& c) {
           for (const auto& h : c.session.history()) c.out += "  " + h + "\n";
         }});
  t.add({kAllModes,
         "show version",
         {"Show running system information", "Display the system software version"},
         show_version});
  t.add({kAllModes & ~mask_of(Mode::UserExec),
         "show startup-config errors",
         {"Show running system information", "Show the startup configuration",
          "Show the errors reported when the startup configuration was loaded"},
         [](Ctx& c) {
           const std::string& e = c.session.appliance().startup_errors();
           c.out += e.empty() ? "No errors found in the startup configuration.\n" : e;
         }});
}

}  // namespace rampart::cli
