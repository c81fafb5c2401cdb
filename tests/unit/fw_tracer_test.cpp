// packet-tracer on hand-built policies: each verdict step of policy.hpp's contract, the NAT
// order, static rules in both directions, identity exemption, PAT shown, ICMP with and without
// "inspect icmp", and the exact text of one allowed and one dropped trace.
#include <catch2/catch.hpp>

#include "control/firewall/tracer.hpp"

namespace fw_tracer_test {

using namespace rampart::firewall;

namespace {

uint32_t ip(const char* dotted) {
  unsigned a, b, c, d;
  std::sscanf(dotted, "%u.%u.%u.%u", &a, &b, &c, &d);
  return a << 24 | b << 16 | c << 8 | d;
}

AddressSet host(const char* a) {
  return {{ip(a), ip(a)}};
}
AddressSet net(const char* a, int prefix) {
  uint32_t size = prefix == 0 ? 0xffffffffu : (1u << (32 - prefix)) - 1;
  return {{ip(a), ip(a) + size}};
}

// outside (0) 198.51.100.1/25 with a default route to 198.51.100.3, inside (100)
// 192.0.2.1/24, dmz (50) 203.0.113.1/25; 203.0.113.128/25 is a remote network beyond outside.
Policy base() {
  Policy p;
  p.interfaces = {
      {.nameif = "outside",
       .device = "eth0",
       .level = 0,
       .address = ip("198.51.100.1"),
       .prefix = 25},
      {.nameif = "inside",
       .device = "eth1",
       .level = 100,
       .address = ip("192.0.2.1"),
       .prefix = 24},
      {.nameif = "dmz", .device = "eth2", .level = 50, .address = ip("203.0.113.1"), .prefix = 25}};
  p.routes = {{.network = 0, .prefix = 0, .gateway = ip("198.51.100.3"), .nameif = "outside"}};
  return p;
}

Interface& itf(Policy& p, const std::string& name) {
  for (auto& i : p.interfaces)
    if (i.nameif == name) return i;
  throw std::logic_error(name);
}

// An ACE of one line.
Ace ace(int line, bool permit, uint8_t proto, AddressSet src, AddressSet dst, PortSet dports,
        std::string text, int icmp_type = -1) {
  Ace a{.line = line, .permit = permit, .text = std::move(text), .hash = 0x1000u + line};
  a.lines.push_back({.protocol = proto,
                     .source = std::move(src),
                     .destination = std::move(dst),
                     .destination_ports = std::move(dports),
                     .icmp_type = icmp_type});
  return a;
}

Flow tcp(const char* in, const char* src, uint16_t sport, const char* dst, uint16_t dport) {
  return {.input = in,
          .protocol = 6,
          .source = ip(src),
          .destination = ip(dst),
          .source_port = sport,
          .destination_port = dport};
}

Flow icmp(const char* in, const char* src, const char* dst, uint8_t type) {
  return {.input = in, .protocol = 1, .source = ip(src), .destination = ip(dst), .icmp_type = type};
}

bool has_phase(const Trace& t, const std::string& type, const std::string& subtype = "*") {
  for (const auto& ph : t.phases)
    if (ph.type == type && (subtype == "*" || ph.subtype == subtype)) return true;
  return false;
}

NatRule web_static() {
  // object network WEB host 192.0.2.20 / nat (inside,outside) static 198.51.100.11
  return {.section = 2,
          .line = 1,
          .real_if = "inside",
          .mapped_if = "outside",
          .is_static = true,
          .real_source = host("192.0.2.20"),
          .mapped_source = host("198.51.100.11"),
          .text = "source static WEB 198.51.100.11"};
}

NatRule lan_pat() {
  // object network LAN subnet 192.0.2.0 255.255.255.0 / nat (inside,outside) dynamic interface
  return {.section = 2,
          .line = 2,
          .real_if = "inside",
          .mapped_if = "outside",
          .is_static = false,
          .real_source = net("192.0.2.0", 24),
          .pat = true,
          .interface_pat = true,
          .text = "source dynamic LAN interface"};
}

NatRule vpn_exempt() {
  // nat (inside,outside) source static LAN LAN destination static REMOTE REMOTE
  return {.section = 1,
          .line = 1,
          .real_if = "inside",
          .mapped_if = "outside",
          .is_static = true,
          .identity = true,
          .real_source = net("192.0.2.0", 24),
          .mapped_source = net("192.0.2.0", 24),
          .mapped_destination = net("203.0.113.128", 25),
          .real_destination = net("203.0.113.128", 25),
          .text = "source static LAN LAN destination static REMOTE REMOTE"};
}

}  // namespace

TEST_CASE("tracer: security levels decide without ACLs", "[tracer]") {
  Policy p = base();
  Trace out = trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80));
  CHECK(out.allowed);
  CHECK(out.output == "outside");
  CHECK(out.phases[0].info[0] == "found next-hop 198.51.100.50 using egress ifc  outside");
  Trace far = trace(p, tcp("inside", "192.0.2.10", 40000, "8.8.8.8", 80));
  CHECK(far.phases[0].info[0] == "found next-hop 198.51.100.3 using egress ifc  outside");
  Trace in = trace(p, tcp("outside", "198.51.100.50", 40000, "192.0.2.10", 80));
  CHECK_FALSE(in.allowed);
  CHECK(in.drop_reason == "(acl-drop) Flow is denied by configured rule");
  CHECK(in.phases.back().config == std::vector<std::string>{"Implicit Rule"});
  CHECK(trace(p, tcp("dmz", "203.0.113.5", 1000, "198.51.100.50", 22)).allowed);
  CHECK_FALSE(trace(p, tcp("dmz", "203.0.113.5", 1000, "192.0.2.10", 22)).allowed);
}

