// Keeps the packet worker in step with the configuration: which NICs it reads (those with a
// nameif, an address and a crypto map) and their TUN devices, through which decrypted traffic
// goes to the kernel and the kernel's traffic for the tunnels comes back. Re-syncs on
// every tick, and before IKE starts or answers on an address it does not carry yet; restarting
// the workers is cheap and only happens when the ports change.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "dataplane/forward/worker.hpp"
#include "dataplane/xdp/socket_drops.hpp"

namespace rampart::firmware {

class DataplaneService {
 public:
  // workers: how many packet workers share the ports (PACKET_FANOUT), at least 1.
  // Decides the ESP crypto backend here, at start, and logs it (dataplane/crypto).
  DataplaneService(dataplane::Sad& sad, cli::System& sys, unsigned workers = 1);
  ~DataplaneService();
  // True when the workers (and with them, maybe, the TUN devices and their routes) changed.
  bool sync(const config::Config& cfg);
  size_t workers() const { return workers_running_.size(); }
  // True when running workers take ESP for this address of an outside port: an SA negotiated
  // there is carried from its first packet.
  bool carries(uint32_t local_address) const;
  // What the kernel could not hand to the workers' AF_XDP sockets, by device, for show
  // interface: read from any thread (SocketDrops), for as long as the service lives.
  const dataplane::xdp::SocketDrops& socket_drops() const { return socket_drops_; }

 private:
  dataplane::Sad& sad_;
  cli::System& sys_;
  unsigned workers_;
  std::vector<dataplane::PortConfig> ports_;
  dataplane::xdp::SocketDrops socket_drops_;  // before the workers, which register into it
  std::vector<std::unique_ptr<dataplane::Worker>> workers_running_;
  void hand_off(const std::vector<std::string>& devices);
  bool rules_ = false;
  unsigned generation_ = 0;  // flips with each set of workers: their fanout groups differ
};

}  // namespace rampart::firmware
