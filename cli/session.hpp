// A CLI session: one console, SSH login or scripted run. It owns the mode stack and terminal
// settings; the configuration and the command tree are the appliance's, shared by all sessions,
// so a change made in one session is seen by the others at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/debug_condition.hpp"
#include "cli/engine/tree.hpp"
#include "cli/output_filter.hpp"
#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "control/logging/logger.hpp"

namespace rampart::ike {
class Engine;
}
namespace rampart::aaa {
class Service;
}
namespace rampart::firewall {
class PolicyState;
class ConnectionTable;
}  // namespace rampart::firewall

namespace rampart::cli {

class Session;

// Debug facilities, per session as on the ASA ("debug crypto isakmp 127" shows on the session
// that typed it, without "terminal monitor").
// "debug radius" and "debug tacacs" come from the AAA clients' worker threads: see post_debug.
// Monitor: syslog messages for the sessions with "terminal monitor" (the logger filters by
// "logging monitor LEVEL" before they are posted).
// Monitor: "terminal monitor" sessions; Console: the serial console's ("logging console").
enum class DebugFacility { Isakmp, Ipsec, Radius, Tacacs, Monitor, Console };

// What "debug radius [all|decode|session|user NAME]" and "debug tacacs [session|user NAME]"
// turned on, per session: a bit per keyword. A client's line is of one kind, decode (a packet's
// contents, RADIUS only) or session (the rest of an exchange), and of one user; a session sees
// it when it debugs all, that kind, or that user (the name in Session::debug_*_user).
enum DebugAaaBits : unsigned {
  kDebugAaaDecode = 1,
  kDebugAaaSession = 2,
  kDebugAaaUser = 4,
  kDebugAaaAll = 8,  // the plain command and "all": every line of every user
  kDebugRadiusAll = kDebugAaaAll,
  kDebugTacacsAll = kDebugAaaAll,
};
// Whether a session debugging `bits` (and `user` with kDebugAaaUser) sees a line of kind
// `line_kind` (kDebugAaaDecode or kDebugAaaSession; 0: untagged, seen by all) about `line_user`.
bool aaa_debug_shows(unsigned bits, std::string_view user, unsigned line_kind,
                     std::string_view line_user);

// Bad input counted per channel for "show counters" (the ASA's table of internal counters):
// CLI lines refused, enable passwords refused, configuration lines that failed to load. Kept
// since boot (a reload starts them again, as on the ASA).
struct InputCounters {
  uint64_t invalid_input = 0;  // ERROR: % Invalid input detected at '^' marker.
  uint64_t incomplete = 0;     // ERROR: % Incomplete command
  uint64_t ambiguous = 0;      // ERROR: % Ambiguous command
  uint64_t rejected = 0;       // ERROR: <why> (a value the grammar took and the box refused)
  uint64_t enable_failed = 0;  // a wrong answer to enable's "Password:"
  uint64_t config_errors = 0;  // ERROR: line N: ... while a configuration loaded
};

// Everything sessions share: the running configuration, the grammar and the box.
class Appliance {
 public:
  explicit Appliance(System& sys);
  config::Config& config() { return cfg_; }
  const config::Config& config() const { return cfg_; }
  const CommandTree& tree() const { return tree_; }
  System& sys() { return sys_; }

  // Replaces the running configuration with an empty one holding the hardware interfaces:
  // shut down for the factory defaults (as an ASA ships), up for a configuration about to be
  // loaded whole (where an interface block without "shutdown" means up).
  void reset_to_defaults(bool factory = true);
  // Replaces the running configuration with the one in text, as a boot from it would.
  // Returns what loading reported.
  std::string replace_config(std::string_view text);

  // Loads the startup configuration from flash (factory defaults when there is none) and keeps
  // what the load reported for "show startup-config errors". Returns that report.
  std::string load_startup();
  const std::string& startup_errors() const { return startup_errors_; }

  InputCounters& counters() { return counters_; }

