// AAA as rampartd runs it (issue 13): aaa::Service over the aaa-server groups. A few worker
// threads walk a group's servers (ServerGroups decides which, under the mutex) and call the
// group's protocol client, whose calls block for up to a server's timeout; answers come back
// on the event loop through an eventfd (fd() + deliver(), as CryptoWorkers does), so a dead
// or slow server never stalls IKE, the CLI or another group's requests. LOCAL is answered on a
// thread too (PBKDF2 takes milliseconds): one thread takes only those, and the others take
// them before server work; groups that do not exist are answered in line. The queues are
// bounded: a request that finds them full is answered NoServer and counted, never dropped.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/aaa/server_groups.hpp"
#include "control/config/model.hpp"

namespace rampart::firmware {

class AaaService : public aaa::Service {
 public:
  // Makes the client of one protocol ("radius", "tacacs+"); null when there is none.
  using ClientFactory =
      std::function<std::unique_ptr<aaa::ProtocolClient>(const std::string& protocol)>;
  // The ASA's syslog: severity, message id, text (the "%ASA-s-id: " prefix is the sink's).
  using Syslog = std::function<void(int severity, int id, const std::string& text)>;

  struct Options {
    unsigned threads = 4;
    size_t queue_limit = 256;              // authentication requests queued or running
    size_t accounting_limit = 1024;        // accounting records queued or running
    int accounting_rounds = 3;             // times a record goes round a group with no server
    int64_t accounting_retry_ms = 10'000;  // between those rounds
    aaa::Clock clock;                      // unset: the steady and system clocks
  };
  struct Counters {
    uint64_t refused = 0;             // authentication requests refused: queue full
    uint64_t unknown_group = 0;       // requests for a group that does not exist
    uint64_t local_answers = 0;       // answered by the local database
    uint64_t accounting_sent = 0;     // records a server acknowledged
    uint64_t accounting_refused = 0;  // records refused: queue full
    uint64_t accounting_lost = 0;     // records no server took after every round
  };

  AaaService(ClientFactory clients, Syslog log, Options o);
  ~AaaService() override;  // joins the threads; answers not yet delivered are dropped
  AaaService(const AaaService&) = delete;
  AaaService& operator=(const AaaService&) = delete;

  // The daemon's configuration, after every change; cheap when AAA's part did not change.
  void configure(const config::Config& cfg);
  // Readable (an eventfd) when answers wait for deliver(); deliver() runs them, on the loop.
  int fd() const { return efd_; }
  void deliver();
  Counters counters() const;
  size_t pending() const;

  // aaa::Service
  void authenticate(aaa::AuthRequest r, aaa::AuthDone done) override;
  aaa::AuthResult authenticate_now(aaa::AuthRequest r) override;
  void account(aaa::AccountingRecord r) override;
  std::vector<aaa::ServerStatus> status() const override;
  void clear_statistics() override;
  void clear_group_statistics(const std::string& group) override;

 private:
  struct Job {
    aaa::AuthRequest req;
    std::function<void(aaa::AuthResult)> finish;  // on the worker: queue for deliver, or promise
    bool local = false;                           // the local database answers
  };
  enum class Route { Local, Servers, Nowhere };
  struct Record {
    aaa::AccountingRecord rec;
    int rounds = 0;
    int64_t not_before = 0;  // steady ms
  };
  struct Done {
    aaa::AuthDone done;
    aaa::AuthResult result;
  };
  // Who answers r: the local database, the group's servers, or no one (an unknown group,
  // counted).
  Route route(const aaa::AuthRequest& r);
  static aaa::AuthResult removed();  // no one: the group does not exist
  aaa::AuthResult answer_local(const aaa::AuthRequest& r);
  bool enqueue(Job job);
  void run(bool local_only);
  aaa::AuthResult serve(const aaa::AuthRequest& r);
  bool send_accounting(const aaa::AccountingRecord& r);
  aaa::ServerAnswer account_once(const aaa::Candidate& c, const aaa::AccountingRecord& r);
  aaa::ProtocolClient* client(const std::string& protocol);  // mu_ held
  void log(const std::vector<aaa::AaaEvent>& events);
  void log_result(const aaa::AuthRequest& r, const aaa::AuthResult& res,
                  std::optional<config::Ipv4> last_tried);

  ClientFactory factory_;
  // Message id's words and level from the one table (control/logging/messages.cpp).
  template <class... A>
  void log_id(uint32_t id, const A&... args);
  Syslog syslog_;
  Options opt_;
  mutable std::mutex mu_;
  // Always notify_all: a notify_one could wake only the thread that takes local checks alone.
  std::condition_variable wake_;
  aaa::ServerGroups groups_;
  config::Config cfg_;  // the AAA part only: groups, users, interfaces
  std::map<std::string, std::unique_ptr<aaa::ProtocolClient>> clients_;
  std::deque<Job> todo_;
  std::deque<Job> local_;  // requests the local database answers
  std::deque<Record> records_;
  std::vector<Done> finished_;
  size_t in_flight_ = 0;          // authentication jobs queued or running, not yet delivered
  size_t records_in_flight_ = 0;  // accounting records queued or running
  size_t accounting_running_ = 0;
  size_t accounting_threads_ = 1;  // at most this many threads send accounting at once
  Counters counters_;
  bool stop_ = false;
  int efd_ = -1;
  std::vector<std::thread> threads_;
};

}  // namespace rampart::firmware
