#include "control/aaa/radius_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <poll.h>
#include <radcli/radcli.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "control/aaa/radius_mschap.hpp"
#include "control/aaa/radius_packet.hpp"

namespace rampart::aaa {
namespace radius {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kDictionary = "/etc/radcli/dictionary";

// ---- radcli: the dictionary and the attribute decoder ----------------------------------------

struct HandleDeleter {
  void operator()(rc_handle* h) const { rc_destroy(h); }
};
using Handle = std::unique_ptr<rc_handle, HandleDeleter>;
struct PairsDeleter {
  void operator()(VALUE_PAIR* vp) const { rc_avpair_free(vp); }
};
using Pairs = std::unique_ptr<VALUE_PAIR, PairsDeleter>;

// One handle for every thread, built once (thread-safe static initialisation) and then only
// read: rc_avpair_gen and rc_dict_getattr take it const.
const rc_handle* dictionary() {
  static const Handle h = [] {
    Handle made(rc_new());
    if (made && (!rc_config_init(made.get()))) return Handle(made.release(), {});
    if (made && (rc_read_dictionary(made.get(), kDictionary) != 0 ||
                 rc_read_dictionary_from_buffer(made.get(), kCiscoDictionary.data(),
                                                kCiscoDictionary.size()) != 0))
      made.reset();
    return made;
  }();
  return h.get();
}

std::vector<ReplyAttribute> convert(const VALUE_PAIR* vp) {
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

// ---- the exchange -------------------------------------------------------------------------

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in sockaddr_of(config::Ipv4 a, uint16_t port) {
  sockaddr_in s{};
  s.sin_family = AF_INET;
  s.sin_addr.s_addr = htonl(a.value);
  s.sin_port = htons(port);
  return s;
}

// ICMP errors on a connected UDP socket: the server is not there (yet). An ICMP message is
// easily forged, so it never ends the exchange; the timeout does.
bool transient(int e) {
  return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == EINTR || e == EAGAIN;
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

ServerAnswer::Kind kind_of_code(uint8_t code) {
  switch (code) {
    case kAccessReject:
      return ServerAnswer::Kind::Reject;
    case kAccessChallenge:
      return ServerAnswer::Kind::Challenge;
    default:
      return ServerAnswer::Kind::Accept;  // Access-Accept, Accounting-Response
  }
}

class RadiusClient final : public ProtocolClient {
 public:
  RadiusClient(DebugSink debug, ClientOptions o) : debug_(std::move(debug)), options_(o) {}

  ServerAnswer authenticate(const ServerTarget& t, const AuthRequest& r) override {
    DebugUserScope who(r.user);
    if (r.mschapv2 || !r.new_password.empty()) return mschap_access(t, r);
    return access(t, r, r.password.reveal());
  }
  // RADIUS has no authorization-only request: the ASA sends an Access-Request whose password
  // is the username and reads the Access-Accept's attributes.
  ServerAnswer authorize(const ServerTarget& t, const AuthRequest& r) override {
    DebugUserScope who(r.user);
    return access(t, r, r.user);
  }
  ServerAnswer account(const ServerTarget& t, const AccountingRecord& r) override {
    DebugUserScope who(r.user);
    if (!status_type(r.kind)) return fail("command accounting is TACACS+ only");
    if (t.key.empty()) return fail("no key configured");
    const auto attrs = accounting_request(r, t);
    Bytes packet = accounting_request_packet(random_id(), attrs, t.key);
    if (debugging()) print(debug_request("accounting request", Header::of(packet), attrs, 0));
    return exchange(t, packet);
  }

 private:
  bool debugging() const { return debug_.on && debug_.line && debug_.on(); }
  // Packet contents: "debug radius decode".
  void print(const std::vector<std::string>& lines) const {
    for (const auto& l : lines) debug_.packet(l);
  }

  static uint8_t random_id() {
    uint8_t id = 0;
    RAND_bytes(&id, 1);
    return id;
  }

  ServerAnswer access(const ServerTarget& t, const AuthRequest& r, const std::string& pw) {
    if (t.key.empty()) return fail("no key configured");
    Authenticator ra{};
    if (RAND_bytes(ra.data(), static_cast<int>(ra.size())) != 1) return fail("no random bytes");
    const auto attrs = access_request(r, t);
    Bytes packet = access_request_packet(random_id(), ra, attrs, pw, t.key);
    if (debugging()) {
      print(debug_request("authentication request", Header::of(packet), attrs, pw.size()));
      print(debug_raw(packet));
    }
    ServerAnswer a = exchange(t, packet);
    OPENSSL_cleanse(packet.data(), packet.size());  // the hidden password
    return a;
  }

  // password-management: MS-CHAPv2 (RFC 2548), a login or a password change. Never PAP in its
  // place: a server that cannot do MS-CHAPv2 rejects, and the user is told so.
  ServerAnswer mschap_access(const ServerTarget& t, const AuthRequest& r) {
    if (t.key.empty()) return fail("no key configured");
    if (!mschap::available()) return fail("MS-CHAPv2: no MD4/DES/RC4 (OpenSSL legacy provider)");
    Authenticator ra{};
    if (RAND_bytes(ra.data(), static_cast<int>(ra.size())) != 1) return fail("no random bytes");
    MschapExchange ex;
    auto credential = mschap_attributes(r, ex);
    if (!credential) {
      // RFC 2759 8.10: at most 256 characters. The user's doing, not the server's: a refusal,
      // never an Error (which would count the server as failing, for anyone to provoke).
      if (debugging()) debug_.line("RADIUS: MS-CHAPv2 password longer than 256 characters");
      ServerAnswer a;
      a.kind = ServerAnswer::Kind::Reject;
      a.message = "password too long";
      return a;
    }
    auto attrs = access_request(r, t);
    attrs.insert(attrs.end(), credential->begin(), credential->end());
    for (auto& a : *credential) OPENSSL_cleanse(a.text.data(), a.text.size());
    Bytes packet = access_request_packet(random_id(), ra, attrs, std::nullopt, t.key);
    if (debugging()) {
      print(debug_request("authentication request", Header::of(packet), attrs, 0));
      print(debug_raw(packet));
    }
    for (auto& a : attrs) OPENSSL_cleanse(a.text.data(), a.text.size());
    ServerAnswer a = exchange(t, packet, &ex, &r);
    OPENSSL_cleanse(packet.data(), packet.size());
    return a;
  }

  // Sends, resends every interval, and takes the first reply that passes check_reply().
  ServerAnswer exchange(const ServerTarget& t, const Bytes& packet,
                        const MschapExchange* ex = nullptr, const AuthRequest* r = nullptr) {
    Socket s;
    if (s.fd() < 0) return fail(fmt::format("socket: {}", std::strerror(errno)));
    if (t.source) {
      const sockaddr_in src = sockaddr_of(*t.source, 0);
      if (::bind(s.fd(), reinterpret_cast<const sockaddr*>(&src), sizeof src) != 0)
        return fail(fmt::format("bind {}: {}", t.source->str(), std::strerror(errno)));
    }
    const sockaddr_in dst = sockaddr_of(t.address, t.port);
    if (::connect(s.fd(), reinterpret_cast<const sockaddr*>(&dst), sizeof dst) != 0)
      return fail(fmt::format("connect {}: {}", t.address.str(), std::strerror(errno)));

    const Schedule plan = schedule(t);
    const auto start = Clock::now();
    const auto deadline = start + std::max(t.timeout, milliseconds(1));
    ServerAnswer ans;
    bool bad_auth = false, malformed = false;
    Clock::time_point sent{};
    for (int n = 0; n < plan.sends && Clock::now() < deadline; ++n) {
      if (!send_once(s.fd(), packet))
        return fail(fmt::format("send to {}: {}", t.address.str(), std::strerror(errno)));
      sent = Clock::now();
      ans.retransmissions = static_cast<uint32_t>(n);
      if (debugging()) debug_.line(fmt::format("send pkt {}/{}", t.address.str(), t.port));
      const auto until = n + 1 == plan.sends ? deadline : std::min(deadline, sent + plan.interval);
      while (Clock::now() < until) {
        auto got = receive(s.fd(), until);
        if (!got) continue;
        const ReplyCheck c =
            check_reply(*got, packet, t.key, options_.require_message_authenticator);
        if (c == ReplyCheck::Ok) {
          ans.rtt = std::chrono::duration_cast<milliseconds>(Clock::now() - sent);
          return accepted(ans, *got, ex, r);
        }
        if (c == ReplyCheck::WrongId) continue;
        (c == ReplyCheck::Malformed ? malformed : bad_auth) = true;
        if (debugging())
          debug_.line(fmt::format("rad_vrfy() : response message failed verification ({})",
                                  c == ReplyCheck::Malformed ? "malformed"
                                  : c == ReplyCheck::BadAuthenticator
                                      ? "bad authenticator"
                                      : "bad Message-Authenticator"));
      }
    }
    using K = ServerAnswer::Kind;
    ans.kind = bad_auth ? K::BadAuthenticator : malformed ? K::Malformed : K::Timeout;
    ans.rtt = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (debugging())
      debug_.line(fmt::format("RADIUS_{}: no valid response from {}/{} ({} retransmissions)",
                              kind_word(ans.kind), t.address.str(), t.port, ans.retransmissions));
    return ans;
  }

  // A failed send may report an earlier datagram's ICMP error (pending on the socket, and
  // cleared by reporting it): one more try tells that from a local failure such as no route.
  static bool send_once(int fd, const Bytes& packet) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (::send(fd, packet.data(), packet.size(), 0) >= 0) return true;
      if (!transient(errno)) return false;
    }
    return false;
  }

  // One datagram, or nothing before `until`.
  static std::optional<Bytes> receive(int fd, Clock::time_point until) {
    const auto left = std::chrono::ceil<milliseconds>(until - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) return std::nullopt;
    Bytes buf(kMaxPacket + 1);
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) return std::nullopt;  // ICMP errors included: see transient()
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  ServerAnswer accepted(ServerAnswer ans, const Bytes& reply, const MschapExchange* ex,
                        const AuthRequest* r) const {
    ans.kind = kind_of_code(reply[0]);
    auto decoded = decode_attributes(reply_attributes(reply));
    if (!decoded) {
      // RFC 2865 5: an attribute of an invalid length; the reply is discarded.
      ans.kind = ServerAnswer::Kind::Malformed;
      if (debugging()) debug_.line("rad_vrfy() : response message failed verification (malformed)");
      return ans;
    }
    const auto& attrs = *decoded;
    if (ans.kind == ServerAnswer::Kind::Accept && reply[0] == kAccessAccept)
      ans.authz = interpret_reply(attrs);
    ans.message = reply_message(attrs);
    if (ex && r && reply[0] != kAccountingResponse) mschap_verdict(ans, reply[0], attrs, *ex, *r);
    if (debugging()) {
      debug_.line("rad_vrfy() : response message verified");
      print(debug_reply(Header::of(reply), attrs));
      debug_.line(fmt::format("rad_procpkt: {}", kind_word(ans.kind)));
      if (ans.kind == ServerAnswer::Kind::Accept && reply[0] == kAccessAccept)
        debug_.line("RADIUS_ACCESS_ACCEPT: normal termination");
      if (reply[0] == kAccountingResponse)
        debug_.line("RADIUS_ACCOUNTING_RESPONSE: normal termination");
      debug_.line("RADIUS_DELETE");
    }
    return ans;
  }

  // An MS-CHAPv2 answer's meaning: a refused Accept is no Accept, an expired password is said.
  void mschap_verdict(ServerAnswer& ans, uint8_t code, const std::vector<ReplyAttribute>& attrs,
                      const MschapExchange& ex, const AuthRequest& r) const {
    const MschapVerdict v = read_mschap_reply(code, attrs, ex, r);
    ans.kind = v.kind;
    if (v.kind != ServerAnswer::Kind::Accept) ans.authz = {};
    if (!v.message.empty()) ans.message = v.message;
    if (!debugging()) return;
    if (!v.why.empty())
      debug_.line(fmt::format("rad_procpkt: MS-CHAPv2 reply refused ({})", v.why));
    if (v.error) debug_.line(fmt::format("rad_procpkt: MS-CHAP error {}", *v.error));
  }

  ServerAnswer fail(std::string why) const {
    if (debugging()) debug_.line(fmt::format("RADIUS: {}", why));
    ServerAnswer a;
    a.kind = ServerAnswer::Kind::Error;
    a.message = std::move(why);
    return a;
  }

  DebugSink debug_;
  ClientOptions options_;
};

// RFC 2865 5: the framing rc_send_server checks before it decodes (type 0 and short lengths
// refused), and the lengths radcli does not check well enough: a VSA's sub-attributes, and
// integer/address/date values of other than 4 octets, which rc_avpair_gen returns as 0.
// rc_avpair_gen recurses once per attribute (about 600 octets of stack each): a bound keeps a
// reply of 2-octet attributes from taking a worker's stack.
constexpr size_t kMaxAttributes = 1024;

bool well_formed(const rc_handle* dict, std::span<const uint8_t> s, uint32_t vendor,
                 size_t& count) {
  for (size_t i = 0; i < s.size();) {
    if (++count > kMaxAttributes) return false;
    if (i + 2 > s.size() || (vendor == 0 && s[i] == 0) || s[i + 1] < 2 || i + s[i + 1] > s.size())
      return false;
    const auto value = s.subspan(i + 2, s[i + 1] - 2u);
    if (vendor == 0 && s[i] == kVendorSpecific) {
      if (value.size() < 4) return false;
      const uint32_t v =
          uint32_t{value[0]} << 24 | uint32_t{value[1]} << 16 | uint32_t{value[2]} << 8 | value[3];
      // radcli skips the VSAs of vendors it does not know, whatever their inner format.
      const bool known = v != 0 && v <= 0xffff && rc_dict_getvend(dict, static_cast<int>(v));
      if (known && !well_formed(dict, value.subspan(4), v, count)) return false;
    } else if (const DICT_ATTR* d =
                   rc_dict_getattr(dict, static_cast<int>(s[i] | (vendor & 0xffff) << 16))) {
      const bool four =
          d->type == PW_TYPE_INTEGER || d->type == PW_TYPE_IPADDR || d->type == PW_TYPE_DATE;
      if (four && value.size() != 4) return false;
    }
    i += s[i + 1];
  }
  return true;
}

}  // namespace

Schedule schedule(const ServerTarget& t) {
  const auto timeout = std::max(t.timeout, milliseconds(1));
  Schedule s;
  s.interval = std::clamp(t.retry_interval, milliseconds(1), timeout);
  s.sends = static_cast<int>(std::max<int64_t>(1, timeout / s.interval));
  return s;
}

std::optional<std::vector<ReplyAttribute>> decode_attributes(std::span<const uint8_t> section) {
  if (section.size() > kMaxPacket - kHeaderLen) return std::nullopt;
  if (section.empty()) return std::vector<ReplyAttribute>{};
  const rc_handle* dict = dictionary();
  size_t count = 0;
  if (!dict || !well_formed(dict, section, 0, count)) return std::nullopt;
  Pairs pairs(rc_avpair_gen(dict, nullptr, section.data(), static_cast<int>(section.size()), 0));
  return convert(pairs.get());
}

std::unique_ptr<ProtocolClient> make_client(DebugSink debug, ClientOptions options) {
  return std::make_unique<RadiusClient>(std::move(debug), options);
}

}  // namespace radius

std::unique_ptr<ProtocolClient> make_radius_client(DebugSink debug) {
  return radius::make_client(std::move(debug), {});
}

}  // namespace rampart::aaa