  // Sessions register while they exist, so that debug lines reach those that asked for them.
  void attach(Session* s);
  void detach(Session* s);
  // Queues a debug line of the given level for every session debugging that facility at that
  // level or above (and, for IKE and IPsec lines, whose debug crypto condition shows what the
  // line is about). The control plane calls this; the server delivers the queues.
  void debug(DebugFacility f, int level, std::string_view line,
             const ike::DebugSubject* about = nullptr);
  // Whether any session debugs the facility (RADIUS, TACACS+): cheap and safe from any thread,
  // so the AAA clients build no lines when nobody looks.
  bool debugging(DebugFacility f) const;
  // Whether a session shows lines of this level (a multi-line block is built only then).
  bool debugging(DebugFacility f, int level) const;
  // Recomputes debugging() after a session's debug settings changed (the debug commands, a
  // session that ends). Loop thread only.
  void debug_settings_changed();
  // Queues a line from any thread (the AAA clients' workers); the loop hands the queued lines
  // to the sessions in deliver_posted_debug(). Bounded: lines past kMaxPostedDebug are dropped.
  void post_debug(DebugFacility f, std::string line);
  // The same, for a line of one kind (kDebugAaaDecode/kDebugAaaSession) about one user, shown
  // only to the sessions whose keywords ask for it (aaa_debug_shows).
  void post_debug(DebugFacility f, unsigned kind, std::string user, std::string line);
  void deliver_posted_debug();
  // Called (from the posting thread, under the queue's lock) when a line is queued on an empty
  // queue, so that the loop shows the lines as they come, not at its next event. Null: none.
  void set_debug_wakeup(std::function<void()> wake);
  static constexpr size_t kMaxPostedDebug = 4096;
  // Lines dropped because the queue was full ("show counters": DEBUG LINES_DROPPED).
  uint64_t debug_lines_dropped() const;
  // Debug and monitor lines a session's terminal did not get because it had fallen too far
  // behind reading its output (the server's back-pressure): "show counters" DEBUG
  // TERMINAL_BEHIND. Loop thread only.
  void count_terminal_behind(uint64_t lines) { terminal_behind_ += lines; }
  uint64_t terminal_behind() const { return terminal_behind_; }

  // The IKE control plane, when one runs (rampartd, engine tests); show and clear commands read
  // and act on it. Null in a CLI without one.
  ike::Engine* ike() const { return ike_; }
  void set_ike(ike::Engine* e) { ike_ = e; }

  // The firewall as rampartd enforces it (policy in force, rule hits) and its connection table;
  // null in a CLI without a kernel, where show commands build the policy from the model.
  firewall::PolicyState* policy_state() const { return policy_state_; }
  void set_policy_state(firewall::PolicyState* p) { policy_state_ = p; }
  firewall::ConnectionTable* connections() const { return connections_; }
  void set_connections(firewall::ConnectionTable* t) { connections_ = t; }

  // Whether slow work that sessions defer (Session::defer) runs on another thread while the
  // daemon goes on (rampartd's server says so); otherwise it runs at once, in line.
  bool background_work() const { return background_work_; }
  void set_background_work(bool on) { background_work_ = on; }

  // The aaa-server groups (rampartd's AaaService): administrators' logins and enable go to
  // them when "aaa authentication SERVICE console GROUP" names one. Null: the local database.
  aaa::Service* aaa() const { return aaa_; }
  void set_aaa(aaa::Service* s) { aaa_ = s; }

  // The logging subsystem: every %ASA message goes through it; "logging ..." configures it
  // (after each command), "show logging" reads it. Monitor lines reach sessions through
  // post_debug(DebugFacility::Monitor, ...), so any thread may log.
  logging::Logger& logger() { return logger_; }

