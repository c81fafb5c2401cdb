// libnss_rampart.so.2: "passwd: files rampart" in nsswitch.conf. A name the files do not know
// is given the shared account of AAA administrators (aaa_account.hpp) while rampartd's file
// says that a server group authenticates SSH; otherwise, and for any name that could not be an
// account, NOTFOUND. The password is never decided here: sshd still asks PAM, PAM asks rampartd,
// rampartd asks the server. glibc's NSS ABI: the caller's buffer holds the strings, ERANGE
// (with TRYAGAIN) asks it for a larger one.
#include <errno.h>
#include <nss.h>
#include <pwd.h>

#include <cstring>

#include "firmware/nss/aaa_account.hpp"

namespace {

using rampart::nss::AaaAccount;

nss_status answer(const AaaAccount& a, const char* name, passwd* pw, char* buf, size_t buflen,
                  int* errnop) {
  if (!rampart::nss::fill_passwd(a, name, pw, buf, buflen)) {
    *errnop = ERANGE;
    return NSS_STATUS_TRYAGAIN;
  }
  return NSS_STATUS_SUCCESS;
}

nss_status not_found(int* errnop) {
  *errnop = ENOENT;
  return NSS_STATUS_NOTFOUND;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) nss_status _nss_rampart_getpwnam_r(const char* name,
                                                                          passwd* pw, char* buf,
                                                                          size_t buflen,
                                                                          int* errnop) {
  AaaAccount a;
  if (!rampart::nss::valid_name(name) ||
      !rampart::nss::read_account(rampart::nss::kAaaAccountFile, a))
    return not_found(errnop);
  return answer(a, name, pw, buf, buflen, errnop);
}

__attribute__((visibility("default"))) nss_status _nss_rampart_getpwuid_r(uid_t uid, passwd* pw,
                                                                          char* buf, size_t buflen,
                                                                          int* errnop) {
  AaaAccount a;
  if (!rampart::nss::read_account(rampart::nss::kAaaAccountFile, a) || a.uid != uid)
    return not_found(errnop);
  return answer(a, rampart::nss::kSharedName, pw, buf, buflen, errnop);
}

}  // extern "C"
