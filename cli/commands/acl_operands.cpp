#include "cli/commands/acl_operands.hpp"

#include <charconv>

namespace rampart::cli {

namespace {

// The ASA prints these ports by name in show running-config, each name for the transports it
// belongs to (h323 is a TCP name; 1720/udp prints as a number).
enum Transport : uint8_t { kTcp = 1, kUdp = 2, kBoth = 3 };
struct PortName {
  std::string_view name;
  uint16_t port;
  uint8_t transports;
};
constexpr PortName kPorts[] = {
    {"echo", 7, kBoth},        {"ftp-data", 20, kTcp},      {"ftp", 21, kTcp},
    {"ssh", 22, kTcp},         {"telnet", 23, kTcp},        {"smtp", 25, kTcp},
    {"tacacs", 49, kBoth},     {"domain", 53, kBoth},       {"bootps", 67, kUdp},
    {"bootpc", 68, kUdp},      {"tftp", 69, kUdp},          {"www", 80, kBoth},
    {"pop3", 110, kTcp},       {"sunrpc", 111, kBoth},      {"ntp", 123, kUdp},
    {"netbios-ns", 137, kUdp}, {"netbios-dgm", 138, kUdp},  {"netbios-ssn", 139, kTcp},
    {"imap4", 143, kTcp},      {"snmp", 161, kUdp},         {"snmptrap", 162, kUdp},
    {"bgp", 179, kTcp},        {"ldap", 389, kTcp},         {"https", 443, kTcp},
    {"isakmp", 500, kUdp},     {"syslog", 514, kUdp},       {"rsh", 514, kTcp},
    {"ldaps", 636, kTcp},      {"kerberos", 750, kBoth},    {"sqlnet", 1521, kTcp},
    {"radius", 1645, kUdp},    {"radius-acct", 1646, kUdp}, {"h323", 1720, kTcp},
    {"pptp", 1723, kTcp},      {"sip", 5060, kBoth},
};

// The ICMP type names the ASA accepts and prints (RFC 792, 950, 1256, 1393, 1475).
struct IcmpName {
  std::string_view name;
  int type;
};
constexpr IcmpName kIcmp[] = {
    {"echo-reply", 0},           {"unreachable", 3},
    {"source-quench", 4},        {"redirect", 5},
    {"alternate-address", 6},    {"echo", 8},
    {"router-advertisement", 9}, {"router-solicitation", 10},
    {"time-exceeded", 11},       {"parameter-problem", 12},
    {"timestamp-request", 13},   {"timestamp-reply", 14},
    {"information-request", 15}, {"information-reply", 16},
    {"mask-request", 17},        {"mask-reply", 18},
    {"traceroute", 30},          {"conversion-error", 31},
    {"mobile-redirect", 32},
};

constexpr std::string_view kLevels[] = {"emergencies",   "alerts",   "critical",
                                        "errors",        "warnings", "notifications",
                                        "informational", "debugging"};

std::optional<unsigned> number(std::string_view w, unsigned max) {
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (w.empty() || ec != std::errc() || ptr != w.data() + w.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::optional<unsigned> parse_number(std::string_view w, unsigned max) {
  return number(w, max);
}

std::optional<int> parse_log_level(std::string_view w) {
  for (size_t i = 0; i < std::size(kLevels); ++i)
    if (kLevels[i] == w) return static_cast<int>(i);
  auto v = number(w, 7);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::string log_level_name(int level) {
  if (level < 0 || level > 7) return std::to_string(level);
  return std::string(kLevels[static_cast<size_t>(level)]);
}

std::optional<uint16_t> parse_port(std::string_view w) {
  for (const auto& p : kPorts)
    if (p.name == w) return p.port;
  if (w == "http") return 80;
  auto v = number(w, 65535);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

std::string port_name(uint16_t port, bool udp) {
  for (const auto& p : kPorts)
    if (p.port == port && (p.transports & (udp ? kUdp : kTcp))) return std::string(p.name);
  return std::to_string(port);
}

std::string port_text(const config::AclPort& p, bool udp) {
  using Op = config::AclPort::Op;
  switch (p.op) {
    case Op::None:
      return "";
    case Op::Eq:
      return " eq " + port_name(p.lo, udp);
    case Op::Lt:
      return " lt " + port_name(p.lo, udp);
    case Op::Gt:
      return " gt " + port_name(p.lo, udp);
    case Op::Neq:
      return " neq " + port_name(p.lo, udp);
    case Op::Range:
      return " range " + port_name(p.lo, udp) + " " + port_name(p.hi, udp);
  }
  return "";
}

bool valid_protocol(std::string_view p) {
  for (std::string_view k : {"ip", "tcp", "udp", "icmp", "esp", "ah", "gre", "igmp", "ospf"})
    if (p == k) return true;
  return number(p, 255).has_value();
}

std::optional<int> parse_icmp_type(std::string_view w) {
  for (const auto& i : kIcmp)
    if (i.name == w) return i.type;
  auto v = number(w, 255);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::string icmp_type_name(int type) {
  for (const auto& i : kIcmp)
    if (i.type == type) return std::string(i.name);
  return std::to_string(type);
}

bool Cursor::fail() {
  if (!failed) {
    if (!done())
      fail_at = base + words[i].offset;
    else
      fail_at = base + (words.empty() ? 0 : words.back().offset + words.back().text.size() + 1);
  }
  failed = true;
  return false;
}

bool port_op(Cursor& c, config::AclPort& out) {
  using Op = config::AclPort::Op;
  std::string_view w = c.peek();
  Op op = w == "eq"      ? Op::Eq
          : w == "lt"    ? Op::Lt
          : w == "gt"    ? Op::Gt
          : w == "neq"   ? Op::Neq
          : w == "range" ? Op::Range
                         : Op::None;
  if (op == Op::None) return true;  // no port operator: fine
  c.take();
  auto lo = parse_port(c.peek());
  if (!lo) return c.fail();
  c.take();
  out = {op, *lo, *lo};
  if (op == Op::Range) {
    auto hi = parse_port(c.peek());
    if (!hi || *hi < *lo) return c.fail();
    c.take();
    out.hi = *hi;
  }
  return true;
}

bool parse_service(Cursor& c, ServiceSpec& out) {
  std::string_view p = c.peek();
  if (c.done() || (p != "tcp-udp" && !valid_protocol(p))) return c.fail();
  out.protocol = std::string(c.take());
  if (out.protocol == "icmp" && !c.done()) {
    auto t = parse_icmp_type(c.peek());
    if (!t) return c.fail();
    c.take();
    out.icmp_type = *t;
  }
  bool ports = out.protocol == "tcp" || out.protocol == "udp" || out.protocol == "tcp-udp";
  if (ports && c.peek() == "source") {
    c.take();
    if (!port_op(c, out.source) || out.source.op == config::AclPort::Op::None) return c.fail();
  }
  if (ports && c.peek() == "destination") {
    c.take();
    if (!port_op(c, out.destination) || out.destination.op == config::AclPort::Op::None)
      return c.fail();
  } else if (ports && !port_op(c, out.destination)) {
    return false;
  }
  return c.done() || c.fail();
}

std::string service_text(const ServiceSpec& s) {
  bool udp = s.protocol == "udp";
  std::string t = s.protocol;
  if (s.icmp_type) t += " " + icmp_type_name(*s.icmp_type);
  if (s.source.op != config::AclPort::Op::None) t += " source" + port_text(s.source, udp);
  if (s.destination.op != config::AclPort::Op::None)
    t += " destination" + port_text(s.destination, udp);
  return t;
}

}  // namespace rampart::cli
