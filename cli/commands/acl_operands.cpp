#include "cli/commands/acl_operands.hpp"

#include <charconv>

namespace rampart::cli {

namespace {

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

bool valid_protocol(std::string_view p) {
  for (std::string_view k : {"ip", "tcp", "udp", "icmp", "esp", "ah", "gre", "igmp", "ospf"})
    if (p == k) return true;
  return number(p, 255).has_value();
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
