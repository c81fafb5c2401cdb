// The IKE control plane as the daemon runs it: the engine, its UDP 500/4500 sockets, a
// one-second tick, and the Environment that sends through the sockets, logs to syslog and hands
// debug lines to the CLI sessions that asked for them.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "cli/session.hpp"
#include "control/ike/engine.hpp"
#include "firmware/daemon/crypto_workers.hpp"
#include "firmware/daemon/dataplane_service.hpp"
#include "firmware/daemon/vpn_routes.hpp"
#include "platform/udp.hpp"

namespace rampart::firmware {

class IkeService : public ike::Environment {
 public:
  // crypto_workers: DH/XAUTH threads (rampartd --crypto-workers); 0: default_threads().
  IkeService(cli::Appliance& app, unsigned dataplane_workers, unsigned crypto_workers = 0);
  ~IkeService() override;
  // Opens the sockets; an error text when a port cannot be bound.
  std::optional<std::string> open();
  // The file descriptors to watch: the sockets and the timer.
  std::vector<int> fds() const;
  void on_readable(int fd);

  ike::Engine& engine() { return *engine_; }
  // Where XAUTH asks aaa-server groups and accounting goes (rampartd's AaaService); null: the
  // local user database answers and nothing is accounted. Must outlive the service or be reset.
  void set_aaa(aaa::Service* aaa) { aaa_ = aaa; }
  const DataplaneService& dataplane() const { return *dataplane_; }
  // Changes when what follows the sessions (the VPN routes, the firewall's client set) may need
  // looking at again: what the SA database reaches, or a client's address. A rekey changes
  // neither, nor does a DPD exchange.
  uint64_t sessions_generation() const {
    return sad_.reach_generation() + engine_->clients_generation();
  }

  // ike::Environment
  uint64_t now() override;
  void random(uint8_t* out, size_t n) override;
  void send(const ike::Endpoint& local, const ike::Endpoint& peer, const ike::Bytes& d) override;
  void send_nat_keepalive(const ike::Endpoint& local, const ike::Endpoint& peer) override;
  void debug(ike::DebugKind kind, int level, std::string_view line,
             const ike::DebugSubject* about) override;
  bool debugging(ike::DebugKind kind, int level) override;
  void syslog(int severity, int id, std::string_view text) override;
  bool compute_dh(int group, ike::Bytes peer_public, ike::DhDone done) override;
  uint32_t dh_capacity() override;
  void authenticate(const config::Config& cfg, aaa::AuthRequest r, aaa::AuthDone done) override;
  void account(aaa::AccountingRecord r) override;

 private:
  std::string nameif_for(uint32_t local_address) const;
  // Brings the dataplane in step before IKE answers on an address it does not carry yet.
  void carry(uint32_t local_address);
  // The local user database's XAUTH answer (PBKDF2: milliseconds) on a crypto worker.
  void authenticate_local_later(const config::Config& cfg, aaa::AuthRequest r, aaa::AuthDone done);
  cli::Appliance& app_;
  aaa::Service* aaa_ = nullptr;
  dataplane::Sad sad_;
  std::unique_ptr<ike::Engine> engine_;
  // DH off the loop; goes before the engine its callbacks call into.
  std::unique_ptr<CryptoWorkers> crypto_;
  std::unique_ptr<DataplaneService> dataplane_;
  std::unique_ptr<VpnRoutes> vpn_routes_;
  uint64_t routes_generation_ = ~uint64_t{0};   // the SA database's at the last route sync
  uint64_t clients_generation_ = ~uint64_t{0};  // the engine's clients' at the last route sync
  uint64_t ticks_ = 0;
  bool full_route_sync_ = false;  // the dataplane changed since the last tick
  std::vector<platform::IkeSocket> sockets_;
  int timer_fd_ = -1;
  std::chrono::steady_clock::time_point last_forced_sync_{};
};

}  // namespace rampart::firmware
