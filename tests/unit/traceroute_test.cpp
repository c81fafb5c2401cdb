// traceroute: the replies a raw ICMP socket reads (time exceeded, port unreachable, echo
// reply, our own stack's unreachable, others' probes), and the hop lines the CLI prints from
// a FakeSystem's hops. [views][traceroute]
#include <catch2/catch.hpp>

#include <vector>

#include "platform/traceroute.hpp"
#include "tests/unit/session_helpers.hpp"

namespace traceroute_test {

using rampart::test::Console;
using namespace rampart;

namespace {

constexpr uint32_t kBox = 0xc0000201;     // 192.0.2.1
constexpr uint32_t kRouter = 0xc000020a;  // 192.0.2.10
constexpr uint32_t kTarget = 0xcb007114;  // 203.0.113.20

void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}

// An IPv4 header (no options) from src to dst carrying proto.
void ip_header(std::vector<uint8_t>& b, size_t at, uint8_t proto, uint32_t src, uint32_t dst) {
  b[at] = 0x45;
  b[at + 8] = 64;
  b[at + 9] = proto;
  put32(b, at + 12, src);
  put32(b, at + 16, dst);
}

// What a router (from) sends back about a UDP probe box->target with the given ports.
std::vector<uint8_t> icmp_error(uint8_t type, uint8_t code, uint32_t from, uint32_t probe_src,
                                uint16_t sport, uint16_t dport) {
  std::vector<uint8_t> b(20 + 8 + 20 + 8, 0);
  ip_header(b, 0, 1, from, kBox);
  b[20] = type;
  b[21] = code;
  ip_header(b, 28, 17, probe_src, kTarget);
  put16(b, 48, sport);
  put16(b, 50, dport);
  return b;
}

platform::TraceProbeKey udp_key() {
  platform::TraceProbeKey k;
  k.target = kTarget;
  k.src_port = 40000;
  k.dst_port = 33435;
  return k;
}

void lab(Console& c) {
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.0\n"
      "no shutdown\ninterface GigabitEthernet0/1\nnameif inside\n"
      "ip address 192.0.2.1 255.255.255.0\nno shutdown\nexit");
  c.sys.apply(c.cfg());
}

cli::TraceProbeResult answer(uint32_t from, uint32_t ms, char mark = 0) {
  return {true, config::Ipv4{from}, ms, mark};
}

}  // namespace

TEST_CASE("traceroute reply parsing: which ICMP answers which probe", "[views][traceroute]") {
  auto k = udp_key();
  auto te = icmp_error(11, 0, kRouter, kBox, 40000, 33435);
  auto r = platform::parse_trace_reply(te.data(), te.size(), kRouter, k);
  REQUIRE(r);
  CHECK(r->answer == platform::TraceAnswer::TimeExceeded);
  // The target's port unreachable: the probe arrived.
  auto pu = icmp_error(3, 3, kTarget, kBox, 40000, 33435);
  r = platform::parse_trace_reply(pu.data(), pu.size(), kTarget, k);
  REQUIRE(r);
  CHECK(r->answer == platform::TraceAnswer::Reached);
  // A host unreachable from a router on the way keeps its code.
  auto hu = icmp_error(3, 1, kRouter, kBox, 40000, 33435);
  r = platform::parse_trace_reply(hu.data(), hu.size(), kRouter, k);
  REQUIRE(r);
  CHECK(r->answer == platform::TraceAnswer::Unreachable);
  CHECK(r->code == 1);
  // Another probe's answer (another run's ports), another target, our own stack's
  // unreachable (it quotes a probe whose source is the sender), a truncated quote: none.
  auto other = icmp_error(11, 0, kRouter, kBox, 40001, 33435);
  CHECK_FALSE(platform::parse_trace_reply(other.data(), other.size(), kRouter, k));
  auto late = icmp_error(11, 0, kRouter, kBox, 40000, 33434);
  CHECK_FALSE(platform::parse_trace_reply(late.data(), late.size(), kRouter, k));
  auto own = icmp_error(3, 1, kBox, kBox, 40000, 33435);
  CHECK_FALSE(platform::parse_trace_reply(own.data(), own.size(), kBox, k));
  CHECK_FALSE(platform::parse_trace_reply(te.data(), te.size() - 4, kRouter, k));
  CHECK_FALSE(platform::parse_trace_reply(te.data(), 10, kRouter, k));
  auto redirect = icmp_error(5, 0, kRouter, kBox, 40000, 33435);
  CHECK_FALSE(platform::parse_trace_reply(redirect.data(), redirect.size(), kRouter, k));
}

