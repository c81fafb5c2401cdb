// What the IKE engine needs of the world, and nothing more: a clock, randomness, the two UDP
// sockets, the operator's debug and syslog, the crypto workers and the AAA servers. The daemon
// gives it the real ones; tests and fuzzers the defaults below or fakes, so that whole
// negotiations run in-process and deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "control/aaa/aaa.hpp"
#include "control/config/model.hpp"
#include "control/ike/crypto/dh.hpp"
#include "control/ike/debug_subject.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// A datagram as the IKE sockets see it. On port 4500 the non-ESP marker is already removed on
// receipt and added on sending by the socket layer.
struct Datagram {
  Endpoint local;  // the address and port that was hit; replies leave from it
  Endpoint peer;
  std::string nameif;  // the interface owning local.address, empty when none does
  Bytes data;
};

enum class DebugKind { Isakmp, Ipsec };

// Diffie-Hellman work handed off the engine's thread (DESIGN.md: expensive crypto runs on a
// worker pool and returns to the event loop).
using DhOutcome = rampart::expected<DhExchange, std::string>;
using DhDone = std::function<void(DhOutcome)>;

class Environment {
 public:
  virtual ~Environment() = default;
  virtual uint64_t now() = 0;  // seconds, monotonic
  virtual void random(uint8_t* out, size_t n) = 0;
  virtual void send(const Endpoint& local, const Endpoint& peer, const Bytes& data) = 0;
  // A NAT-T keepalive (RFC 3948 2.3): the single byte 0xFF on UDP 4500, without the marker.
  virtual void send_nat_keepalive(const Endpoint& local, const Endpoint& peer) = 0;
  // A "debug crypto isakmp|ipsec" line (without timestamp) of the given level, about whom
  // (null: no negotiation's line).
  virtual void debug(DebugKind kind, int level, std::string_view line,
                     const DebugSubject* about) = 0;
  // Whether anyone watches lines of this kind and level: multi-line debug blocks are built
  // only then. True by default (tests and fuzzers see every line).
  virtual bool debugging(DebugKind, int /*level*/) { return true; }
  // A syslog message with the ASA's id: "%ASA-<severity>-<id>: <text>".
  virtual void syslog(int severity, int id, std::string_view text) = 0;
  // dh_respond(group, peer_public), with done called on the engine's thread with the outcome,
  // now or later (the SA it was for may be gone by then). False when the work cannot be
  // queued (the workers are saturated); done is then never called. This default computes in
  // line, so tests and fuzzers stay deterministic; the daemon overrides it with its pool.
  virtual bool compute_dh(int group, Bytes peer_public, DhDone done) {
    done(dh_respond(group, peer_public));
    return true;
  }
  // The DH computations per second the workers complete, measured (0: unknown). The global
  // admission rate follows it (Admission::set_capacity); in line, as here, it is unknown.
  virtual uint32_t dh_capacity() { return 0; }
  // XAUTH's question to r.group (an aaa-server group, or "LOCAL"), done called exactly once on
  // the engine's thread, now or later (the SA it was for may be gone by then). This default
  // answers in line from cfg's local user database whatever the group, so that tests and
  // fuzzers stay deterministic; the daemon overrides it with its aaa::Service.
  virtual void authenticate(const config::Config& cfg, aaa::AuthRequest r, aaa::AuthDone done);
  // A remote-access session's accounting record for its tunnel-group's accounting-server-group.
  // Dropped by default.
  virtual void account(aaa::AccountingRecord) {}
};

}  // namespace rampart::ike
