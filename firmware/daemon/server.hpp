// The control socket server: one epoll loop, many CLI sessions at once. Every session shares the
// appliance (configuration, grammar), so a change made in one is seen by all at once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "cli/session.hpp"
#include "firmware/daemon/ike_service.hpp"
#include "firmware/protocol/frame.hpp"

namespace rampart::firmware {

class Server {
 public:
  Server(cli::Appliance& app, std::string socket_path, IkeService* ike = nullptr);
  ~Server();
  // Runs until SIGTERM or SIGINT. Returns an error text if the socket cannot be served.
  rampart::expected<void, std::string> run();

 private:
  struct Client {
    int fd = -1;
    protocol::Decoder in;
    std::string out;
    std::unique_ptr<cli::Session> session;
    bool closing = false;
  };
  void accept_clients();
  void read_client(Client& c);
  void handle(Client& c, const protocol::Frame& f);
  void send(Client& c, protocol::Type t, std::string_view payload);
  void flush(Client& c);
  void drop(int fd);
  void apply_if_changed();
  void deliver_debug();

  cli::Appliance& app_;
  IkeService* ike_ = nullptr;
  std::vector<int> ike_fds_;
  std::string path_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  std::map<int, Client> clients_;
  config::Config applied_;  // the interfaces and routes last pushed to the kernel
  uint64_t internal_errors_ = 0;
};

}  // namespace rampart::firmware
