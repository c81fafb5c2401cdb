// The command engine on its own: syntax expansion, matching by unique prefix, the error kinds
// and offsets the '^' marker is drawn from, help and completion.
#include <catch2/catch.hpp>

#include "cli/engine/tree.hpp"

namespace engine_test {

using namespace rampart::cli;

namespace {

CommandSpec spec(std::string_view syntax, std::vector<std::string_view> help,
                 bool negatable = false) {
  return CommandSpec{mask_of(Mode::Config), std::string(syntax), std::move(help), [](Ctx&) {},
                     negatable};
}

CommandTree sample() {
  CommandTree t;
  t.add(spec("crypto isakmp policy <priority:1-65535>",
             {"Configure IPSec, ISAKMP, Certification Authority, key", "Configure ISAKMP policy",
              "Set IKE policy", "Policy suite priority(1 highest, 65535 lowest)"}));
  t.add(spec("crypto isakmp nat-traversal [<keepalive:10-3600>]",
             {"Configure IPSec, ISAKMP, Certification Authority, key", "Configure ISAKMP policy",
              "Enable NAT traversal", "Keepalive interval in seconds"},
             true));
  t.add(spec("crypto map <map:WORD> interface <ifname:WORD>",
             {"Configure IPSec, ISAKMP, Certification Authority, key", "Configure a crypto map",
              "Crypto map tag", "Bind crypto map to an interface", "Name of interface"}));
  t.add(spec("crypto map <map:WORD> client configuration address {mode:initiate|respond}",
             {"Configure IPSec, ISAKMP, Certification Authority, key", "Configure a crypto map",
              "Crypto map tag", "Client", "Configuration", "Address",
              "Initiate address assignment|Respond to address requests"}));
  t.add(spec("interface <name:WORD>", {"Select an interface to configure", "Interface name"}));
  t.add(spec("ip address <addr:A.B.C.D> <mask:A.B.C.D>",
             {"Configure IP parameters", "Configure the IP address", "IP address", "Netmask"}));
  t.add(spec("ip local pool <name:WORD> <range:WORD>",
             {"Configure IP parameters", "Configure a local pool", "Pool", "Pool name", "Range"}));
  t.add(spec("banner motd <text:LINE>", {"Configure banner", "Message of the day", "Banner text"}));
  return t;
}

}  // namespace

TEST_CASE("registration has no errors and expands optionals and choices") {
  CommandTree t = sample();
  REQUIRE(t.errors().empty());
  auto all = t.dump(Mode::Config);
  CHECK(std::find(all.begin(), all.end(), "crypto isakmp nat-traversal") != all.end());
  CHECK(std::find(all.begin(), all.end(), "crypto isakmp nat-traversal <10-3600>") != all.end());
  CHECK(std::find(all.begin(), all.end(), "no crypto isakmp nat-traversal") != all.end());
  CHECK(std::find(all.begin(), all.end(), "crypto map WORD client configuration address respond") !=
        all.end());
}

TEST_CASE("unique prefixes match, typed arguments bind by name") {
  CommandTree t = sample();
  auto r = t.match(Mode::Config, "cry isa pol 10");
  REQUIRE(r.status == MatchStatus::Ok);
  CHECK(r.args.num("priority") == 10);
  r = t.match(Mode::Config, "crypto map MAP client conf add init");
  REQUIRE(r.status == MatchStatus::Ok);
  CHECK(r.args.str("map") == "MAP");
  CHECK(r.args.str("mode") == "initiate");
  r = t.match(Mode::Config, "no crypto isakmp nat-traversal");
  REQUIRE(r.status == MatchStatus::Ok);
  CHECK(r.negated);
  r = t.match(Mode::Config, "banner motd  Welcome to  the lab  ");
  REQUIRE(r.status == MatchStatus::Ok);
  CHECK(r.args.str("text") == "Welcome to  the lab");
}

TEST_CASE("errors report their kind and the offset of the first bad word") {
  CommandTree t = sample();
  auto r = t.match(Mode::Config, "crypto isakmp policy 70000");
  CHECK(r.status == MatchStatus::NoMatch);
  CHECK(r.offset == 21);
  r = t.match(Mode::Config, "crypto bogus");
  CHECK(r.status == MatchStatus::NoMatch);
  CHECK(r.offset == 7);
  r = t.match(Mode::Config, "crypto isakmp");
  CHECK(r.status == MatchStatus::Incomplete);
  r = t.match(Mode::Config, "i");  // interface / ip
  CHECK(r.status == MatchStatus::Ambiguous);
  r = t.match(Mode::Config, "ip address 192.0.2.1 255.255.255.256");
  CHECK(r.status == MatchStatus::NoMatch);
  CHECK(r.offset == 21);
  r = t.match(Mode::PrivExec, "crypto isakmp policy 10");  // not registered in that mode
  CHECK(r.status == MatchStatus::NoMatch);
  CHECK(r.offset == 0);
}

TEST_CASE("help lists what may follow, arguments first, then <cr>") {
  CommandTree t = sample();
  auto h = t.help(Mode::Config, "crypto isakmp nat-traversal ");
  REQUIRE(h.size() == 2);
  CHECK(h[0].word == "<10-3600>");
  CHECK(h[1].word == "<cr>");
  h = t.help(Mode::Config, "crypto isakmp ");
  REQUIRE(h.size() == 2);
  CHECK(h[0].word == "nat-traversal");
  CHECK(h[1].word == "policy");
  h = t.help(Mode::Config, "i");
  REQUIRE(h.size() == 2);
  CHECK(h[0].word == "interface");
  CHECK(h[1].word == "ip");
}

TEST_CASE("completion offers keywords only") {
  CommandTree t = sample();
  CHECK(t.complete(Mode::Config, "cry") == std::vector<std::string>{"crypto"});
  CHECK(t.complete(Mode::Config, "crypto isakmp ") ==
        std::vector<std::string>{"nat-traversal", "policy"});
  CHECK(t.complete(Mode::Config, "crypto map ").empty());  // a name comes next
}

TEST_CASE("inconsistent help for the same token is a registration error") {
  CommandTree t = sample();
  t.add(spec("crypto ca trustpoint <name:WORD>",
             {"Crypto things", "Certification authority", "Trustpoint", "Name"}));
  CHECK(!t.errors().empty());
}

TEST_CASE("syntax errors are registration errors") {
  CommandTree t;
  t.add(spec("a [b", {"a", "b"}));
  t.add(spec("a <x:FOO>", {"a", "x"}));
  t.add(spec("a b", {"a"}));
  t.add(spec("a <l:LINE> b", {"a", "l", "b"}));
  CHECK(t.errors().size() == 4);
}
}  // namespace engine_test
