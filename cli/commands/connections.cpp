// show conn, show xlate, show local-host, clear conn, clear xlate: the connection table
// (conntrack, through Appliance::connections()) as the ASA shows it. Each end of a connection
// is named by the interface its real address is reached through, the lower-security end first.
#include <netinet/in.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include "cli/commands/firewall_state.hpp"
#include "cli/commands/sections.hpp"
#include "cli/system.hpp"

namespace rampart::cli {

const firewall::Policy& policy_in_force(Ctx& c, firewall::Policy& storage) {
  if (auto* ps = c.session.appliance().policy_state()) return ps->policy();
  storage =
      firewall::build_policy(c.cfg, [&c](const std::string& hw) { return c.sys.device_for(hw); });
  return storage;
}

namespace {

using firewall::Connection;
using firewall::ConnView;

constexpr std::string_view kHelpConn = "Display connections";
constexpr std::string_view kHelpDetail = "Display detailed information";

// The ASA 8.4 legend that "show conn detail" prints before the connections.
constexpr std::string_view kConnFlags =
    "Flags: A - awaiting inside ACK to SYN, a - awaiting outside ACK to SYN,\n"
    "       B - initial SYN from outside, b - TCP state-bypass or nailed, C - CTIQBE media,\n"
    "       D - DNS, d - dump, E - outside back connection, F - outside FIN, f - inside FIN,\n"
    "       G - group, g - MGCP, H - H.323, h - H.225.0, I - inbound data,\n"
    "       i - incomplete, J - GTP, j - GTP data, K - GTP t3-response\n"
    "       k - Skinny media, M - SMTP data, m - SIP media, n - GUP\n"
    "       O - outbound data, P - inside back connection, p - Phone-proxy TFTP connection,\n"
    "       q - SQL*Net data, R - outside acknowledged FIN,\n"
    "       R - UDP SUNRPC, r - inside acknowledged FIN, S - awaiting inside SYN,\n"
    "       s - awaiting outside SYN, T - SIP, t - SIP transient, U - up,\n"
    "       V - VPN orphan, W - WAAS,\n"
    "       X - inspected by service module\n";

constexpr std::string_view kXlateFlags =
    "Flags: D - DNS, e - extended, I - identity, i - dynamic, r - portmap,\n"
    "       s - static, T - twice, N - net-to-net\n";

struct Shown {
  Connection c;
  ConnView v;
};

// What a view of the connection table needs, copied on the event loop: the policy in force and
// the table's high-water mark. The table itself is read (a conntrack dump: on a busy firewall
// 100,000 entries) and the text made as the session's deferred work, so that IKE, DPD and the
// other consoles go on meanwhile (rampartd runs it on a thread of its own; the table's reads
// are safe there).
struct TableView {
  const firewall::ConnectionTable* table = nullptr;
  firewall::Policy policy;
  uint64_t most_used_seen = 0;