TEST_CASE("tracer: step 1, hairpin needs same-security-traffic intra-interface", "[tracer]") {
  Policy p = base();
  // 192.0.2.0/24 behind inside, another inside network routed back through inside.
  p.routes.push_back({.network = ip("192.0.2.128"),
                      .prefix = 25,
                      .gateway = ip("192.0.2.254"),
                      .nameif = "inside"});
  Flow f = tcp("inside", "192.0.2.10", 40000, "192.0.2.130", 80);
  CHECK_FALSE(trace(p, f).allowed);
  p.same_security_intra = true;
  Trace t = trace(p, f);
  CHECK(t.allowed);
  CHECK(t.output == "inside");
}

TEST_CASE("tracer: step 3, the inbound ACL, then global, then implicit deny", "[tracer]") {
  Policy p = base();
  p.acls["OUT_IN"] = {"OUT_IN",
                      {ace(1, false, 6, host("198.51.100.66"), any_address(), {},
                           "extended deny tcp host 198.51.100.66 any"),
                       ace(2, true, 6, any_address(), host("192.0.2.20"), {{80, 80}},
                           "extended permit tcp any host 192.0.2.20 eq www")}};
  itf(p, "outside").acl_in = "OUT_IN";
  Trace ok = trace(p, tcp("outside", "198.51.100.50", 40000, "192.0.2.20", 80));
  REQUIRE(ok.allowed);
  const Phase& acl = ok.phases[1];
  CHECK(acl.type == "ACCESS-LIST");
  CHECK(acl.subtype == "log");
  CHECK(acl.config == std::vector<std::string>{
                          "access-group OUT_IN in interface outside",
                          "access-list OUT_IN extended permit tcp any host 192.0.2.20 eq www"});
  // An explicit deny is shown with its ACE; no match is the implicit deny.
  Trace denied = trace(p, tcp("outside", "198.51.100.66", 40000, "192.0.2.20", 80));
  CHECK_FALSE(denied.allowed);
  CHECK(denied.phases.back().config[1] ==
        "access-list OUT_IN extended deny tcp host 198.51.100.66 any");
  Trace nomatch = trace(p, tcp("outside", "198.51.100.50", 40000, "192.0.2.20", 81));
  CHECK_FALSE(nomatch.allowed);
  CHECK(nomatch.phases.back().config == std::vector<std::string>{"Implicit Rule"});
  // An inbound ACL decides even against the levels: inside -> outside now denied by it.
  p.acls["IN_OUT"] = {"IN_OUT",
                      {ace(1, true, 17, any_address(), any_address(), {{53, 53}},
                           "extended permit udp any any eq domain")}};
  itf(p, "inside").acl_in = "IN_OUT";
  CHECK_FALSE(trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80)).allowed);
  // No match in the interface ACL falls to the global ACL.
  p.acls["GLOBAL"] = {"GLOBAL",
                      {ace(1, true, 6, any_address(), any_address(), {{80, 80}},
                           "extended permit tcp any any eq www")}};
  p.global_acl = "GLOBAL";
  Trace g = trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80));
  CHECK(g.allowed);
  CHECK(g.phases[1].config[0] == "access-group GLOBAL global");
  // Without an interface ACL the global one decides: dmz -> outside tcp/22 is not in it.
  CHECK_FALSE(trace(p, tcp("dmz", "203.0.113.5", 1000, "198.51.100.50", 22)).allowed);
  CHECK(trace(p, tcp("dmz", "203.0.113.5", 1000, "192.0.2.10", 80)).allowed);
}

