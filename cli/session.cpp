#include "cli/session.hpp"

#include "cli/admin_auth.hpp"
#include "cli/commands/mpf_model.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "cli/commands/sections.hpp"
#include "control/aaa/password.hpp"
#include "platform/printable.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kInvalidInput = "ERROR: % Invalid input detected at '^' marker.\n";
constexpr std::string_view kIncomplete = "ERROR: % Incomplete command\n";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Lines an ASA ignores when a configuration is pasted or loaded: comments, the header and
// trailer of "show running-config".
bool is_comment(std::string_view line) {
  return line.starts_with("!") || line.starts_with(":") || line.starts_with("Cryptochecksum:") ||
         line.starts_with("ASA Version ");
}

// The first control character of a line (a byte below 0x20 other than tab, or DEL), if any. No
// command takes one: in a key it would be a secret nobody can type again, in a name a forged
// line on a terminal or in a log.
std::optional<size_t> control_character(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    auto b = static_cast<unsigned char>(line[i]);
    if ((b < 0x20 && b != '\t') || b == 0x7f) return i;
  }
  return std::nullopt;
}

// A configuration line as the loader reports it: the word after a secret's keyword masked as
// show running-config masks it, every other byte the operator could not see made visible.
std::string shown_line(std::string_view line) {
  static constexpr std::string_view kSecretBefore[] = {"pre-shared-key", "password", "passwd",
                                                       "key", "secret"};
  std::string out;
  bool mask_next = false;
  // "aaa-server G (IF) host A KEY [timeout N]": the word after the address is the key.
  bool aaa_server = line.starts_with("aaa-server ");
  int after_host = -1;  // words since "host" in an aaa-server line
  size_t p = 0;
  while (p < line.size()) {
    size_t sp = line.find(' ', p);
    std::string_view word = line.substr(p, sp == std::string_view::npos ? line.npos : sp - p);
    if (after_host == 1 && !word.empty() && word != "timeout") mask_next = true;
    out += mask_next && !word.empty() ? "*****" : platform::printable(word);
    if (!word.empty()) {
      mask_next = std::find(std::begin(kSecretBefore), std::end(kSecretBefore), word) !=
                  std::end(kSecretBefore);
      after_host = after_host >= 0 ? after_host + 1 : (aaa_server && word == "host" ? 0 : -1);
    }
    if (sp == std::string_view::npos) break;
    out += ' ';
    p = sp + 1;
  }
  return out;
}

// The grammar is the same for every appliance and never changes after it is built: its handlers
// hold no state (each call gets its Ctx), so one tree serves every Appliance in the process
// (a test builds hundreds; building it costs more than most tests).
const CommandTree& grammar() {
  static const CommandTree tree = [] {
    CommandTree t;
    register_all(t);
    return t;
  }();
  return tree;
}

}  // namespace

Appliance::Appliance(System& sys)
    : sys_(sys),
      tree_(grammar()),
      logger_([this] { return static_cast<int64_t>(sys_.now_seconds()); }) {
  reset_to_defaults();
  logger_.set_monitor(
      [this](const std::string& line) { post_debug(DebugFacility::Monitor, line); });
  // The ASA prints "logging console" messages on its console line: here the sessions of the
  // serial console's login (the server marks them), never SSH's.
  logger_.set_console(
      [this](const std::string& line) { post_debug(DebugFacility::Console, line); });
}

void Appliance::reset_to_defaults(bool factory) {
  cfg_ = config::Config{};
  for (const auto& name : sys_.hardware_interfaces()) {
    cfg_.interfaces[name].hw_name = name;
    cfg_.interfaces[name].shutdown = factory;
  }
  // A new ASA inspects its default protocols; a configuration loaded whole says what it wants.
  if (factory) mpf::add_default_inspection_policy(cfg_.firewall);
}

std::string Appliance::replace_config(std::string_view text) {
  reset_to_defaults(false);
  return load_config_text(*this, text);
}

std::string Appliance::load_startup() {
  startup_errors_.clear();
  auto text = sys_.read_startup();
  if (!text) {
    reset_to_defaults(true);  // no startup-config: factory defaults
    return {};
  }
  std::string report = replace_config(*text);
  // Only the error reports, not the INFO notices of migrated commands.
  size_t p = 0;
  while (p < report.size()) {
    size_t e = report.find('\n', p);
    std::string_view l(report.data() + p, (e == std::string::npos ? report.size() : e) - p);
    p = e == std::string::npos ? report.size() : e + 1;
    if (l.starts_with("ERROR") || l.starts_with("WARNING"))
      startup_errors_ += std::string(l) + "\n";
  }
  return report;
}

