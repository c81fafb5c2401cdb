#include "control/config/well_known.hpp"

#include <charconv>

namespace rampart::config {

namespace {

// Each name for the transports it belongs to (h323 is a TCP name; 1720/udp prints as a number).
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

std::optional<unsigned> number(std::string_view w, unsigned max) {
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (w.empty() || ec != std::errc() || ptr != w.data() + w.size() || v > max) return std::nullopt;
  return v;
}

}  // namespace

std::optional<uint16_t> parse_port(std::string_view word) {
  for (const auto& p : kPorts)
    if (p.name == word) return p.port;
  if (word == "http") return 80;
  auto v = number(word, 65535);
  if (!v) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

std::string port_name(uint16_t port, bool udp) {
  for (const auto& p : kPorts)
    if (p.port == port && (p.transports & (udp ? kUdp : kTcp))) return std::string(p.name);
  return std::to_string(port);
}

std::string port_op_text(const AclPort& p, bool udp) {
  using Op = AclPort::Op;
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

std::optional<int> parse_icmp_type(std::string_view word) {
  for (const auto& i : kIcmp)
    if (i.name == word) return i.type;
  auto v = number(word, 255);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::string icmp_type_name(int type) {
  for (const auto& i : kIcmp)
    if (i.type == type) return std::string(i.name);
  return std::to_string(type);
}

}  // namespace rampart::config