 private:
  System& sys_;
  ike::Engine* ike_ = nullptr;
  firewall::PolicyState* policy_state_ = nullptr;
  firewall::ConnectionTable* connections_ = nullptr;
  bool background_work_ = false;
  aaa::Service* aaa_ = nullptr;
  config::Config cfg_;
  const CommandTree& tree_;  // the grammar: one per process (see grammar() in session.cpp)
  std::string startup_errors_;
  InputCounters counters_;
  std::vector<Session*> sessions_;
  std::atomic<bool> debug_radius_{false}, debug_tacacs_{false};
  mutable std::mutex posted_mu_;
  uint64_t debug_dropped_ = 0;  // under posted_mu_
  uint64_t terminal_behind_ = 0;
  struct PostedDebug {
    DebugFacility facility;
    unsigned kind;  // DebugAaaBits; 0: any session debugging the facility
    std::string user;
    std::string line;
  };
  std::vector<PostedDebug> posted_;
  std::function<void()> debug_wakeup_;  // under posted_mu_
  logging::Logger logger_;              // last: its sinks use the members above
};

// A mode entered by a command, with the key that the sub-mode edits
// (interface name, policy priority, tunnel-group name, ...).
struct ModeFrame {
  Mode mode = Mode::UserExec;
  std::string name;   // interface hw name, tunnel-group, group-policy, username, aaa group
  uint32_t num = 0;   // isakmp policy priority
  std::string name2;  // aaa-server host address and the like
};

struct Reply {
  std::string output;         // everything to print, error markers included
  bool closed = false;        // the session ended (exit/logout/quit from exec)
  bool secret_input = false;  // the next line is a password: do not echo it
  std::string input_prompt;   // when set, print this instead of the mode prompt ("Password: ")
  bool pending = false;       // deferred work runs: its output and the prompt come later
};

class Session {
 public:
  Session(Appliance& app, bool privileged_start = false);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Appliance& appliance() { return app_; }
  std::string prompt() const;

  // Runs one line as typed at the prompt. Never throws on user input.
  Reply execute(std::string_view line);
  // '?' help for a line (the text before the '?'), formatted as the ASA prints it.
  std::string help(std::string_view line) const;
  // Completion candidates for the last word of line (TAB).
  std::vector<std::string> complete(std::string_view line) const;

  // Mode stack.
  Mode mode() const { return stack_.back().mode; }
  const ModeFrame& frame() const { return stack_.back(); }
  void enter(ModeFrame f);       // push a sub-mode (from Config) or Config (from PrivExec)
  void exit_mode();              // "exit": one level up
  void end_config();             // "end"/Ctrl-Z: back to PrivExec
  void set_privileged(bool on);  // enable / disable
  bool privileged() const;
  void close() { closed_ = true; }  // exit/logout/quit from exec: the session ends
  bool closed() const { return closed_; }

  // Terminal settings (per session, as on the ASA).
  int pager_lines = -1;       // -1: follow the configuration's "pager lines"
  bool monitor = false;       // terminal monitor
  bool console_line = false;  // the serial console's login: "logging console" messages show here
  int debug_isakmp = 0;       // debug crypto isakmp|ikev1 <1-255>; 0 = off
  int debug_ipsec = 0;        // debug crypto ipsec <1-255>
  CryptoDebugCondition crypto_condition;  // debug crypto condition ...
  unsigned debug_radius = 0;  // DebugAaaBits: debug radius [all|decode|session|user NAME]
  unsigned debug_tacacs = 0;  // DebugAaaBits: debug tacacs [session|user NAME]
  std::string debug_radius_user, debug_tacacs_user;  // the NAME of "user NAME"
  // Debug lines waiting to be shown on this session's terminal.
  std::vector<std::string> pending_async;
  // Lines dropped since the terminal was last told (it fell behind reading its output): it is
  // told how many once it has caught up.
  uint64_t async_dropped = 0;
  int width = 80;
  int effective_pager_lines() const;
  const std::vector<std::string>& history() const { return history_; }
  // The ASA's command line takes at most 512 characters; a longer line is refused whole (as
  // invalid input, the caret under the first character past the limit) and is not kept.
  static constexpr size_t kMaxLineLength = 512;
  // "show history" keeps the last lines only, as the Cisco CLI's history buffer does (10 lines
  // by default on IOS, whose line editing the ASA's follows; the ASA's own count is [U]).
  static constexpr size_t kHistoryLines = 10;

  // The number of the line being executed in this session (1-based), so that migration and
  // "not supported" notices can say which line of a pasted or loaded configuration they mean.
  uint32_t line_number() const { return line_number_; }

