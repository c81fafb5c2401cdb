// Settings of the stateful engine: "same-security-traffic permit inter-interface|intra-
// interface", the idle timeouts ("timeout conn 1:00:00 half-closed 0:10:00 ...", several on one
// line as the PIX and ASA print them; the PIX's "rpc" is the ASA's "sunrpc") and "arp timeout".
#include <charconv>

#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/pix_nat.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

// The longest timeout the ASA takes: 1193:00:00 (2^32 milliseconds).
constexpr uint32_t kMaxTimeout = 1193 * 3600;
constexpr int kDefaultArpTimeout = 14400;

// "h:mm:ss" (the ASA also takes "0:5:0").
std::optional<uint32_t> parse_hms(std::string_view w) {
  uint32_t part[3] = {0, 0, 0};
  const char* p = w.data();
  const char* end = w.data() + w.size();
  for (int i = 0; i < 3; ++i) {
    auto [next, ec] = std::from_chars(p, end, part[i]);
    if (ec != std::errc() || next == p) return std::nullopt;
    p = next;
    if (i < 2) {
      if (p == end || *p != ':') return std::nullopt;
      ++p;
    }
  }
  if (p != end || part[1] > 59 || part[2] > 59) return std::nullopt;
  uint64_t s = uint64_t{part[0]} * 3600 + part[1] * 60 + part[2];
  if (s > kMaxTimeout) return std::nullopt;
  return static_cast<uint32_t>(s);
}

std::string hms(uint32_t s) {
  return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

struct TimeoutLine {
  std::vector<std::pair<std::string, uint32_t>> values;
  std::optional<bool> uauth_absolute;
  bool pix_rpc = false;  // the PIX spelling "rpc" was used
};

// Reads "KW h:mm:ss [KW h:mm:ss ...]" (uauth may be followed by absolute|inactivity). With
// values=false (the "no" form) only the keywords are read.
bool parse_timeouts(Cursor& cur, TimeoutLine& out, bool values) {
  if (cur.done()) return cur.fail();
  while (!cur.done()) {
    std::string kw(cur.peek());
    if (kw == "rpc") {
      kw = "sunrpc";
      out.pix_rpc = true;
    }
    if (!config::default_timeout(kw)) return cur.fail();
    cur.take();
    uint32_t v = *config::default_timeout(kw);
    if (values) {
      auto t = parse_hms(cur.peek());
      if (!t) return cur.fail();
      cur.take();
      v = *t;
    }
    out.values.emplace_back(kw, v);
    if (kw == "uauth" && (cur.peek() == "absolute" || cur.peek() == "inactivity"))
      out.uauth_absolute = cur.take() == "absolute";
  }
  return true;
}

// The line with "rpc" spelled "sunrpc", for the notice.
std::string asa_spelling(std::string_view line) {
  std::string out;
  for (const auto& w : split_words(line))
    out += (out.empty() ? "" : " ") + std::string(w.text == "rpc" ? "sunrpc" : w.text);
  return out;
}

// ASA 9.x lines for functions this box lacks, each on a line of its own.
bool unsupported_timeout(std::string_view first_word) {
  return first_word == "conn-holddown" || first_word == "igp";
}

void timeout_cmd(Ctx& c) {
  Cursor cur(c.args.str("rest"), c.args.offset("rest"));
  if (unsupported_timeout(cur.peek())) {
    report_unsupported(c, (c.negated ? "no timeout " : "timeout ") + c.args.str("rest"));
    return;
  }
  TimeoutLine t;
  if (!parse_timeouts(cur, t, !c.negated)) {
    Args at;
    at.set("bad", "", cur.fail_at);
    c.session.invalid_input_at(c.out, at, "bad");
    return;
  }
  auto& fw = c.cfg.firewall;
  for (const auto& [kw, v] : t.values) {
    // Only values away from the default are kept (see config::Firewall::timeouts).
    if (v == config::default_timeout(kw))
      fw.timeouts.erase(kw);
    else
      fw.timeouts[kw] = v;
  }
  if (c.negated && std::any_of(t.values.begin(), t.values.end(),
                               [](const auto& kv) { return kv.first == "uauth"; }))
    fw.uauth_absolute = true;
  else if (t.uauth_absolute)
    fw.uauth_absolute = *t.uauth_absolute;
  if (t.pix_rpc) {
    std::string line = (c.negated ? "no timeout " : "timeout ") + c.args.str("rest");
    info(c, fmt::format("PIX command converted: {} -> {}", line, asa_spelling(line)));
  }
}

}  // namespace