void Appliance::attach(Session* s) {
  sessions_.push_back(s);
}

void Appliance::detach(Session* s) {
  std::erase(sessions_, s);
  debug_settings_changed();  // its debugs end with it
}

namespace {

// The level a session debugs a facility at; RADIUS and TACACS+ have the one level 1 (their
// lines posted by the clients are sorted by keyword in deliver_posted_debug).
int debug_level(const Session& s, DebugFacility f) {
  switch (f) {
    case DebugFacility::Isakmp:
      return s.debug_isakmp;
    case DebugFacility::Ipsec:
      return s.debug_ipsec;
    case DebugFacility::Radius:
      return s.debug_radius ? 1 : 0;
    case DebugFacility::Tacacs:
      return s.debug_tacacs ? 1 : 0;
    case DebugFacility::Monitor:
      return s.monitor ? 1 : 0;
    case DebugFacility::Console:
      return s.console_line ? 1 : 0;
  }
  return 0;
}

}  // namespace

void Appliance::debug(DebugFacility f, int level, std::string_view line,
                      const ike::DebugSubject* about) {
  const bool crypto = f == DebugFacility::Isakmp || f == DebugFacility::Ipsec;
  for (Session* s : sessions_)
    if (debug_level(*s, f) >= level && (!crypto || s->crypto_condition.shows(about)))
      s->pending_async.emplace_back(line);
}

bool Appliance::debugging(DebugFacility f) const {
  if (f == DebugFacility::Radius) return debug_radius_.load(std::memory_order_relaxed);
  if (f == DebugFacility::Tacacs) return debug_tacacs_.load(std::memory_order_relaxed);
  return std::any_of(sessions_.begin(), sessions_.end(),
                     [f](const Session* s) { return debug_level(*s, f) > 0; });
}

bool Appliance::debugging(DebugFacility f, int level) const {
  return std::any_of(sessions_.begin(), sessions_.end(),
                     [f, level](const Session* s) { return debug_level(*s, f) >= level; });
}

void Appliance::debug_settings_changed() {
  bool radius = false, tacacs = false;
  for (const Session* s : sessions_) {
    radius = radius || s->debug_radius;
    tacacs = tacacs || s->debug_tacacs;
  }
  debug_radius_.store(radius, std::memory_order_relaxed);
  debug_tacacs_.store(tacacs, std::memory_order_relaxed);
}

void Appliance::post_debug(DebugFacility f, std::string line) {
  post_debug(f, 0, {}, std::move(line));
}

void Appliance::post_debug(DebugFacility f, unsigned kind, std::string user, std::string line) {
  std::lock_guard l(posted_mu_);
  // A flood of lines (a busy server with debugging on) must not grow memory without bound.
  if (posted_.size() >= kMaxPostedDebug) {
    ++debug_dropped_;
    return;
  }
  posted_.push_back({f, kind, std::move(user), std::move(line)});
  if (posted_.size() == 1 && debug_wakeup_) debug_wakeup_();
}

bool aaa_debug_shows(unsigned bits, std::string_view user, unsigned line_kind,
                     std::string_view line_user) {
  if (!bits) return false;
  if (!line_kind || (bits & (kDebugAaaAll | line_kind))) return true;
  // "user NAME": that user's lines of every kind. Names compare exactly, as the ASA's
  // usernames do (case counts).
  return (bits & kDebugAaaUser) && !user.empty() && line_user == user;
}

uint64_t Appliance::debug_lines_dropped() const {
  std::lock_guard l(posted_mu_);
  return debug_dropped_;
}

void Appliance::set_debug_wakeup(std::function<void()> wake) {
  std::lock_guard l(posted_mu_);
  debug_wakeup_ = std::move(wake);
}

void Appliance::deliver_posted_debug() {
  std::vector<PostedDebug> lines;
  {
    std::lock_guard l(posted_mu_);
    lines.swap(posted_);
  }
  for (const auto& p : lines) {
    const bool radius = p.facility == DebugFacility::Radius;
    if (!radius && p.facility != DebugFacility::Tacacs) {
      debug(p.facility, 1, p.line);
      continue;
    }
    for (Session* s : sessions_) {
      const unsigned bits = radius ? s->debug_radius : s->debug_tacacs;
      const std::string& who = radius ? s->debug_radius_user : s->debug_tacacs_user;
      if (aaa_debug_shows(bits, who, p.kind, p.user)) s->pending_async.push_back(p.line);
    }
  }
}

