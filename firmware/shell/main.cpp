// rampart: the console shell. A thin client of rampartd: it sends what is typed and prints
// what comes back; the grammar, help and completion all live in the daemon.
//   rampart [--control SOCKET] [--login]
//   rampart --pam-auth      (for sshd's pam_exec: checks PAM_USER and the password on stdin)
// On a terminal: readline with history, TAB completion, '?' help, Ctrl-Z, the ASA pager.
// With piped stdin: a scripted console session that prints each prompt and line it runs.
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "firmware/protocol/frame.hpp"

using namespace rampart;

namespace {

constexpr const char* kDefaultSocket = "/run/rampart/control.sock";
constexpr std::string_view kMore = "<--- More --->";

int g_fd = -1;
protocol::Decoder g_in;
std::string g_prompt;
bool g_secret = false;
bool g_closed = false;
bool g_tty_out = false;

bool send_frame(protocol::Type t, std::string_view payload) {
  std::string bytes = protocol::encode(t, payload);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(g_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::optional<protocol::Frame> read_frame() {
  for (;;) {
    auto f = g_in.next();
    if (!f) return std::nullopt;
    if (*f) return std::move(**f);
    char buf[65536];
    ssize_t n = ::read(g_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    g_in.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
}

// Waits for one key on the terminal, unbuffered and unechoed.
int read_key() {
  termios old{}, raw{};
  ::tcgetattr(STDIN_FILENO, &old);
  raw = old;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  char c = 0;
  ssize_t n = ::read(STDIN_FILENO, &c, 1);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  return n == 1 ? c : 'q';
}

// Prints output, stopping every page_lines lines at "<--- More --->" on a terminal.
void print_paged(const std::string& text, int page_lines) {
  if (!g_tty_out || page_lines <= 0 || !isatty(STDIN_FILENO)) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  int shown = 0;
  size_t p = 0;
  while (p < text.size()) {
    size_t e = text.find('\n', p);
    size_t end = e == std::string::npos ? text.size() : e + 1;
    std::fwrite(text.data() + p, 1, end - p, stdout);
    p = end;
    if (++shown < page_lines || p >= text.size()) continue;
    std::fputs(kMore.data(), stdout);
    std::fflush(stdout);
    int key = read_key();
    std::printf("\r%*s\r", static_cast<int>(kMore.size()), "");
    if (key == 'q' || key == 'Q') break;
    shown = (key == '\n' || key == '\r') ? page_lines - 1 : 0;  // Enter: one more line
  }
  std::fflush(stdout);
}

// Reads frames until the daemon asks for the next line (Prompt) or ends the session (Close).
bool await_prompt() {
  for (;;) {
    auto f = read_frame();
    if (!f) return false;
    switch (f->type) {
      case protocol::Type::Output:
      case protocol::Type::Async: {
        int lines = 0;
        std::string text;
        if (f->type == protocol::Type::Output)
          protocol::parse_output(f->payload, lines, text);
        else
          text = f->payload;
        print_paged(text, lines);
        break;
      }
      case protocol::Type::Prompt:
        g_secret = !f->payload.empty() && f->payload[0] == '\1';
        g_prompt = f->payload.substr(1);
        return true;
      case protocol::Type::Close:
        g_closed = true;
        return false;
      default:
        break;
    }
  }
}

// Debug lines (Async frames) that arrived while a reply was awaited: shown once it is in.
std::string g_async_backlog;

// The next frame that is not a debug line.
std::optional<protocol::Frame> read_reply() {
  for (;;) {
    auto f = read_frame();
    if (!f || f->type != protocol::Type::Async) return f;
    g_async_backlog += f->payload;
  }
}

std::string ask_help(std::string_view text) {
  if (!send_frame(protocol::Type::Help, text)) return {};
  auto f = read_reply();
  int lines = 0;
  std::string out;
  if (f && f->type == protocol::Type::Output) protocol::parse_output(f->payload, lines, out);
  return out;
}

std::vector<std::string> ask_completions(std::string_view text) {
  std::vector<std::string> out;
  if (!send_frame(protocol::Type::Complete, text)) return out;
  auto f = read_reply();
  if (!f || f->type != protocol::Type::Completions) return out;
  size_t p = 0;
  while (p < f->payload.size()) {
    size_t e = f->payload.find('\n', p);
    if (e == std::string::npos) e = f->payload.size();
    if (e > p) out.push_back(f->payload.substr(p, e - p));
    p = e + 1;
  }
  return out;
}

// ---- interactive --------------------------------------------------------------------------

std::vector<std::string> g_matches;

char* match_generator(const char*, int state) {
  static size_t i;
  if (state == 0) i = 0;
  return i < g_matches.size() ? strdup(g_matches[i++].c_str()) : nullptr;
}

char** complete_hook(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  g_matches = ask_completions(std::string_view(rl_line_buffer, static_cast<size_t>(rl_point)));
  return rl_completion_matches(text, match_generator);
}

int help_key(int, int) {
  // The ASA prints '?', the help, then the prompt and the line again, cursor where it was.
  std::string before(rl_line_buffer, static_cast<size_t>(rl_point));
  std::printf("?\n");
  std::string h = ask_help(before);
  std::fwrite(h.data(), 1, h.size(), stdout);
  rl_on_new_line();
  rl_redisplay();
  return 0;
}

int ctrl_z_key(int, int) {
  rl_replace_line("end", 0);
  rl_point = rl_end;
  rl_done = 1;
  std::printf("^Z\n");
  return 0;
}

void secret_redisplay() {
  // Asterisks for a password, as the ASA shows them.
  std::printf("\r%s%s", rl_prompt, std::string(static_cast<size_t>(rl_end), '*').c_str());
  std::fflush(stdout);
}

// While readline waits for a key: debug lines that arrive are printed at once, above the
// prompt and whatever is typed, which readline then redraws (as the ASA console does).
int show_async_while_idle() {
  pollfd p{g_fd, POLLIN, 0};
  if (g_async_backlog.empty() && (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))) return 0;
  std::string text = std::move(g_async_backlog);
  g_async_backlog.clear();
  while (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
    auto f = read_frame();
    if (!f) {
      g_closed = true;
      rl_done = 1;
      break;
    }
    if (f->type == protocol::Type::Async) text += f->payload;
    if (f->type == protocol::Type::Output) {  // the daemon ending an idle session says so
      int lines = 0;
      std::string out;
      if (protocol::parse_output(f->payload, lines, out)) text += out;
    }
    if (f->type == protocol::Type::Close) {
      g_closed = true;
      rl_done = 1;
    }
  }
  if (text.empty()) return 0;
  std::printf("\r\33[K%s", text.c_str());
  rl_on_new_line();
  rl_redisplay();
  return 0;
}

int interactive() {
  termios saved{};
  bool have_tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (have_tty) {
    // Ctrl-Z leaves config mode, as on the ASA: it must reach us, not suspend the shell.
    termios t = saved;
    t.c_cc[VSUSP] = _POSIX_VDISABLE;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
  }
  rl_attempted_completion_function = complete_hook;
  rl_bind_key('?', help_key);
  rl_bind_key(26, ctrl_z_key);
  rl_completion_append_character = ' ';
  rl_event_hook = show_async_while_idle;
  rl_set_keyboard_input_timeout(100000);  // the hook runs every 0.1 s while idle
  while (!g_closed) {
    bool secret = g_secret;
    auto plain = rl_redisplay_function;
    if (secret) rl_redisplay_function = secret_redisplay;
    char* raw = readline(g_prompt.c_str());
    rl_redisplay_function = plain;
    if (!raw) {  // Ctrl-D
      std::printf("\n");
      break;
    }
    std::string line = raw;
    std::free(raw);
    if (secret) std::printf("\n");  // our redisplay hides the line, and readline's newline
    if (!secret && !line.empty()) add_history(line.c_str());
    if (!send_frame(protocol::Type::Line, line) || !await_prompt()) break;
  }
  if (have_tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  return 0;
}

// ---- scripted -----------------------------------------------------------------------------

int scripted() {
  std::string line;
  while (!g_closed && std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto tab = line.find('\t'); tab != std::string::npos && !g_secret) {
      // TAB: show what completion would do; nothing runs.
      std::string text = line.substr(0, tab);
      std::printf("%s%s\n", g_prompt.c_str(), text.c_str());
      auto c = ask_completions(text);
      if (c.size() == 1) {
        size_t start = text.find_last_of(" ") == std::string::npos ? 0 : text.find_last_of(" ") + 1;
        if (!text.empty() && text.back() == ' ') start = text.size();
        std::printf("%s%s%s \n", g_prompt.c_str(), text.substr(0, start).c_str(), c[0].c_str());
      } else {
        std::string all;
        for (const auto& w : c) all += (all.empty() ? "" : "  ") + w;
        std::printf("%s\n", all.c_str());
      }
      continue;
    }
    if (!line.empty() && line.back() == '?' && !g_secret) {
      std::printf("%s%s\n", g_prompt.c_str(), line.c_str());
      std::string h = ask_help(line.substr(0, line.size() - 1));
      std::fwrite(h.data(), 1, h.size(), stdout);
      continue;
    }
    if (g_secret)
      std::printf("%s%s\n", g_prompt.c_str(), std::string(line.size(), '*').c_str());
    else
      std::printf("%s%s\n", g_prompt.c_str(), line.c_str());
    std::fflush(stdout);
    if (!send_frame(protocol::Type::Line, line) || !await_prompt()) break;
  }
  std::fflush(stdout);
  return 0;
}

// pam_exec with expose_authtok: the user in PAM_USER, the password on stdin (NUL-ended).
// Exit status 0 lets sshd in. rampartd answers from the username database.
int pam_auth() {
  const char* user = std::getenv("PAM_USER");
  if (!user || !*user) return 1;
  std::string password;
  char c;
  while (password.size() < 1024 && ::read(STDIN_FILENO, &c, 1) == 1 && c != '\0' && c != '\n')
    password += c;
  std::string payload = std::string(user) + '\0' + password;
  if (const char* rhost = std::getenv("PAM_RHOST")) payload += std::string(1, '\0') + rhost;
  if (!send_frame(protocol::Type::Authenticate, payload)) return 1;
  auto f = read_frame();
  return f && f->type == protocol::Type::AuthResult && f->payload == "1" ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = kDefaultSocket;
  bool login = false, pam = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--control" && i + 1 < argc) {
      path = argv[++i];
    } else if (a == "--login") {
      login = true;
    } else if (a == "--pam-auth") {
      pam = true;
    } else {
      std::fprintf(stderr, "usage: rampart [--control SOCKET] [--login] | --pam-auth\n");
      return 2;
    }
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  g_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (g_fd < 0 || ::connect(g_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "rampart: cannot connect to rampartd at %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return 1;
  }
  if (pam) return pam_auth();
  bool tty = isatty(STDIN_FILENO);
  g_tty_out = isatty(STDOUT_FILENO);
  std::string hello = tty ? "interactive=1" : "interactive=0";
  if (login) hello += " login=1";
  // The name sshd logged in (it sets USER before the forced command runs): rampartd believes
  // it only for the account that AAA servers' users share, and only right after a server
  // accepted that name.
  if (const char* u = std::getenv("USER"); u && *u && !login) hello += std::string(" user=") + u;
  if (!send_frame(protocol::Type::Hello, hello) || !await_prompt()) {
    std::fprintf(stderr, "rampart: rampartd closed the session\n");
    return 1;
  }
  return tty ? interactive() : scripted();
}