TEST_CASE("tracer: equal levels need same-security-traffic even when an ACL permits", "[tracer]") {
  Policy p = base();
  itf(p, "dmz").level = 100;
  p.acls["DMZ"] = {
      "DMZ", {ace(1, true, 0, any_address(), any_address(), {}, "extended permit ip any any")}};
  itf(p, "dmz").acl_in = "DMZ";
  Flow f = tcp("dmz", "203.0.113.5", 1000, "192.0.2.10", 22);
  CHECK_FALSE(trace(p, f).allowed);
  CHECK_FALSE(trace(p, tcp("inside", "192.0.2.10", 1000, "203.0.113.5", 22)).allowed);
  p.same_security_inter = true;
  CHECK(trace(p, f).allowed);
  CHECK(trace(p, tcp("inside", "192.0.2.10", 1000, "203.0.113.5", 22)).allowed);
}

TEST_CASE("tracer: step 4, the outbound ACL of the egress must permit", "[tracer]") {
  Policy p = base();
  p.acls["EGRESS"] = {"EGRESS",
                      {ace(1, true, 6, any_address(), any_address(), {{443, 443}},
                           "extended permit tcp any any eq https")}};
  itf(p, "outside").acl_out = "EGRESS";
  CHECK(trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 443)).allowed);
  Trace t = trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80));
  CHECK_FALSE(t.allowed);
  CHECK(t.phases.back().type == "ACCESS-LIST");
  CHECK(t.phases.back().config == std::vector<std::string>{"Implicit Rule"});
  // The outbound ACL does not apply to other egress interfaces.
  CHECK(trace(p, tcp("inside", "192.0.2.10", 40000, "203.0.113.5", 80)).allowed);
}

TEST_CASE("tracer: static NAT both directions, dynamic PAT forward only", "[tracer]") {
  Policy p = base();
  p.nat = {web_static(), lan_pat()};
  p.acls["OUT_IN"] = {"OUT_IN",
                      {ace(1, true, 6, any_address(), host("192.0.2.20"), {{80, 80}},
                           "extended permit tcp any host 192.0.2.20 eq www")}};
  itf(p, "outside").acl_in = "OUT_IN";
  // Reverse direction of the static: the ACL sees the real address.
  Trace in = trace(p, tcp("outside", "198.51.100.50", 40000, "198.51.100.11", 80));
  REQUIRE(in.allowed);
  CHECK(in.phases[0].type == "UN-NAT");
  CHECK(in.phases[0].subtype == "static");
  CHECK(
      in.phases[0].config ==
      std::vector<std::string>{"object network WEB", " nat (inside,outside) static 198.51.100.11"});
  CHECK(in.phases[0].info ==
        std::vector<std::string>{"NAT divert to egress interface inside",
                                 "Untranslate 198.51.100.11/80 to 192.0.2.20/80"});
  CHECK(in.out_destination == ip("192.0.2.20"));
  CHECK(has_phase(in, "NAT", "rpf-check"));
  CHECK(in.destination_translated);
  CHECK_FALSE(in.source_translated);
  // Forward direction: the server's own connections leave as its mapped address; the static
  // comes before the PAT that also covers it.
  Trace out = trace(p, tcp("inside", "192.0.2.20", 5555, "198.51.100.50", 25));
  REQUIRE(out.allowed);
  CHECK(out.out_source == ip("198.51.100.11"));
  CHECK(out.source_rule == 0u);
  // PAT: the interface's address, the port kept.
  Trace pat = trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80));
  REQUIRE(pat.allowed);
  CHECK(pat.out_source == ip("198.51.100.1"));
  CHECK(pat.out_source_port == 40000);
  bool shown = false;
  for (const auto& ph : pat.phases)
    if (ph.type == "NAT")
      shown = ph.info ==
                  std::vector<std::string>{
                      "Dynamic translate 192.0.2.10/40000 to 198.51.100.1/40000"} &&
              ph.config == std::vector<std::string>{"object network LAN",
                                                    " nat (inside,outside) dynamic interface"};
  CHECK(shown);
  // A dynamic rule is never used backwards: a new connection to the PAT address is dropped.
  Trace back = trace(p, tcp("outside", "198.51.100.50", 80, "198.51.100.1", 40000));
  CHECK_FALSE(back.allowed);
  CHECK(back.drop_reason ==
        "(nat-no-xlate-to-pat-pool) Connection to PAT address without pre-existing xlate");
  // But a ping to the interface's own address is the box's to answer, interface PAT or not
  // (fw_differential: the kernel answers it).
  Trace echo = trace(p, icmp("outside", "198.51.100.50", "198.51.100.1", 8));
  CHECK(echo.allowed);
  CHECK(echo.output == "NP Identity Ifc");
  // Toward dmz the (inside,outside) rules do not match: nothing is translated.
  Trace dmz = trace(p, tcp("inside", "192.0.2.10", 40000, "203.0.113.5", 80));
  CHECK(dmz.allowed);
  CHECK_FALSE(dmz.source_translated);
  CHECK_FALSE(has_phase(dmz, "NAT"));
  // The static's mapped address from another interface is not untranslated.
  Trace wrong = trace(p, tcp("dmz", "203.0.113.5", 1000, "198.51.100.11", 80));
  CHECK_FALSE(wrong.destination_translated);
  CHECK(wrong.output == "outside");
}

