#include "platform/tun_steering.hpp"

#include <linux/bpf.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "platform/errno_text.hpp"

namespace rampart::platform {

namespace {

long bpf(int cmd, bpf_attr& attr) {
  return ::syscall(SYS_bpf, cmd, &attr, sizeof attr);
}

// A socket filter program of three instructions, written out rather than compiled: r6 holds
// the packet (BPF_LD_ABS needs it there), r0 = the 32-bit word at offset 16 of the IPv4 header
// (its destination, in host order; the kernel bounds the load), and return it.
constexpr std::array<bpf_insn, 3> kProgram{{
    {BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0},
    {BPF_LD | BPF_W | BPF_ABS, 0, 0, 0, 16},
    {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
}};

// The program loaded; its descriptor, or an error text. The caller closes it.
rampart::expected<int, std::string> load() {
  static const char kLicense[] = "GPL";
  bpf_attr attr{};
  attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  attr.insns = reinterpret_cast<uint64_t>(kProgram.data());
  attr.insn_cnt = kProgram.size();
  attr.license = reinterpret_cast<uint64_t>(kLicense);
  std::memcpy(attr.prog_name, "rampart_steer", sizeof "rampart_steer");
  long fd = bpf(BPF_PROG_LOAD, attr);
  if (fd < 0) return rampart::unexpected(errno_text("TUN steering program"));
  return static_cast<int>(fd);
}

}  // namespace

rampart::expected<void, std::string> steer_by_destination(int tun_fd) {
  auto prog = load();
  if (!prog) return rampart::unexpected(prog.error());
  // The device keeps its own reference to the program.
  const int rc = ::ioctl(tun_fd, TUNSETSTEERINGEBPF, &*prog);
  const int saved = errno;
  ::close(*prog);
  errno = saved;
  if (rc != 0) return rampart::unexpected(errno_text("TUNSETSTEERINGEBPF"));
  return {};
}

rampart::expected<uint32_t, std::string> steering_choice(const uint8_t* frame, size_t len) {
  auto prog = load();
  if (!prog) return rampart::unexpected(prog.error());
  bpf_attr attr{};
  attr.test.prog_fd = static_cast<uint32_t>(*prog);
  attr.test.data_in = reinterpret_cast<uint64_t>(frame);
  attr.test.data_size_in = static_cast<uint32_t>(len);
  attr.test.repeat = 1;
  const long rc = bpf(BPF_PROG_TEST_RUN, attr);
  const int saved = errno;
  ::close(*prog);
  errno = saved;
  if (rc != 0) return rampart::unexpected(errno_text("BPF_PROG_TEST_RUN"));
  return attr.test.retval;
}

}  // namespace rampart::platform
