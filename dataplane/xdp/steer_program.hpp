// steer.bpf.c attached to one port: loaded from the object embedded in the binary, attached
// through a BPF link (native XDP where the driver has it, generic otherwise), its maps filled
// by the workers. A link belongs to the file descriptor that made it: when the process ends,
// however it ends (a crash, SIGKILL), the kernel closes it and detaches the program, so no port
// is ever left steering frames into a socket nobody reads. Nothing is pinned.
// One attachment per port for the whole process, shared by every worker of every generation
// (for_port): a port change starts new workers before the old ones stop, and the program
// stays attached across it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/expected.hpp"

struct bpf_object;

namespace rampart::dataplane::xdp {

class SteerProgram {
 public:
  // The port's attachment, made on first use: native where the driver runs XDP itself, else
  // generic when allowed. Fails (with the kernel's or the driver's reason) when the program
  // cannot be loaded or attached in a mode allowed: another XDP program is on the port, the
  // driver has no native XDP and generic is not allowed, the kernel has no BPF. Generic mode
  // costs every frame the port receives, transit included, a copy into a new head with XDP's
  // 256 bytes of headroom (netif_receive_generic_xdp): only --packet-io af_xdp allows it.
  static rampart::expected<std::shared_ptr<SteerProgram>, std::string> for_port(
      int ifindex, const std::string& name, bool allow_generic = true);
  // The program loaded into the kernel but attached nowhere: for the tests, which run it on
  // frames of their own (run_on) as a port would.
  static rampart::expected<std::unique_ptr<SteerProgram>, std::string> load();
  // Runs the program once on frame in the kernel (BPF_PROG_TEST_RUN) and says whether it took
  // the frame for the dataplane (its steered count moved).
  rampart::expected<bool, std::string> run_on(const uint8_t* frame, size_t len) const;
  ~SteerProgram();
  SteerProgram(const SteerProgram&) = delete;
  SteerProgram& operator=(const SteerProgram&) = delete;

  bool native() const { return native_; }
  const std::string& name() const { return name_; }
  // "Addressed to us": the workers' port addresses (host order), replacing the previous set.
  void set_addresses(const std::vector<uint32_t>& addresses);
  // The largest frame the sockets take; longer ones are passed to the kernel.
  void set_max_frame(uint32_t bytes);
  // Steers queue's frames to the socket fd. The kernel removes the entry when the socket closes.
  rampart::expected<void, std::string> add_socket(uint32_t queue, int fd);
  struct Counts {
    uint64_t steered = 0, passed = 0;
  };
  Counts counts() const;  // summed over the CPUs

 private:
  SteerProgram() = default;
  rampart::expected<void, std::string> load_into();
  rampart::expected<void, std::string> attach(int ifindex, bool allow_generic);
  bpf_object* obj_ = nullptr;
  int prog_fd_ = -1;
  int link_fd_ = -1;
  bool native_ = false;
  std::string name_;
  int xsks_ = -1, addrs_ = -1, settings_ = -1, counts_ = -1;
};

}  // namespace rampart::dataplane::xdp
