#include "control/logging/hostdown.hpp"

#include <algorithm>

#include "control/logging/messages.hpp"

namespace rampart::logging {

namespace {

std::string server_text(const config::LoggingHost& h) {
  return fmt::format("{}:{}/{}", h.nameif, h.address.str(), h.port);
}

bool contains(const std::vector<config::LoggingHost>& v, const config::LoggingHost& h) {
  return std::find(v.begin(), v.end(), h) != v.end();
}

}  // namespace

std::vector<HostdownEvent> HostdownWatch::update(const config::Logging& cfg,
                                                 const std::vector<HostStatus>& status) {
  std::vector<config::LoggingHost> down;
  std::vector<config::LoggingHost> up;
  for (size_t i = 0; i < cfg.hosts.size() && i < status.size(); ++i) {
    if (!cfg.hosts[i].tcp) continue;  // UDP has no connection to lose
    if (status[i].down) down.push_back(cfg.hosts[i]);
    if (status[i].connected) up.push_back(cfg.hosts[i]);
  }
  std::vector<HostdownEvent> events;
  // Keyed by the host's configuration, not its index: a host removed or added elsewhere in the
  // list is neither restored nor newly down.
  for (const auto& h : down)
    if (!contains(down_, h))
      events.push_back(
          {414003, text(414003, server_text(h), cfg.permit_hostdown ? "permitted" : "denied")});
  for (const auto& h : down_)
    if (contains(up, h)) events.push_back({414004, text(414004, server_text(h))});
  // A down host that was removed from the configuration no longer holds the box closed.
  down_ = std::move(down);
  deny_new_ = !down_.empty() && !cfg.permit_hostdown;
  return events;
}

}  // namespace rampart::logging
