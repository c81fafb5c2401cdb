#include "control/aaa/radius_client.hpp"

#include <openssl/crypto.h>
#include <radcli/radcli.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include <fmt/format.h>

namespace rampart::aaa {
namespace radius {
namespace {

constexpr const char* kDictionary = "/etc/radcli/dictionary";
// radcli copies the key into a 96-octet buffer (MAX_SECRET_LENGTH) and cuts it silently; a
// longer key would be a different key, so we refuse it.
constexpr size_t kMaxKey = MAX_SECRET_LENGTH - 1;

// rc_new() counts its handles in an unguarded static: creating handles is serialised.
std::mutex& radcli_init_mutex() {
  static std::mutex m;
  return m;
}

struct HandleDeleter {
  void operator()(rc_handle* h) const { rc_destroy(h); }
};
using Handle = std::unique_ptr<rc_handle, HandleDeleter>;

struct PairsDeleter {
  void operator()(VALUE_PAIR* vp) const {
    // The request list holds a copy of the password: wiped before radcli frees it.
    for (VALUE_PAIR* p = vp; p; p = p->next) OPENSSL_cleanse(p->strvalue, sizeof(p->strvalue));
    rc_avpair_free(vp);
  }
};
using Pairs = std::unique_ptr<VALUE_PAIR, PairsDeleter>;

bool load_dictionary(rc_handle* h) {
  return rc_read_dictionary(h, kDictionary) == 0 &&
         rc_read_dictionary_from_buffer(h, kCiscoDictionary.data(), kCiscoDictionary.size()) == 0;
}

Handle new_handle() {
  std::lock_guard lock(radcli_init_mutex());
  rc_handle* h = rc_new();
  if (!h) return {};
  if (!rc_config_init(h)) return {};  // rc_config_init destroys h on failure
  return Handle(h);
}

// A handle for one server: "ADDR:PORT" as authserver or acctserver, the key set on the parsed
// server entry (radcli's "ADDR:PORT:SECRET" form splits at commas and blanks in the key).
Handle configure(const ServerTarget& t, bool accounting, std::string& why) {
  if (t.key.empty() || t.key.size() > kMaxKey || t.key.find('\0') != std::string::npos) {
    why = t.key.empty() ? "no key configured" : "key longer than 95 characters";
    return {};
  }
  Handle h = new_handle();
  if (!h) {
    why = "radcli: out of memory";
    return {};
  }
  const char* option = accounting ? "acctserver" : "authserver";
  const Schedule s = schedule(t);
  const std::string server = fmt::format("{}:{}", t.address.str(), t.port);
  bool ok = rc_add_config(h.get(), option, server.c_str(), __func__, __LINE__) == 0 &&
            rc_add_config(h.get(), "radius_timeout", std::to_string(s.interval_seconds).c_str(),
                          __func__, __LINE__) == 0 &&
            rc_add_config(h.get(), "radius_retries", std::to_string(s.retries).c_str(), __func__,
                          __LINE__) == 0;
  if (ok && t.source)
    ok = rc_add_config(h.get(), "bindaddr", t.source->str().c_str(), __func__, __LINE__) == 0;
  SERVER* srv = ok ? rc_conf_srv(h.get(), option) : nullptr;
  if (!srv || srv->max != 1) {
    why = "radcli: bad server configuration";
    return {};
  }
  srv->secret[0] = strdup(t.key.c_str());  // freed by rc_destroy
  if (!srv->secret[0] || rc_apply_config(h.get()) != 0 || !load_dictionary(h.get())) {
    why = "radcli: configuration failed";
    return {};
  }
  return h;
}

bool add(rc_handle* h, VALUE_PAIR** list, const Attribute& a) {
  if (a.kind == Attribute::Kind::Text) {
    if (a.text.empty()) return true;  // RFC 2865 5: text attributes have at least one octet
    return rc_avpair_add(h, list, a.type, a.text.data(), static_cast<int>(a.text.size()),
                         static_cast<int>(a.vendor)) != nullptr;
  }
  uint32_t v = a.number;
  return rc_avpair_add(h, list, a.type, &v, 0, static_cast<int>(a.vendor)) != nullptr;
}

std::vector<ReplyAttribute> convert(VALUE_PAIR* vp) {
  std::vector<ReplyAttribute> out;
  for (; vp; vp = vp->next) {
    ReplyAttribute r;
    r.vendor = VENDOR(vp->attribute);
    r.type = static_cast<uint8_t>(ATTRID(vp->attribute) & 0xff);
    if (vp->type == PW_TYPE_INTEGER || vp->type == PW_TYPE_IPADDR || vp->type == PW_TYPE_DATE)
      r.number = vp->lvalue;
    else
      r.octets.assign(vp->strvalue, std::min<size_t>(vp->lvalue, AUTH_STRING_LEN));
    out.push_back(std::move(r));
  }
  return out;
}

// The same framing checks rc_send_server makes before it decodes a reply.
bool framed(std::span<const uint8_t> s) {
  for (size_t i = 0; i < s.size();) {
    if (s[i] == 0 || i + 1 >= s.size() || s[i + 1] < 2 || i + s[i + 1] > s.size()) return false;
    i += s[i + 1];
  }
  return true;
}

const char* kind_word(ServerAnswer::Kind k) {
  switch (k) {
    case ServerAnswer::Kind::Accept:
      return "ACCEPT";
    case ServerAnswer::Kind::Reject:
      return "REJECT";
    case ServerAnswer::Kind::Challenge:
      return "CHALLENGE";
    case ServerAnswer::Kind::PasswordExpired:
      return "PASSWORD EXPIRED";
    case ServerAnswer::Kind::Timeout:
      return "TIMEOUT";
    case ServerAnswer::Kind::Malformed:
      return "MALFORMED";
    case ServerAnswer::Kind::BadAuthenticator:
      return "BAD AUTHENTICATOR";
    case ServerAnswer::Kind::Error:
      return "ERROR";
  }
  return "ERROR";
}

ServerAnswer::Kind kind_of(int rc) {
  switch (rc) {
    case OK_RC:
      return ServerAnswer::Kind::Accept;
    case REJECT_RC:
      return ServerAnswer::Kind::Reject;
    case CHALLENGE_RC:
      return ServerAnswer::Kind::Challenge;
    case TIMEOUT_RC:
      return ServerAnswer::Kind::Timeout;
    // A wrong Response Authenticator, a reply length out of 20..4096, or a reply code that
    // does not answer the request: radcli says BADRESP_RC for all three.
    case BADRESP_RC:
      return ServerAnswer::Kind::BadAuthenticator;
    case BADRESPID_RC:
      return ServerAnswer::Kind::Malformed;
    default:
      return ServerAnswer::Kind::Error;  // includes replies with broken attributes
  }
}

uint8_t reply_code(ServerAnswer::Kind k, bool accounting) {
  if (accounting) return 5;  // RFC 2866 4.2 Accounting-Response
  return k == ServerAnswer::Kind::Reject ? 3 : k == ServerAnswer::Kind::Challenge ? 11 : 2;
}

class RadiusClient final : public ProtocolClient {
 public:
  explicit RadiusClient(DebugSink debug) : debug_(std::move(debug)) {}