TEST_CASE("traceroute reply parsing: ICMP probes by id and sequence", "[views][traceroute]") {
  platform::TraceProbeKey k;
  k.icmp = true;
  k.target = kTarget;
  k.id = 0x1234;
  k.seq = 7;
  std::vector<uint8_t> reply(28, 0);
  ip_header(reply, 0, 1, kTarget, kBox);
  put16(reply, 24, 0x1234);
  put16(reply, 26, 7);  // type 0: echo reply
  auto r = platform::parse_trace_reply(reply.data(), reply.size(), kTarget, k);
  REQUIRE(r);
  CHECK(r->answer == platform::TraceAnswer::Reached);
  CHECK_FALSE(platform::parse_trace_reply(reply.data(), reply.size(), kRouter, k));
  put16(reply, 26, 8);
  CHECK_FALSE(platform::parse_trace_reply(reply.data(), reply.size(), kTarget, k));
  // A time exceeded quoting our echo (type 8, id, seq).
  std::vector<uint8_t> te(56, 0);
  ip_header(te, 0, 1, kRouter, kBox);
  te[20] = 11;
  ip_header(te, 28, 1, kBox, kTarget);
  te[48] = 8;
  put16(te, 52, 0x1234);
  put16(te, 54, 7);
  r = platform::parse_trace_reply(te.data(), te.size(), kRouter, k);
  REQUIRE(r);
  CHECK(r->answer == platform::TraceAnswer::TimeExceeded);
  // A port unreachable is no arrival for an ICMP probe: it is an unreachable with its code.
  te[20] = 3;
  te[21] = 3;
  r = platform::parse_trace_reply(te.data(), te.size(), kRouter, k);
  REQUIRE(r);
  CHECK(r->answer == platform::TraceAnswer::Unreachable);
}

TEST_CASE("traceroute prints the ASA's hop lines", "[views][traceroute]") {
  Console c;
  lab(c);
  c.sys.trace_hops = std::vector<cli::TraceHopResult>{
      {1, {answer(kRouter, 0), answer(kRouter, 10), answer(kRouter, 0)}},
      {2, {{}, {}, {}}},
      {3, {answer(kRouter, 4), {}, answer(kTarget, 7)}},
      {4, {answer(kTarget, 1, 'H')}}};
  CHECK(c.run("traceroute 203.0.113.20") ==
        "Type escape sequence to abort.\n"
        "Tracing the route to 203.0.113.20\n"
        "\n"
        " 1  192.0.2.10 0 msec 10 msec 0 msec\n"
        " 2  * * *\n"
        " 3  192.0.2.10 4 msec * 203.0.113.20 7 msec\n"
        " 4  203.0.113.20 1 msec !H\n");
  REQUIRE(c.sys.traces.size() == 1);
  const auto& r = c.sys.traces[0];
  CHECK(r.device.empty());
  CHECK(!r.source);
  CHECK((r.timeout_seconds == 3 && r.probes == 3 && r.min_ttl == 1 && r.max_ttl == 30));
  CHECK((r.port == 33434 && !r.use_icmp));
  c.run("traceroute inside 203.0.113.20 numeric timeout 1 probe 2 ttl 2 5 port 40000 use-icmp");
  const auto& o = c.sys.traces.back();
  CHECK(o.device == "eth1");
  CHECK((o.timeout_seconds == 1 && o.probes == 2 && o.min_ttl == 2 && o.max_ttl == 5));
  CHECK((o.port == 40000 && o.use_icmp));
  // source by name or by one of the box's addresses: that interface's device and address.
  c.run("traceroute 203.0.113.20 source outside");
  CHECK(c.sys.traces.back().device == "eth0");
  c.run("traceroute 203.0.113.20 source 192.0.2.1");
  CHECK(c.sys.traces.back().device == "eth1");
  REQUIRE(c.sys.traces.back().source);
  CHECK(c.sys.traces.back().source->str() == "192.0.2.1");
  c.sys.trace_hops.reset();
  CHECK(c.run("traceroute 203.0.113.20").ends_with("ERROR: socket: Operation not permitted\n"));
}

TEST_CASE("bad traceroute input gets the ASA's words and is counted", "[views][traceroute]") {
  Console c;
  lab(c);
  c.sys.trace_hops = std::vector<cli::TraceHopResult>{};
  REQUIRE(c.s.counters());
  auto before = c.s.counters()->invalid_input;
  const std::string invalid = "ERROR: % Invalid input detected at '^' marker.\n";
  CHECK(c.run("traceroute nowhere 203.0.113.20").ends_with(invalid));
  CHECK(c.run("traceroute 203.0.113.20 source 203.0.113.1").ends_with(invalid));
  CHECK(c.run("traceroute 203.0.113.20 probe 0").ends_with(invalid));
  CHECK(c.run("traceroute 203.0.113.20 ttl 0 5").ends_with(invalid));
  CHECK(c.run("traceroute 203.0.113.20 port 70000").ends_with(invalid));
  CHECK(c.s.counters()->invalid_input >= before + 5);
  CHECK(c.run("traceroute 203.0.113.20 ttl 9 3").starts_with("ERROR: "));
  CHECK(c.sys.traces.empty());
}
}  // namespace traceroute_test
