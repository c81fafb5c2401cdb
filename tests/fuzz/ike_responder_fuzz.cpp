// Fuzzes the IKEv1 responder behind its cryptography: each input first completes a valid
// aggressive-mode phase 1 (and, when the first byte says so, XAUTH) from a test initiator, then
// its chunks become protected messages (correct keys, IVs and HASH) whose exchange type, message
// id and payload chain are the fuzzer's, or raw datagrams carrying the SA's cookies. Whatever
// arrives, the engine must neither crash nor leak; timers run in between.
#include <cstddef>
#include <cstdint>
#include <exception>

#include "cli/session.hpp"
#include "control/ike/engine.hpp"
#include "tests/unit/fake_system.hpp"
#include "tests/unit/ike_initiator.hpp"

namespace {

constexpr const char* kConfig =
    "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\n"
    "exit\nip local pool POOL 203.0.113.10-203.0.113.11 mask 255.255.255.0\n"
    "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac\n"
    "crypto dynamic-map DYN 10 set ikev1 transform-set TRA\n"
    "crypto map MAP 65000 ipsec-isakmp dynamic DYN\ncrypto map MAP interface outside\n"
    "crypto ikev1 enable outside\n"
    "crypto ikev1 policy 10\nauthentication pre-share\nencryption aes\nhash sha\ngroup 2\nexit\n"
    "username cisco password cisco\ntunnel-group EZ type remote-access\n"
    "tunnel-group EZ general-attributes\naddress-pool POOL\nexit\n"
    "tunnel-group EZ ipsec-attributes\nikev1 pre-shared-key cisco123\nexit\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rampart;
  static test::FakeSystem sys;
  static cli::Appliance app(sys);
  static bool configured = [] {
    cli::load_config_text(app, kConfig);
    return true;
  }();
  (void)configured;
  if (size < 1) return 0;
  test::FakeEnv env;
  ike::Engine engine(app.config(), env);
  test::Initiator peer;
  try {
    engine.receive(peer.datagram(peer.am1("EZ")));
    engine.receive(peer.datagram(peer.am3(env.take())));
    if (data[0] & 1) {  // through XAUTH to an active SA
      uint32_t msgid = 0;
      auto req = peer.open(env.take(), msgid);
      ike::AttributePayload reply;
      reply.type = 2;
      reply.identifier = std::get<ike::AttributePayload>(req.at(1)).identifier;
      reply.attributes = {ike::Attribute::tlv(16521, {'c', 'i', 's', 'c', 'o'}),
                          ike::Attribute::tlv(16522, {'c', 'i', 's', 'c', 'o'})};
      engine.receive(peer.datagram(peer.seal(ike::Exchange::Transaction, msgid, {reply})));
      auto set = peer.open(env.take(), msgid);
      ike::AttributePayload ack;
      ack.type = 4;
      ack.identifier = std::get<ike::AttributePayload>(set.at(1)).identifier;
      engine.receive(peer.datagram(peer.seal(ike::Exchange::Transaction, msgid, {ack})));
    }
  } catch (const std::exception&) {
    return 0;
  }
  // Chunks: [len][kind][exchange][msgid x4][first payload][chain...]
  size_t p = 1;
  while (p + 2 <= size) {
    size_t len = data[p];
    uint8_t kind = data[p + 1];
    p += 2;
    if (p + len > size) len = size - p;
    const uint8_t* c = data + p;
    p += len;
    try {
      if ((kind & 3) == 0) {  // a raw datagram with the SA's cookies
        ike::Bytes d(c, c + len);
        if (d.size() >= 16) {
          std::copy(peer.ci.begin(), peer.ci.end(), d.begin());
          std::copy(peer.cr.begin(), peer.cr.end(), d.begin() + 8);
        }
        engine.receive(peer.datagram(d));
      } else if (len >= 6) {
        static constexpr ike::Exchange kEx[] = {
            ike::Exchange::Transaction, ike::Exchange::QuickMode, ike::Exchange::Informational};
        uint32_t msgid =
            (uint32_t{c[1]} << 24) | (uint32_t{c[2]} << 16) | (uint32_t{c[3]} << 8) | c[4];
        ike::Bytes chain(c + 6, c + len);
        engine.receive(peer.datagram(
            peer.seal_raw(kEx[c[0] % 3], msgid, static_cast<ike::PayloadType>(c[5]), chain)));
      }
      if (kind & 4) {
        env.t += kind >> 3;
        engine.tick();
      }
    } catch (const std::exception&) {
    }
    env.sent.clear();
    env.sent_from.clear();
  }
  env.t += 100000;
  engine.tick();
  return 0;
}
