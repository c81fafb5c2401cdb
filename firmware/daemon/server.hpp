// The control socket server: one epoll loop, many CLI sessions at once. Every session shares the
// appliance (configuration, grammar), so a change made in one is seen by all at once.
#pragma once

#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "cli/admin_auth.hpp"
#include "cli/session.hpp"
#include "firmware/daemon/ike_service.hpp"
#include "firmware/daemon/output_queue.hpp"
#include "firmware/protocol/frame.hpp"

namespace rampart::firmware {

class Server {
 public:
  Server(cli::Appliance& app, std::string socket_path, IkeService* ike = nullptr);
  ~Server();

  // SSH logins: sessions from non-root peers belong to the user this maps their uid to (none:
  // refused), and the socket is opened to group gid. Unset, only root may connect.
  void allow_ssh_users(unsigned gid, std::function<std::string(unsigned uid)> user_for_uid) {
    ssh_gid_ = gid;
    user_for_uid_ = std::move(user_for_uid);
  }
  // Administrators' logins (SSH through the PAM helper; console login and enable through the
  // appliance) go to these aaa-server groups when "aaa authentication ssh|serial|enable console
  // GROUP" names one. Null: the local database alone.
  void set_aaa(aaa::Service* aaa) {
    aaa_ = aaa;
    app_.set_aaa(aaa);
  }
  // The uid of the Unix account that users known only to an AAA server share (their shell
  // names the user; see hello()). Unset: only local users log in over SSH.
  void set_aaa_uid(unsigned uid) { aaa_uid_ = uid; }
  // Called about once a second and after every command (supervision of helpers, like sshd).
  void on_tick(std::function<void()> f) { tick_ = std::move(f); }
  // Called, between ticks, after the loop handled IKE's datagrams or crypto results: what must
  // follow a session's change at once (a new client's firewall admission). IKE wakes the loop
  // thousands of times a second under load; the tick's work (CPU and link samples, helpers'
  // supervision) is not redone for each.
  void on_ike_events(std::function<void()> f) { after_ike_ = std::move(f); }
  // Called once a session asked for a reload and every reply has been sent.
  void on_reload(std::function<void()> f) { reload_ = std::move(f); }
  // Whether a session has asked for a reload (polled after each command).
  void reload_pending(std::function<bool()> f) { reload_pending_ = std::move(f); }
  // Another file descriptor for the loop (the AAA service's eventfd): on_readable runs on the
  // loop when it is readable. Set before run().
  void watch(int fd, std::function<void()> on_readable) { watched_[fd] = std::move(on_readable); }
  // Runs until SIGTERM or SIGINT. Returns an error text if the socket cannot be served.
  rampart::expected<void, std::string> run();

 private:
  struct Client {
    int fd = -1;
    protocol::Decoder in;
    OutputQueue out;
    std::unique_ptr<cli::Session> session;
    bool closing = false;
    unsigned uid = 0;   // the peer's, from SO_PEERCRED
    uint64_t id = 0;    // never reused, unlike fds
    bool busy = false;  // deferred work runs; further lines wait in the decoder
    enum class Kind { Local, Console, Ssh } kind = Kind::Local;  // set by Hello
    std::time_t last_active = 0;  // for "console timeout" and "ssh timeout"
  };
  // Deferred work of a session (a file transfer) on its own thread; it signals an eventfd
  // that the loop watches when it is done.
  struct Job {
    uint64_t client = 0;
    cli::Session::Work work;
    std::string result;
    int efd = -1;
    std::thread thread;
  };
  void accept_clients();
  void read_client(Client& c);
  void process_frames(Client& c);
  void start_job(Client& c, cli::Session::Work work);
  void finish_job(int efd);
  void handle(Client& c, const protocol::Frame& f);
  void send(Client& c, protocol::Type t, std::string_view payload);
  // A command's output, in as many Output frames as its size needs.
  void send_output(Client& c, int pager_lines, std::string_view text);
  void flush(Client& c);
  void drop(int fd);
  void apply_if_changed();
  void deliver_debug();
  void log_off_idle();
  void authenticate(Client& c, const std::string& payload);
  void auth_answer(Client& c, bool ok, const std::string& user, const std::string& rhost);
  // Logins an AAA server accepted, for the shell that sshd starts next: how long the word
  // holds, and whether it lands in privileged EXEC.
  struct AaaLogin {
    std::time_t until = 0;
    cli::ExecVerdict exec;  // where the login lands
  };
  static constexpr std::time_t kAaaLoginWindow = 60;
  void remember_aaa_login(const std::string& user, const cli::ExecVerdict& exec);
  // The end of an SSH password check: the helper's answer, and for a server's yes the word
  // for the shell that follows.
  void finish_ssh_auth(uint64_t id, const std::string& user, const std::string& rhost, bool ok,
                       bool by_server, const cli::ExecVerdict& exec);
  void exec_decided(uint64_t id, const std::string& user, const std::string& rhost,
                    const cli::ExecVerdict& e);
  std::optional<AaaLogin> take_aaa_login(const std::string& user);
  static std::string hello_user(const std::string& payload);
  void hello(Client& c, const std::string& payload);

  cli::Appliance& app_;
  IkeService* ike_ = nullptr;
  std::vector<int> ike_fds_;
  std::map<int, std::function<void()>> watched_;
  int debug_efd_ = -1;  // woken by Appliance::post_debug
  std::string path_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  std::map<int, Client> clients_;
  std::map<int, std::unique_ptr<Job>> jobs_;  // by eventfd
  uint64_t next_client_id_ = 1;
  config::Config applied_;  // the interfaces and routes last pushed to the kernel
  uint64_t internal_errors_ = 0;
  unsigned ssh_gid_ = 0;
  std::function<std::string(unsigned)> user_for_uid_;
  aaa::Service* aaa_ = nullptr;
  std::optional<unsigned> aaa_uid_;
  std::multimap<std::string, AaaLogin> aaa_logins_;  // one per accepted login
  // Answers of the AAA service that come after the server is gone hold this weakly.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::function<void()> tick_, reload_, after_ike_;
  std::function<bool()> reload_pending_;
};

}  // namespace rampart::firmware