  // What the table holds, in a stable order; the box's own connections only with "all".
  std::vector<Shown> rows(bool all) const {
    std::vector<Shown> out;
    if (table)
      for (auto& conn : table->connections()) {
        ConnView v = firewall::view_of(policy, conn);
        if (all || !v.to_box()) out.push_back({std::move(conn), v});
      }
    std::sort(out.begin(), out.end(),
              [](const Shown& a, const Shown& b) { return a.c.id < b.c.id; });
    return out;
  }
  uint64_t most_used(size_t in_use) const { return std::max<uint64_t>(in_use, most_used_seen); }
};

void defer_view(Ctx& c, std::function<std::string(const TableView&)> render) {
  auto v = std::make_shared<TableView>();
  firewall::Policy storage;
  v->policy = policy_in_force(c, storage);
  v->table = c.session.appliance().connections();
  v->most_used_seen = v->table ? v->table->stats().most_used : 0;
  c.session.defer([v, render = std::move(render)] { return render(*v); });
}

std::string end_text(const firewall::ConnEnd& e, char sep) {
  return fmt::format("{}{}{}{}{}", e.nameif, sep == ':' ? " " : ":", firewall::ip_string(e.real),
                     sep, e.real_port);
}

// "TCP outside 198.51.100.2:40000 inside 192.0.2.10:80, idle 0:00:03, bytes 1234, flags UIO"
std::string conn_line(const Shown& s) {
  return fmt::format("{} {} {}, idle {}, bytes {}, flags {}\n",
                     firewall::protocol_upper(s.c.protocol), end_text(s.v.first(), ':'),
                     end_text(s.v.second(), ':'), firewall::hms(s.c.idle_seconds), s.c.bytes,
                     firewall::conn_flags(s.v, s.c));
}

// The detail form's compact durations: "3s", "1m2s", "1h0m", "2d3h".
std::string compact(uint64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{}m", s / 3600, s / 60 % 60);
  return fmt::format("{}d{}h", s / 86400, s / 3600 % 24);
}

std::string conn_detail(const Shown& s) {
  uint32_t timeout = s.c.idle_seconds + s.c.timeout_seconds;
  return fmt::format("{} {} {},\n    flags {}, idle {}, uptime {}, timeout {}, bytes {}\n",
                     firewall::protocol_upper(s.c.protocol), end_text(s.v.first(), '/'),
                     end_text(s.v.second(), '/'), firewall::conn_flags(s.v, s.c),
                     compact(s.c.idle_seconds), compact(s.c.age_seconds), compact(timeout),
                     s.c.bytes);
}

struct ConnQuery {
  bool all = false, detail = false, count = false;
  std::optional<uint32_t> address;
  uint32_t netmask = 0xffffffffu;
  std::optional<uint16_t> port;
  std::optional<uint8_t> protocol;
};

bool selected(const ConnQuery& q, const Shown& s) {
  const Connection& c = s.c;
  if (q.protocol && c.protocol != *q.protocol) return false;
  auto in = [&q](uint32_t a) { return (a & q.netmask) == (*q.address & q.netmask); };
  if (q.address && !in(c.orig_src) && !in(c.orig_dst) && !in(c.reply_src) && !in(c.reply_dst))
    return false;
  if (q.port && c.orig_sport != *q.port && c.orig_dport != *q.port && c.reply_sport != *q.port &&
      c.reply_dport != *q.port)
    return false;
  return true;
}

std::optional<uint8_t> protocol_of(const std::string& word) {
  if (word == "tcp") return IPPROTO_TCP;
  if (word == "udp") return IPPROTO_UDP;
  if (word == "icmp") return IPPROTO_ICMP;
  return std::nullopt;
}

// The address, netmask, port and protocol arguments the show and clear forms share. False
// (with the ASA's marker under it) for a netmask that is not one.
bool read_filter(Ctx& c, std::optional<uint32_t>& address, uint32_t& netmask,
                 std::optional<uint16_t>& port, std::optional<uint8_t>& protocol) {
  if (c.args.has("address")) address = c.args.ip("address").value;
  if (c.args.has("netmask")) {
    auto m = config::Mask::parse(c.args.str("netmask"));
    if (!m) {
      c.session.invalid_input_at(c.out, c.args, "netmask");
      return false;
    }
    netmask = m->value;
    if (address) *address &= netmask;
  }
  if (c.args.has("port")) port = static_cast<uint16_t>(c.args.num("port"));
  if (c.args.has("proto")) protocol = protocol_of(c.args.str("proto"));
  return true;
}

void show_conn(Ctx& c) {
  ConnQuery q;
  q.all = c.args.has("all");
  q.detail = c.args.has("detail");
  q.count = c.args.has("count");
  if (!read_filter(c, q.address, q.netmask, q.port, q.protocol)) return;
  defer_view(c, [q](const TableView& view) {
    auto all = view.rows(q.all);
    // The header counts the whole table, as the ASA's does, whatever the filter shows.
    std::string out =
        fmt::format("{} in use, {} most used\n", all.size(), view.most_used(all.size()));
    if (q.count) return out;
    if (q.detail) out += std::string(kConnFlags) + "\n";
    for (const auto& s : all)
      if (selected(q, s)) out += q.detail ? conn_detail(s) : conn_line(s);
    return out;
  });
}

void clear_conn(Ctx& c, bool xlate) {
  firewall::ConnectionFilter f;
  if (!read_filter(c, f.address, f.netmask, f.port, f.protocol)) return;
  f.translated_only = xlate;
  f.to_box = c.args.has("all");
  auto* t = c.session.appliance().connections();
  if (!t) {
    error(c, "The connection table is not available");
    return;
  }
  size_t n = t->clear(f);
  if (!xlate) c.out += fmt::format("{} connection(s) deleted.\n", n);
}

// A translation the box made for a connection: PAT when the port changed too; static when a
// static rule (or a destination translation, which only static rules make) did it.
bool static_xlate(const firewall::Policy& p, const Shown& s) {
  const firewall::NatRule* rule = s.c.snat ? firewall::source_rule(p, s.c, s.v) : nullptr;
  return !s.c.snat || (rule && rule->is_static);
}

std::string xlate_line(const firewall::Policy& p, const Shown& s) {
  const firewall::ConnEnd& real = s.c.snat ? s.v.initiator : s.v.responder;
  const firewall::ConnEnd& other = s.c.snat ? s.v.responder : s.v.initiator;
  bool is_static = static_xlate(p, s);
  // Dynamic PAT lives as long as its connection, then 30 s (timeout pat-xlate); dynamic NAT
  // for timeout xlate; static translations do not time out.
  bool pat = real.real_port != real.mapped_port;
  uint32_t timeout = is_static ? 0 : pat ? 30 : p.xlate_timeout;
  std::string flags = std::string(is_static ? "s" : "i");
  if (pat)
    return fmt::format("{} PAT from {}:{}/{} to {}:{}/{} flags r{} idle {} timeout {}\n",
                       firewall::protocol_upper(s.c.protocol), real.nameif,
                       firewall::ip_string(real.real), real.real_port, other.nameif,
                       firewall::ip_string(real.mapped), real.mapped_port, flags,
                       firewall::hms(s.c.idle_seconds), firewall::hms(timeout));
  return fmt::format("NAT from {}:{} to {}:{} flags {} idle {} timeout {}\n", real.nameif,
                     firewall::ip_string(real.real), other.nameif, firewall::ip_string(real.mapped),
                     flags, firewall::hms(s.c.idle_seconds), firewall::hms(timeout));
}

void show_xlate(Ctx& c) {
  defer_view(c, [count = c.args.has("count")](const TableView& view) {
    const firewall::Policy& p = view.policy;
    std::vector<std::string> lines;
    // A static address translation is one xlate however many connections use it: the one used
    // last (least idle) stands for them.
    std::map<std::pair<uint32_t, uint32_t>, const Shown*> statics;
    auto all = view.rows(false);
    for (const auto& s : all) {
      if (!(s.c.snat || s.c.dnat) || (s.v.initiator.real == s.v.initiator.mapped &&
                                      s.v.responder.real == s.v.responder.mapped &&
                                      s.v.initiator.real_port == s.v.initiator.mapped_port &&
                                      s.v.responder.real_port == s.v.responder.mapped_port))
        continue;
      const firewall::ConnEnd& real = s.c.snat ? s.v.initiator : s.v.responder;
      if (real.real_port == real.mapped_port && static_xlate(p, s)) {
        const Shown*& kept = statics[{real.real, real.mapped}];
        if (!kept || s.c.idle_seconds < kept->c.idle_seconds) kept = &s;
        continue;
      }
      lines.push_back(xlate_line(p, s));
    }
    for (const auto& [mapping, s] : statics) lines.push_back(xlate_line(p, *s));
    std::string out = fmt::format("{} in use, {} most used\n", lines.size(), lines.size());
    if (count) return out;
    out += kXlateFlags;
    for (const auto& l : lines) out += l;
    return out;
  });
}

// show local-host: per interface, each host with connections through the box.
void show_local_host(Ctx& c) {
  std::optional<uint32_t> only;
  if (c.args.has("host")) only = c.args.ip("host").value;
  defer_view(c, [only](const TableView& view) {
    struct Host {
      int tcp = 0, udp = 0, embryonic = 0;
      std::vector<const Shown*> conns;
    };
    auto all = view.rows(false);
    std::map<std::string, std::map<uint32_t, Host>> by_if;
    for (const auto& itf : view.policy.interfaces) by_if[itf.nameif];
    for (const auto& s : all)
      for (const firewall::ConnEnd* e : {&s.v.initiator, &s.v.responder}) {
        Host& h = by_if[e->nameif][e->real];
        h.conns.push_back(&s);
        if (s.c.protocol == IPPROTO_TCP) {
          ++h.tcp;
          if (s.c.tcp_state == "SYN_SENT" || s.c.tcp_state == "SYN_RECV") ++h.embryonic;
        }
        if (s.c.protocol == IPPROTO_UDP) ++h.udp;
      }
    std::string out;
    for (const auto& itf : view.policy.interfaces) {
      const auto& hosts = by_if[itf.nameif];
      // The box keeps no history of hosts: the maximum shown is the present count.
      out += fmt::format("Interface {}: {} active, {} maximum active, 0 denied\n", itf.nameif,
                         hosts.size(), hosts.size());
      for (const auto& [addr, h] : hosts) {
        if (only && addr != *only) continue;
        out += fmt::format(
            "local host: <{}>,\n    TCP flow count/limit = {}/unlimited\n"
            "    TCP embryonic count to host = {}\n    TCP intercept watermark = unlimited\n"
            "    UDP flow count/limit = {}/unlimited\n\n  Conn:\n",
            firewall::ip_string(addr), h.tcp, h.embryonic, h.udp);
        for (const Shown* s : h.conns) out += "    " + conn_line(*s);
      }
    }
    return out;
  });
}

}  // namespace

void register_connections(CommandTree& t) {
  const std::string_view kA = "Display connections of an address";
  const std::string_view kAv = "IP address";
  const std::string_view kM = "Network mask";
  const std::string_view kMv = "Network mask of the address";
  const std::string_view kP = "Display connections of a port";
  const std::string_view kPv = "Port number";
  const std::string_view kPr = "Display connections of a protocol";
  const std::string_view kPrv = "TCP connections|UDP connections|ICMP connections";
  t.add({kPrivAndConfig,
         "show conn [{all:all}] [{detail:detail}]",
         {kHelpShow, kHelpConn, "Display all connections, to the box too", kHelpDetail},
         show_conn});
  t.add({kPrivAndConfig,
         "show conn {count:count}",
         {kHelpShow, kHelpConn, "Display the number of connections"},
         show_conn});
  t.add({kPrivAndConfig,
         "show conn address <address:A.B.C.D> [netmask <netmask:A.B.C.D>] [{detail:detail}]",
         {kHelpShow, kHelpConn, kA, kAv, kM, kMv, kHelpDetail},
         show_conn});
  t.add({kPrivAndConfig,
         "show conn port <port:1-65535> [{detail:detail}]",
         {kHelpShow, kHelpConn, kP, kPv, kHelpDetail},
         show_conn});
  t.add({kPrivAndConfig,
         "show conn protocol {proto:tcp|udp|icmp} [{detail:detail}]",
         {kHelpShow, kHelpConn, kPr, kPrv, kHelpDetail},
         show_conn});
  t.add({kPrivAndConfig,
         "show xlate [{count:count}]",
         {kHelpShow, "Display current translation and connection slot information",
          "Display the number of translations"},
         show_xlate});
  t.add({kPrivAndConfig,
         "show local-host [<host:A.B.C.D>]",
         {kHelpShow, "Display the network states of local hosts", "IP address of a host"},
         show_local_host});
  const std::string_view kClA = "Clear connections of an address";
  const std::string_view kClP = "Clear connections of a port";
  const std::string_view kClPr = "Clear connections of a protocol";
  for (bool xlate : {false, true}) {
    std::string word = xlate ? "xlate" : "conn";
    t.add(
        {kPrivAndConfig,
         fmt::format("clear {} [{{all:all}}] [address <address:A.B.C.D> [netmask "
                     "<netmask:A.B.C.D>]] [port <port:1-65535>] [protocol {{proto:tcp|udp}}]",
                     word),
         {kHelpClear,
          xlate ? "Clear current translation and connection slot information" : "Clear connections",
          "Clear connections to and from the box too", kClA, kAv, kM, kMv, kClP, kPv, kClPr,
          "TCP connections|UDP connections"},
         [xlate](Ctx& c) { clear_conn(c, xlate); }});
  }
}

}  // namespace rampart::cli
