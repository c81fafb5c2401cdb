// packet-tracer over the normalised policy. The order of the phases and their words follow the
// ASA 9.x packet-tracer; the decisions follow policy.hpp's header comment, step by step.
#include "control/firewall/tracer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/firewall/tracer_nat.hpp"

namespace rampart::firewall {

namespace {

constexpr std::string_view kAclDrop = "(acl-drop) Flow is denied by configured rule";
constexpr std::string_view kNoRoute = "(no-route) No route to host";
constexpr std::string_view kPatNoXlate =
    "(nat-no-xlate-to-pat-pool) Connection to PAT address without pre-existing xlate";
constexpr std::string_view kIcmpNoRequest =
    "(inspect-icmp-seq-num-not-matched) ICMP Inspect seq num not matched";
constexpr std::string_view kIcmpErrorNoConn =
    "(inspect-icmp-error-no-existing-conn) ICMP Error Inspect no existing conn";
// [U] Our own reason (the kernel's ICMP rule of policy.hpp), worded by us.
constexpr std::string_view kIcmpNoConn = "(icmp-no-conn) ICMP packet opens no connection";
constexpr std::string_view kInterfaceDown = "(interface-down) Interface is down";

std::string dotted(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

// ---- access-lists ---------------------------------------------------------------------------

// The five-tuple an ACL is read with (already oriented: vpn-filter reads it the other way
// round toward a client).
struct AclKey {
  uint8_t protocol;
  uint32_t source, destination;
  uint16_t source_port, destination_port;
  int icmp_type;
};

bool matches(const Match& m, const AclKey& k) {
  if (m.protocol != 0 && m.protocol != k.protocol) return false;
  if (!in_set(m.source, k.source) || !in_set(m.destination, k.destination)) return false;
  bool ports = !m.source_ports.empty() || !m.destination_ports.empty();
  if (ports && !has_ports(k.protocol)) return false;
  if (has_ports(k.protocol) && (!in_ports(m.source_ports, k.source_port) ||
                                !in_ports(m.destination_ports, k.destination_port)))
    return false;
  if (m.icmp_type >= 0 && (k.protocol != 1 || m.icmp_type != k.icmp_type)) return false;
  return true;
}

struct AclMatch {
  const Ace* ace = nullptr;
  size_t expansion = 0;
};

// The first ACE line of acl that matches; ace is null for none (the implicit deny).
AclMatch first_match(const Acl* acl, const AclKey& k) {
  if (!acl) return {};
  for (const Ace& ace : acl->aces) {
    if (ace.inactive) continue;
    for (size_t i = 0; i < ace.lines.size(); ++i)
      if (matches(ace.lines[i], k)) return AclMatch{&ace, i};
  }
  return {};
}

const Acl* find_acl(const Policy& p, const std::string& name) {
  auto it = p.acls.find(name);
  return it == p.acls.end() ? nullptr : &it->second;
}

// The mask of a set that is one prefix, for the "detailed" rule dump; the first range's low
// address and a host mask otherwise.
std::pair<uint32_t, uint32_t> as_prefix(const AddressSet& s) {
  if (s.size() != 1) return {s.empty() ? 0 : s[0].lo, 0xffffffffu};
  uint32_t size = s[0].hi - s[0].lo;  // one less than the count
  uint32_t mask = ~size;
  if ((size & (size + 1)) == 0 && (s[0].lo & size) == 0) return {s[0].lo, mask};
  return {s[0].lo, 0xffffffffu};
}

std::vector<std::string> rule_dump(const Ace& ace, size_t expansion, const std::string& acl,
                                   const std::string& input, const TraceContext& ctx) {
  const Match& m = ace.lines[expansion];
  auto hits = ctx.acl_hits.find(fmt::format("{}/{}/{}", acl, ace.line, expansion));
  auto [sa, sm] = as_prefix(m.source);
  auto [da, dm] = as_prefix(m.destination);
  uint16_t dport = m.destination_ports.empty() ? 0 : m.destination_ports[0].lo;
  uint16_t sport = m.source_ports.empty() ? 0 : m.source_ports[0].lo;
  return {
      "Forward Flow based lookup yields rule:",
      fmt::format(" in  id=0x{:08x}, priority=13, domain=permit, deny={}", ace.hash,
                  ace.permit ? "false" : "true"),
      fmt::format("\thits={}, user_data=0x{:08x}, cs_id=0x0, use_real_addr, flags=0x0, "
                  "protocol={}",
                  hits == ctx.acl_hits.end() ? 0 : hits->second, ace.hash, m.protocol),
      fmt::format("\tsrc ip/id={}, mask={}, port={}, tag=any", dotted(sa), dotted(sm), sport),
      fmt::format("\tdst ip/id={}, mask={}, port={}, tag=any, dscp=0x0", dotted(da), dotted(dm),
                  dport),
      fmt::format("\tinput_ifc={}, output_ifc=any", input),
  };
}

// An ACCESS-LIST phase for ACL name bound by the access-group line binding; the verdict of
// its first matching ACE (no match: the implicit deny).
Phase acl_phase(const Policy& p, const std::string& name, const std::string& binding,
                const AclKey& k, const std::string& input, const TraceContext& ctx) {
  Phase ph{.type = "ACCESS-LIST"};
  AclMatch m = first_match(find_acl(p, name), k);
  if (!m.ace) {
    ph.allow = false;
    ph.config = {"Implicit Rule"};
    return ph;
  }
  ph.allow = m.ace->permit;
  ph.subtype = "log";
  ph.config = {binding, fmt::format("access-list {} {}", name, m.ace->text)};
  ph.detail = rule_dump(*m.ace, m.expansion, name, input, ctx);
  return ph;
}

Phase implicit(bool allow) {
  return Phase{.type = "ACCESS-LIST", .allow = allow, .config = {"Implicit Rule"}};
}

// ---- routing ------------------------------------------------------------------------------

struct RouteResult {
  const Interface* itf = nullptr;
  uint32_t next_hop = 0;
};

uint32_t mask_of(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

// Longest prefix over the connected subnets and the static routes, as the kernel's FIB
// decides (a connected route wins a tie, as its distance 0 does).
RouteResult route(const Policy& p, uint32_t dst) {
  RouteResult best;
  int best_len = -1;
  for (const Interface& i : p.interfaces) {
    uint32_t m = mask_of(i.prefix);
    if (i.address && (i.address & m) == (dst & m) && i.prefix > best_len) {
      best = {&i, dst};
      best_len = i.prefix;
    }
  }
  for (const Route& r : p.routes) {
    uint32_t m = mask_of(r.prefix);
    if ((r.network & m) == (dst & m) && r.prefix > best_len) {
      if (const Interface* i = find_interface(p, r.nameif)) {
        best = {i, r.gateway};
        best_len = r.prefix;
      }
    }
  }
  return best;
}

Phase route_phase(const RouteResult& r) {
  Phase ph{.type = "ROUTE-LOOKUP", .subtype = "Resolve Egress Interface"};
  ph.info = {
      fmt::format("found next-hop {} using egress ifc  {}", dotted(r.next_hop), r.itf->nameif)};
  return ph;
}

// ---- the trace ----------------------------------------------------------------------------

class Tracer {
 public:
  Tracer(const Policy& p, const Flow& f, const TraceContext& ctx) : p_(p), f_(f), ctx_(ctx) {
    t_.input = f.input;
    t_.out_source = f.source;
    t_.out_destination = f.destination;
    t_.out_source_port = f.source_port;
    t_.out_destination_port = f.destination_port;
  }

  Trace run() {
    const Interface* in = find_interface(p_, f_.input);
    if (!in) return drop_with(kNoRoute);  // the CLI refuses unknown names before this
    t_.input_up = link_up(in->nameif);
    if (!t_.input_up) return drop_with(kInterfaceDown);
    bool untranslated = nat_untranslate(p_, f_, t_);
    // An identity rule (a twice NAT's "NET NET" covering the box's own address) leaves a
    // packet for the box the box's: it is not diverted through another interface.
    bool identity = untranslated && t_.out_destination == f_.destination;
    if ((!untranslated || identity) && to_the_box()) return std::move(t_);
    // The source rule's egress is routed on the real destination; a twice NAT rule with a
    // destination part routes on the destination it translates to.
    nat_translate(
        p_, f_, route(p_, t_.out_destination).itf, [&](uint32_t d) { return route(p_, d).itf; },
        t_);
    if (!egress()) return std::move(t_);
    if (!access_in()) return std::move(t_);
    source_nat();
    t_.phases.push_back({.type = "IP-OPTIONS"});
    if (!inspect()) return std::move(t_);
    if (!vpn_out()) return std::move(t_);
    if (!access_out()) return std::move(t_);
    Phase flow{.type = "FLOW-CREATION"};
    flow.info = {
        fmt::format("New flow created with id {}, packet dispatched to next module", ctx_.flow_id)};
    t_.phases.push_back(std::move(flow));
    t_.allowed = true;
    return std::move(t_);
  }

 private:
  bool link_up(const std::string& nameif) const { return !ctx_.link_up || ctx_.link_up(nameif); }

  Trace drop_with(std::string_view reason) {
    t_.allowed = false;
    t_.drop_reason = reason;
    return std::move(t_);
  }
  bool fail(Phase ph, std::string_view reason) {
    ph.allow = false;
    t_.phases.push_back(std::move(ph));
    t_.allowed = false;
    t_.drop_reason = reason;
    return false;
  }

  // A packet for one of the box's own addresses is not forwarded. To the PAT address of a
  // dynamic rule it is the ASA's "no xlate" drop, but for ICMP to an interface's own address
  // (the box answers pings there, interface PAT or not); otherwise the box answers on the
  // interface the packet came in on only.
  bool to_the_box() {
    auto own = std::find_if(p_.interfaces.begin(), p_.interfaces.end(),
                            [&](const Interface& i) { return i.address == f_.destination; });
    const Interface* itf = own == p_.interfaces.end() ? nullptr : &*own;
    if (is_pat_address(p_, f_.input, f_.destination) && !(f_.protocol == 1 && itf)) {
      t_.output = "NP Identity Ifc";
      fail({.type = "NAT", .subtype = "per-session"}, kPatNoXlate);
      return true;
    }
    if (!itf) return false;
    t_.output = "NP Identity Ifc";
    Phase lookup{.type = "ROUTE-LOOKUP", .subtype = "Resolve Egress Interface"};
    lookup.info = {
        fmt::format("found next-hop {} using egress ifc  identity", dotted(itf->address))};
    t_.phases.push_back(std::move(lookup));
    // The box's answer is decided here, whichever way: the trace ends.
    auto denied = [&](Phase ph) {
      fail(std::move(ph), kAclDrop);
      return true;
    };
    if (itf->nameif != f_.input) return denied(implicit(false));
    // "icmp permit|deny ... IF": the first rule decides, none means the implicit deny.
    if (f_.protocol == 1 && !itf->icmp.empty()) {
      const auto* r = config::Firewall::icmp_match(itf->icmp, f_.source, f_.icmp_type);
      if (!r) return denied(implicit(false));
      Phase ph{.type = "ACCESS-LIST", .config = {config::Firewall::icmp_text(*r)}};
      if (!r->permit) return denied(std::move(ph));
      t_.phases.push_back(std::move(ph));
    } else {
      t_.phases.push_back(implicit(true));
    }
    t_.allowed = true;
    return true;
  }

  // UN-NAT (a static rule's reverse direction) or a route lookup: the egress interface.
  bool egress() {
    uint32_t real = t_.out_destination;
    if (t_.destination_rule) {
      const NatRule& r = p_.nat[*t_.destination_rule];
      RouteResult rr = route(p_, real);
      Phase ph{.type = "UN-NAT", .subtype = "static", .config = nat_config(r)};
      if (rr.itf)
        ph.info.push_back(fmt::format("NAT divert to egress interface {}", rr.itf->nameif));
      ph.info.push_back(fmt::format("Untranslate {}/{} to {}/{}", dotted(f_.destination),
                                    f_.destination_port, dotted(real), t_.out_destination_port));
      t_.phases.push_back(std::move(ph));
      if (!rr.itf)
        return fail({.type = "ROUTE-LOOKUP", .subtype = "Resolve Egress Interface"}, kNoRoute);
      out_ = rr.itf;
    } else {
      RouteResult rr = route(p_, real);
      if (!rr.itf)
        return fail({.type = "ROUTE-LOOKUP", .subtype = "Resolve Egress Interface"}, kNoRoute);
      t_.phases.push_back(route_phase(rr));
      out_ = rr.itf;
    }
    t_.output = out_->nameif;
    t_.output_up = link_up(out_->nameif);
    if (!t_.output_up) {
      t_.allowed = false;
      t_.drop_reason = kInterfaceDown;
      return false;
    }
    return true;
  }

  AclKey key() const {
    return {f_.protocol,
            f_.source,
            t_.out_destination,
            f_.source_port,
            t_.out_destination_port,
            f_.protocol == 1 ? int{f_.icmp_type} : -1};
  }

  // Steps 1-3 of the contract.
  bool access_in() {
    const Interface* in = find_interface(p_, f_.input);
    // Step 1: hairpin.
    if (in == out_ && !p_.same_security_intra) return fail(implicit(false), kAclDrop);
    // Step 2: decrypted VPN traffic from a client of this interface's tunnels.
    std::optional<std::string> client =
        in->vpn && ctx_.vpn_group_policy ? ctx_.vpn_group_policy(f_.source) : std::nullopt;
    if (client) {
      if (!vpn_filter(f_.source, *client, key(), "ipsec-tunnel-flow")) return false;
      if (p_.permit_vpn) return true;
    }
    // Step 3: same-security needs its permission whatever an ACL says.
    bool same = in->level == out_->level;
    if (same && in != out_ && !p_.same_security_inter) return fail(implicit(false), kAclDrop);
    const std::string* acl = in->acl_in ? &*in->acl_in : p_.global_acl ? &*p_.global_acl : nullptr;
    if (acl && in->acl_in) {
      Phase ph =
          acl_phase(p_, *acl, fmt::format("access-group {} in interface {}", *acl, in->nameif),
                    key(), in->nameif, ctx_);
      // No match in the interface ACL falls to the global ACL, then to the implicit deny.
      if (ph.config.size() == 1 && p_.global_acl) {
        acl = &*p_.global_acl;
      } else {
        bool ok = ph.allow;
        if (!ok) return fail(std::move(ph), kAclDrop);
        t_.phases.push_back(std::move(ph));
        return true;
      }
    }
    if (acl) {
      Phase ph =
          acl_phase(p_, *acl, fmt::format("access-group {} global", *acl), key(), in->nameif, ctx_);
      if (!ph.allow) return fail(std::move(ph), kAclDrop);
      t_.phases.push_back(std::move(ph));
      return true;
    }
    if (in->level < out_->level) return fail(implicit(false), kAclDrop);
    t_.phases.push_back(implicit(true));
    return true;
  }

  // The vpn-filter of a client: the ACL an AAA server named for its session, else its
  // group-policy's; the client is the ACL's source whichever way the packet goes (k is already
  // oriented so).
  bool vpn_filter(uint32_t client, const std::string& group, const AclKey& k,
                  std::string_view subtype) {
    Phase ph{.type = "VPN", .subtype = std::string(subtype)};
    std::optional<std::string> acl;
    auto f = p_.vpn_filters.find(group);
    if (f != p_.vpn_filters.end()) acl = f->second;
    std::optional<std::string> user = ctx_.vpn_filter ? ctx_.vpn_filter(client) : std::nullopt;
    if (user && user != acl) {
      acl = user;
      // [U] how the ASA's packet-tracer names a per-user filter (no capture of it at hand):
      // the ACL alone, as the server gave no configuration line.
      ph.config = {fmt::format("filter-id {} (from the AAA server)", *acl)};
    } else if (acl) {
      ph.config = {fmt::format("group-policy {} attributes", group),
                   fmt::format(" vpn-filter value {}", *acl)};
    }
    if (acl) {
      AclMatch m = first_match(find_acl(p_, *acl), k);
      if (m.ace) ph.config.push_back(fmt::format("access-list {} {}", *acl, m.ace->text));
      if (!m.ace || !m.ace->permit) return fail(std::move(ph), kAclDrop);
    }
    t_.phases.push_back(std::move(ph));
    return true;
  }

  // The source's translation, then the reverse-path check of the rule that untranslated the
  // destination (the ASA's "NAT rpf-check" phase), when that is another rule.
  void source_nat() {
    if (t_.source_rule) {
      const NatRule& r = p_.nat[*t_.source_rule];
      Phase ph{.type = "NAT", .config = nat_config(r)};
      ph.info = {fmt::format("{} translate {}/{} to {}/{}", r.is_static ? "Static" : "Dynamic",
                             dotted(f_.source), f_.source_port, dotted(t_.out_source),
                             t_.out_source_port)};
      t_.phases.push_back(std::move(ph));
    }
    if (t_.destination_rule && t_.destination_rule != t_.source_rule)
      t_.phases.push_back({.type = "NAT",
                           .subtype = "rpf-check",
                           .config = nat_config(p_.nat[*t_.destination_rule])});
  }

  // Inspections that see this connection. Under "inspect icmp" a reply is never the first
  // packet of a connection: without the request's state the ASA drops it; under "inspect icmp
  // error" an error passes only for a connection it is about, and a trace has none.
  // The kernel adds one rule of its own (policy.hpp): ICMP that is neither a request nor about a
  // known connection opens no flow, with or without inspection, since it could not be
  // translated; a trace has no connection, so every such ICMP packet is dropped here.
  bool inspect() {
    if (is_icmp_error(f_) && policy_inspects(p_, "icmp error")) {
      Phase ph{.type = "INSPECT", .subtype = "np-inspect", .config = {"  inspect icmp error"}};
      return fail(std::move(ph), kIcmpErrorNoConn);
    }
    if (f_.protocol == 1 && !opens_flow(f_) && !policy_inspects(p_, "icmp")) {
      Phase ph{.type = "INSPECT", .subtype = "np-inspect"};
      ph.info = {"ICMP type that is neither a request nor about a known connection"};
      return fail(std::move(ph), kIcmpNoConn);
    }
    std::string what = inspection_for(f_);
    if (what.empty() || !policy_inspects(p_, what)) return true;
    Phase ph{.type = "INSPECT", .subtype = what == "icmp" ? "np-inspect" : "inspect-" + what};
    ph.config = {fmt::format("  inspect {}", what)};
    if (what == "icmp" && !opens_flow(f_)) return fail(std::move(ph), kIcmpNoRequest);
    t_.phases.push_back(std::move(ph));
    return true;
  }

  // Echo, timestamp, information and address-mask requests: the ICMP that starts a flow.
  static bool opens_flow(const Flow& f) {
    return f.icmp_type == 8 || f.icmp_type == 13 || f.icmp_type == 15 || f.icmp_type == 17;
  }

  // Unreachable, source quench, redirect, time exceeded, parameter problem (RFC 792).
  static bool is_icmp_error(const Flow& f) {
    return f.protocol == 1 && (f.icmp_type == 3 || f.icmp_type == 4 || f.icmp_type == 5 ||
                               f.icmp_type == 11 || f.icmp_type == 12);
  }

  static std::string inspection_for(const Flow& f) {
    if (f.protocol == 1) return "icmp";
    struct Known {
      uint8_t protocol;
      uint16_t port;
      std::string_view name;
    };
    static constexpr Known known[] = {{6, 21, "ftp"},    {17, 69, "tftp"},  {6, 5060, "sip"},
                                      {17, 5060, "sip"}, {6, 1720, "h323"}, {6, 554, "rtsp"}};
    for (const Known& k : known)
      if (k.protocol == f.protocol && k.port == f.destination_port) return std::string(k.name);
    return {};
  }

  // Step 5: toward a VPN client, its vpn-filter read the other way round; the VPN phase shows
  // that the packet is encrypted.
  bool vpn_out() {
    if (!out_->vpn || !ctx_.vpn_group_policy) return true;
    std::optional<std::string> group = ctx_.vpn_group_policy(t_.out_destination);
    if (!group) return true;
    t_.vpn_group = group;
    AclKey reversed{f_.protocol,        t_.out_destination,
                    t_.out_source,      t_.out_destination_port,
                    t_.out_source_port, f_.protocol == 1 ? int{f_.icmp_type} : -1};
    return vpn_filter(t_.out_destination, *group, reversed, "encrypt");
  }

  // Step 4.
  bool access_out() {
    if (!out_->acl_out) return true;
    // The outbound ACL sees real addresses too (ASA 8.3+).
    Phase ph =
        acl_phase(p_, *out_->acl_out,
                  fmt::format("access-group {} out interface {}", *out_->acl_out, out_->nameif),
                  key(), f_.input, ctx_);
    if (!ph.allow) return fail(std::move(ph), kAclDrop);
    t_.phases.push_back(std::move(ph));
    return true;
  }

  const Policy& p_;
  const Flow& f_;
  const TraceContext& ctx_;
  Trace t_;
  const Interface* out_ = nullptr;
};

}  // namespace

Trace trace(const Policy& policy, const Flow& flow, const TraceContext& ctx) {
  Tracer t(policy, flow, ctx);
  return t.run();
}

std::string protocol_name(uint8_t protocol) {
  switch (protocol) {
    case 1:
      return "icmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    default:
      return std::to_string(protocol);
  }
}

std::string render(const Trace& t, bool detailed) {
  std::string out;
  int n = 0;
  for (const Phase& ph : t.phases) {
    // An empty subtype is "Subtype:" with nothing after it, as the ASA prints it.
    out += fmt::format("\nPhase: {}\nType: {}\nSubtype:{}{}\nResult: {}\nConfig:\n", ++n, ph.type,
                       ph.subtype.empty() ? "" : " ", ph.subtype, ph.allow ? "ALLOW" : "DROP");
    for (const auto& l : ph.config) out += l + "\n";
    out += "Additional Information:\n";
    for (const auto& l : ph.info) out += l + "\n";
    if (detailed)
      for (const auto& l : ph.detail) out += l + "\n";
  }
  auto status = [](bool up) { return up ? "up" : "down"; };
  out += fmt::format("\nResult:\ninput-interface: {}\ninput-status: {}\ninput-line-status: {}\n",
                     t.input, status(t.input_up), status(t.input_up));
  if (!t.output.empty())
    out += fmt::format("output-interface: {}\noutput-status: {}\noutput-line-status: {}\n",
                       t.output, status(t.output_up), status(t.output_up));
  out += fmt::format("Action: {}\n", t.allowed ? "allow" : "drop");
  if (!t.allowed) out += fmt::format("Drop-reason: {}\n", t.drop_reason);
  return out + "\n";
}

}  // namespace rampart::firewall
