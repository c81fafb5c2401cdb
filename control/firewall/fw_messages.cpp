#include "control/firewall/fw_messages.hpp"

#include <netinet/in.h>

#include <charconv>

#include <fmt/format.h>

#include "control/logging/messages.hpp"

namespace rampart::firewall {

namespace {

// A message's severity and words come from the one table; the caller gives the id and values.
template <class... A>
FwMessage message(int id, const A&... args) {
  const logging::MessageDef* def = logging::find_message(static_cast<uint32_t>(id));
  return FwMessage{def ? def->level : 6, id, logging::text(static_cast<uint32_t>(id), args...)};
}

// "outside:198.51.100.2/40000"
std::string at(const ConnEnd& e) {
  return fmt::format("{}:{}/{}", e.nameif, ip_string(e.real), e.real_port);
}
// "outside:198.51.100.2/40000 (198.51.100.2/40000)"
std::string at_mapped(const ConnEnd& e) {
  return fmt::format("{} ({}/{})", at(e), ip_string(e.mapped), e.mapped_port);
}

std::string icmp_addr(uint32_t a, uint16_t id) {
  return fmt::format("{}/{}", ip_string(a), id);
}

// ICMP: faddr is the foreign (lower-security) end, gaddr the local end as the foreign one sees
// it, laddr the local end's real address.
std::string icmp_ends(const ConnView& v) {
  const ConnEnd& f = v.first();
  const ConnEnd& l = v.second();
  return fmt::format("faddr {} gaddr {} laddr {}", icmp_addr(f.real, f.real_port),
                     icmp_addr(l.mapped, l.mapped_port), icmp_addr(l.real, l.real_port));
}

}  // namespace

std::optional<FwMessage> built_message(const ConnView& v, const Connection& c) {
  const char* dir = v.inbound ? "inbound" : "outbound";
  switch (c.protocol) {
    case IPPROTO_TCP:
      return message(302013, dir, c.id, at_mapped(v.first()), at_mapped(v.second()));
    case IPPROTO_UDP:
      return message(302015, dir, c.id, at_mapped(v.first()), at_mapped(v.second()));
    case IPPROTO_ICMP:
      return message(302020, dir, icmp_ends(v));
    default:
      return std::nullopt;
  }
}

std::optional<FwMessage> teardown_message(const ConnView& v, const Connection& c, uint64_t duration,
                                          const std::string& reason) {
  switch (c.protocol) {
    case IPPROTO_TCP:
      return message(302014, c.id, at(v.first()), at(v.second()), hms(duration), c.bytes,
                     reason.empty() ? std::string() : " " + reason);
    case IPPROTO_UDP:
      return message(302016, c.id, at(v.first()), at(v.second()), hms(duration), c.bytes);
    case IPPROTO_ICMP:
      return message(302021, icmp_ends(v));
    default:
      return std::nullopt;
  }
}

std::string teardown_reason(const Connection& c, bool cleared) {
  // "Xlate Clear" is the ASA's reason for a connection removed from the command line.
  if (cleared) return "Xlate Clear";
  const std::string& st = c.tcp_state;
  if (st == "SYN_SENT" || st == "SYN_RECV") return "SYN Timeout";
  if (st == "TIME_WAIT" || st == "LAST_ACK" || st == "FIN_WAIT" || st == "CLOSE_WAIT")
    return "TCP FINs";
  if (st == "CLOSE") return "TCP Reset";
  return "Conn-timeout";
}

std::optional<FwMessage> xlate_message(const ConnView& v, const Connection& c, bool built,
                                       uint64_t duration, bool static_rule) {
  if (!c.snat || static_rule) return std::nullopt;
  // The translated end is the initiator: its real address went out as the mapped one.
  const ConnEnd& in = v.initiator;
  const ConnEnd& out = v.responder;
  // The Built forms have no duration: fmt leaves the last value unused there.
  std::string took = hms(duration);
  if (in.real_port == in.mapped_port)
    return message(built ? 305009 : 305010, in.nameif, ip_string(in.real), out.nameif,
                   ip_string(in.mapped), took);
  return message(built ? 305011 : 305012, protocol_upper(c.protocol), in.nameif, ip_string(in.real),
                 in.real_port, out.nameif, ip_string(in.mapped), in.mapped_port, took);
}

std::optional<LogPrefix> parse_log_prefix(std::string_view s) {
  auto word = [&s]() {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    size_t e = s.find(' ');
    std::string_view w = s.substr(0, e);
    s.remove_prefix(e == std::string_view::npos ? s.size() : e);
    return w;
  };
  auto number = [](std::string_view w, int& out) {
    auto r = std::from_chars(w.data(), w.data() + w.size(), out);
    return r.ec == std::errc{} && r.ptr == w.data() + w.size();
  };
  LogPrefix p;
  if (!number(word(), p.id)) return std::nullopt;
  std::string_view acl = word();
  switch (p.id) {
    case 106001:
    case 106006:
    case 106014:
      return p;
    case 313001:
      return acl.empty() ? std::optional<LogPrefix>(p) : std::nullopt;
    case 106023:
      if (acl.empty()) return std::nullopt;
      p.acl = acl;
      return p;
    case 106100:
      if (acl.empty() || !number(word(), p.line)) return std::nullopt;
      p.acl = acl;
      return p;
    default:
      return std::nullopt;
  }
}

std::string tcp_flag_names(uint8_t flags) {
  static constexpr struct {
    uint8_t bit;
    const char* name;
  } kOrder[] = {{0x02, "SYN"}, {0x01, "FIN"}, {0x04, "RST"},
                {0x08, "PSH"}, {0x10, "ACK"}, {0x20, "URG"}};
  std::string out;
  for (const auto& f : kOrder)
    if (flags & f.bit) out += (out.empty() ? "" : " ") + std::string(f.name);
  return out;
}

FwMessage acl_deny_message(const LoggedFlow& f, const std::string& acl) {
  std::string src, dst;
  if (f.protocol == IPPROTO_TCP || f.protocol == IPPROTO_UDP) {
    src = fmt::format("{}:{}/{}", f.in_if, ip_string(f.src), f.sport);
    dst = fmt::format("{}:{}/{}", f.out_if, ip_string(f.dst), f.dport);
  } else {
    src = fmt::format("{}:{}", f.in_if, ip_string(f.src));
    dst = fmt::format("{}:{}", f.out_if, ip_string(f.dst));
  }
  std::string icmp = f.protocol == IPPROTO_ICMP
                         ? fmt::format(" (type {}, code {})", f.icmp_type, f.icmp_code)
                         : "";
  std::string proto =
      f.protocol == IPPROTO_TCP || f.protocol == IPPROTO_UDP || f.protocol == IPPROTO_ICMP
          ? protocol_lower(f.protocol)
          : fmt::format("protocol {}", f.protocol);
  return message(106023, proto, src, dst, icmp, acl);
}

FwMessage icmp_deny_message(const LoggedFlow& f) {
  return message(313001, f.icmp_type, f.icmp_code, ip_string(f.src), f.in_if);
}

std::optional<FwMessage> level_deny_message(int id, const LoggedFlow& f) {
  switch (id) {
    case 106001:
      if (f.protocol != IPPROTO_TCP) return std::nullopt;
      return message(id, ip_string(f.src), f.sport, ip_string(f.dst), f.dport,
                     tcp_flag_names(f.tcp_flags), f.in_if);
    case 106006:
      if (f.protocol != IPPROTO_UDP) return std::nullopt;
      return message(id, ip_string(f.src), f.sport, ip_string(f.dst), f.dport, f.in_if);
    case 106014:
      if (f.protocol != IPPROTO_ICMP) return std::nullopt;
      return message(id, f.in_if, ip_string(f.src), f.out_if, ip_string(f.dst), f.icmp_type,
                     f.icmp_code);
    default:
      return std::nullopt;
  }
}

FwMessage ace_log_message(const LoggedFlow& f, const std::string& acl, int level, uint32_t hash,
                          uint64_t hits, bool first, uint32_t interval) {
  std::string when = first ? "first hit" : fmt::format("{}-second interval", interval);
  // The ACE's own "log LEVEL" sets this message's level, not the table.
  FwMessage m =
      message(106100, acl, protocol_lower(f.protocol), f.in_if, ip_string(f.src),
              f.protocol == IPPROTO_ICMP ? f.icmp_type : f.sport, f.out_if, ip_string(f.dst),
              f.protocol == IPPROTO_ICMP ? f.icmp_code : f.dport, hits, when, hash);
  m.severity = level;
  return m;
}

}  // namespace rampart::firewall
