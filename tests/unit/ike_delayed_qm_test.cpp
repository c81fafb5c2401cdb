// A QM1 that arrives while XAUTH or mode-config is still under way (a client's burst
// reordered, or sent before our answer came): held as the ASA holds it ("Delay Quick Mode
// processing, Cert/Trans Exch/RM DSID in progress") and answered once the client has its
// address, instead of dropped for the client to retransmit seconds later.
#include <catch2/catch.hpp>

#include <algorithm>

#include "control/ike/timers.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_delayed_qm_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

const Bytes kFirstPoolAddress{203, 0, 113, 10};

size_t lines_with(const Lab& lab, std::string_view needle) {
  return static_cast<size_t>(
      std::count_if(lab.env.lines.begin(), lab.env.lines.end(),
                    [&](auto& l) { return l.find(needle) != std::string::npos; }));
}

// QM2 of the held QM1, once the engine sent it: its payloads, checked to be that exchange's.
std::vector<Payload> held_qm2(Lab& lab, uint32_t msgid) {
  REQUIRE(lab.env.sent.size() == 1);
  uint32_t got = 0;
  auto qm2 = lab.peer.open(lab.env.take(), got, lab.qm_ni);
  CHECK(got == msgid);
  REQUIRE(qm2.size() >= 2);
  REQUIRE(std::holds_alternative<SaPayload>(qm2[1]));
  return qm2;
}

}  // namespace

TEST_CASE("a QM1 sent during XAUTH is held until the client has its address, then answered",
          "[ike][transaction]") {
  Lab lab;
  lab.phase1();
  Bytes xauth_request = lab.env.take();
  const uint64_t drops = lab.engine.stats().in_drop;
  CHECK_FALSE(lab.qm1(0x500, kFirstPoolAddress).has_value());
  CHECK(lab.env.logged("IKE Responder starting QM: msg id = 00000500"));
  CHECK(lab.env.logged("Delay Quick Mode processing, Cert/Trans Exch/RM DSID in progress"));
  CHECK(lab.engine.stats().in_drop == drops);  // held, not dropped
  // The user takes their time: no deadline runs before they pass XAUTH.
  lab.env.t += 60;
  lab.engine.tick();
  CHECK_FALSE(lab.env.logged("Resume Quick Mode processing"));

  lab.env.sent.clear();  // the request's retransmission: the same message
  lab.env.sent_from.clear();
  lab.env.sent.insert(lab.env.sent.begin(), {lab.peer.gw, xauth_request});
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  // Authorized, but without an address the client cannot speak for it yet: still held.
  CHECK(lab.env.sent.empty());
  CHECK_FALSE(lab.env.logged("Resume Quick Mode processing"));

  CHECK(lab.mode_config().attributes.at(0).data == kFirstPoolAddress);
  CHECK(lab.env.logged("Resume Quick Mode processing, Cert/Trans Exch/RM DSID completed"));
  auto qm2 = held_qm2(lab, 0x500);
  // Its arrival was logged once, when it came.
  CHECK(lines_with(lab, "IKE_DECODE RECEIVED Message (msgid=500)") == 1);
  CHECK(lines_with(lab, "IKE Responder starting QM: msg id = 00000500") == 1);
  lab.qm3(0x500, qm2);
  CHECK(lab.sad.size() == 1);
  REQUIRE(lab.only_sa().ipsec.size() == 1);
  CHECK(lab.only_sa().ipsec[0].remote.address.str() == "203.0.113.10");
}

TEST_CASE("a QM1 that overtakes the mode-config request waits for it", "[ike][transaction]") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  CHECK_FALSE(lab.qm1(0x600, kFirstPoolAddress).has_value());
  CHECK(lab.env.logged("Delay Quick Mode processing"));
  CHECK(lab.mode_config().attributes.at(0).data == kFirstPoolAddress);
  auto qm2 = held_qm2(lab, 0x600);
  lab.qm3(0x600, qm2);
  CHECK(lab.sad.size() == 1);
  // Held no more: the next quick mode of this client is answered at once.
  CHECK(lab.qm1(0x601, kFirstPoolAddress).has_value());
}

TEST_CASE("a held QM1 goes with its SA when the user fails XAUTH", "[ike][transaction]") {
  Lab lab;
  lab.phase1();
  CHECK_FALSE(lab.qm1(0x700, kFirstPoolAddress).has_value());
  REQUIRE(lab.only_sa().quick_modes.has_delayed());
  lab.env.t += timers::kXauth;
  lab.engine.tick();
  CHECK(lab.engine.sas().empty());
  CHECK(lab.sad.size() == 0);
  CHECK_FALSE(lab.env.logged("Resume Quick Mode processing"));
}

}  // namespace ike_delayed_qm_test
