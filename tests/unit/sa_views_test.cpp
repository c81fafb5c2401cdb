// The SA views (show crypto ipsec sa, show crypto isakmp sa, show vpn-sessiondb remote) copy
// the SAs on the event loop and make their text as deferred work, on another thread in
// rampartd: what they print is the SAs as they were when the command ran, whatever the engine
// does before the work runs, and an output filter runs with the work.
#include <catch2/catch.hpp>

#include "tests/unit/ike_lab.hpp"

namespace sa_views_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;
using test::run_elsewhere;

namespace {

// Phase 1, XAUTH, mode-config (the client holds 203.0.113.10) and one IPsec SA.
void connect(Lab& lab) {
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  REQUIRE(lab.mode_config().attributes.at(0).data == Bytes{203, 0, 113, 10});
  auto qm2 = lab.qm1(0x300, {203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  lab.qm3(0x300, *qm2);
  REQUIRE(lab.sad.size() == 1);
}

}  // namespace

TEST_CASE("the SA views print the SAs as they were when the command ran", "[views][ike]") {
  Lab lab;
  connect(lab);
  const std::vector<std::string> views = {"show crypto ipsec sa",
                                          "show crypto ipsec sa detail",
                                          "show crypto ipsec sa identity",
                                          "show crypto isakmp sa detail",
                                          "show vpn-sessiondb remote",
                                          "show vpn-sessiondb detail remote",
                                          "show crypto ipsec sa | include spi"};
  // In line (a CLI without a server): the text comes with the reply.
  std::vector<std::string> in_line;
  for (const auto& v : views) in_line.push_back(lab.console.run(v));
  CHECK(in_line[0].find("current_peer: 198.51.100.2, username: cisco\n") != std::string::npos);
  CHECK(in_line[6].find("      current outbound spi: C0FFEE00\n") != std::string::npos);
  CHECK(in_line[6].find("current_peer") == std::string::npos);  // filtered

  // As rampartd runs them: each command returns at once, its text to come.
  lab.console.app.set_background_work(true);
  std::vector<std::unique_ptr<cli::Session>> sessions;
  std::vector<cli::Session::Work> works;
  for (const auto& v : views) {
    sessions.push_back(std::make_unique<cli::Session>(lab.console.app, true));
    cli::Reply r = sessions.back()->execute(v);
    REQUIRE(r.pending);
    CHECK(r.output.empty());
    works.push_back(sessions.back()->take_deferred());
    REQUIRE(works.back());
  }
  // Before any text is made, every SA goes (the work must hold no reference into them).
  lab.console.run("clear crypto isakmp sa");
  REQUIRE(lab.engine.sas().empty());
  REQUIRE(lab.sad.size() == 0);
  for (size_t i = 0; i < views.size(); ++i) {
    INFO(views[i]);
    CHECK(run_elsewhere(*sessions[i], std::move(works[i])) == in_line[i]);
  }
  // A view taken now has nothing to show.
  lab.console.app.set_background_work(false);
  CHECK(lab.console.run("show crypto ipsec sa") == "\nThere are no ipsec sas\n");
  CHECK(lab.console.run("show vpn-sessiondb remote") ==
        "INFO: There are presently no active sessions\n");
}

TEST_CASE("show tech-support keeps its order when its SA views are deferred", "[views][ike]") {
  Lab lab;
  connect(lab);
  lab.console.app.set_background_work(true);
  cli::Session s(lab.console.app, true);
  cli::Reply r = s.execute("show tech-support");
  REQUIRE(r.pending);
  cli::Session::Work w = s.take_deferred();
  REQUIRE(w);
  CHECK_FALSE(s.take_deferred());  // one work for the whole command, none left behind
  lab.console.run("clear crypto isakmp sa");
  std::string out = run_elsewhere(s, std::move(w));
  size_t version = out.find("------------------ show version ------------------");
  size_t isakmp = out.find("------------------ show crypto isakmp sa ------------------");
  size_t ipsec = out.find("------------------ show crypto ipsec sa ------------------");
  size_t peer = out.find("1   IKE Peer: 198.51.100.2\n");
  size_t current = out.find("current_peer: 198.51.100.2");
  REQUIRE(version != std::string::npos);
  CHECK(version < isakmp);
  CHECK(isakmp < peer);
  CHECK(peer < ipsec);
  CHECK(ipsec < current);
  CHECK(current != std::string::npos);
}

}  // namespace sa_views_test