  ServerAnswer authenticate(const ServerTarget& t, const AuthRequest& r) override {
    return access(t, r, r.password.reveal());
  }
  // RADIUS has no authorization-only request: the ASA sends an Access-Request whose password
  // is the username and reads the Access-Accept's attributes.
  ServerAnswer authorize(const ServerTarget& t, const AuthRequest& r) override {
    return access(t, r, r.user);
  }
  ServerAnswer account(const ServerTarget& t, const AccountingRecord& r) override {
    return exchange(t, accounting_request(r, t), nullptr, r.nas_port, "accounting request");
  }

 private:
  bool debugging() const { return debug_.on && debug_.line && debug_.on(); }
  void print(const std::vector<std::string>& lines) const {
    for (const auto& l : lines) debug_.line(l);
  }

  ServerAnswer access(const ServerTarget& t, const AuthRequest& r, const std::string& pw) {
    return exchange(t, access_request(r, t), &pw, r.nas_port, "authentication request");
  }

  ServerAnswer exchange(const ServerTarget& t, const std::vector<Attribute>& attrs,
                        const std::string* password, uint32_t nas_port, const char* what) {
    const bool accounting = password == nullptr;
    ServerAnswer ans;
    std::string why;
    Handle h = configure(t, accounting, why);
    if (!h) return fail(ServerAnswer::Kind::Error, why);
    VALUE_PAIR* raw = nullptr;
    for (const auto& a : attrs)
      if (!add(h.get(), &raw, a)) {
        Pairs drop(raw);
        return fail(ServerAnswer::Kind::Error, "radcli: attribute not in the dictionary");
      }
    if (password && !rc_avpair_add(h.get(), &raw, PW_USER_PASSWORD, password->data(),
                                   static_cast<int>(password->size()), 0)) {
      Pairs drop(raw);
      return fail(ServerAnswer::Kind::Error, "radcli: password not accepted");
    }
    Pairs send(raw);
    if (debugging()) {
      print(debug_request(what, accounting ? 4 : 1, attrs, !accounting,
                          password ? password->size() : 0));
      debug_.line(fmt::format("send pkt {}/{}", t.address.str(), t.port));
    }
    VALUE_PAIR* got = nullptr;
    char msg[PW_MAX_MSG_SIZE] = {};
    const auto start = std::chrono::steady_clock::now();
    const int rc = rc_aaa(h.get(), nas_port, send.get(), accounting ? nullptr : &got,
                          accounting ? nullptr : msg, 0,
                          accounting ? PW_ACCOUNTING_REQUEST : PW_ACCESS_REQUEST);
    Pairs received(got);
    ans.rtt = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    ans.kind = kind_of(rc);
    ans.retransmissions = retransmissions(t, ans);
    const auto reply = convert(received.get());
    if (ans.kind == ServerAnswer::Kind::Accept && !accounting) ans.authz = interpret_reply(reply);
    ans.message = reply_message(reply);
    if (debugging()) trace(ans, reply, accounting, t);
    return ans;
  }

