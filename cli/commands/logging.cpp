// The logging section: "logging enable|timestamp|buffered|console|monitor|trap|host|
// device-id|message|list|rate-limit|buffer-size|facility|permit-hostdown", its running-config
// lines, and the exec side: "show logging [message N|all]" and "clear logging buffer". The
// model is config::Logging; Appliance::logger() applies it after every command.
#include <algorithm>
#include <charconv>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/logging/messages.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kHelpLogging = "Configure logging levels, recipients and other options";
constexpr std::string_view kHelpLevel =
    "Enter syslog level (0 - 7) or level name (emergencies|alerts|critical|errors|warnings|"
    "notifications|informational|debugging)";

// A level as the ASA takes it: 0-7, a level name, or an unambiguous beginning of one.
std::optional<int> level_word(std::string_view w) {
  if (auto l = logging::parse_level(w)) return l;
  std::optional<int> found;
  for (int i = 0; i < 8 && !w.empty(); ++i) {
    if (!logging::level_name(i).starts_with(w)) continue;
    if (found) return std::nullopt;  // "e": emergencies or errors
    found = i;
  }
  return found;
}

std::optional<uint32_t> number(std::string_view w) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc{} || p != w.data() + w.size()) return std::nullopt;
  return v;
}

config::LoggingFilter& destination(config::Logging& l, const std::string& d) {
  if (d == "buffered") return l.buffered;
  if (d == "console") return l.console;
  if (d == "monitor") return l.monitor;
  return l.trap;
}

void set_destination(Ctx& c) {
  auto& f = destination(c.cfg.logging, c.args.str("dest"));
  if (c.negated) {
    f = {};
    return;
  }
  const std::string& w = c.args.str("level");
  if (auto l = level_word(w)) {
    f = {*l, ""};
  } else if (c.cfg.logging.lists.contains(w)) {
    f = {-1, w};  // a logging list of that name
  } else {
    c.session.invalid_input_at(c.out, c.args, "level");
  }
}

// "udp/514", "tcp/1470", and the "17/514", "6/1470" the ASA prints back.
bool parse_transport(std::string_view w, config::LoggingHost& h) {
  size_t slash = w.find('/');
  if (slash == w.npos) return false;
  std::string_view proto = w.substr(0, slash);
  auto port = number(w.substr(slash + 1));
  if (!port || (*port < 1025 && *port != 514) || *port > 65535) return false;
  if (proto == "tcp" || proto == "6")
    h.tcp = true;
  else if (proto == "udp" || proto == "17")
    h.tcp = false;
  else
    return false;
  h.port = static_cast<uint16_t>(*port);
  return true;
}

void logging_host(Ctx& c) {
  config::LoggingHost h{c.args.str("ifname"), c.args.ip("addr")};
  auto& hosts = c.cfg.logging.hosts;
  auto same = [&](const config::LoggingHost& o) {
    return o.nameif == h.nameif && o.address == h.address;
  };
  if (c.negated) {
    std::erase_if(hosts, same);
    return;
  }
  if (!require_nameif(c, h.nameif)) return;
  if (c.args.has("transport") && !parse_transport(c.args.str("transport"), h)) {
    c.session.invalid_input_at(c.out, c.args, "transport");
    return;
  }
  if (!c.args.has("transport")) h.port = 514;
  h.emblem = c.args.has("emblem");
  if (h.emblem && h.tcp) {
    // [U] the ASA's words: EMBLEM goes over UDP only.
    error(c, "EMBLEM format is supported only over UDP");
    return;
  }
  if (auto it = std::find_if(hosts.begin(), hosts.end(), same); it != hosts.end())
    *it = h;
  else
    hosts.push_back(h);
}

void logging_message(Ctx& c) {
  auto& l = c.cfg.logging;
  const uint32_t id = c.args.num("id");
  if (!logging::find_message(id)) {
    // [U] the ASA accepts any id of its catalogue; Rampart knows only those it emits.
    error(c, fmt::format("syslog {} is not a message this box sends", id));
    return;
  }
  if (c.args.has("level")) {
    auto lv = level_word(c.args.str("level"));
    if (!lv) {
      c.session.invalid_input_at(c.out, c.args, "level");
      return;
    }
    if (c.negated)
      l.message_levels.erase(id);
    else
      l.message_levels[id] = *lv;
    return;
  }
  if (c.negated)
    l.disabled.insert(id);
  else
    l.disabled.erase(id);
}

