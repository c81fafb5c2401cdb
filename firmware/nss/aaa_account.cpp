#include "firmware/nss/aaa_account.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace rampart::nss {

namespace {

// The largest id taken: (uid_t)-1 means "no change" to chown/setresuid, and -2 is often
// "nobody" on other systems; nothing near them is an account of ours.
constexpr uint64_t kMaxId = 0x7ffffffe;

bool printable(char c) {
  return c > 0x20 && c < 0x7f;
}

// A decimal number 1..kMaxId at text[i], followed by one space; i moves past the space.
bool id_field(const char* text, size_t len, size_t& i, uint64_t& out) {
  size_t start = i;
  out = 0;
  while (i < len && text[i] >= '0' && text[i] <= '9') {
    out = out * 10 + static_cast<uint64_t>(text[i] - '0');
    if (out > kMaxId) return false;
    ++i;
  }
  if (i == start || i - start > 10 || text[start] == '0') return false;
  if (i >= len || text[i] != ' ') return false;
  ++i;
  return true;
}

// Copies s (with its NUL) to buf at used; returns where it went, or null when it does not fit.
char* place(const char* s, char* buf, size_t buflen, size_t& used) {
  size_t n = std::strlen(s) + 1;
  if (n > buflen - used) return nullptr;
  char* at = buf + used;
  std::memcpy(at, s, n);
  used += n;
  return at;
}

}  // namespace

bool valid_name(const char* name) {
  if (!name || !*name || name[0] == '-' || name[0] == '+' || name[0] == '.') return false;
  size_t n = 0;
  for (; name[n]; ++n) {
    if (n >= kMaxName) return false;
    char c = name[n];
    if (!printable(c) || c == ':' || c == '/' || c == '\\') return false;
  }
  return true;
}

bool parse_account(const char* text, size_t len, AaaAccount& out) {
  if (!text || len == 0 || len > kMaxFile) return false;
  size_t i = 0;
  uint64_t uid = 0, gid = 0;
  if (!id_field(text, len, i, uid) || !id_field(text, len, i, gid)) return false;
  // SHELL to the single newline that ends the text.
  size_t start = i;
  while (i < len && text[i] != '\n') {
    if (!printable(text[i]) || text[i] == ':') return false;
    ++i;
  }
  size_t shell_len = i - start;
  if (i + 1 != len || shell_len == 0 || shell_len >= sizeof out.shell || text[start] != '/')
    return false;
  out.uid = static_cast<uid_t>(uid);
  out.gid = static_cast<gid_t>(gid);
  std::memcpy(out.shell, text + start, shell_len);
  out.shell[shell_len] = '\0';
  return true;
}

bool format_account(const AaaAccount& a, char* buf, size_t buflen) {
  if (!buf || buflen == 0) return false;
  // Built by hand, not snprintf: the same few digits parse_account reads, nothing locale.
  char line[kMaxFile + 1];
  size_t n = 0;
  auto number = [&](uint64_t v) {
    char digits[24];
    size_t d = 0;
    do {
      digits[d++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v);
    while (d && n < kMaxFile) line[n++] = digits[--d];
    if (n < kMaxFile) line[n++] = ' ';
  };
  number(a.uid);
  number(a.gid);
  size_t shell_len = strnlen(a.shell, sizeof a.shell);
  if (shell_len == sizeof a.shell || n + shell_len + 1 > kMaxFile) return false;
  std::memcpy(line + n, a.shell, shell_len);
  n += shell_len;
  line[n++] = '\n';
  AaaAccount back;
  if (!parse_account(line, n, back) || n + 1 > buflen) return false;
  std::memcpy(buf, line, n);
  buf[n] = '\0';
  return true;
}

bool fill_passwd(const AaaAccount& a, const char* name, struct passwd* pw, char* buf,
                 size_t buflen) {
  if (!pw || !buf) return false;
  size_t used = 0;
  char* n = place(name, buf, buflen, used);
  char* x = place("x", buf, buflen, used);
  char* g = place(kGecos, buf, buflen, used);
  char* h = place(kHome, buf, buflen, used);
  char* s = place(a.shell, buf, buflen, used);
  if (!n || !x || !g || !h || !s) return false;
  pw->pw_name = n;
  pw->pw_passwd = x;
  pw->pw_uid = a.uid;
  pw->pw_gid = a.gid;
  pw->pw_gecos = g;
  pw->pw_dir = h;
  pw->pw_shell = s;
  return true;
}

bool read_account(const char* path, AaaAccount& out) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0) return false;
  // Only rampartd (root) may say that the shared account exists.
  struct stat st {};
  char text[kMaxFile + 1];
  ssize_t got = -1;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
      (st.st_mode & (S_IWGRP | S_IWOTH)) == 0) {
    do {
      got = ::read(fd, text, sizeof text);
    } while (got < 0 && errno == EINTR);
  }
  ::close(fd);
  if (got <= 0 || static_cast<size_t>(got) > kMaxFile) return false;
  return parse_account(text, static_cast<size_t>(got), out);
}

}  // namespace rampart::nss
