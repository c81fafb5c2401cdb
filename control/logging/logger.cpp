#include "control/logging/logger.hpp"

#include <fmt/format.h>

#include <array>
#include <ctime>

#include "control/config/model.hpp"
#include "control/logging/messages.hpp"
#include "control/time/clock.hpp"

namespace rampart::logging {

namespace {

std::string device_id_of(const config::Config& cfg) {
  const auto& l = cfg.logging;
  switch (l.device_id) {
    case config::Logging::DeviceId::None:
      return {};
    case config::Logging::DeviceId::Hostname:
      return cfg.system.hostname;
    case config::Logging::DeviceId::String:
      return l.device_id_value;
    case config::Logging::DeviceId::Ipaddress:
      if (const auto* i = cfg.interface_by_nameif(l.device_id_value); i && i->address)
        return i->address->str();
      return {};
  }
  return {};
}

bool list_takes(const std::vector<config::LoggingListEntry>& entries, const Message& m) {
  for (const auto& e : entries) {
    if (e.first && m.id >= e.first && m.id <= e.last) return true;
    // [U] "class C" narrows by the message's class; classes are not modelled yet, so a class
    // entry takes what its level takes.
    if (e.level >= 0 && m.level <= e.level) return true;
  }
  return false;
}

}  // namespace

Logger::Logger(Clock now) : now_(std::move(now)) {}

void Logger::configure(const config::Config& cfg) {
  std::lock_guard l(mu_);
  std::string id = device_id_of(cfg);
  if (cfg.logging == cfg_ && id == device_id_ && cfg.clock == clock_) return;
  clock_ = cfg.clock;  // timestamps in the zone of "clock timezone|summer-time"
  const bool hosts_changed = cfg.logging.hosts != cfg_.hosts;
  if (cfg.logging.rate_limits != cfg_.rate_limits)
    windows_.assign(cfg.logging.rate_limits.size(), {});
  cfg_ = cfg.logging;
  device_id_ = std::move(id);
  while (buffer_bytes_ > cfg_.buffer_size && !buffer_.empty()) {
    buffer_bytes_ -= buffer_.front().size();
    buffer_.pop_front();
  }
  if (hosts_changed && transport_) transport_->configure(cfg_.hosts);
}

void Logger::set_transport(std::unique_ptr<Transport> t) {
  std::lock_guard l(mu_);
  transport_ = std::move(t);
  if (transport_) transport_->configure(cfg_.hosts);
}

void Logger::set_monitor(std::function<void(const std::string&)> f) {
  std::lock_guard l(mu_);
  monitor_ = std::move(f);
}

void Logger::set_console(std::function<void(const std::string&)> f) {
  std::lock_guard l(mu_);
  console_ = std::move(f);
}

void Logger::set_daemon_log(std::function<void(int, const std::string&)> f) {
  std::lock_guard l(mu_);
  daemon_log_ = std::move(f);
}

int Logger::level_of(uint32_t id) const {
  if (auto it = cfg_.message_levels.find(id); it != cfg_.message_levels.end()) return it->second;
  const MessageDef* d = find_message(id);
  return d ? d->level : 6;
}

bool Logger::takes(const config::LoggingFilter& f, const Message& m) const {
  if (!f.list.empty()) {
    auto it = cfg_.lists.find(f.list);
    return it != cfg_.lists.end() && list_takes(it->second, m);
  }
  return f.level >= 0 && m.level <= f.level;
}

bool Logger::rate_limited(const Message& m) {
  const int64_t now = now_();
  for (size_t i = 0; i < cfg_.rate_limits.size(); ++i) {
    const auto& r = cfg_.rate_limits[i];
    const bool applies = r.message ? r.message == m.id : r.level == m.level;
    if (!applies || r.seconds == 0) continue;
    Window& w = windows_[i];
    if (now - w.start >= static_cast<int64_t>(r.seconds)) w = {now, 0};
    if (++w.count > r.messages) return true;
  }
  return false;
}

void Logger::buffer_add(std::string line) {
  // Size-bounded as the ASA's buffer: the oldest messages make room for the newest.
  buffer_bytes_ += line.size();
  buffer_.push_back(std::move(line));
  while (buffer_bytes_ > cfg_.buffer_size && buffer_.size() > 1) {
    buffer_bytes_ -= buffer_.front().size();
    buffer_.pop_front();
  }
}

bool Logger::emit(uint32_t id, std::string text, std::optional<int> level) {
  std::lock_guard l(mu_);
  Message m{id, level && !cfg_.message_levels.contains(id) ? *level : level_of(id),
            std::move(text)};
  if (daemon_log_) daemon_log_(m.level, fmt::format("%ASA-{}-{}: {}", m.level, m.id, m.text));
  if (!cfg_.enable) return false;
  if (cfg_.disabled.contains(id)) {
    ++stats_.disabled;
    return false;
  }
  if (rate_limited(m)) {
    ++stats_.rate_limited;
    return false;
  }
  bool went = false;
  if (takes(cfg_.buffered, m)) {
    buffer_add(local_line(m));
    ++stats_.buffer_logged;
    went = true;
  }
  if (takes(cfg_.monitor, m) && monitor_) {
    monitor_(local_line(m));
    ++stats_.monitor_logged;
    went = true;
  }
  if (takes(cfg_.console, m) && console_) {
    console_(local_line(m));
    ++stats_.console_logged;
    went = true;
  }
  if (takes(cfg_.trap, m) && transport_ && !cfg_.hosts.empty()) {
    for (size_t i = 0; i < cfg_.hosts.size(); ++i) transport_->send(i, wire_line(m, cfg_.hosts[i]));
    ++stats_.trap_logged;
    went = true;
  }
  return went;
}

void Logger::poll() {
  std::lock_guard l(mu_);
  if (transport_) transport_->poll();
}

void Logger::clear_buffer() {
  std::lock_guard l(mu_);
  buffer_.clear();
  buffer_bytes_ = 0;
}

std::vector<std::string> Logger::buffer() const {
  std::lock_guard l(mu_);
  return {buffer_.begin(), buffer_.end()};
}

LoggingStats Logger::stats() const {
  std::lock_guard l(mu_);
  return stats_;
}

std::vector<HostStatus> Logger::host_status() const {
  std::lock_guard l(mu_);
  if (!transport_) return std::vector<HostStatus>(cfg_.hosts.size());
  return transport_->status();
}

std::string Logger::timestamp(int64_t t) const {
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time::LocalTime lt = time::local_time(clock_, t * 1000);
  return fmt::format("{} {:02} {} {:02}:{:02}:{:02}", kMonths[static_cast<size_t>(lt.month - 1)],
                     lt.day, lt.year, lt.hour, lt.minute, lt.second);
}

std::string Logger::local_line(const Message& m) const {
  // The ASA: "Dec 05 2026 13:05:01: %ASA-..." with a timestamp; "Dec 05 2026 13:05:01 fw :
  // %ASA-..." with a device-id too; "fw : %ASA-..." with the device-id alone.
  std::string head = cfg_.timestamp ? timestamp(now_()) : "";
  if (!device_id_.empty())
    head = (head.empty() ? "" : head + " ") + device_id_ + " : ";
  else if (!head.empty())
    head += ": ";
  return fmt::format("{}%ASA-{}-{}: {}", head, m.level, m.id, m.text);
}

std::string Logger::wire_line(const Message& m, const config::LoggingHost& h) const {
  const int pri = cfg_.facility * 8 + m.level;
  if (!h.emblem) return fmt::format("<{}>{}", pri, local_line(m));
  // [U] EMBLEM: "<PRI>SEQ: [DEVICE-ID: ]Mmm dd hh:mm:ss UTC: %ASA-L-ID: text" (the form
  // CiscoWorks reads), timestamp always present.
  std::string ts = timestamp(now_());
  ts.erase(7, 5);  // EMBLEM's timestamp has no year: "Dec 05 13:05:01"
  return fmt::format("<{}>{}: {}{} UTC: %ASA-{}-{}: {}", pri, ++emblem_seq_,
                     device_id_.empty() ? "" : device_id_ + ": ", ts, m.level, m.id, m.text);
}

std::string mask_secrets(std::string_view command) {
  // The word after one of these is a secret ("md5" for "ntp authentication-key N md5 KEY").
  static constexpr std::string_view kBefore[] = {"password",
                                                 "passwd",
                                                 "key",
                                                 "secret",
                                                 "pre-shared-key",
                                                 "community",
                                                 "authentication-key",
                                                 "key-string",
                                                 "ldap-login-password",
                                                 "md5"};
  // "snmp-server user U G v3 auth sha PASS priv aes 128 PASS": the USM passwords follow the
  // algorithm's word (and AES's key size).
  static constexpr std::string_view kBeforeUsm[] = {"sha", "des", "3des", "128", "192", "256"};
  const bool usm = command.find("snmp-server user ") != command.npos;
  std::string out;
  bool mask_next = false;
  size_t i = 0;
  while (i < command.size()) {
    size_t j = command.find(' ', i);
    if (j == command.npos) j = command.size();
    std::string_view w = command.substr(i, j - i);
    if (!w.empty()) {
      if (!out.empty()) out += ' ';
      out += mask_next ? std::string_view("*****") : w;
      mask_next = false;
      for (auto k : kBefore)
        if (w == k) mask_next = true;
      if (usm)
        for (auto k : kBeforeUsm)
          if (w == k) mask_next = true;
    }
    i = j + 1;
  }
  return out;
}

}  // namespace rampart::logging