void logging_list(Ctx& c) {
  config::LoggingListEntry e;
  if (c.args.has("level")) {
    auto lv = level_word(c.args.str("level"));
    if (!lv) {
      c.session.invalid_input_at(c.out, c.args, "level");
      return;
    }
    e.level = *lv;
    e.klass = c.args.str("klass");
  } else {
    const std::string& r = c.args.str("range");
    size_t dash = r.find('-');
    auto first = number(std::string_view(r).substr(0, dash));
    auto last = dash == r.npos ? first : number(std::string_view(r).substr(dash + 1));
    if (!first || !last || *first < 100000 || *last > 999999 || *first > *last) {
      c.session.invalid_input_at(c.out, c.args, "range");
      return;
    }
    e.first = *first;
    e.last = *last;
  }
  auto& entries = c.cfg.logging.lists[c.args.str("name")];
  if (c.negated) {
    std::erase(entries, e);
    if (entries.empty()) c.cfg.logging.lists.erase(c.args.str("name"));
    return;
  }
  if (std::find(entries.begin(), entries.end(), e) == entries.end()) entries.push_back(e);
}

void logging_rate_limit(Ctx& c) {
  config::LoggingRateLimit r{c.args.num("n"), c.args.num("secs")};
  const std::string& what = c.args.str("what");
  if (c.args.str("kind") == "level") {
    auto lv = level_word(what);
    if (!lv) {
      c.session.invalid_input_at(c.out, c.args, "what");
      return;
    }
    r.level = *lv;
  } else {
    auto id = number(what);
    if (!id || !logging::find_message(*id)) {
      c.session.invalid_input_at(c.out, c.args, "what");
      return;
    }
    r.message = *id;
  }
  auto& limits = c.cfg.logging.rate_limits;
  std::erase_if(limits,
                [&](const auto& o) { return o.level == r.level && o.message == r.message; });
  if (!c.negated) limits.push_back(r);
}

void device_id(Ctx& c) {
  auto& l = c.cfg.logging;
  using D = config::Logging::DeviceId;
  if (c.negated) {
    l.device_id = D::None;
    l.device_id_value.clear();
    return;
  }
  const std::string& kind = c.args.str("kind");
  if (kind == "hostname") {
    l.device_id = D::Hostname;
    l.device_id_value.clear();
  } else if (kind == "ipaddress") {
    if (!require_nameif(c, c.args.str("value"))) return;
    l.device_id = D::Ipaddress;
    l.device_id_value = c.args.str("value");
  } else {
    const std::string& s = c.args.str("value");
    if (s.size() > 16) {
      // The ASA: at most 16 characters, no spaces.
      c.session.invalid_input_at(c.out, c.args, "value");
      return;
    }
    l.device_id = D::String;
    l.device_id_value = s;
  }
}

void register_logging_config(CommandTree& t) {
  struct Flag {
    std::string_view word, help;
    bool config::Logging::*field;
  };
  for (const Flag& f :
       {Flag{"enable", "Enable logging to all configured output destinations",
             &config::Logging::enable},
        Flag{"timestamp", "Enable logging timestamps on syslog messages",
             &config::Logging::timestamp},
        Flag{"permit-hostdown", "Allow new connections when a TCP syslog server is down",
             &config::Logging::permit_hostdown}}) {
    t.add({kConfig,
           fmt::format("logging {}", f.word),
           {kHelpLogging, f.help},
           [field = f.field](Ctx& c) { c.cfg.logging.*field = !c.negated; },
           true});
  }
  t.add({kConfig,
         "logging {dest:buffered|console|monitor|trap} <level:WORD>",
         {kHelpLogging,
          "Set the internal buffer logging level|Set the console logging level|Set terminal line "
          "(monitor) logging level|Set the syslog server logging level",
          kHelpLevel},
         set_destination,
         true});
  t.add({kConfig,
         "no logging {dest:buffered|console|monitor|trap}",
         {kHelpNo, kHelpLogging,
          "Set the internal buffer logging level|Set the console logging level|Set terminal line "
          "(monitor) logging level|Set the syslog server logging level"},
         [](Ctx& c) {
           c.negated = true;
           set_destination(c);
         }});
  t.add({kConfig,
         "logging buffer-size <bytes:4096-52428800>",
         {kHelpLogging, "Set the internal logging buffer size", "Buffer size in bytes"},
         [](Ctx& c) { c.cfg.logging.buffer_size = c.negated ? 4096 : c.args.num("bytes"); },
         true});
  t.add(
      {kConfig,
       "logging facility <n:16-23>",
       {kHelpLogging, "Set the syslog facility for messages to syslog servers",
        "Facility number (16 local0 ... 23 local7)"},
       [](Ctx& c) { c.cfg.logging.facility = c.negated ? 20 : static_cast<int>(c.args.num("n")); },
       true});
  t.add({kConfig,
         "logging host <ifname:WORD> <addr:A.B.C.D> [<transport:WORD>] [format {emblem:emblem}]",
         {kHelpLogging, "Set syslog server IP address and parameters", "Name of the interface",
          "IP address of the syslog server",
          "Protocol and port: udp/514 (default) or tcp/1470 (port 1025-65535)",
          "Specify the format of syslog messages", "Send syslog messages in EMBLEM format"},
         logging_host,
         true});
  t.add({kConfig,
         "logging device-id {kind:hostname|ipaddress|string} [<value:WORD>]",
         {kHelpLogging, "Include a device identifier in syslog messages",
          "Use the hostname|Use the IP address of an interface|Use a text string",
          "Interface name, or the string (at most 16 characters)"},
         [](Ctx& c) {
           const bool needs = c.args.str("kind") != "hostname";
           if (!c.negated && needs != c.args.has("value")) {
             c.out += "ERROR: % Incomplete command\n";
             if (auto* k = c.session.counters()) ++k->incomplete;
             return;
           }
           device_id(c);
         },
         true});
  t.add({kConfig,
         "no logging device-id",
         {kHelpNo, kHelpLogging, "Include a device identifier in syslog messages"},
         [](Ctx& c) {
           c.negated = true;
           device_id(c);
         }});
  t.add({kConfig,
         "logging message <id:100000-999999> [level <level:WORD>]",
         {kHelpLogging, "Configure a syslog message", "Syslog message ID",
          "Change the severity level of the message", kHelpLevel},
         logging_message,
         true});
  t.add({kConfig,
         "logging list <name:WORD> level <level:WORD> [class <klass:WORD>]",
         {kHelpLogging, "Create a logging list of messages", "Name of the list",
          "Messages of this severity level and above", kHelpLevel, "Only messages of this class",
          "Class name"},
         logging_list,
         true});
  t.add({kConfig,
         "logging list <name:WORD> message <range:WORD>",
         {kHelpLogging, "Create a logging list of messages", "Name of the list", "Messages by id",
          "A message id or a range of them (N-M)"},
         logging_list,
         true});
  t.add({kConfig,
         "logging rate-limit <n:1-2147483647> <secs:1-2147483647> {kind:level|message} "
         "<what:WORD>",
         {kHelpLogging, "Limit the rate of syslog messages",
          "Number of messages allowed in the interval", "Interval in seconds",
          "Limit the messages of a level|Limit one message", "The level, or the message id"},
         logging_rate_limit,
         true});
}

}  // namespace

