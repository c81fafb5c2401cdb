// The informational exchange (control/ike/informational) apart from the engine, between two
// views of one established IKE SA: DPD both ways, the peer's IPsec and IKE deletes (only what
// its SA holds or replaced), and nothing acted on without the HASH of phase 1's key.
#include <catch2/catch.hpp>

#include "control/ike/informational.hpp"
#include "control/ike/notify_types.hpp"
#include "tests/unit/ike_parts.hpp"

namespace informational_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

IpsecSa ipsec_sa(uint32_t inbound, uint32_t outbound) {
  IpsecSa s;
  s.inbound.spi = inbound;
  s.outbound.spi = outbound;
  return s;
}

struct Ended {
  uint64_t sa_index;
  size_t which;
  std::string reason;
  bool drain;
};

// One side of an established IKE SA with fixed keys (both sides' views are alike).
struct Side : test::IkeParts {
  std::vector<Ended> ended;
  Informational info{env,
                     stats,
                     log,
                     sas,
                     wire,
                     [this](IkeSa& sa, size_t which, std::string_view why, bool drain) {
                       ended.push_back({sa.index, which, std::string(why), drain});
                       sa.ipsec.erase(sa.ipsec.begin() + static_cast<long>(which));
                     }};
  IkeSa& sa = established();
  IkeSa& add(Cookie icookie) { return established(icookie); }
  // The last datagram the other side sent, handled here as the engine hands it on.
  Outcome receive(const Side& from) {
    REQUIRE_FALSE(from.env.sent.empty());
    const Bytes& data = from.env.sent.back().second;
    auto m = parse_message(data.data(), data.size());
    REQUIRE(m);
    std::vector<Payload> payloads;
    Bytes body;
    REQUIRE(wire.open(sa, *m, payloads, body) == IkeWire::Opened::Ok);
    wire.begin(sa, {sa.local, sa.peer, "", data}, *m);
    Outcome o = info.received(sa, m->header.message_id, payloads, body);
    wire.end();
    return o;
  }
};

DeletePayload ike_delete_naming(const IkeSa& named) {
  DeletePayload del;
  del.protocol = 1;
  del.spi_size = 16;
  Bytes c(named.icookie.begin(), named.icookie.end());
  c.insert(c.end(), named.rcookie.begin(), named.rcookie.end());
  del.spis.push_back(c);
  return del;
}

}  // namespace

TEST_CASE("informational: an R-U-THERE is answered with its sequence, and the answer counts",
          "[ike][informational]") {
  Side us, them;
  them.info.send_dpd(them.sa);
  CHECK(them.sa.dpd.outstanding() == 1);
  CHECK(them.stats.out_notifies == 1);
  // A one-way message: the request the SA retransmits is not replaced by it.
  CHECK_FALSE(them.sa.sent.awaiting());
  REQUIRE(us.receive(them).kind == Outcome::Kind::Done);
  CHECK(us.stats.in_notifies == 1);
  REQUIRE(us.env.sent.size() == 1);
  CHECK(us.env.logged("Sending keep-alive of type DPD R-U-THERE-ACK (seq number 0x1)"));
  CHECK(us.sa.last_heard == us.env.now());
  REQUIRE(them.receive(us).kind == Outcome::Kind::Done);
  CHECK(them.sa.dpd.outstanding() == 0);
  CHECK(them.env.sent.size() == 1);  // an ACK is not answered
}

