// The shared account of administrators known only to an AAA server (RADIUS, TACACS+), as
// rampartd describes it to the NSS module libnss_rampart.so.2: one line "UID GID SHELL" in
// kAaaAccountFile, present only while "aaa authentication ssh console GROUP" names a server
// group. sshd looks a name up (getpwnam) before PAM asks rampartd for the password; without
// an account a name the server knows would never reach the server.
//
// Plain functions on the caller's memory: the NSS module runs inside sshd (and whatever else
// resolves a name), so nothing here allocates, throws or keeps state.
#pragma once

#include <pwd.h>
#include <sys/types.h>

#include <cstddef>

namespace rampart::nss {

inline constexpr const char* kAaaAccountFile = "/run/rampart/aaa-account";
// The name getpwuid() gives the shared uid; sessions learn the real user from the shell.
inline constexpr const char* kSharedName = "rampart-aaa";
inline constexpr const char* kHome = "/var/empty";
inline constexpr const char* kGecos = "Rampart AAA administrator";
// A user name longer than this is not looked up (the ASA's own limit is 64 characters).
inline constexpr size_t kMaxName = 64;
// The file is one short line; more is not ours.
inline constexpr size_t kMaxFile = 256;

struct AaaAccount {
  uid_t uid = 0;
  gid_t gid = 0;
  char shell[128] = {};
};

// Whether name may be answered: 1..kMaxName printable ASCII characters without space, ':'
// (the passwd field separator), '/' or '\\', not starting with '-', '+' or '.'.
bool valid_name(const char* name);

// Parses "UID GID SHELL\n" (exactly one line; uid and gid 1..2^31-2, never root; SHELL an
// absolute path of printable characters without ':'). False on anything else.
bool parse_account(const char* text, size_t len, AaaAccount& out);

// Writes the line parse_account reads into buf (NUL-terminated); false when it does not fit
// or the account is not one parse_account would take back.
bool format_account(const AaaAccount& a, char* buf, size_t buflen);

// Fills pw with name and the shared account, its strings placed in buf. False (nothing
// promised about buf) when buflen is too small: the NSS caller retries with more (ERANGE).
bool fill_passwd(const AaaAccount& a, const char* name, struct passwd* pw, char* buf,
                 size_t buflen);

// Reads and parses path. False when it is missing, unreadable, too long, not a regular file,
// not root's, writable by group or others, or does not parse.
bool read_account(const char* path, AaaAccount& out);

}  // namespace rampart::nss