TEST_CASE("tracer: NAT order - section 1 before object NAT, statics before dynamics", "[tracer]") {
  Policy p = base();
  // Slice order as build_policy gives it: twice NAT, then object statics, then dynamics.
  p.nat = {vpn_exempt(), web_static(), lan_pat()};
  // The identity rule exempts traffic to the remote network, though the PAT covers the host.
  Trace t = trace(p, tcp("inside", "192.0.2.10", 40000, "203.0.113.130", 80));
  REQUIRE(t.allowed);
  CHECK(t.source_rule == 0u);
  CHECK_FALSE(t.source_translated);
  CHECK(t.out_source == ip("192.0.2.10"));
  bool identity_shown = false;
  for (const auto& ph : t.phases)
    if (ph.type == "NAT" && ph.subtype.empty())
      identity_shown = ph.config ==
                           std::vector<std::string>{
                               "nat (inside,outside) source static LAN LAN "
                               "destination static REMOTE REMOTE"} &&
                       ph.info[0] == "Static translate 192.0.2.10/40000 to 192.0.2.10/40000";
  CHECK(identity_shown);
  // Also the static host is exempted toward the remote network.
  CHECK_FALSE(trace(p, tcp("inside", "192.0.2.20", 1, "203.0.113.130", 80)).source_translated);
  // Elsewhere the PAT and the static apply.
  CHECK(trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80)).source_translated);
  // The reverse direction of the identity rule: the remote network reaches the LAN as is.
  p.acls["OUT_IN"] = {"OUT_IN",
                      {ace(1, true, 0, net("203.0.113.128", 25), net("192.0.2.0", 24), {},
                           "extended permit ip 203.0.113.128 255.255.255.128 "
                           "192.0.2.0 255.255.255.0")}};
  itf(p, "outside").acl_in = "OUT_IN";
  Trace r = trace(p, tcp("outside", "203.0.113.130", 1000, "192.0.2.10", 22));
  CHECK(r.allowed);
  CHECK(r.destination_rule == 0u);
  CHECK_FALSE(r.destination_translated);
  // The rule's LAN covers the box's own inside address: a ping to it from the remote network is
  // still the box's, answered on the interface it came in on only (fw_differential found it
  // diverted through inside and allowed).
  Trace far_box = trace(p, icmp("outside", "203.0.113.130", "192.0.2.1", 8));
  CHECK_FALSE(far_box.allowed);
  CHECK(far_box.output == "NP Identity Ifc");
  // After-auto (section 3) rules come last: a section 3 PAT to a pool loses to the object
  // rules before it.
  NatRule late = lan_pat();
  late.section = 3;
  late.interface_pat = false;
  late.mapped_source = host("198.51.100.99");
  late.text = "source dynamic LAN POOL";
  p.nat.push_back(late);
  CHECK(trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80)).out_source ==
        ip("198.51.100.1"));
  p.nat.erase(p.nat.begin() + 2);  // without the object PAT, the after-auto rule applies
  Trace pool = trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.50", 80));
  CHECK(pool.out_source == ip("198.51.100.99"));
  CHECK(pool.phases[2].config ==
        std::vector<std::string>{"nat (inside,outside) after-auto source dynamic LAN POOL"});
}

