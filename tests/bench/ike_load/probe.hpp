// ESP probes through one held tunnel (ike_load --probe-ms, issue 15): an ICMP echo request from
// the client's mode-config address to a host behind the gateway, in tunnel-mode ESP (RFC 4303)
// on the tunnel's newest outbound SA (a client switches at once after its own rekey, as vpnc
// does); the echo reply is opened on any inbound SA the tunnel still keeps (the newest and the
// one its last rekey replaced: a reply already on its way when the client switched). A probe not
// answered within kProbeDeadline is lost; a lost probe is "near a rekey" when it was sent within
// that long of one of the tunnel's rekeys (from the rekey's QM1 to the switch to its SA pair).
// No socket and no clock: packets in and out as bytes, times from the caller, the ESP itself the
// dataplane's (dataplane/esp), so it is unit-tested against the gateway's own SAs.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/esp/esp_sa.hpp"
#include "tests/bench/ike_load/client.hpp"

namespace rampart::bench {

using ProbeTime = std::chrono::steady_clock::time_point;
// Lost after this long unanswered; and "near a rekey" within this long of one.
constexpr std::chrono::seconds kProbeDeadline{2};

struct ProbeCounts {
  uint64_t sent = 0, answered = 0, lost = 0, lost_near_rekey = 0;
  // Settled probes (answered or lost, counted at their deadline) sent near a rekey.
  uint64_t near_rekey = 0;
  uint64_t late = 0;         // answers after their probe was counted lost (or twice)
  uint64_t on_previous = 0;  // answers on the inbound SA a rekey replaced
  // ESP on our SPI that did not open: a number seen before or left of the window, an ICV
  // that does not verify, anything else (runt, padding); and ESP that opened but carried no
  // answer of ours.
  uint64_t refused_replay = 0, refused_auth = 0, refused_other = 0, not_ours = 0;
  ProbeCounts& operator+=(const ProbeCounts& o);
};

// The addresses of one tunnel's probes (host order): outer (the client's public address and the
// gateway's) and inner (the mode-config address and the host that answers).
struct ProbeEnds {
  uint32_t outer_local = 0, gateway = 0, inner_local = 0, target = 0;
};

class Prober {
 public:
  explicit Prober(ProbeEnds ends) : ends_(ends) {}

  // A rekey's QM1 went: from now until the next take() the tunnel is rekeying.
  void rekey_began(ProbeTime now);
  // A quick mode completed: probes go on this SA pair from now on, and its inbound SA opens
  // replies beside the previous one; the one before that closes, its SPI in *closed (0: none).
  // false (with *error) when the dataplane refuses the keys.
  bool take(const ChildSa& c, ProbeTime now, uint32_t* closed, std::string* error);
  // The next probe: a whole outer IPv4 packet (protocol 50, our checksum) to the gateway;
  // empty before the first SA or when the SA refuses to send (sequence numbers exhausted).
  Bytes probe(ProbeTime now);
  // ESP from the gateway (from the SPI on, the outer header stripped) on one of our SPIs.
  void receive(uint8_t* esp, size_t len, ProbeTime now);
  // Probes unanswered for kProbeDeadline are lost from now; with all, every outstanding one
  // (the tunnel ended).
  void expire(ProbeTime now, bool all = false);

  const ProbeCounts& counts() const { return counts_; }
  size_t outstanding() const;  // sent, neither answered nor lost yet
  // The SPIs replies may come on, newest first.
  std::vector<uint32_t> inbound_spis() const;

 private:
  // A probe until its deadline, answered or not: only then is it known whether a rekey began
  // within kProbeDeadline after it.
  struct Pending {
    uint32_t number;
    ProbeTime sent;
    bool answered = false;
  };
  bool near_rekey(ProbeTime sent) const;

  ProbeEnds ends_;
  std::unique_ptr<dataplane::EspSa> out_;
  std::vector<std::unique_ptr<dataplane::EspSa>> in_;  // newest first, at most two
  std::deque<Pending> pending_;                        // in the order sent
  // The last few rekeys, QM1 sent .. switched (ProbeTime::max() while under way).
  std::deque<std::pair<ProbeTime, ProbeTime>> rekeys_;
  uint32_t next_number_ = 1;
  ProbeCounts counts_;
};

// The probe's inner packet and its answer, for the tests: an echo request from src to dst
// carrying tag and number; and whether inner is the echo reply to such a request.
Bytes echo_request(uint32_t src, uint32_t dst, uint32_t tag, uint32_t number);
bool is_echo_reply(const uint8_t* inner, size_t len, uint32_t src, uint32_t dst, uint32_t tag,
                   uint32_t* number);

}  // namespace rampart::bench
