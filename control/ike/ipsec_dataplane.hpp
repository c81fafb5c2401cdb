// The IKE engine's side of the dataplane's SA database: the IPsec SAs it negotiated go in
// (inbound first for a responder, then live both ways), come out (at once, or after draining),
// and are read back (their traffic, their volume and sequence limits). It owns the link to the
// database, the SAs still draining and the inbound SPIs handed out but not installed yet. In
// unit tests of IKE alone there is no database: every call is then a no-op that says so.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "control/config/model.hpp"
#include "control/ike/inbound_spis.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/session_accounting.hpp"
#include "dataplane/sad/sad.hpp"
#include "platform/expected.hpp"

namespace rampart::ike {

// A traffic selector as the SA database holds it.
dataplane::Selector4 selector4(const Selector& s);
// What the SA database is given for ips, an IPsec SA of sa: keys, endpoints, proxies, limits.
dataplane::SaSpec sa_spec(const config::Config& cfg, const IkeSa& sa, const IpsecSa& ips);

// What the dataplane counted on one IPsec SA (both directions).
struct SaTraffic {
  uint64_t in_bytes = 0, in_packets = 0, out_bytes = 0, out_packets = 0;
  uint64_t auth_failed = 0;         // inbound packets that failed their ICV
  uint32_t last_failed_seq = 0;     // the sequence number of the last of those
  bool sequence_exhausted = false;  // outbound: the 32-bit counter reached its end
};

class IpsecDataplane {
 public:
  // Outbound sequence numbers left when the SA is ended (RFC 4303 3.3.3): a margin for the
  // packets in flight between two ticks.
  static constexpr uint32_t kSequenceLimit = 0xffffffffu - (1u << 24);

  explicit IpsecDataplane(const config::Config& cfg) : cfg_(cfg) {}
  void attach(dataplane::Sad* sad) { sad_ = sad; }
  dataplane::Sad* sad() const { return sad_; }

  // A responder's SA at QM2: it decrypts, nothing leaves on it before go_live. False without a
  // database or when it refused the SA (go_live then adds it whole).
  bool add_inbound(const IkeSa& sa, const IpsecSa& ips);
  // ips may encrypt too: the entry add_inbound made goes live, or the whole SA is added.
  // outbound_added runs once the outbound SA is in (the ASA's KEY_ADD), before the inbound side
  // is published. Nothing (and no call) without a database.
  using Installed = rampart::expected<void, std::string>;
  std::optional<Installed> go_live(const IkeSa& sa, const IpsecSa& ips,
                                   const dataplane::Sad::Trace& trace,
                                   const std::function<void()>& outbound_added);
  // The SA traffic between ips's proxies leaves on now (0: none); nothing without a database.
  std::optional<uint64_t> encrypt_rule(const IpsecSa& ips) const;
  // A quick mode that ends without its SA: what add_inbound put in goes.
  void forget(const QuickModeExchange& q);
  // The SA goes at once.
  void remove(uint32_t id);
  // The SA stops sending now but decrypts until `until`; then drain() credits what it
  // decrypted meanwhile to session (when still accounted) and removes it.
  void retire(uint32_t id, uint64_t until, std::weak_ptr<AccountingSession> session,
              SessionAccounting::Traffic credited);
  void drain(uint64_t now);

  std::optional<SaTraffic> traffic(uint32_t id) const;
  // Whether the SA decrypted anything yet (true without a database: nothing to wait for).
  bool carries_traffic(uint32_t id) const;
  // Either direction reached the volume at which a rekey starts.
  bool volume_soft_limit(const IpsecSa& ips) const;
  // Why the SA must end now (its volume lifetime, or its sequence numbers ran out); nothing when
  // it may go on.
  std::optional<std::string> expired(const IpsecSa& ips) const;

  // A fresh inbound SPI (at least 0x100) that no installed SA and no SPI handed out and still
  // held uses, recorded as the IKE SA's of that index. holds(index, spi): whether that IKE SA
  // still holds spi; random(): 32 random bits.
  using Holds = std::function<bool(uint64_t index, uint32_t spi)>;
  uint32_t draw_inbound_spi(uint64_t index, const Holds& holds,
                            const std::function<uint32_t()>& random);

 private:
  struct Draining {
    uint32_t id;
    uint64_t until;
    std::weak_ptr<AccountingSession> session;
    SessionAccounting::Traffic credited;  // what was credited when it was retired
  };
  const config::Config& cfg_;
  dataplane::Sad* sad_ = nullptr;
  std::deque<Draining> draining_;  // in expiry order
  InboundSpis inbound_spis_;
};

}  // namespace rampart::ike