Session::Session(Appliance& app, bool privileged_start) : app_(app) {
  stack_.push_back({privileged_start ? Mode::PrivExec : Mode::UserExec});
  app_.attach(this);
}

Session::~Session() {
  app_.detach(this);
}

std::string Session::prompt() const {
  if (!questions_.empty()) return questions_.front().text;
  return app_.config().system.hostname + std::string(mode_prompt_suffix(mode()));
}

void Session::enter(ModeFrame f) {
  // Entering a sub-mode from another sub-mode replaces it, up to the new mode's parent (Config,
  // or the policy-map for its class and parameters sub-modes).
  while (stack_.size() > 1 && parent(f.mode) && stack_.back().mode != Mode::Config &&
         stack_.back().mode != *parent(f.mode))
    stack_.pop_back();
  stack_.push_back(std::move(f));
}

void Session::exit_mode() {
  if (stack_.size() > 1) stack_.pop_back();
}

void Session::end_config() {
  while (stack_.size() > 1 && stack_.back().mode != Mode::PrivExec) stack_.pop_back();
}

void Session::set_privileged(bool on) {
  stack_.clear();
  stack_.push_back({on ? Mode::PrivExec : Mode::UserExec});
}

bool Session::privileged() const {
  return stack_.front().mode != Mode::UserExec;
}

int Session::effective_pager_lines() const {
  return pager_lines >= 0 ? pager_lines : app_.config().system.pager_lines;
}

void Session::ask(std::string question, bool secret, Answer then) {
  questions_.push_back({std::move(question), secret, std::move(then)});
}

Reply Session::execute(std::string_view line) {
  return run(line, true);
}

Reply Session::execute_internal(std::string_view line) {
  return run(line, false);
}

Reply Session::run(std::string_view raw, bool record) {
  Reply reply;
  if (raw.size() > kMaxLineLength) {
    // Nothing of an over-long line is run or kept (a question waiting goes on waiting).
    if (record) ++line_number_;
    reply.output += std::string(prompt().size() + kMaxLineLength, ' ') + "^\n";
    reply.output += kInvalidInput;
    if (auto* k = counters()) ++k->invalid_input;
  } else if (!questions_.empty() && record) {
    Question q = std::move(questions_.front());
    questions_.erase(questions_.begin());
    q.then(*this, trim(raw), reply.output);
  } else {
    std::string_view line = trim(raw);
    typed_prompt_width_ = prompt().size() + static_cast<size_t>(line.data() - raw.data());
    if (record) {
      ++line_number_;
      if (!line.empty()) {
        if (history_.size() >= kHistoryLines) history_.erase(history_.begin());
        history_.emplace_back(line);
      }
    }
    if (auto bad = control_character(line)) {
      reply.output += std::string(typed_prompt_width_ + *bad, ' ') + "^\n";
      reply.output += kInvalidInput;
      if (auto* k = counters()) ++k->invalid_input;
    } else if (!line.empty() && !is_comment(line)) {
      const Mode before = mode();
      matched_ = false;
      dispatch(raw, line, reply);
      if (matched_ && record && !loading_config) log_command(line, before);
    }
  }
  app_.logger().configure(app_.config());
  if (deferred_) {
    if (app_.background_work()) {
      reply.pending = true;
    } else {
      Reply done = finish_deferred(take_deferred()());
      reply.output += done.output;
    }
  }
  if (closed_) reply.closed = true;
  if (!questions_.empty()) {
    reply.input_prompt = questions_.front().text;
    reply.secret_input = questions_.front().secret;
  }
  return reply;
}

void Session::dispatch(std::string_view raw, std::string_view line, Reply& reply) {
  // "show ... | include REGEX": the filter is read from the line as typed (its trailing blanks
  // are part of the expression) and applied to what the command prints.
  std::optional<OutputFilter> filter;
  if (size_t bar = output_filter_bar(app_.tree(), mode(), line); bar != line.npos) {
    size_t at = static_cast<size_t>(line.data() - raw.data()) + bar + 1;
    std::string_view rest = raw.substr(at);
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.remove_suffix(1);
    auto parsed = OutputFilter::parse(rest);
    if (!filter_usable(parsed, typed_prompt_width_ + bar + 1, reply.output)) return;
    filter = std::move(parsed.filter);
    line = trim(line.substr(0, bar));
  }
  size_t from = reply.output.size();
  run_command(line, reply);
  if (!filter) return;
  if (deferred_) {
    // Filtered where the work runs: a view of 10,000 SAs is 400,000 lines to match, and the
    // event loop has better things to do.
    auto f = std::make_shared<const OutputFilter>(std::move(*filter));
    deferred_ = [work = std::move(deferred_), f] { return f->apply(work()); };
  } else
    reply.output.replace(from, std::string::npos, filter->apply(reply.output.substr(from)));
}

