#include "firmware/daemon/snmp_counters.hpp"

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "control/snmp/ber.hpp"
#include "platform/log.hpp"

namespace rampart::firmware {

namespace {

// 128 random bits as hex: a community nobody can guess (the socket's directory already keeps
// everyone but root out).
std::string random_community() {
  uint8_t b[16] = {};
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t n = ::getrandom(b + got, sizeof b - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  std::string out;
  for (uint8_t x : b) out += fmt::format("{:02x}", x);
  return out;
}

// One request and its answer on a fresh connection, each way bounded by the timeout.
rampart::expected<std::vector<uint8_t>, std::string> exchange(const std::string& path,
                                                              const std::vector<uint8_t>& req,
                                                              int timeout_ms) {
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return rampart::unexpected(std::string("socket"));
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  std::vector<uint8_t> in;
  std::string err;
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    err = "snmpd is not answering";
  } else if (::send(s, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    err = "cannot write to snmpd";
  } else {
    uint8_t buf[2048];
    while (snmp::ber::message_size(in.data(), in.size()) == 0 && in.size() < 65536) {
      ssize_t n = ::recv(s, buf, sizeof buf, 0);
      if (n <= 0) {
        err = "no answer from snmpd";
        break;
      }
      in.insert(in.end(), buf, buf + n);
    }
  }
  ::close(s);
  if (!err.empty()) return rampart::unexpected(err);
  return in;
}

}  // namespace

SnmpCounters::SnmpCounters(std::string query_socket)
    : socket_(std::move(query_socket)), community_(random_community()) {}

void SnmpCounters::started() {
  std::lock_guard lock(mu_);
  running_ = true;
  asked_ = 0;
  last_ = {};
}

void SnmpCounters::stopping() {
  std::lock_guard lock(mu_);
  if (!running_) return;
  (void)ask_locked();  // refreshes last_ when snmpd answers
  before_ += last_;
  last_ = {};
  running_ = false;
}

void SnmpCounters::died() {
  std::lock_guard lock(mu_);
  if (!running_) return;
  before_ += last_;
  last_ = {};
  running_ = false;
}

rampart::expected<snmp::Statistics, std::string> SnmpCounters::query() {
  std::lock_guard lock(mu_);
  snmp::Statistics total = before_;
  if (running_) {
    // snmpd starting (not listening yet) or wedged: what it said last, and a word in the log.
    if (auto now = ask_locked(); !now)
      platform::log(platform::Severity::Warning, "snmp: statistics: " + now.error());
    total += last_;
  }
  return total;
}

rampart::expected<snmp::Statistics, std::string> SnmpCounters::ask_locked() {
  int32_t id = ++request_id_ & 0x7fffffff;
  auto answer = exchange(socket_, snmp::ber::get_request(community_, id, snmp::statistics_oids()),
                         kTimeoutMs);
  if (!answer) return rampart::unexpected(answer.error());
  auto values = snmp::ber::parse_response(answer->data(), answer->size(), id);
  if (!values) return rampart::unexpected("bad answer from snmpd: " + values.error());
  last_ = snmp::statistics_from(*values, asked_);
  ++asked_;
  return last_;
}

}  // namespace rampart::firmware
