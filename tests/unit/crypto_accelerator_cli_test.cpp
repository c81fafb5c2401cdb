// show crypto accelerator statistics and show version's engine line, against the process's own
// crypto backends: an ESP round trip moves exactly the counters of the engine that did it,
// clear zeroes them (the live transforms stay), and bad input gets the ASA's words.
#include <catch2/catch.hpp>

#include <regex>

#include "dataplane/crypto/backend.hpp"
#include "dataplane/esp/esp_sa.hpp"
#include "tests/unit/session_helpers.hpp"

namespace crypto_accelerator_cli_test {

using namespace rampart;
namespace crypto = dataplane::crypto;

namespace {

// The value of "name: N" inside the [Accelerator slot] section.
uint64_t field(const std::string& out, int slot, const std::string& name) {
  size_t at = out.find("[Accelerator " + std::to_string(slot) + "]");
  REQUIRE(at != std::string::npos);
  size_t end = out.find("[Accelerator ", at + 1);
  std::string sec = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
  std::smatch m;
  REQUIRE(std::regex_search(sec, m, std::regex("\n +" + name + ": ([0-9]+)\n")));
  return std::stoull(m[1]);
}

void round_trip(crypto::Backend& b) {
  dataplane::EspKeys k{dataplane::EspCipher::AesCbc256, dataplane::EspAuth::HmacSha256,
                       std::vector<uint8_t>(32, 1), std::vector<uint8_t>(32, 2)};
  auto tx = dataplane::EspSa::create(5, k, 64, &b), rx = dataplane::EspSa::create(5, k, 64, &b);
  REQUIRE(tx);
  REQUIRE(rx);
  std::vector<uint8_t> inner(40, 0x45), out(200);
  size_t n = (*tx)->encap(inner.data(), inner.size(), out.data(), out.size());
  REQUIRE(n == 8 + 16 + 48 + 16);
  uint8_t* p = nullptr;
  uint8_t nh = 0;
  dataplane::EspDrop d;
  REQUIRE((*rx)->decap(out.data(), n, &p, &nh, &d) == 40);
}

}  // namespace

TEST_CASE("show crypto accelerator statistics counts per engine; clear zeroes it", "[crypto-cli]") {
  test::Console c;
  std::string out = c.run("show crypto accelerator statistics");
  CHECK(
      out.starts_with("\nCrypto Accelerator Status\n-------------------------\n"
                      "[Global Statistics]\n   Number of active accelerators: 2\n"
                      "   Number of non-operational accelerators: 0\n"));
  bool mb_active = crypto::active().kind() == crypto::BackendKind::IpsecMb;
  CHECK(out.find(std::string("[Accelerator 0]\n   Status: ") + (mb_active ? "Standby" : "Active") +
                 "\n   Software crypto engine: OpenSSL 3.") != std::string::npos);
  CHECK(out.find(std::string("[Accelerator 1]\n   Status: ") + (mb_active ? "Active" : "Standby") +
                 "\n   Multi-buffer crypto engine: intel-ipsec-mb 1.") != std::string::npos);
  for (crypto::Backend* b : {&crypto::openssl(), crypto::ipsec_mb()}) {
    REQUIRE(b);
    int slot = b->kind() == crypto::BackendKind::OpenSsl ? 0 : 1, other = 1 - slot;
    std::string before = c.run("show crypto accelerator statistics");
    round_trip(*b);
    std::string after = c.run("show crypto accelerator statistics");
    CHECK(field(after, slot, "Output packets") == field(before, slot, "Output packets") + 1);
    CHECK(field(after, slot, "Encrypted bytes") == field(before, slot, "Encrypted bytes") + 48);
    CHECK(field(after, slot, "Output hashed bytes") ==
          field(before, slot, "Output hashed bytes") + 72);
    CHECK(field(after, slot, "Decrypted packets") == field(before, slot, "Decrypted packets") + 1);
    CHECK(field(after, other, "Output packets") == field(before, other, "Output packets"));
  }
  c.run("clear crypto accelerator statistics");
  out = c.run("show crypto accelerator statistics");
  for (int slot : {0, 1}) {
    CHECK(field(out, slot, "Input packets") == 0);
    CHECK(field(out, slot, "Encrypted packets") == 0);
    CHECK(field(out, slot, "Batches submitted") == 0);
  }
}

TEST_CASE("show version names the crypto engine; bad input is refused and counted",
          "[crypto-cli]") {
  test::Console c;
  std::string v = c.run("show version");
  CHECK(v.find("\nEncryption hardware device : " + crypto::active().description() + " (" +
               std::string(crypto::selection_reason()) + ")\n") != std::string::npos);
  uint64_t before = c.app.counters().invalid_input;
  std::string out = c.run("show crypto accelerator statistics now");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(c.app.counters().invalid_input == before + 1);
  out = c.run("clear crypto accelerator statistic all");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(c.app.counters().invalid_input == before + 2);
  // A read-only session (user EXEC) sees the engine in show version, not the statistics, and
  // cannot clear them.
  c.run("end\ndisable");
  CHECK(c.run("show version").find("\nEncryption hardware device : ") != std::string::npos);
  for (const char* cmd :
       {"show crypto accelerator statistics", "clear crypto accelerator statistics"})
    CHECK(c.run(cmd).find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(c.app.counters().invalid_input == before + 4);
}
}  // namespace crypto_accelerator_cli_test