bool Session::filter_usable(const OutputFilter::Parsed& p, size_t column, std::string& out) {
  auto* k = counters();
  switch (p.status) {
    case OutputFilter::Parsed::Status::Ok:
      return true;
    case OutputFilter::Parsed::Status::Invalid:
      out += std::string(column + p.offset, ' ') + "^\n";
      out += kInvalidInput;
      if (k) ++k->invalid_input;
      return false;
    case OutputFilter::Parsed::Status::Incomplete:
      out += kIncomplete;
      if (k) ++k->incomplete;
      return false;
    case OutputFilter::Parsed::Status::BadRegex:
      out += "ERROR: Invalid regular expression\n";  // [U] the ASA's words
      if (k) ++k->rejected;
      return false;
  }
  return false;
}

void Session::run_command(std::string_view line, Reply& reply) {
  // Try the current mode, then walk up (sub-mode -> Config), as the ASA does for a line
  // that belongs to the parent mode; report the error of the deepest attempt.
  MatchResult best = app_.tree().match(mode(), line);
  if (best.status != MatchStatus::Ok) {
    for (auto up = parent(mode()); up; up = parent(*up)) {
      MatchResult r = app_.tree().match(*up, line);
      if (r.status == MatchStatus::Ok) {
        while (stack_.size() > 1 && stack_.back().mode != *up) stack_.pop_back();
        best = std::move(r);
        break;
      }
      if (r.offset > best.offset) best = std::move(r);
    }
  }
  switch (best.status) {
    case MatchStatus::Ok: {
      Ctx ctx{*this, app_.config(), app_.sys(), reply.output, best.args, best.negated};
      const uint64_t refused = refusals();
      best.command->handler(ctx);
      // A line its handler refused (a value out of range, an unknown interface) was not
      // executed: it gets no 111008/111010.
      matched_ = refusals() == refused;
      break;
    }
    case MatchStatus::NoMatch:
      reply.output += std::string(typed_prompt_width_ + best.offset, ' ') + "^\n";
      reply.output += kInvalidInput;
      if (auto* k = counters()) ++k->invalid_input;
      break;
    case MatchStatus::Ambiguous:
      reply.output += fmt::format("ERROR: % Ambiguous command:  \"{}\"\n", line);
      if (auto* k = counters()) ++k->ambiguous;
      break;
    case MatchStatus::Incomplete:
      reply.output += kIncomplete;
      if (auto* k = counters()) ++k->incomplete;
      break;
  }
}

uint64_t Session::refusals() const {
  const InputCounters* k = counters();
  return k ? k->invalid_input + k->rejected : 0;
}

void Session::log_command(std::string_view line, Mode before) {
  // The ASA's accounting of commands: 111008 and 111010 for configuration commands (what
  // operators watch for changes), 111009 (debugging) for the rest. Secrets in the line are
  // masked. [U] the peer's address of an SSH session is not known here: 0.0.0.0 as the console.
  std::string user = !user_.empty() ? platform::printable(user_)
                     : privileged() ? "enable_15"
                                    : "enable_1";
  std::string cmd = logging::mask_secrets(line);
  auto& log = app_.logger();
  if (before == Mode::UserExec || before == Mode::PrivExec) {
    logging::syslog(log, 111009, user, cmd);
    return;
  }
  logging::syslog(log, 111008, user, cmd);
  logging::syslog(log, 111010, user, "CLI", "0.0.0.0", cmd);
}

void Session::invalid_input_at(std::string& out, const Args& args, std::string_view arg) const {
  out += std::string(typed_prompt_width_ + args.offset(arg), ' ') + "^\n";
  out += kInvalidInput;
  if (auto* k = counters()) ++k->invalid_input;
}

Reply Session::finish_deferred(std::string result) {
  Reply r;
  r.output = std::move(result);
  if (auto then = std::exchange(deferred_then_, nullptr)) then(*this, r.output);
  r.closed = closed_;
  if (!questions_.empty()) {
    r.input_prompt = questions_.front().text;
    r.secret_input = questions_.front().secret;
  }
  return r;
}

