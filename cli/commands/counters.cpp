// show counters [protocol NAME]: the ASA's table of internal counters, here the bad input the
// management plane refused (the dataplane's drops are in "show asp drop", IKE's in "show
// crypto isakmp stats"), the firewall connection reader's losses (FW) and the SNMPv3 requests
// the user check refused (SNMP). As on the ASA only counters that moved are listed.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "control/firewall/runtime.hpp"

namespace rampart::cli {

namespace {

std::string row(std::string_view protocol, std::string_view counter, std::string_view value) {
  return fmt::format("{:<13}{:<30}{:>9}   {}\n", protocol, counter, value, "Summary");
}

void show_counters(Ctx& c) {
  const InputCounters& k = c.session.appliance().counters();
  const struct {
    std::string_view protocol, name;
    uint64_t value;
  } rows[] = {
      {"CLI", "INVALID_INPUT", k.invalid_input}, {"CLI", "INCOMPLETE", k.incomplete},
      {"CLI", "AMBIGUOUS", k.ambiguous},         {"CLI", "REJECTED", k.rejected},
      {"CLI", "ENABLE_FAILED", k.enable_failed}, {"CONFIG", "LOAD_ERRORS", k.config_errors},
  };
  // The firewall's connection reader: what the kernel could not tell it in time.
  firewall::ConnectionStats fw;
  if (auto* t = c.session.appliance().connections()) fw = t->stats();
  SnmpStatsClient::V3Refusals v3;
  if (auto* s = c.sys.snmp_stats()) v3 = s->v3_refusals();
  const struct {
    std::string_view protocol, name;
    uint64_t value;
  } fw_rows[] = {
      {"FW", "CONN_EVENT_OVERFLOW", fw.event_overflows},
      {"FW", "CONN_EVENTS_LOST", fw.events_lost},
      {"FW", "LOG_LOST", fw.log_lost},
      {"FW", "LOG_RATE_LIMITED", fw.log_suppressed},
      {"FW", "LOG_MALFORMED", fw.log_malformed},
      {"DEBUG", "LINES_DROPPED", c.session.appliance().debug_lines_dropped()},
      {"DEBUG", "TERMINAL_BEHIND", c.session.appliance().terminal_behind()},
      {"SNMP", "V3_OTHER_USER", v3.other_user},
      {"SNMP", "V3_MALFORMED", v3.malformed},
  };
  std::string want = c.args.has("protocol") ? c.args.str("protocol") : "";
  for (char& ch : want) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string body;
  for (const auto& r : rows)
    if (r.value && (want.empty() || want == r.protocol))
      body += row(r.protocol, r.name, std::to_string(r.value));
  for (const auto& r : fw_rows)
    if (r.value && (want.empty() || want == r.protocol))
      body += row(r.protocol, r.name, std::to_string(r.value));
  c.out += fmt::format("{:<13}{:<30}{:>9}   {}\n", "Protocol", "Counter", "Value", "Context");
  c.out += body;
}

}  // namespace

void register_counters(CommandTree& t) {
  t.add({kPrivAndConfig,
         "show counters [protocol <protocol:WORD>]",
         {kHelpShow, "Show internal counters", "Counters of one protocol", "Protocol name"},
         show_counters});
}

}  // namespace rampart::cli
