// access-list: extended, standard and remark entries. The operands after permit|deny are parsed
// here (any, any4, host A, A M, protocol, port operators) so that a bad operand gets the '^'
// marker under it, as the ASA draws it.
#include <charconv>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/engine/lexer.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

// The ASA prints these ports by name in show running-config.
struct PortName {
  std::string_view name;
  uint16_t port;
};
constexpr PortName kPorts[] = {
    {"echo", 7},          {"ftp-data", 20},     {"ftp", 21},      {"ssh", 22},
    {"telnet", 23},       {"smtp", 25},         {"tacacs", 49},   {"domain", 53},
    {"bootps", 67},       {"bootpc", 68},       {"tftp", 69},     {"www", 80},
    {"pop3", 110},        {"sunrpc", 111},      {"ntp", 123},     {"netbios-ns", 137},
    {"netbios-dgm", 138}, {"netbios-ssn", 139}, {"imap4", 143},   {"snmp", 161},
    {"snmptrap", 162},    {"bgp", 179},         {"ldap", 389},    {"https", 443},
    {"isakmp", 500},      {"syslog", 514},      {"rsh", 514},     {"ldaps", 636},
    {"kerberos", 750},    {"sqlnet", 1521},     {"radius", 1645}, {"radius-acct", 1646},
    {"h323", 1720},       {"pptp", 1723},       {"sip", 5060},
};

std::optional<uint16_t> parse_port(std::string_view w) {
  for (const auto& p : kPorts)
    if (p.name == w) return p.port;
  if (w == "http") return 80;
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || ptr != w.data() + w.size() || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

std::string port_text(uint16_t port, bool udp) {
  for (const auto& p : kPorts) {
    if (p.port != port) continue;
    if (p.name == "rsh" && udp) continue;      // 514/udp is syslog
    if (p.name == "syslog" && !udp) continue;  // 514/tcp is rsh
    return std::string(p.name);
  }
  return std::to_string(port);
}

// Reads the operands one word at a time; on failure, bad() is the offset of the word.
struct Cursor {
  std::vector<Word> words;
  size_t i = 0;
  size_t base = 0;  // offset of the operand text in the command line
  size_t fail_at = 0;
  bool failed = false;

  bool done() const { return i >= words.size(); }
  std::string_view peek() const { return done() ? std::string_view{} : words[i].text; }
  std::string_view take() { return words[i++].text; }
  bool fail() {
    if (!failed)
      fail_at =
          base + (done() ? (words.empty() ? 0 : words.back().offset + words.back().text.size() + 1)
                         : words[i].offset);
    failed = true;
    return false;
  }
};

bool address(Cursor& c, config::AclAddress& out, std::string& mismatch) {
  if (c.done()) return c.fail();
  std::string_view w = c.peek();
  if (w == "any" || w == "any4") {
    c.take();
    out.kind = config::AclAddress::Kind::Any;
    return true;
  }
  if (w == "host") {
    c.take();
    auto ip = config::Ipv4::parse(c.peek());
    if (!ip) return c.fail();
    c.take();
    out = {config::AclAddress::Kind::Host, *ip, config::Mask{0xffffffffu}};
    return true;
  }
  auto ip = config::Ipv4::parse(w);
  if (!ip) return c.fail();
  c.take();
  auto mask = config::Mask::parse(c.peek());
  if (!mask) return c.fail();
  c.take();
  if ((ip->value & ~mask->value) != 0) {
    mismatch = fmt::format("IP address,mask <{},{}> doesn't pair", ip->str(), mask->str());
    return false;
  }
  out = {config::AclAddress::Kind::Subnet, *ip, *mask};
  return true;
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

bool valid_protocol(std::string_view p) {
  for (std::string_view k : {"ip", "tcp", "udp", "icmp", "esp", "ah", "gre", "igmp", "ospf"})
    if (p == k) return true;
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  return ec == std::errc() && ptr == p.data() + p.size() && v <= 255;
}

config::AccessList& acl(Ctx& c) {
  const std::string& name = c.args.str("name");
  auto [it, fresh] = c.cfg.access_lists.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    c.cfg.access_list_order.push_back(name);
  }
  return it->second;
}

void remove_acl(config::Config& cfg, const std::string& name) {
  cfg.access_lists.erase(name);
  std::erase(cfg.access_list_order, name);
}

void add_or_remove(Ctx& c, config::AccessListEntry e) {
  if (!c.negated) {
    acl(c).entries.push_back(std::move(e));
    return;
  }
  auto it = c.cfg.access_lists.find(c.args.str("name"));
  if (it == c.cfg.access_lists.end()) return;
  std::erase(it->second.entries, e);
  if (it->second.entries.empty()) remove_acl(c.cfg, c.args.str("name"));
}

void entry_cmd(Ctx& c, bool standard) {
  Cursor cur{split_words(c.args.str("rest")), 0, c.args.offset("rest")};
  config::AccessListEntry e;
  e.type =
      standard ? config::AccessListEntry::Type::Standard : config::AccessListEntry::Type::Extended;
  e.permit = c.args.str("action") == "permit";
  bool ok = true;
  std::string mismatch;
  if (standard) {
    ok = address(cur, e.destination, mismatch);
  } else {
    if (cur.done() || !valid_protocol(cur.peek())) ok = cur.fail();
    if (ok) e.protocol = std::string(cur.take());
    bool ports = e.protocol == "tcp" || e.protocol == "udp";
    ok = ok && address(cur, e.source, mismatch) && (!ports || port_op(cur, e.source_port)) &&
         address(cur, e.destination, mismatch) && (!ports || port_op(cur, e.destination_port));
  }
  if (ok && !cur.done()) ok = cur.fail();  // log, time-range, ... are not supported
  if (!mismatch.empty()) {
    error(c, mismatch);
    return;
  }
  if (!ok) {
    Args at;
    at.set("bad", "", cur.fail_at);
    c.session.invalid_input_at(c.out, at, "bad");
    return;
  }
  add_or_remove(c, std::move(e));
}

std::string address_text(const config::AclAddress& a) {
  switch (a.kind) {
    case config::AclAddress::Kind::Any:
      return "any";
    case config::AclAddress::Kind::Host:
      return "host " + a.address.str();
    case config::AclAddress::Kind::Subnet:
      return a.address.str() + " " + a.mask.str();
    case config::AclAddress::Kind::Object:
      return "object " + a.name;
    case config::AclAddress::Kind::Group:
      return "object-group " + a.name;
    case config::AclAddress::Kind::Interface:
      return "interface " + a.name;
  }
  return "any";
}

std::string port_text(const config::AclPort& p, bool udp) {
  using Op = config::AclPort::Op;
  switch (p.op) {
    case Op::None:
      return "";
    case Op::Eq:
      return " eq " + port_text(p.lo, udp);
    case Op::Lt:
      return " lt " + port_text(p.lo, udp);
    case Op::Gt:
      return " gt " + port_text(p.lo, udp);
    case Op::Neq:
      return " neq " + port_text(p.lo, udp);
    case Op::Range:
      return " range " + port_text(p.lo, udp) + " " + port_text(p.hi, udp);
  }
  return "";
}

}  // namespace