void register_firewall_settings(CommandTree& t) {
  t.add({kConfig,
         "same-security-traffic permit {kind:inter-interface|intra-interface}",
         {"Enable same security level interfaces to communicate", "Permit communication",
          "Permit communication between different interfaces with the same security level|"
          "Permit communication in and out of the same interface"},
         [](Ctx& c) {
           auto& fw = c.cfg.firewall;
           (c.args.str("kind") == "inter-interface" ? fw.same_security_inter
                                                    : fw.same_security_intra) = !c.negated;
         },
         true});
  t.add({kConfig,
         "timeout <rest:LINE>",
         {"Configure maximum idle times",
          "KEYWORD h:mm:ss [KEYWORD h:mm:ss ...]: conn, half-closed, udp, icmp, xlate, "
          "pat-xlate, sunrpc, h323, h225, mgcp, mgcp-pat, sip, sip_media, sip-invite, "
          "sip-disconnect, sip-provisional-media, uauth [absolute|inactivity], ..."},
         timeout_cmd,
         true});
  t.add({kConfig, "no timeout", {"Configure maximum idle times"}, [](Ctx& c) {
           c.cfg.firewall.timeouts.clear();
           c.cfg.firewall.uauth_absolute = true;
         }});
  t.add({kConfig,
         "arp timeout <seconds:60-4294967>",
         {"Change or view ARP table, set ARP timeout value, view statistics",
          "Configure ARP entry timeout value", "Seconds an ARP entry stays (default 14400)"},
         [](Ctx& c) {
           c.cfg.system.arp_timeout =
               c.negated ? kDefaultArpTimeout : static_cast<int>(c.args.num("seconds"));
         },
         true});
  t.add({kConfig,
         "no arp timeout",
         {"Change or view ARP table, set ARP timeout value, view statistics",
          "Configure ARP entry timeout value"},
         [](Ctx& c) { c.cfg.system.arp_timeout = kDefaultArpTimeout; }});
}

void render_same_security(const config::Config& cfg, ConfigWriter& w) {
  if (cfg.firewall.same_security_inter) w.line("same-security-traffic permit inter-interface");
  if (cfg.firewall.same_security_intra) w.line("same-security-traffic permit intra-interface");
}

void render_arp(const config::Config& cfg, ConfigWriter& w) {
  w.line(fmt::format("arp timeout {}", cfg.system.arp_timeout));
}

void render_timeouts(const config::Config& cfg, ConfigWriter& w) {
  // The ASA always prints every timeout, defaults included, grouped on these lines.
  const auto& fw = cfg.firewall;
  auto kv = [&](std::string_view kw) {
    return fmt::format("{} {}", kw, hms(config::timeout_seconds(fw, kw)));
  };
  auto line = [&](std::initializer_list<std::string_view> kws, std::string tail = "") {
    std::string s = "timeout";
    for (auto kw : kws) s += " " + kv(kw);
    w.line(s + tail);
  };
  line({"xlate"});
  line({"pat-xlate"});
  // sctp (ASA 9.5) is printed only when set: the language we print is 9.1's.
  if (fw.timeouts.contains("sctp"))
    line({"conn", "half-closed", "udp", "sctp", "icmp"});
  else
    line({"conn", "half-closed", "udp", "icmp"});
  line({"sunrpc", "h323", "h225", "mgcp", "mgcp-pat"});
  line({"sip", "sip_media", "sip-invite", "sip-disconnect"});
  line({"sip-provisional-media", "uauth"}, fw.uauth_absolute ? " absolute" : " inactivity");
  line({"tcp-proxy-reassembly"});
  line({"floating-conn"});
}

}  // namespace rampart::cli
