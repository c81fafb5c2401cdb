// One simulated IKEv1 client for the load generator (tests/bench/ike_load.cpp), with no socket
// and no clock: bytes in, bytes out. It plays an EzVPN client as vpnc does (aggressive mode with
// a pre-shared key and the group name as ID_KEY_ID, XAUTH, a mode-config request, quick mode for
// the assigned address) or a LAN-to-LAN peer (main mode with a pre-shared key, quick mode for
// its own address). Everything received is checked as a real client checks it: HASH_R, every
// HASH(n), the chosen transforms, decryption; a message that fails a check ends the client.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "control/ike/codec/message.hpp"
#include "control/ike/crypto/cipher.hpp"
#include "control/ike/crypto/dh.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/vendor_ids.hpp"
#include "dataplane/crypto/transform.hpp"

namespace rampart::bench {

using ike::Bytes;

// What the client is, and whom it talks to (addresses in host order).
struct ClientParams {
  bool main_mode = false;  // false: aggressive mode + XAUTH + mode-config (EzVPN)
  // Without XAUTH (a tunnel-group with "isakmp ikev1-user-authentication none"): aggressive
  // mode offers plain pre-shared key and mode-config follows AM3 at once.
  bool xauth = true;
  int dh_group = 2;
  std::string group = "EZ", psk = "cisco123", user = "cisco", password = "cisco";
  uint32_t local_address = 0;
  uint32_t remote_net = 0, remote_mask = 0;  // the gateway's proxy in quick mode
  uint32_t phase2_life = 28800;              // seconds offered in quick mode (vpnc's default)
  // A DH key of the group to use instead of a fresh one: the generator may reuse a few keys
  // across its clients to spend its CPU on the shared secrets only (the gateway's work per
  // client is the same either way: a fresh key and a shared secret).
  std::shared_ptr<const ike::DhKey> key;
};

// One phase-2 SA pair as a client keeps it after quick mode (RFC 2409 5.5): the SPI it chose
// (what the gateway sends to), the gateway's (what it sends to), and each direction's KEYMAT in
// the dataplane's terms, for ike_load's ESP probes (ike_load/probe.hpp). Plain vectors, not
// wiped: a load generator's keys for a lab gateway.
struct ChildSa {
  uint32_t inbound_spi = 0, outbound_spi = 0;
  dataplane::EspKeys inbound, outbound;
};

// Where a client is (or was when it stopped).
enum class Phase { Phase1, Xauth, ModeConfig, QuickMode, Done };
const char* phase_name(Phase p);

using RandomFill = std::function<void(uint8_t*, size_t)>;

class Client {
 public:
  Client(ClientParams p, RandomFill random);

  // The first message (AM1 or MM1). An empty result means the client failed to start.
  Bytes start();
  // One datagram from the gateway: what to send in answer (nothing, one or two messages). A
  // check that fails sets failed(); a copy of a message already answered repeats the answer.
  std::vector<Bytes> receive(const Bytes& datagram);
  // A message to send a moment after the last answer rather than with it: without XAUTH the
  // mode-config request follows AM3, which nothing answers, and a gateway that handles
  // messages on several threads (strongSwan) may see the request first and ignore it.
  Bytes take_deferred() { return std::exchange(deferred_, {}); }
  // The Informational messages that end the session (IPsec SA, then IKE SA delete), once done.
  std::vector<Bytes> disconnect();
  // A phase-2 rekey of a client that is done (a new quick mode for the same address, as a
  // client does before its lifetime ends): QM1. Once done again, retire_previous() is the
  // Delete of the SA it replaced.
  std::vector<Bytes> rekey();
  std::vector<Bytes> retire_previous();

  Phase phase() const { return phase_; }
  bool done() const { return phase_ == Phase::Done; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // What to send again when the gateway has not answered: the last request.
  const Bytes& last_request() const { return last_request_; }
  bool awaiting() const { return awaiting_; }
  const ike::Cookie& initiator_cookie() const { return ci_; }
  uint32_t assigned_address() const { return assigned_; }
  // Messages received that verified but were not for the current step (retransmits, notifies).
  uint64_t ignored() const { return ignored_; }
  // R-U-THERE answered, and Deletes the gateway sent for a tunnel that was up.
  uint64_t dpd_acks() const { return dpd_acks_; }
  uint64_t deletes() const { return deletes_; }
  // The newest phase-2 SA pair (valid once done), and how many quick modes completed so far:
  // a caller that sees the count move takes the new pair.
  const ChildSa& child() const { return child_; }
  uint64_t quick_modes() const { return quick_modes_; }

 private:
  std::vector<Bytes> fail(std::string why);
  std::vector<Bytes> on_phase1(const ike::Message& m);
  std::vector<Bytes> on_aggressive_2(const ike::Message& m);
  std::vector<Bytes> on_main_2(const ike::Message& m);
  std::vector<Bytes> on_main_4(const ike::Message& m);
  std::vector<Bytes> on_main_6(const ike::Message& m);
  std::vector<Bytes> on_transaction(uint32_t msgid, const std::vector<ike::Payload>& p);
  std::vector<Bytes> on_quick_mode_2(uint32_t msgid, const std::vector<ike::Payload>& p);
  std::vector<Bytes> on_informational(const std::vector<ike::Payload>& p);
  bool derive_keys(const Bytes& gxr);
  Bytes phase1_message(ike::Exchange ex, std::vector<ike::Payload> payloads, bool encrypt);
  Bytes protected_message(ike::Exchange ex, uint32_t msgid, std::vector<ike::Payload> rest,
                          const Bytes& extra = {}, const Bytes* hash_value = nullptr);
  // Decrypts a protected message, checks its leading HASH over M-ID | extra | the rest.
  bool open(const ike::Message& m, const Bytes& extra, std::vector<ike::Payload>& out);
  Bytes& iv_for(uint32_t msgid);
  Bytes random_bytes(size_t n);
  uint32_t random_msgid();
  bool make_key();
  uint16_t auth_method() const;
  Bytes mode_config_request();
  Bytes quick_mode_1();
  Bytes request(Bytes b);

  ClientParams p_;
  RandomFill random_;
  Phase phase_ = Phase::Phase1;
  std::string error_;
  ike::Cookie ci_{}, cr_{};
  std::shared_ptr<const ike::DhKey> dh_;
  Bytes ni_, nr_, gxi_, gxr_, sai_b_, idi_b_;
  ike::Phase1Keys keys_;
  Bytes phase1_iv_;
  std::map<uint32_t, Bytes> ivs_;
  uint32_t cfg_msgid_ = 0, qm_msgid_ = 0;
  uint16_t cfg_identifier_ = 0;
  Bytes qm_ni_;
  uint32_t inbound_spi_ = 0, outbound_spi_ = 0, previous_spi_ = 0;
  uint32_t assigned_ = 0;
  Bytes last_request_, last_received_, deferred_;
  std::vector<Bytes> last_answer_;
  bool awaiting_ = false;
  uint64_t ignored_ = 0, dpd_acks_ = 0, deletes_ = 0;
  ChildSa child_;
  uint64_t quick_modes_ = 0;
};

// The p-th percentile (0..100) of values by nearest rank; 0 for none. Sorts its argument.
double percentile(std::vector<double>& values, double p);

}  // namespace rampart::bench