void render_logging(const config::Config& cfg, ConfigWriter& w) {
  const auto& l = cfg.logging;
  auto filter = [](const config::LoggingFilter& f) {
    return f.list.empty() ? std::string(logging::level_name(f.level)) : f.list;
  };
  if (l.enable) w.line("logging enable");
  if (l.timestamp) w.line("logging timestamp");
  for (const auto& [name, entries] : l.lists)
    for (const auto& e : entries)
      w.line(e.first ? fmt::format("logging list {} message {}{}", name, e.first,
                                   e.last != e.first ? fmt::format("-{}", e.last) : "")
                     : fmt::format("logging list {} level {}{}", name, logging::level_name(e.level),
                                   e.klass.empty() ? "" : " class " + e.klass));
  if (l.buffer_size != 4096) w.line(fmt::format("logging buffer-size {}", l.buffer_size));
  if (l.console.on()) w.line("logging console " + filter(l.console));
  if (l.monitor.on()) w.line("logging monitor " + filter(l.monitor));
  if (l.buffered.on()) w.line("logging buffered " + filter(l.buffered));
  if (l.trap.on()) w.line("logging trap " + filter(l.trap));
  if (l.facility != 20) w.line(fmt::format("logging facility {}", l.facility));
  using D = config::Logging::DeviceId;
  if (l.device_id == D::Hostname) w.line("logging device-id hostname");
  if (l.device_id == D::Ipaddress) w.line("logging device-id ipaddress " + l.device_id_value);
  if (l.device_id == D::String) w.line("logging device-id string " + l.device_id_value);
  for (const auto& h : l.hosts) {
    // The ASA prints the protocol by number: "17/514", "6/1470"; the default UDP/514 not at all.
    std::string t = h.tcp || h.port != 514 ? fmt::format(" {}/{}", h.tcp ? 6 : 17, h.port) : "";
    w.line(fmt::format("logging host {} {}{}{}", h.nameif, h.address.str(), t,
                       h.emblem ? " format emblem" : ""));
  }
  if (l.permit_hostdown) w.line("logging permit-hostdown");
  for (uint32_t id : l.disabled) w.line(fmt::format("no logging message {}", id));
  for (const auto& [id, level] : l.message_levels)
    w.line(fmt::format("logging message {} level {}", id, logging::level_name(level)));
  for (const auto& r : l.rate_limits)
    w.line(fmt::format(
        "logging rate-limit {} {} {}", r.messages, r.seconds,
        r.message ? fmt::format("message {}", r.message) : fmt::format("level {}", r.level)));
}

void register_logging(CommandTree& t) {
  register_logging_config(t);
}

}  // namespace rampart::cli
