// packet-tracer input IF tcp|udp SRC SPORT DST DPORT [detailed], icmp SRC TYPE CODE DST
// [detailed] and rawip SRC PROTO DST [detailed]: the policy in force traced for one simulated
// packet (control/firewall/tracer). The policy is rampartd's (what the kernel enforces) when
// the daemon runs, else the one the running configuration builds.
#include <atomic>
#include <charconv>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "control/config/well_known.hpp"
#include "control/firewall/runtime.hpp"
#include "control/firewall/tracer.hpp"

namespace rampart::cli {

namespace {

struct Named {
  std::string_view name;
  uint16_t value;
};

// IP protocol names for rawip.
constexpr Named kProtocols[] = {{"icmp", 1},  {"igmp", 2}, {"tcp", 6}, {"udp", 17},
                                {"gre", 47},  {"esp", 50}, {"ah", 51}, {"eigrp", 88},
                                {"ospf", 89}, {"pim", 103}};

std::optional<uint16_t> number(std::string_view w, unsigned max) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || end != w.data() + w.size() || v > max) return std::nullopt;
  return static_cast<uint16_t>(v);
}

template <size_t N>
std::optional<uint16_t> number_or_name(std::string_view w, const Named (&names)[N], unsigned max) {
  for (const Named& n : names)
    if (n.name == w) return n.value;
  return number(w, max);
}

// The policy to trace against: the one in force, or the running configuration's.
const firewall::Policy& policy_for(Ctx& c, std::optional<firewall::Policy>& built) {
  if (auto* s = c.session.appliance().policy_state()) return s->policy();
  built =
      firewall::build_policy(c.cfg, [&](const std::string& hw) { return c.sys.device_for(hw); });
  return *built;
}

firewall::TraceContext context_for(Ctx& c, bool detailed) {
  firewall::TraceContext ctx;
  ctx.link_up = [&c](const std::string& nameif) {
    const config::Interface* itf = c.cfg.interface_by_nameif(nameif);
    if (!itf) return false;
    LinkState l = c.sys.link_state(itf->hw_name);
    return l.exists && l.admin_up && l.oper_up;
  };
  if (auto* s = c.session.appliance().policy_state()) {
    ctx.vpn_group_policy = [s](uint32_t a) { return s->vpn_group_policy(a); };
    ctx.vpn_filter = [s](uint32_t a) { return s->vpn_filter(a); };
    if (detailed) ctx.acl_hits = s->acl_hits();  // read from the kernel: only when shown
  }
  // The ASA numbers the flows a trace would create from one counter, as it numbers conns.
  static std::atomic<uint32_t> next_flow{1};
  ctx.flow_id = next_flow++;
  return ctx;
}

void packet_tracer(Ctx& c) {
  const std::string& ifname = c.args.str("ifname");
  if (!c.cfg.interface_by_nameif(ifname)) {
    c.session.invalid_input_at(c.out, c.args, "ifname");
    return;
  }
  firewall::Flow f{
      .input = ifname, .source = c.args.ip("src").value, .destination = c.args.ip("dst").value};
  if (c.args.has("type")) {
    f.protocol = 1;
    auto type = config::parse_icmp_type(c.args.str("type"));
    if (!type) return c.session.invalid_input_at(c.out, c.args, "type");
    auto code = number(c.args.str("code"), 255);
    if (!code) return c.session.invalid_input_at(c.out, c.args, "code");
    f.icmp_type = static_cast<uint8_t>(*type);
    f.icmp_code = static_cast<uint8_t>(*code);
  } else if (c.args.has("protocol")) {
    auto proto = number_or_name(c.args.str("protocol"), kProtocols, 255);
    if (!proto) return c.session.invalid_input_at(c.out, c.args, "protocol");
    f.protocol = static_cast<uint8_t>(*proto);
  } else {
    f.protocol = c.args.str("proto") == "udp" ? 17 : 6;
    auto sport = config::parse_port(c.args.str("sport"));
    if (!sport) return c.session.invalid_input_at(c.out, c.args, "sport");
    auto dport = config::parse_port(c.args.str("dport"));
    if (!dport) return c.session.invalid_input_at(c.out, c.args, "dport");
    f.source_port = *sport;
    f.destination_port = *dport;
  }
  std::optional<firewall::Policy> built;
  const firewall::Policy& policy = policy_for(c, built);
  bool detailed = c.args.has("detailed");
  firewall::Trace t = firewall::trace(policy, f, context_for(c, detailed));
  c.out += firewall::render(t, detailed);
}

constexpr std::string_view kHelpTracer = "Trace packet flow through the security appliance";
constexpr std::string_view kHelpInput = "Specify the input interface";
constexpr std::string_view kHelpIfname = "Input interface name";
constexpr std::string_view kHelpSrc = "Source IP address";
constexpr std::string_view kHelpDst = "Destination IP address";
constexpr std::string_view kHelpDetailed = "Dump more detailed information";

}  // namespace

void register_packet_tracer(CommandTree& t) {
  const ModeMask modes = kPrivAndConfig;
  t.add({modes,
         "packet-tracer input <ifname:WORD> {proto:tcp|udp} <src:A.B.C.D> <sport:WORD> "
         "<dst:A.B.C.D> <dport:WORD> [{detailed:detailed}]",
         {kHelpTracer, kHelpInput, kHelpIfname,
          "Enter this keyword for TCP protocol|Enter this keyword for UDP protocol", kHelpSrc,
          "Source port (number or name)", kHelpDst, "Destination port (number or name)",
          kHelpDetailed},
         packet_tracer});
  t.add({modes,
         "packet-tracer input <ifname:WORD> {icmp:icmp} <src:A.B.C.D> <type:WORD> <code:WORD> "
         "<dst:A.B.C.D> [{detailed:detailed}]",
         {kHelpTracer, kHelpInput, kHelpIfname, "Enter this keyword for ICMP protocol", kHelpSrc,
          "ICMP type (number or name)", "ICMP code", kHelpDst, kHelpDetailed},
         packet_tracer});
  t.add({modes,
         "packet-tracer input <ifname:WORD> {rawip:rawip} <src:A.B.C.D> <protocol:WORD> "
         "<dst:A.B.C.D> "
         "[{detailed:detailed}]",
         {kHelpTracer, kHelpInput, kHelpIfname, "Enter this keyword for raw IP packets", kHelpSrc,
          "IP protocol (number or name)", kHelpDst, kHelpDetailed},
         packet_tracer});
}

}  // namespace rampart::cli