TEST_CASE("tracer: static port forward", "[tracer]") {
  Policy p = base();
  NatRule fwd{.section = 2,
              .line = 1,
              .real_if = "inside",
              .mapped_if = "outside",
              .is_static = true,
              .real_source = host("192.0.2.20"),
              .mapped_source = host("198.51.100.1"),
              .service_protocol = 6,
              .real_port = 8080,
              .mapped_port = 80,
              .text = "source static WEB interface service tcp 8080 www"};
  p.nat = {fwd};
  p.acls["OUT_IN"] = {"OUT_IN",
                      {ace(1, true, 6, any_address(), host("192.0.2.20"), {{8080, 8080}},
                           "extended permit tcp any host 192.0.2.20 eq 8080")}};
  itf(p, "outside").acl_in = "OUT_IN";
  Trace t = trace(p, tcp("outside", "198.51.100.50", 40000, "198.51.100.1", 80));
  REQUIRE(t.allowed);
  CHECK(t.out_destination == ip("192.0.2.20"));
  CHECK(t.out_destination_port == 8080);
  CHECK(t.phases[0].info[1] == "Untranslate 198.51.100.1/80 to 192.0.2.20/8080");
  // Another port to the interface address is for the box, not the server.
  Trace box = trace(p, tcp("outside", "198.51.100.50", 40000, "198.51.100.1", 81));
  CHECK(box.output == "NP Identity Ifc");
  CHECK_FALSE(box.destination_translated);
}

TEST_CASE("tracer: ICMP with and without inspect icmp", "[tracer]") {
  Policy p = base();
  p.acls["OUT_IN"] = {"OUT_IN",
                      {ace(1, true, 1, any_address(), any_address(), {},
                           "extended permit icmp any any echo-reply", 0)}};
  itf(p, "outside").acl_in = "OUT_IN";
  Flow reply = icmp("outside", "198.51.100.50", "192.0.2.10", 0);
  Flow request = icmp("outside", "198.51.100.50", "192.0.2.10", 8);
  // Without inspect icmp each ICMP packet of a flow is judged by the rules: the request is not
  // in the ACL. A reply with no request opens no flow at all (policy.hpp: conntrack could not
  // translate it), even though the ACL's echo-reply permit names it.
  Trace lone = trace(p, reply);
  CHECK_FALSE(lone.allowed);
  CHECK(lone.drop_reason == "(icmp-no-conn) ICMP packet opens no connection");
  CHECK_FALSE(trace(p, request).allowed);
  Flow unreachable = icmp("inside", "192.0.2.10", "198.51.100.50", 3);
  CHECK_FALSE(trace(p, unreachable).allowed);
  CHECK(trace(p, icmp("inside", "192.0.2.10", "198.51.100.50", 8)).allowed);
  // With it, a reply passes only by the state of its request; a trace has none.
  p.inspections = {"icmp"};
  Trace t = trace(p, reply);
  CHECK_FALSE(t.allowed);
  CHECK(t.phases.back().type == "INSPECT");
  CHECK(t.drop_reason == "(inspect-icmp-seq-num-not-matched) ICMP Inspect seq num not matched");
  Trace out = trace(p, icmp("inside", "192.0.2.10", "198.51.100.50", 8));
  CHECK(out.allowed);
  CHECK(has_phase(out, "INSPECT", "np-inspect"));
  // With "inspect icmp error" an error passes only for a connection it is about, which a trace
  // has not.
  p.inspections.push_back("icmp error");
  Trace err = trace(p, unreachable);
  CHECK_FALSE(err.allowed);
  CHECK(err.drop_reason ==
        "(inspect-icmp-error-no-existing-conn) ICMP Error Inspect no existing conn");
}