  // The width of the prompt the current line was typed after: a handler that rejects a value
  // draws the '^' marker this far right of the value's offset.
  size_t typed_prompt_width() const { return typed_prompt_width_; }
  // Writes the ASA's invalid-input error with the marker under argument arg of the line.
  void invalid_input_at(std::string& out, const Args& args, std::string_view arg) const;
  // Where this session's refused lines are counted: the CLI's counters, or none while it loads
  // a configuration (the loader counts each bad line once, as a configuration error).
  InputCounters* counters() const { return loading_config ? nullptr : &app_.counters(); }
  uint64_t refusals() const;  // lines refused so far, for "was this one executed?"
  bool loading_config = false;

  // Asks a question whose answer is the next line the user types ("[confirm]", "Source
  // filename [running-config]?", "Password: "). The answer goes to then(), not to the parser.
  // An empty answer means "accept the default", as at an ASA prompt.
  using Answer = std::function<void(Session&, std::string_view answer, std::string& out)>;
  void ask(std::string question, bool secret, Answer then);

  // Console login ("aaa authentication serial console LOCAL"): asks "Username:" and
  // "Password:" until a user of the local database logs in; until then no line reaches the
  // parser, and help and completion offer nothing.
  void begin_login();
  bool logging_in() const { return logging_in_; }
  // Who is logged in on this session (console login or SSH); empty for an anonymous console.
  const std::string& user() const { return user_; }
  void set_user(std::string name) { user_ = std::move(name); }
  // A login the server gave the CLI but not privileged EXEC (RADIUS NAS-Prompt): "enable" is
  // refused while "aaa authentication enable console" is configured.
  void bar_enable() { enable_barred_ = true; }
  bool enable_barred() const { return enable_barred_; }

  // Work that must not hold up the daemon (a file transfer). It runs on another thread when
  // the appliance allows (then it must touch only the System's files, never the
  // configuration) or at once otherwise; what it returns is printed when it is done, and
  // only then does the session get its prompt back.
  using Work = std::function<std::string()>;
  // then, when given, runs on the session's thread once the work is done (it may change the
  // session: a login completes, enable turns privileged), its output after the work's.
  using Then = std::function<void(Session&, std::string& out)>;
  void defer(Work w, Then then = {}) {
    deferred_ = std::move(w);
    deferred_then_ = std::move(then);
  }
  Work take_deferred() { return std::exchange(deferred_, nullptr); }
  // What the server sends once the deferred work's result is in: the result, what then adds,
  // and the prompt (a question's, when then asked one).
  Reply finish_deferred(std::string result);

  // Runs a line on behalf of a migration (PIX -> ASA) without recording history or counting
  // a line: the caller remains responsible for the user's line.
  Reply execute_internal(std::string_view line);

  // What a migration carries from one line to the next in this session (the PIX nat/global
  // pairs, the statics whose access-lists must come to name real addresses), and finishes
  // once a configuration has been read whole (load_config_text calls finish_load()).
  struct Carry {
    virtual ~Carry() = default;
    virtual void finish(Session& s, std::string& out) = 0;
  };
  std::unique_ptr<Carry> pix_carry;
  std::string finish_load();

 private:
  Reply run(std::string_view line, bool record);
  void dispatch(std::string_view raw, std::string_view line, Reply& reply);
  bool filter_usable(const OutputFilter::Parsed& p, size_t column, std::string& out);
  void run_command(std::string_view line, Reply& reply);
  void log_command(std::string_view line, Mode before);  // 111008/111009/111010
  bool matched_ = false;  // the last line matched a command and its handler ran it unrefused
  Appliance& app_;
  std::vector<ModeFrame> stack_;
  std::vector<std::string> history_;
  uint32_t line_number_ = 0;
  bool closed_ = false;
  bool logging_in_ = false;
  std::string user_;
  bool enable_barred_ = false;
  Work deferred_;
  Then deferred_then_;
  size_t typed_prompt_width_ = 0;
  struct Question {
    std::string text;
    bool secret = false;
    Answer then;
  };
  std::vector<Question> questions_;  // asked in order; a handler may chain a follow-up
};

// Loads configuration text (a startup-config or a pasted file) line by line in Config mode.
// Every line that fails is reported as "ERROR: line N: <text>: <reason>" in the returned
// output; every other line is applied. Returns the output a console shows while loading.
std::string load_config_text(Appliance& app, std::string_view text);

}  // namespace rampart::cli
