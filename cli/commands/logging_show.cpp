// "show logging [message N|all]" and "clear logging buffer": the ASA's header over the logger's
// settings and counters, then the buffer's messages, oldest first.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "control/logging/messages.hpp"

namespace rampart::cli {

namespace {

std::string enabled(bool on) {
  return on ? "enabled" : "disabled";
}

std::string destination(const config::LoggingFilter& f, uint64_t logged, std::string_view mid) {
  if (!f.on()) return "disabled";
  std::string what = f.list.empty() ? fmt::format("level {}", logging::level_name(f.level))
                                    : fmt::format("list {}", f.list);
  return fmt::format("{}{}, {} messages logged", what, mid, logged);
}

std::string device_id_text(const config::Logging& l) {
  using D = config::Logging::DeviceId;
  switch (l.device_id) {
    case D::None:
      return "disabled";
    case D::Hostname:
      return "hostname";
    case D::Ipaddress:
      return fmt::format("ipaddress {}", l.device_id_value);
    case D::String:
      return fmt::format("string \"{}\"", l.device_id_value);
  }
  return "disabled";
}

void show_logging(Ctx& c) {
  auto& log = c.session.appliance().logger();
  const config::Logging& l = c.cfg.logging;
  const logging::LoggingStats s = log.stats();
  auto& o = c.out;
  o += fmt::format("Syslog logging: {}\n", enabled(l.enable));
  o += fmt::format("    Facility: {}\n", l.facility);
  o += fmt::format("    Timestamp logging: {}\n", enabled(l.timestamp));
  o += "    Hide Username logging: enabled\n";
  o += "    Standby logging: disabled\n";
  o += "    Debug-trace logging: disabled\n";
  o += fmt::format("    Console logging: {}\n", destination(l.console, s.console_logged, ""));
  o += fmt::format("    Monitor logging: {}\n", destination(l.monitor, s.monitor_logged, ""));
  o += fmt::format("    Buffer logging: {}\n", destination(l.buffered, s.buffer_logged, ""));
  o += fmt::format("    Trap logging: {}\n",
                   destination(l.trap, s.trap_logged, fmt::format(", facility {}", l.facility)));
  const auto status = log.host_status();
  for (size_t i = 0; i < l.hosts.size(); ++i) {
    const auto& h = l.hosts[i];
    std::string line = fmt::format("        Logging to {} {}", h.nameif, h.address.str());
    if (h.tcp) {
      const bool up = i < status.size() && status[i].connected;
      line += fmt::format(" tcp/{} {}", h.port, up ? "Connected" : "Not connected");
    } else if (h.port != 514) {
      line += fmt::format(" udp/{}", h.port);
    }
    if (h.emblem) line += " format emblem";
    // Rampart's own: what could not be sent, and what waits for a TCP server to come back.
    if (i < status.size() && (status[i].lost || status[i].queued))
      line += fmt::format(" ({} messages lost, {} queued)", status[i].lost, status[i].queued);
    o += line + "\n";
  }
  o += fmt::format("    Permit-hostdown logging: {}\n", enabled(l.permit_hostdown));
  o += "    History logging: disabled\n";
  o += fmt::format("    Device ID: {}\n", device_id_text(l));
  o += "    Mail logging: disabled\n";
  o += "    ASDM logging: disabled\n";
  for (const auto& line : log.buffer()) o += line + "\n";
}

std::string message_line(const logging::Logger& log, const config::Logging& l,
                         const logging::MessageDef& m) {
  const int now = log.level_of(m.id);
  std::string cur = l.message_levels.contains(m.id)
                        ? fmt::format(", current-level {}", logging::level_name(now))
                        : "";
  return fmt::format("syslog {}: default-level {}{} ({})\n", m.id, logging::level_name(m.level),
                     cur, l.disabled.contains(m.id) ? "disabled" : "enabled");
}

void show_logging_message(Ctx& c) {
  auto& log = c.session.appliance().logger();
  if (c.args.has("all")) {
    for (const auto& m : logging::messages()) c.out += message_line(log, c.cfg.logging, m);
    return;
  }
  const auto* m = logging::find_message(c.args.num("id"));
  if (!m) {
    error(c, fmt::format("syslog {} is not a message this box sends", c.args.num("id")));
    return;
  }
  c.out += message_line(log, c.cfg.logging, *m);
}

}  // namespace

void register_logging_show(CommandTree& t) {
  t.add({kPrivAndConfig,
         "show logging",
         {kHelpShow, "Show the contents of logging buffers"},
         show_logging});
  t.add({kPrivAndConfig,
         "show logging message <id:100000-999999>",
         {kHelpShow, "Show the contents of logging buffers", "Show a syslog message's level",
          "Syslog message ID"},
         show_logging_message});
  t.add({kPrivAndConfig,
         "show logging message {all:all}",
         {kHelpShow, "Show the contents of logging buffers", "Show a syslog message's level",
          "All syslog messages"},
         show_logging_message});
  t.add({kPrivAndConfig,
         "clear logging buffer",
         {kHelpClear, "Clear logging buffers", "Clear the internal logging buffer"},
         [](Ctx& c) { c.session.appliance().logger().clear_buffer(); }});
}

}  // namespace rampart::cli