TEST_CASE("tracer: VPN encrypt phase and vpn-filter both ways", "[tracer]") {
  Policy p = base();
  itf(p, "outside").vpn = "eth0-vpn";
  p.routes.push_back({.network = ip("203.0.113.192"),
                      .prefix = 26,
                      .gateway = ip("198.51.100.3"),
                      .nameif = "outside"});
  p.acls["FILT"] = {"FILT",
                    {ace(1, true, 6, net("203.0.113.192", 26), host("192.0.2.10"), {{22, 22}},
                         "extended permit tcp 203.0.113.192 255.255.255.192 "
                         "host 192.0.2.10 eq ssh")}};
  p.vpn_filters["RA"] = "FILT";
  TraceContext ctx;
  ctx.vpn_group_policy = [](uint32_t a) -> std::optional<std::string> {
    if ((a & 0xffffffc0u) == ip("203.0.113.192")) return "RA";
    return std::nullopt;
  };
  // Toward a client: encrypted, the filter read with the client as source. The inside host's
  // connection to the client's port 22 does not fit "client -> host eq ssh".
  Trace to = trace(p, tcp("inside", "192.0.2.10", 22, "203.0.113.200", 5000), ctx);
  CHECK(to.allowed);
  CHECK(to.vpn_group == "RA");
  CHECK(has_phase(to, "VPN", "encrypt"));
  CHECK_FALSE(trace(p, tcp("inside", "192.0.2.10", 5000, "203.0.113.200", 22), ctx).allowed);
  // From a client (decrypted): the filter must permit; permit-vpn bypasses the levels.
  CHECK(trace(p, tcp("outside", "203.0.113.200", 5000, "192.0.2.10", 22), ctx).allowed);
  CHECK_FALSE(trace(p, tcp("outside", "203.0.113.200", 5000, "192.0.2.10", 23), ctx).allowed);
  p.permit_vpn = false;
  CHECK_FALSE(trace(p, tcp("outside", "203.0.113.200", 5000, "192.0.2.10", 22), ctx).allowed);
  // Without a VPN device on the interface nobody is a client.
  itf(p, "outside").vpn.reset();
  CHECK_FALSE(
      has_phase(trace(p, tcp("inside", "192.0.2.10", 22, "203.0.113.200", 5000), ctx), "VPN"));
}

TEST_CASE("tracer: a session's Filter-Id ACL decides instead of its group-policy's",
          "[tracer][fw-vpnfilter]") {
  Policy p = base();
  itf(p, "outside").vpn = "eth0-vpn";
  p.routes.push_back({.network = ip("203.0.113.192"),
                      .prefix = 26,
                      .gateway = ip("198.51.100.3"),
                      .nameif = "outside"});
  p.acls["FILT"] = {"FILT",
                    {ace(1, true, 6, net("203.0.113.192", 26), host("192.0.2.10"), {{22, 22}},
                         "extended permit tcp 203.0.113.192 255.255.255.192 "
                         "host 192.0.2.10 eq ssh")}};
  p.acls["USERF"] = {"USERF",
                     {ace(1, true, 6, host("203.0.113.200"), host("192.0.2.10"), {{80, 80}},
                          "extended permit tcp host 203.0.113.200 host 192.0.2.10 eq www")}};
  p.vpn_filters["RA"] = "FILT";
  TraceContext ctx;
  ctx.vpn_group_policy = [](uint32_t a) -> std::optional<std::string> {
    if ((a & 0xffffffc0u) == ip("203.0.113.192")) return "RA";
    return std::nullopt;
  };
  // .200 has the server's USERF; .201 has none of its own: RA's FILT.
  ctx.vpn_filter = [](uint32_t a) -> std::optional<std::string> {
    if (a == ip("203.0.113.200")) return "USERF";
    return "FILT";
  };
  Trace web = trace(p, tcp("outside", "203.0.113.200", 5000, "192.0.2.10", 80), ctx);
  CHECK(web.allowed);
  CHECK_FALSE(trace(p, tcp("outside", "203.0.113.200", 5000, "192.0.2.10", 22), ctx).allowed);
  CHECK(trace(p, tcp("outside", "203.0.113.201", 5000, "192.0.2.10", 22), ctx).allowed);
  CHECK_FALSE(trace(p, tcp("outside", "203.0.113.201", 5000, "192.0.2.10", 80), ctx).allowed);
  // Toward the client the same ACL, read the other way round.
  CHECK(trace(p, tcp("inside", "192.0.2.10", 80, "203.0.113.200", 5000), ctx).allowed);
  CHECK_FALSE(trace(p, tcp("inside", "192.0.2.10", 22, "203.0.113.200", 5000), ctx).allowed);
  bool named = false;
  for (const auto& ph : web.phases)
    for (const auto& line : ph.config) named |= line.find("USERF") != std::string::npos;
  CHECK(named);
}

TEST_CASE("tracer: no route and a link down", "[tracer]") {
  Policy p = base();
  p.routes.clear();
  Trace t = trace(p, tcp("inside", "192.0.2.10", 1, "8.8.8.8", 53));
  CHECK_FALSE(t.allowed);
  CHECK(t.drop_reason == "(no-route) No route to host");
  TraceContext ctx;
  ctx.link_up = [](const std::string& n) { return n != "dmz"; };
  Trace down = trace(p, tcp("inside", "192.0.2.10", 1, "203.0.113.5", 53), ctx);
  CHECK_FALSE(down.allowed);
  CHECK(down.drop_reason == "(interface-down) Interface is down");
  CHECK(render(down, false).find("output-status: down\n") != std::string::npos);
}