TEST_CASE("informational: the peer's IPsec delete ends the SA it names, draining",
          "[ike][informational]") {
  Side us, them;
  us.sa.ipsec.push_back(ipsec_sa(0x1111, 0x2222));
  us.sa.ipsec.push_back(ipsec_sa(0x3333, 0x4444));
  // The peer names its inbound SPI: our outbound one.
  them.info.send_ipsec_delete(them.sa, ipsec_sa(0x4444, 0x3333));
  CHECK(them.stats.out_p2_sa_delete == 1);
  REQUIRE(us.receive(them).kind == Outcome::Kind::Done);
  REQUIRE(us.ended.size() == 1);
  CHECK(us.ended[0].which == 1);
  CHECK(us.ended[0].drain);
  CHECK(us.ended[0].reason == "peer deleted");
  CHECK(us.stats.in_p2_sa_delete == 1);
  CHECK(us.env.logged("Reason: Peer Terminate"));
  // One we do not hold ends nothing.
  them.info.send_ipsec_delete(them.sa, ipsec_sa(0x9999, 0x8888));
  us.receive(them);
  CHECK(us.ended.size() == 1);
  CHECK(us.sa.ipsec.size() == 1);
}

TEST_CASE("informational: an IKE delete ends its own SA, never another peer's",
          "[ike][informational]") {
  Side us, them;
  IkeSa& stranger = us.add({9, 9, 9, 9, 9, 9, 9, 9});
  stranger.ipsec.push_back(ipsec_sa(0x5555, 0x6666));
  them.info.send(them.sa, {ike_delete_naming(stranger)});
  us.receive(them);
  CHECK(stranger.state == P1State::AmActive);
  CHECK(stranger.ipsec.size() == 1);
  CHECK(us.info.take_peer_deleted().empty());
  CHECK(us.env.logged("IKE Delete for an SA this peer does not hold, ignored"));

  us.sa.ipsec.push_back(ipsec_sa(0x1111, 0x2222));
  them.info.send_ike_delete(them.sa);
  us.receive(them);
  CHECK(us.sa.state == P1State::Deleting);
  CHECK(us.sa.delete_reason == EndReason::UserRequested);
  REQUIRE(us.ended.size() == 1);
  CHECK_FALSE(us.ended[0].drain);  // the IKE SA goes with everything on it
  CHECK(us.info.take_peer_deleted() == std::vector<uint64_t>{us.sa.index});
  CHECK(us.info.take_peer_deleted().empty());
}

TEST_CASE("informational: after a phase-1 rekey, a delete by the new SA's cookies means the old",
          "[ike][informational]") {
  Side us, them;
  IkeSa& old = us.add({7, 7, 7, 7, 7, 7, 7, 7});
  old.p1_rekey.replaced(us.sa.index, us.env.now());
  them.info.send_ike_delete(them.sa);  // vpnc names the SA it sends on
  us.receive(them);
  CHECK(old.state == P1State::Deleting);
  CHECK(us.sa.state == P1State::AmActive);
  CHECK(us.info.take_peer_deleted() == std::vector<uint64_t>{old.index});
  // Named by its own cookies, the old one is meant too.
  old.state = P1State::AmActive;
  them.info.send(them.sa, {ike_delete_naming(old)});
  us.receive(them);
  CHECK(us.info.take_peer_deleted() == std::vector<uint64_t>{old.index});
}

TEST_CASE("informational: nothing is acted on without the HASH, nor in the clear",
          "[ike][informational]") {
  Side us, them;
  us.sa.ipsec.push_back(ipsec_sa(0x1111, 0x2222));
  them.sa.keys.skeyid_a = SecretBytes(Bytes(20, 0x23));  // another key for the HASH
  them.info.send_ike_delete(them.sa);
  Outcome o = us.receive(them);
  CHECK(o.kind == Outcome::Kind::Dropped);
  CHECK(o.why == "Information Exchange processing failed");
  CHECK(us.sa.state == P1State::AmActive);
  CHECK(us.info.take_peer_deleted().empty());

  NotifyPayload n;
  n.type = notify::kInvalidHashInformation;
  Outcome plain = Informational::unprotected({n});
  CHECK(plain.kind == Outcome::Kind::Dropped);
  CHECK(plain.why == "Received an un-encrypted INVALID_HASH_INFORMATION notify message, dropping");
  CHECK(plain.counters[0] == &IkeStats::in_notifies);
}

}  // namespace informational_test