  // radcli resends exactly every interval and does not report how often: a reply after k
  // whole intervals followed k retransmissions.
  static uint32_t retransmissions(const ServerTarget& t, const ServerAnswer& a) {
    const Schedule s = schedule(t);
    if (a.kind == ServerAnswer::Kind::Timeout) return static_cast<uint32_t>(s.retries);
    const auto k = a.rtt.count() / (s.interval_seconds * 1000LL);
    return static_cast<uint32_t>(std::min<long long>(k, s.retries));
  }

  void trace(const ServerAnswer& a, const std::vector<ReplyAttribute>& reply, bool accounting,
             const ServerTarget& t) const {
    using K = ServerAnswer::Kind;
    if (a.kind == K::Accept || a.kind == K::Reject || a.kind == K::Challenge) {
      debug_.line("rad_vrfy() : response message verified");
      print(debug_reply(reply_code(a.kind, accounting), reply));
      debug_.line(fmt::format("rad_procpkt: {}", kind_word(a.kind)));
      if (a.kind == K::Accept)
        debug_.line(accounting ? "RADIUS_ACCOUNTING_RESPONSE: normal termination"
                               : "RADIUS_ACCESS_ACCEPT: normal termination");
    } else if (a.kind == K::BadAuthenticator) {
      debug_.line("rad_vrfy() : response message failed verification");
    } else {
      debug_.line(fmt::format("RADIUS_{}: no valid response from {}/{} ({} retransmissions)",
                              kind_word(a.kind), t.address.str(), t.port, a.retransmissions));
    }
    debug_.line("RADIUS_DELETE");
  }

  ServerAnswer fail(ServerAnswer::Kind k, std::string why) const {
    if (debugging()) debug_.line(fmt::format("RADIUS: {}", why));
    ServerAnswer a;
    a.kind = k;
    a.message = std::move(why);
    return a;
  }

  DebugSink debug_;
};

}  // namespace

Schedule schedule(const ServerTarget& t) {
  using std::chrono::milliseconds;
  const auto timeout = std::max<int64_t>(t.timeout.count(), 1000);
  const auto interval = std::clamp<int64_t>(t.retry_interval.count(), 1000, timeout);
  Schedule s;
  // radcli waits whole seconds per send.
  s.interval_seconds = static_cast<int>(interval / 1000);
  s.retries = static_cast<int>(timeout / (s.interval_seconds * 1000LL)) - 1;
  return s;
}

std::optional<std::vector<ReplyAttribute>> decode_attributes(std::span<const uint8_t> section) {
  // A reply is at most 4096 octets (RFC 2865 3), its attributes 4076 of them.
  if (section.size() > 4076 || !framed(section)) return std::nullopt;
  if (section.empty()) return std::vector<ReplyAttribute>{};
  // One read-only dictionary for every thread: rc_avpair_gen only reads the handle.
  static const Handle dict = [] {
    Handle h = new_handle();
    if (h && !load_dictionary(h.get())) h.reset();
    return h;
  }();
  if (!dict) return std::nullopt;
  Pairs pairs(
      rc_avpair_gen(dict.get(), nullptr, section.data(), static_cast<int>(section.size()), 0));
  return convert(pairs.get());
}

}  // namespace radius

std::unique_ptr<ProtocolClient> make_radius_client(DebugSink debug) {
  return std::make_unique<radius::RadiusClient>(std::move(debug));
}

}  // namespace rampart::aaa