TEST_CASE("tracer: golden text of an allowed trace with PAT", "[tracer]") {
  Policy p = base();
  p.nat = {lan_pat()};
  p.acls["IN_OUT"] = {"IN_OUT",
                      {ace(1, true, 6, net("192.0.2.0", 24), any_address(), {{80, 80}},
                           "extended permit tcp 192.0.2.0 255.255.255.0 any eq www")}};
  itf(p, "inside").acl_in = "IN_OUT";
  TraceContext ctx;
  ctx.flow_id = 7;
  ctx.acl_hits["IN_OUT/1/0"] = 12;
  Trace t = trace(p, tcp("inside", "192.0.2.10", 40000, "198.51.100.3", 80), ctx);
  CHECK(render(t, false) ==
        "\n"
        "Phase: 1\n"
        "Type: ROUTE-LOOKUP\n"
        "Subtype: Resolve Egress Interface\n"
        "Result: ALLOW\n"
        "Config:\n"
        "Additional Information:\n"
        "found next-hop 198.51.100.3 using egress ifc  outside\n"
        "\n"
        "Phase: 2\n"
        "Type: ACCESS-LIST\n"
        "Subtype: log\n"
        "Result: ALLOW\n"
        "Config:\n"
        "access-group IN_OUT in interface inside\n"
        "access-list IN_OUT extended permit tcp 192.0.2.0 255.255.255.0 any eq www\n"
        "Additional Information:\n"
        "\n"
        "Phase: 3\n"
        "Type: NAT\n"
        "Subtype:\n"
        "Result: ALLOW\n"
        "Config:\n"
        "object network LAN\n"
        " nat (inside,outside) dynamic interface\n"
        "Additional Information:\n"
        "Dynamic translate 192.0.2.10/40000 to 198.51.100.1/40000\n"
        "\n"
        "Phase: 4\n"
        "Type: IP-OPTIONS\n"
        "Subtype:\n"
        "Result: ALLOW\n"
        "Config:\n"
        "Additional Information:\n"
        "\n"
        "Phase: 5\n"
        "Type: FLOW-CREATION\n"
        "Subtype:\n"
        "Result: ALLOW\n"
        "Config:\n"
        "Additional Information:\n"
        "New flow created with id 7, packet dispatched to next module\n"
        "\n"
        "Result:\n"
        "input-interface: inside\n"
        "input-status: up\n"
        "input-line-status: up\n"
        "output-interface: outside\n"
        "output-status: up\n"
        "output-line-status: up\n"
        "Action: allow\n"
        "\n");
  // "detailed" adds the rule as it was looked up, with its hits.
  std::string d = render(t, true);
  CHECK(d.find("Forward Flow based lookup yields rule:\n"
               " in  id=0x00001001, priority=13, domain=permit, deny=false\n"
               "\thits=12, user_data=0x00001001, cs_id=0x0, use_real_addr, flags=0x0, "
               "protocol=6\n"
               "\tsrc ip/id=192.0.2.0, mask=255.255.255.0, port=0, tag=any\n"
               "\tdst ip/id=0.0.0.0, mask=0.0.0.0, port=80, tag=any, dscp=0x0\n"
               "\tinput_ifc=inside, output_ifc=any\n") != std::string::npos);
}

TEST_CASE("tracer: golden text of a dropped trace", "[tracer]") {
  Policy p = base();
  Trace t = trace(p, tcp("outside", "198.51.100.50", 40000, "192.0.2.10", 22));
  CHECK(render(t, false) ==
        "\n"
        "Phase: 1\n"
        "Type: ROUTE-LOOKUP\n"
        "Subtype: Resolve Egress Interface\n"
        "Result: ALLOW\n"
        "Config:\n"
        "Additional Information:\n"
        "found next-hop 192.0.2.10 using egress ifc  inside\n"
        "\n"
        "Phase: 2\n"
        "Type: ACCESS-LIST\n"
        "Subtype:\n"
        "Result: DROP\n"
        "Config:\n"
        "Implicit Rule\n"
        "Additional Information:\n"
        "\n"
        "Result:\n"
        "input-interface: outside\n"
        "input-status: up\n"
        "input-line-status: up\n"
        "output-interface: inside\n"
        "output-status: up\n"
        "output-line-status: up\n"
        "Action: drop\n"
        "Drop-reason: (acl-drop) Flow is denied by configured rule\n"
        "\n");
}

