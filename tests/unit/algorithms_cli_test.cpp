// The CLI boundary of the algorithm table: every ASA word typed into a policy, a transform set
// or a crypto map is stored as its row and rendered back as the same word.
#include <catch2/catch.hpp>

#include "control/config/algorithms.hpp"
#include "tests/unit/session_helpers.hpp"

namespace algorithms_cli_test {

using namespace rampart;
using config::Dialect;

TEST_CASE("ikev1 policy words round-trip through the model", "[algorithms]") {
  for (const auto& e : config::ike_encryptions())
    for (const auto& h : config::ike_hashes()) {
      test::Console c;
      std::string enc(e.words.asa), hash(h.words.asa);
      INFO(enc << " " << hash);
      CHECK(c.run("crypto ikev1 policy 10\nencryption " + enc + "\nhash " + hash +
                  "\nauthentication pre-share\ngroup 14\nexit") == "");
      const auto& p = c.cfg().crypto.policies.at(10);
      CHECK(p.encryption == e.id);
      CHECK(p.hash == h.id);
      CHECK(c.section({"crypto ikev1 policy"}) ==
            "crypto ikev1 policy 10\n"
            " authentication pre-share\n"
            " encryption " +
                enc +
                "\n"
                " hash " +
                hash +
                "\n"
                " group 14\n"
                " lifetime 86400\n");
    }
}

TEST_CASE("transform-set and pfs words round-trip through the model", "[algorithms]") {
  for (const auto& e : config::esp_encryptions())
    for (const auto& i : config::esp_integrities()) {
      if (e.id == config::EspEncryption::Null && i.id == config::EspIntegrity::None) continue;
      test::Console c;
      std::string enc(e.words.asa), auth(i.words.asa);
      INFO(enc << " " << auth);
      CHECK(c.run("crypto ipsec ikev1 transform-set T " + enc + " " + auth) == "");
      const auto& ts = c.cfg().crypto.transform_sets.at("T");
      CHECK(ts.encryption == e.id);
      CHECK(ts.integrity == i.id);
      // "esp-none" is what the ASA leaves out of the line.
      std::string shown = "crypto ipsec ikev1 transform-set T " + enc +
                          (i.id == config::EspIntegrity::None ? "" : " " + auth) + " \n";
      CHECK(c.section({"crypto ipsec ikev1 transform-set"}) == shown);
    }
  for (const auto& g : config::dh_groups()) {
    test::Console c;
    std::string pfs(g.asa_pfs);
    c.run("crypto dynamic-map D 10 set pfs " + pfs);
    REQUIRE(c.cfg().crypto.dynamic_maps.at("D").entries.at(10).pfs_group == g.group);
    CHECK(c.section({"crypto dynamic-map"}) == "crypto dynamic-map D 10 set pfs " + pfs + "\n");
  }
}
}  // namespace algorithms_cli_test
