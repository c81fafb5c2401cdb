#include "dataplane/xdp/steer_program.hpp"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "dataplane/xdp/bpf_error.hpp"
#include "dataplane/xdp/steer_object.hpp"  // generated: kSteerObject, the compiled steer.bpf.c

namespace rampart::dataplane::xdp {

namespace {

// libbpf explains its failures on stderr, line by line; the reason we return says it once.
int quiet(enum libbpf_print_level, const char*, va_list) {
  return 0;
}

int map_fd(bpf_object* obj, const char* name) {
  bpf_map* m = bpf_object__find_map_by_name(obj, name);
  return m ? bpf_map__fd(m) : -1;
}

struct Registry {
  std::mutex mu;
  std::map<int, std::weak_ptr<SteerProgram>> ports;
};
Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

rampart::expected<void, std::string> SteerProgram::load_into() {
  libbpf_set_print(quiet);
  LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "rampart_steer");
  obj_ = bpf_object__open_mem(kSteerObject, sizeof kSteerObject, &open_opts);
  if (!obj_) return rampart::unexpected("XDP program: " + bpf_error(errno));
  if (int err = bpf_object__load(obj_))
    return rampart::unexpected("XDP program does not load: " + bpf_error(err));
  bpf_program* prog = bpf_object__find_program_by_name(obj_, "rampart_steer");
  if (!prog) return rampart::unexpected("XDP program: rampart_steer missing");
  prog_fd_ = bpf_program__fd(prog);
  xsks_ = map_fd(obj_, "xsks");
  addrs_ = map_fd(obj_, "local_addrs");
  settings_ = map_fd(obj_, "settings");
  counts_ = map_fd(obj_, "counts");
  return {};
}

rampart::expected<void, std::string> SteerProgram::attach(int ifindex, bool allow_generic) {
  // Native first (the driver runs the program before it makes an skb); generic otherwise.
  for (uint32_t mode : {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE}) {
    if (mode == XDP_FLAGS_SKB_MODE && !allow_generic) break;
    LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = mode);
    link_fd_ = bpf_link_create(prog_fd_, ifindex, BPF_XDP, &opts);
    if (link_fd_ >= 0) {
      native_ = mode == XDP_FLAGS_DRV_MODE;
      return {};
    }
  }
  int err = errno;
  // The kernel answers EEXIST (or EBUSY) when the port already has an XDP program: say so.
  if (err == EEXIST || err == EBUSY)
    return rampart::unexpected("XDP attach refused: another XDP program is on the port");
  if (!allow_generic)
    return rampart::unexpected("native XDP refused: " + bpf_error(err) +
                               "; generic mode only with --packet-io af_xdp");
  return rampart::unexpected("XDP attach refused: " + bpf_error(err));
}

rampart::expected<std::shared_ptr<SteerProgram>, std::string> SteerProgram::for_port(
    int ifindex, const std::string& name, bool allow_generic) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  if (auto live = r.ports[ifindex].lock()) return live;
  std::shared_ptr<SteerProgram> p(new SteerProgram);
  p->name_ = name;
  if (auto ok = p->load_into(); !ok) return rampart::unexpected(ok.error());
  if (auto ok = p->attach(ifindex, allow_generic); !ok) return rampart::unexpected(ok.error());
  r.ports[ifindex] = p;
  return p;
}

rampart::expected<std::unique_ptr<SteerProgram>, std::string> SteerProgram::load() {
  std::unique_ptr<SteerProgram> p(new SteerProgram);
  if (auto ok = p->load_into(); !ok) return rampart::unexpected(ok.error());
  return p;
}

rampart::expected<bool, std::string> SteerProgram::run_on(const uint8_t* frame, size_t len) const {
  uint64_t before = counts().steered;
  std::vector<uint8_t> copy(frame, frame + len);  // the kernel wants it writable
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = copy.data(),
              .data_size_in = static_cast<uint32_t>(copy.size()), .repeat = 1);
  if (bpf_prog_test_run_opts(prog_fd_, &opts) != 0)
    return rampart::unexpected("BPF_PROG_TEST_RUN: " + bpf_error(errno));
  return counts().steered != before;
}

SteerProgram::~SteerProgram() {
  if (link_fd_ >= 0) ::close(link_fd_);  // detaches the program
  if (obj_) bpf_object__close(obj_);
}

void SteerProgram::set_addresses(const std::vector<uint32_t>& addresses) {
  uint32_t key = 0, next = 0;
  std::vector<uint32_t> old;
  for (int err = bpf_map_get_next_key(addrs_, nullptr, &next); !err;
       err = bpf_map_get_next_key(addrs_, &key, &next)) {
    old.push_back(next);
    key = next;
  }
  for (uint32_t k : old) bpf_map_delete_elem(addrs_, &k);
  uint8_t one = 1;
  for (uint32_t a : addresses) {
    uint32_t be = htonl(a);
    bpf_map_update_elem(addrs_, &be, &one, BPF_ANY);
  }
}

void SteerProgram::set_max_frame(uint32_t bytes) {
  uint32_t key = 0;
  bpf_map_update_elem(settings_, &key, &bytes, BPF_ANY);
}

rampart::expected<void, std::string> SteerProgram::add_socket(uint32_t queue, int fd) {
  if (bpf_map_update_elem(xsks_, &queue, &fd, BPF_ANY) != 0)
    return rampart::unexpected("XSK map: " + bpf_error(errno));
  return {};
}

SteerProgram::Counts SteerProgram::counts() const {
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return {};
  std::vector<uint64_t> per_cpu(static_cast<size_t>(cpus));
  auto sum = [&](uint32_t key) {
    uint64_t total = 0;
    if (bpf_map_lookup_elem(counts_, &key, per_cpu.data()) == 0)
      for (uint64_t v : per_cpu) total += v;
    return total;
  };
  return {sum(0), sum(1)};
}

}  // namespace rampart::dataplane::xdp