void Session::begin_login() {
  logging_in_ = true;
  ask("Username: ", false, [](Session& s, std::string_view name, std::string&) {
    if (name.empty()) {
      s.begin_login();
      return;
    }
    std::string user(name);
    s.ask("Password: ", true, [user](Session& s, std::string_view password, std::string& out) {
      auto local = [user](const config::Config& cfg, std::string_view pw) {
        auto it = cfg.users.find(user);
        return it != cfg.users.end() &&
               (it->second.password ? aaa::verify_password(*it->second.password, pw) : pw.empty());
      };
      check_admin_password(s, out, "serial", aaa::Purpose::AdminLogin, user, password, local,
                           [user](Session& s, const AdminVerdict& v, std::string& out) {
                             if (!v.ok) {
                               out += "Invalid password\n";
                               s.begin_login();
                               return;
                             }
                             s.logging_in_ = false;
                             s.user_ = user;
                             if (v.privileged) s.set_privileged(true);
                             out += "Type help or '?' for a list of available commands.\n";
                           });
    });
  });
}

std::string Session::help(std::string_view line) const {
  if (logging_in_) return {};
  size_t bar = output_filter_bar(app_.tree(), mode(), line);
  bool piped = bar != line.npos;
  auto entries = piped ? output_filter_help(line.substr(bar + 1)) : app_.tree().help(mode(), line);
  auto words = split_words(line);
  bool partial = !line.empty() && line.back() != ' ' && !words.empty() && line.back() != '|';
  if (piped && entries.empty()) {
    size_t at = bar + 1;
    while (at < line.size() && line[at] == ' ') ++at;
    return std::string(prompt().size() + at, ' ') + "^\n" + std::string(kInvalidInput);
  }
  if (entries.empty()) {
    // Nothing can follow: the ASA marks the first word it does not understand.
    MatchResult r = app_.tree().match(mode(), line);
    if (r.status == MatchStatus::NoMatch || r.status == MatchStatus::Ambiguous)
      return std::string(prompt().size() + r.offset, ' ') + "^\n" + std::string(kInvalidInput);
    return std::string(kInvalidInput);
  }
  if (partial) {
    std::string out;
    for (const auto& e : entries) out += e.word + "  ";
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  }
  size_t width = 0;
  for (const auto& e : entries) width = std::max(width, e.word.size());
  std::string out = "\n";
  if (!words.empty()) {
    bool exec = mode() == Mode::UserExec || mode() == Mode::PrivExec;
    out += exec ? "exec mode commands/options:\n" : "configure mode commands/options:\n";
  }
  for (const auto& e : entries) {
    std::string row = fmt::format("  {:<{}}  {}", e.word, width, e.help);
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  return out;
}

std::vector<std::string> Session::complete(std::string_view line) const {
  if (logging_in_) return {};
  return app_.tree().complete(mode(), line);
}

std::string load_config_text(Appliance& app, std::string_view text) {
  // A fresh privileged session in config mode, as "copy startup-config running-config" runs.
  Session s(app, true);
  s.loading_config = true;
  s.enter({Mode::Config});
  std::string out;
  uint32_t n = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++n;
    Reply r = s.execute(line);
    if (r.output.empty()) continue;
    // Errors carry the line they came from; the caret line means nothing outside a console.
    bool is_error = r.output.find("ERROR:") != std::string::npos;
    std::string body;
    size_t p = 0;
    while (p < r.output.size()) {
      size_t e = r.output.find('\n', p);
      std::string_view l(r.output.data() + p, (e == std::string::npos ? r.output.size() : e) - p);
      p = e == std::string::npos ? r.output.size() : e + 1;
      if (trim(l) == "^") continue;
      body += std::string(l) + "\n";
    }
    if (is_error) {
      out += fmt::format("ERROR: line {}: {}\n", n,
                         shown_line(trim(line).substr(0, Session::kMaxLineLength)));
      ++app.counters().config_errors;
    }
    out += body;
    // A configuration that ends up in exec mode (a stray "end") keeps loading in config mode.
    if (s.mode() == Mode::PrivExec || s.mode() == Mode::UserExec) {
      s.set_privileged(true);
      s.enter({Mode::Config});
    }
  }
  out += s.finish_load();
  return out;
}

std::string Session::finish_load() {
  std::string out;
  if (pix_carry) pix_carry->finish(*this, out);
  return out;
}

}  // namespace rampart::cli