TEST_CASE("tracer: twice NAT with a destination translates both addresses, both ways", "[tracer]") {
  Policy p = base();
  // nat (inside,outside) source static LAN LAN_MAPPED destination static SRV_MAPPED SRV: inside
  // reaches the outside server 198.51.100.50 as 203.0.113.200 and is seen as 198.51.100.64/28.
  NatRule twice{.section = 1,
                .line = 1,
                .real_if = "inside",
                .mapped_if = "outside",
                .is_static = true,
                .real_source = net("192.0.2.0", 28),
                .mapped_source = net("198.51.100.64", 28),
                .mapped_destination = host("203.0.113.200"),
                .real_destination = host("198.51.100.50"),
                .text = "static LAN LAN_MAPPED destination static SRV_MAPPED SRV"};
  p.nat = {twice, lan_pat()};
  p.routes.push_back({.network = ip("198.51.100.64"),
                      .prefix = 28,
                      .gateway = ip("198.51.100.3"),
                      .nameif = "outside"});
  Trace fwd = trace(p, tcp("inside", "192.0.2.5", 40000, "203.0.113.200", 80));
  REQUIRE(fwd.allowed);
  CHECK(fwd.output == "outside");
  CHECK(fwd.out_source == ip("198.51.100.69"));
  CHECK(fwd.out_destination == ip("198.51.100.50"));
  CHECK(fwd.source_rule == 0u);
  CHECK(fwd.destination_rule == 0u);
  CHECK(fwd.phases[0].type == "UN-NAT");
  // The same host to anywhere else: the rule does not match, the PAT does.
  Trace other = trace(p, tcp("inside", "192.0.2.5", 40000, "198.51.100.60", 80));
  CHECK(other.out_source == ip("198.51.100.1"));
  // Back from the server to the mapped LAN: both untranslated by the same rule.
  p.acls["OUT_IN"] = {
      "OUT_IN", {ace(1, true, 0, any_address(), any_address(), {}, "extended permit ip any any")}};
  itf(p, "outside").acl_in = "OUT_IN";
  Trace back = trace(p, tcp("outside", "198.51.100.50", 80, "198.51.100.69", 40000));
  REQUIRE(back.allowed);
  CHECK(back.out_destination == ip("192.0.2.5"));
  CHECK(back.out_source == ip("203.0.113.200"));
  CHECK(back.output == "inside");
}

TEST_CASE("tracer: icmp permit|deny decides ICMP to the box's address", "[tracer]") {
  using Rule = rampart::config::Firewall::IcmpRule;
  Policy p = base();
  auto to_box = [&](const char* src, uint8_t type) {
    return trace(p, icmp("outside", src, "198.51.100.1", type));
  };
  CHECK(to_box("198.51.100.50", 8).allowed);  // no rule: the box answers
  Rule echo{.permit = true,
            .source = {ip("198.51.100.50")},
            .mask = {0xffffffffu},
            .type = 8,
            .nameif = "outside"};
  Rule deny_any{.permit = false, .nameif = "outside"};
  itf(p, "outside").icmp = {echo, deny_any};
  Trace t = to_box("198.51.100.50", 8);
  CHECK(t.allowed);
  CHECK(t.phases.back().config ==
        std::vector<std::string>{"icmp permit host 198.51.100.50 echo outside"});
  t = to_box("198.51.100.51", 8);
  CHECK_FALSE(t.allowed);
  CHECK(t.phases.back().config == std::vector<std::string>{"icmp deny any outside"});
  CHECK_FALSE(to_box("198.51.100.50", 0).allowed);  // echo-reply: stateless, as the ASA's
  // Rules without a final deny: what none takes is dropped by the implicit rule.
  itf(p, "outside").icmp = {echo};
  t = to_box("198.51.100.51", 8);
  CHECK_FALSE(t.allowed);
  CHECK(t.phases.back().config == std::vector<std::string>{"Implicit Rule"});
  // Another interface's rules do not apply; TCP to the box is not ICMP's business.
  CHECK(trace(p, icmp("inside", "192.0.2.10", "192.0.2.1", 8)).allowed);
  CHECK(trace(p, tcp("outside", "198.51.100.51", 1000, "198.51.100.1", 22)).allowed);
}
}  // namespace fw_tracer_test