void register_access_lists(CommandTree& t) {
  const std::vector<std::string_view> base{"Configure an access control element",
                                           "Access list identifier"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = base;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig, "access-list <name:WORD> extended {action:permit|deny} <rest:LINE>",
         with({"Configure access policy for IP traffic through the system",
               "Specify packets to forward|Specify packets to reject",
               "Protocol, source and destination (any | host A | A M), ports"}),
         [](Ctx& c) { entry_cmd(c, false); }, true});
  // PIX 6.3 and ASA 7 accept an extended entry without the "extended" keyword.
  t.add({kConfig, "access-list <name:WORD> {action:permit|deny} <rest:LINE>",
         with({"Specify packets to forward|Specify packets to reject",
               "Protocol, source and destination (any | host A | A M), ports"}),
         [](Ctx& c) { entry_cmd(c, false); }, true, true});
  t.add({kConfig, "access-list <name:WORD> standard {action:permit|deny} <rest:LINE>",
         with({"Specify a standard access list (destination addresses only)",
               "Specify packets to forward|Specify packets to reject",
               "Destination: any | host A | A M"}),
         [](Ctx& c) { entry_cmd(c, true); }, true});
  t.add({kConfig, "access-list <name:WORD> remark <text:LINE>",
         with({"Specify a comment (remark) for the access list", "Comment text"}),
         [](Ctx& c) {
           config::AccessListEntry e;
           e.type = config::AccessListEntry::Type::Remark;
           e.remark = c.args.str("text");
           add_or_remove(c, std::move(e));
         },
         true});
  t.add({kConfig, "no access-list <name:WORD>", base,
         [](Ctx& c) { remove_acl(c.cfg, c.args.str("name")); }});
}

void render_access_lists(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& name : cfg.access_list_order) {
    auto it = cfg.access_lists.find(name);
    if (it == cfg.access_lists.end()) continue;
    for (const auto& e : it->second.entries) {
      using T = config::AccessListEntry::Type;
      std::string action = e.permit ? "permit" : "deny";
      if (e.type == T::Remark) {
        w.line(fmt::format("access-list {} remark {}", name, e.remark));
      } else if (e.type == T::Standard) {
        w.line(fmt::format("access-list {} standard {} {}", name, action,
                           address_text(e.destination)));
      } else {
        bool udp = e.protocol == "udp";
        w.line(fmt::format("access-list {} extended {} {} {}{} {}{} ", name, action, e.protocol,
                           address_text(e.source), port_text(e.source_port, udp),
                           address_text(e.destination), port_text(e.destination_port, udp)));
      }
    }
  }
}

}  // namespace rampart::cli
