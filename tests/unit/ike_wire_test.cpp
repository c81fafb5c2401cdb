// The IKE SAs' messages on the wire (control/ike/ike_wire): a protected message round-trips
// between two views of one SA, its IV chain and the peer's endpoint move only when it is
// committed (a forged or replayed packet changes neither), and the first datagram sent while a
// message is handled is remembered as its answer.
#include <catch2/catch.hpp>

#include "control/ike/ike_wire.hpp"
#include "tests/unit/ike_parts.hpp"

namespace ike_wire_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

Endpoint at(const char* address, uint16_t port) {
  return {*config::Ipv4::parse(address), port};
}

// One side of an established IKE SA with fixed keys (both sides' views are alike).
struct Side : test::IkeParts {
  IkeSa& sa = established();
  // The datagram as the other side receives it, from where.
  Datagram received(const Bytes& data, Endpoint from) const { return {sa.local, from, "", data}; }
};

AttributePayload request() {
  AttributePayload a;
  a.type = 1;
  a.identifier = 7;
  a.attributes = {Attribute::tlv(1, {})};
  return a;
}

}  // namespace

TEST_CASE("ike wire: a protected message round-trips and commits only when told", "[ike][wire]") {
  Side us, them;
  them.wire.send_protected(them.sa, Exchange::Transaction, 0x1234, {request()}, {}, false);
  REQUIRE(them.env.sent.size() == 1);
  Bytes data = them.env.sent[0].second;
  auto m = parse_message(data.data(), data.size());
  REQUIRE(m);

  // It arrives from a new port (a NAT rebinding, or someone replaying it from elsewhere).
  Endpoint moved = at("198.51.100.2", 4500);
  std::vector<Payload> payloads;
  Bytes body;
  REQUIRE(us.wire.open(us.sa, *m, payloads, body) == IkeWire::Opened::Ok);
  REQUIRE(payloads.size() == 2);
  CHECK(std::get<AttributePayload>(payloads[1]).identifier == 7);
  us.wire.begin(us.sa, us.received(data, moved), *m);
  // Nothing moves before the message is authenticated.
  CHECK(us.sa.peer.port == 500);
  CHECK_FALSE(us.sa.exchange_ivs.contains(0x1234));
  Bytes tampered = body;
  tampered.back() ^= 1;
  CHECK_FALSE(us.wire.verify_hash(us.sa, 0x1234, tampered, tampered.size(), {}));
  CHECK(us.sa.peer.port == 500);
  CHECK(us.wire.verify_hash(us.sa, 0x1234, body, body.size(), {}));
  CHECK(us.sa.peer == moved);
  CHECK(us.sa.exchange_ivs.contains(0x1234));
  CHECK(us.wire.end().empty());  // nothing was answered
}

TEST_CASE("ike wire: what cannot be read is counted, and only phase 1's chain means a wrong key",
          "[ike][wire]") {
  Side us;
  Message m;
  m.header.initiator_cookie = us.sa.icookie;
  m.header.responder_cookie = us.sa.rcookie;
  m.header.exchange = Exchange::Informational;
  m.header.message_id = 0x99;
  m.header.flags = kFlagEncrypted;
  m.encrypted_body = Bytes(15, 0);  // not whole blocks
  std::vector<Payload> payloads;
  Bytes body;
  CHECK(us.wire.open(us.sa, m, payloads, body) == IkeWire::Opened::Unreadable);
  CHECK(us.stats.decrypt_fails == 1);
  m.encrypted_body = Bytes(32, 0x5a);  // whole blocks of garbage
  m.header.next = PayloadType::Hash;
  CHECK(us.wire.open(us.sa, m, payloads, body) == IkeWire::Opened::Unreadable);
  m.header.exchange = Exchange::MainMode;
  m.header.message_id = 0;
  us.sa.established = 0;  // phase 1 not yet authenticated: garbage is a wrong key
  CHECK(us.wire.open(us.sa, m, payloads, body) == IkeWire::Opened::WrongKey);
  CHECK(us.stats.decrypt_fails == 3);
}

TEST_CASE("ike wire: the first datagram sent to the SA while handling a message is its answer",
          "[ike][wire]") {
  Side us;
  Message m;
  m.header.exchange = Exchange::Informational;
  m.header.message_id = 5;
  us.wire.begin(us.sa, us.received({}, us.sa.peer), m);
  us.wire.transmit(us.sa, Bytes{1}, false);
  us.wire.transmit(us.sa, Bytes{2}, true);
  CHECK(us.sa.sent.awaiting());
  CHECK(us.sa.sent.last() == Bytes{2});
  CHECK(us.wire.end() == Bytes{1});
  us.wire.transmit(us.sa, Bytes{3}, false);  // after: no message's answer
  CHECK(us.wire.end().empty());
  CHECK(us.stats.out_packets == 3);
  CHECK(us.wire.random_msgid() != 0);
}

}  // namespace ike_wire_test
