// PIX 6.3 "fixup protocol X [port]" converted into the ASA's inspections, as the ASA's own
// upgrade converts it: an inspect in class inspection_default of policy-map global_policy
// (creating the class-map, policy-map and service-policy when the configuration has none), a
// class-map matching the port when the fixup names another port than the protocol's own, and
// "fixup protocol dns maximum-length N" as the DNS inspect map's message-length. "no fixup"
// removes the inspect. One notice per line names the ASA lines it became.
#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/mpf_model.hpp"
#include "cli/commands/sections.hpp"

namespace rampart::cli {

namespace {

struct Fixup {
  std::string_view pix;      // the words after "fixup protocol"
  std::string_view inspect;  // the ASA engine
  std::string_view transport;
  uint16_t lo, hi;  // the protocol's own ports
};

constexpr Fixup kFixups[] = {
    {"dns", "dns preset_dns_map", "udp", 53, 53},
    {"ftp", "ftp", "tcp", 21, 21},
    {"h323 h225", "h323 h225", "tcp", 1720, 1720},
    {"h323 ras", "h323 ras", "udp", 1718, 1719},
    {"http", "http", "tcp", 80, 80},
    {"rsh", "rsh", "tcp", 514, 514},
    {"rtsp", "rtsp", "tcp", 554, 554},
    {"sip udp", "sip", "udp", 5060, 5060},
    {"sip", "sip", "tcp", 5060, 5060},
    {"skinny", "skinny", "tcp", 2000, 2000},
    {"smtp", "esmtp", "tcp", 25, 25},
    {"esmtp", "esmtp", "tcp", 25, 25},
    {"sqlnet", "sqlnet", "tcp", 1521, 1521},
    {"tftp", "tftp", "udp", 69, 69},
    {"pptp", "pptp", "tcp", 1723, 1723},
    {"ils", "ils", "tcp", 389, 389},
    {"ctiqbe", "ctiqbe", "tcp", 2748, 2748},
    {"mgcp", "mgcp", "udp", 2427, 2427},
    {"icmp error", "icmp error", "", 0, 0},
};

struct Parsed {
  const Fixup* fixup = nullptr;
  uint16_t lo = 0, hi = 0;
  std::optional<unsigned> dns_length;  // "maximum-length N"
};

// Reads "PROTO [SUB] [PORT[-PORT]] | dns [maximum-length N]".
bool parse(Cursor& cur, Parsed& out) {
  std::string proto(cur.peek());
  if (cur.done()) return cur.fail();
  cur.take();
  // "h323 h225", "sip udp", "icmp error": a second word that belongs to the protocol's name.
  std::string two = cur.done() ? std::string() : proto + " " + std::string(cur.peek());
  for (const auto& f : kFixups) {
    if (!two.empty() && f.pix == two) {
      cur.take();
      out.fixup = &f;
      break;
    }
    if (f.pix == proto && !out.fixup) out.fixup = &f;
  }
  if (!out.fixup) {
    cur.i = 0;
    return cur.fail();
  }
  out.lo = out.fixup->lo;
  out.hi = out.fixup->hi;
  if (out.fixup->pix == "dns" && cur.peek() == "maximum-length") {
    cur.take();
    out.dns_length = parse_number(cur.peek(), 65535);
    if (!out.dns_length || *out.dns_length < 512) return cur.fail();
    cur.take();
  } else if (!cur.done() && !out.fixup->transport.empty()) {
    std::string_view w = cur.peek();
    size_t dash = w.find('-');
    auto lo = parse_number(w.substr(0, dash), 65535);
    auto hi = dash == std::string_view::npos ? lo : parse_number(w.substr(dash + 1), 65535);
    if (!lo || !hi || *hi < *lo || *lo == 0) return cur.fail();
    cur.take();
    out.lo = static_cast<uint16_t>(*lo);
    out.hi = static_cast<uint16_t>(*hi);
  }
  return cur.done() || cur.fail();
}

bool default_port(const Parsed& p) {
  return p.lo == p.fixup->lo && p.hi == p.fixup->hi;
}

// The class the inspect goes in: inspection_default for the protocol's own port, else a
// class-map of its own matching the port (created with its lines when absent).
struct ClassSpec {
  std::string name, match;
};

ClassSpec class_spec(const Parsed& p) {
  std::string name(mpf::kDefaultClass);
  std::string match = "default-inspection-traffic";
  if (!default_port(p)) {
    std::string engine(p.fixup->inspect.substr(0, p.fixup->inspect.find(' ')));
    bool udp = p.fixup->transport == "udp";
    name = p.lo == p.hi ? fmt::format("inspection_{}_{}", engine, p.lo)
                        : fmt::format("inspection_{}_{}-{}", engine, p.lo, p.hi);
    match = p.lo == p.hi ? fmt::format("port {} eq {}", p.fixup->transport, port_name(p.lo, udp))
                         : fmt::format("port {} range {} {}", p.fixup->transport,
                                       port_name(p.lo, udp), port_name(p.hi, udp));
  }
  return {name, match};
}

std::string class_for(config::Firewall& fw, const Parsed& p, std::vector<std::string>& lines) {
  auto [name, match] = class_spec(p);
  if (!fw.class_maps.contains(name)) {
    mpf::class_map(fw, name).match = match;
    lines.push_back("class-map " + name);
    lines.push_back("match " + match);
  }
  return name;
}

void ensure_dns_map(config::Firewall& fw, const Parsed& p, std::vector<std::string>& lines) {
  bool fresh = !fw.policy_maps.contains(std::string(mpf::kDnsMap));
  auto& dns = mpf::policy_map(fw, std::string(mpf::kDnsMap));
  dns.inspect_type = "dns";
  if (!p.dns_length && !fresh) return;
  std::string length = fmt::format("message-length maximum {}", p.dns_length.value_or(512));
  mpf::set_parameter(dns, length);
  lines.push_back(fmt::format("policy-map type inspect dns {}", mpf::kDnsMap));
  lines.push_back("parameters");
  lines.push_back(length);
}

void fixup(Ctx& c) {
  Cursor cur(c.args.str("rest"), c.args.offset("rest"));
  Parsed p;
  if (!parse(cur, p)) {
    Args at;
    at.set("bad", "", cur.fail_at);
    c.session.invalid_input_at(c.out, at, "bad");
    return;
  }
  auto& fw = c.cfg.firewall;
  std::vector<std::string> lines;
  std::string inspect(p.fixup->inspect);
  if (c.negated) {
    std::string cls = class_spec(p).name;
    if (auto pm = fw.policy_maps.find(std::string(mpf::kGlobalPolicy)); pm != fw.policy_maps.end())
      if (auto* pc = mpf::find_class(pm->second, cls)) mpf::remove_inspect(*pc, inspect);
    lines = {std::string("policy-map ") + std::string(mpf::kGlobalPolicy), "class " + cls,
             "no inspect " + inspect};
  } else {
    if (p.fixup->pix == "dns") ensure_dns_map(fw, p, lines);
    std::string cls = class_for(fw, p, lines);
    auto& pm = mpf::policy_map(fw, std::string(mpf::kGlobalPolicy));
    mpf::add_inspect(mpf::policy_class(pm, cls), inspect);
    lines.push_back(fmt::format("policy-map {}", mpf::kGlobalPolicy));
    lines.push_back("class " + cls);
    lines.push_back("inspect " + inspect);
    if (!mpf::has_global_service_policy(fw)) {
      fw.service_policies.push_back({std::string(mpf::kGlobalPolicy), ""});
      lines.push_back(fmt::format("service-policy {} global", mpf::kGlobalPolicy));
    }
  }
  std::string joined;
  for (const auto& l : lines) joined += (joined.empty() ? "" : " / ") + l;
  info(c, fmt::format("PIX command converted: {}fixup protocol {} -> {}", c.negated ? "no " : "",
                      c.args.str("rest"), joined));
}

}  // namespace

void register_fixup(CommandTree& t) {
  t.add({kConfig,
         "fixup protocol <rest:LINE>",
         {"Protocol inspection (PIX): converted to an inspect in policy-map global_policy",
          "Inspect a protocol", "Protocol [port[-port]]"},
         fixup,
         true,
         true});
}

}  // namespace rampart::cli
