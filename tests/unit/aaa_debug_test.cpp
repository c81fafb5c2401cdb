// "debug radius" and "debug tacacs": the commands, "show debug", the flag the AAA clients ask
// from their worker threads, and the real clients' lines reaching the session that debugs them
// without ever carrying the password or the shared key.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <thread>

#include "cli/aaa_debug_sink.hpp"
#include "control/aaa/aaa.hpp"
#include "control/aaa/tacacs_client.hpp"
#include "tests/unit/session_helpers.hpp"

namespace aaa_debug_test {

using namespace rampart;

namespace {

constexpr std::string_view kPassword = "Pw-s3cret-9";
constexpr std::string_view kKey = "K3y-shared-7";

// The sink rampartd gives the clients.
aaa::DebugSink sink_of(cli::Appliance& app, cli::DebugFacility f) {
  return cli::aaa_debug_sink(app, f);
}

// A loopback socket of the given type bound to an ephemeral port; returns {fd, port}.
std::pair<int, uint16_t> loopback_socket(int type) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  if (type == SOCK_STREAM) REQUIRE(::listen(fd, 4) == 0);
  return {fd, ntohs(a.sin_port)};
}

aaa::ServerTarget loopback_target(uint16_t port) {
  aaa::ServerTarget t;
  t.address = *config::Ipv4::parse("127.0.0.1");
  t.port = port;
  t.key = std::string(kKey);
  t.timeout = std::chrono::milliseconds(600);
  t.retry_interval = std::chrono::milliseconds(300);
  return t;
}

aaa::AuthRequest login_request() {
  aaa::AuthRequest r;
  r.group = "G";
  r.user = "alice";
  r.password = aaa::Password(std::string(kPassword));
  r.port_name = "console";
  return r;
}

std::string hex_of(std::string_view s, std::string_view sep) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{}{:02x}", out.empty() ? "" : sep, c);
  return out;
}

// No line shows the password or the key, in clear or as hex.
void check_no_secret(const std::vector<std::string>& lines) {
  for (const auto& l : lines) {
    INFO(l);
    for (std::string_view secret : {kPassword, kKey}) {
      CHECK(l.find(secret) == std::string::npos);
      for (std::string_view sep : {"", " "}) {
        std::string h = hex_of(secret.substr(0, 6), sep);
        CHECK(l.find(h) == std::string::npos);
        std::string upper = h;
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(ch));
        CHECK(l.find(upper) == std::string::npos);
      }
    }
  }
}

}  // namespace

TEST_CASE("debug radius and debug tacacs: keywords, no forms, show debug", "[aaa-debug]") {
  test::Console a;
  CHECK(a.s.help("debug radius ").find("Decode RADIUS messages") != std::string::npos);
  CHECK(a.s.help("undebug tacacs ").find("TACACS+ user debugging") != std::string::npos);
  CHECK(a.s.help("debug ").find("radius") != std::string::npos);
  CHECK(a.run("show debug").empty());
  CHECK(a.run("debug radius").empty());
  CHECK(a.run("show debug") == "debug radius enabled at level 1\n");
  a.run("no debug radius decode");
  CHECK(a.run("show debug") == "debug radius session enabled at level 1\n");
  a.run("debug radius user bob");
  CHECK(a.run("show debug") ==
        "debug radius session enabled at level 1\ndebug radius user bob enabled at level 1\n");
  a.run("undebug radius user");
  CHECK(a.run("show debug") == "debug radius session enabled at level 1\n");
  a.run("debug radius all");
  CHECK(a.run("show debug") == "debug radius enabled at level 1\n");
  a.run("debug tacacs user carol");
  CHECK(a.run("show debug") ==
        "debug radius enabled at level 1\ndebug tacacs user carol enabled at level 1\n");
  a.run("debug tacacs user dave");  // one user at a time: the new name replaces the last
  CHECK(a.run("show debug") ==
        "debug radius enabled at level 1\ndebug tacacs user dave enabled at level 1\n");
  a.run("no debug tacacs user dave");
  a.run("debug tacacs session");
  CHECK(a.run("show debug") ==
        "debug radius enabled at level 1\ndebug tacacs session enabled at level 1\n");
  a.run("debug tacacs");
  CHECK(a.run("show debug") ==
        "debug radius enabled at level 1\ndebug tacacs enabled at level 1\n");
  a.run("debug crypto isakmp 3");
  CHECK(a.run("show debug") ==
        "debug crypto ikev1 enabled at level 3\ndebug radius enabled at level 1\n"
        "debug tacacs enabled at level 1\n");
  a.run("no debug tacacs");
  a.run("undebug radius");
  CHECK(a.run("show debug") == "debug crypto ikev1 enabled at level 3\n");
  a.run("debug tacacs\ndebug radius decode");
  a.run("undebug all");
  CHECK(a.run("show debug").empty());
}

TEST_CASE("debug radius|tacacs: bad input gets the ASA's words and is counted", "[aaa-debug]") {
  test::Console a;
  auto before = a.app.counters().invalid_input;
  CHECK(a.run("debug tacacs decode").find("ERROR: % Invalid input detected at '^' marker.") !=
        std::string::npos);
  CHECK(a.run("debug radius session 5").find("ERROR: % Invalid input detected at '^' marker.") !=
        std::string::npos);
  // "user" without its NAME is incomplete; tacacs has no "all".
  CHECK(a.run("debug radius user").find("ERROR: % Incomplete command") != std::string::npos);
  CHECK(a.run("debug tacacs all").find("ERROR: % Invalid input detected at '^' marker.") !=
        std::string::npos);
  CHECK(a.app.counters().invalid_input == before + 3);
  CHECK(a.run("show debug").empty());
  // User EXEC has no debug commands, as on the ASA.
  cli::Session user(a.app, false);
  CHECK(user.execute("debug radius").output.find("ERROR: %") != std::string::npos);
  CHECK_FALSE(a.app.debugging(cli::DebugFacility::Radius));
}

TEST_CASE("the clients' flag follows every session's debugs; lines go to those sessions only",
          "[aaa-debug]") {
  test::Console a;
  auto b = std::make_unique<cli::Session>(a.app, true);
  using F = cli::DebugFacility;
  CHECK_FALSE(a.app.debugging(F::Radius));
  CHECK_FALSE(a.app.debugging(F::Tacacs));
  b->execute("debug tacacs session");
  CHECK(a.app.debugging(F::Tacacs));
  CHECK_FALSE(a.app.debugging(F::Radius));
  a.run("debug radius user alice");
  CHECK(a.app.debugging(F::Radius));

  // Posted from other threads (the clients' workers), delivered by the loop, which the first
  // line on an empty queue wakes.
  std::atomic<int> wakes{0};
  a.app.set_debug_wakeup([&] { ++wakes; });
  std::thread t1([&] { a.app.post_debug(F::Radius, "radius line"); });
  std::thread t2([&] { a.app.post_debug(F::Tacacs, "tacacs line"); });
  t1.join();
  t2.join();
  CHECK(a.s.pending_async.empty());  // nothing reaches a session before the loop delivers
  a.app.deliver_posted_debug();
  CHECK(a.s.pending_async == std::vector<std::string>{"radius line"});
  CHECK(b->pending_async == std::vector<std::string>{"tacacs line"});
  CHECK(wakes == 1);
  a.app.post_debug(F::Radius, "next");
  CHECK(wakes == 2);
  a.app.deliver_posted_debug();
  a.app.set_debug_wakeup(nullptr);
  a.s.pending_async.clear();

  // A session that ends takes its debugs with it.
  b.reset();
  CHECK_FALSE(a.app.debugging(F::Tacacs));
  a.run("no debug radius user alice");
  CHECK_FALSE(a.app.debugging(F::Radius));

  // The queue is bounded: a flood is dropped past the limit, not kept.
  a.run("debug radius");
  a.s.pending_async.clear();
  for (size_t i = 0; i < cli::Appliance::kMaxPostedDebug + 10; ++i)
    a.app.post_debug(F::Radius, "x");
  a.app.deliver_posted_debug();
  CHECK(a.s.pending_async.size() == cli::Appliance::kMaxPostedDebug);
  CHECK(a.app.debug_lines_dropped() == 10);
  CHECK(a.run("show counters protocol DEBUG").find("LINES_DROPPED") != std::string::npos);
}

TEST_CASE("a RADIUS exchange's debug lines reach the session and carry no secret", "[aaa-debug]") {
  test::Console a;
  auto client = aaa::make_radius_client(sink_of(a.app, cli::DebugFacility::Radius));
  auto [fd, port] = loopback_socket(SOCK_DGRAM);
  // The "server" answers every request with a reply whose authenticator is wrong.
  std::thread server([fd = fd] {
    uint8_t buf[4096];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 20) return;
    uint8_t reply[20] = {2, buf[1], 0, 20};  // Access-Accept, same id, zero authenticator
    ::sendto(fd, reply, sizeof reply, 0, reinterpret_cast<sockaddr*>(&from), len);
  });

  a.s.pending_async.clear();
  a.run("debug radius");
  auto answer = client->authenticate(loopback_target(port), login_request());
  server.join();
  ::close(fd);
  CHECK(answer.kind != aaa::ServerAnswer::Kind::Accept);
  a.app.deliver_posted_debug();
  const auto& lines = a.s.pending_async;
  REQUIRE_FALSE(lines.empty());
  bool sent = false;
  for (const auto& l : lines) sent = sent || l.starts_with("send pkt 127.0.0.1/");
  CHECK(sent);
  check_no_secret(lines);
}

TEST_CASE("no debug radius: the client builds no line", "[aaa-debug]") {
  test::Console a;
  std::atomic<int> asked{0}, built{0};
  aaa::DebugSink sink{[&] {
                        ++asked;
                        return a.app.debugging(cli::DebugFacility::Radius);
                      },
                      [&](std::string) { ++built; }};
  auto client = aaa::make_radius_client(sink);
  auto [fd, port] = loopback_socket(SOCK_DGRAM);
  auto t = loopback_target(port);
  t.timeout = std::chrono::milliseconds(200);
  t.retry_interval = std::chrono::milliseconds(200);
  client->authenticate(t, login_request());  // nobody answers: a timeout
  ::close(fd);
  CHECK(asked > 0);
  CHECK(built == 0);
}

TEST_CASE("a TACACS+ exchange's debug lines reach the session and carry no secret", "[aaa-debug]") {
  test::Console a;
  a.run("debug tacacs");
  // PAP puts the password in the START, the packet most at risk of being shown.
  auto client = aaa::make_tacacs_client(sink_of(a.app, cli::DebugFacility::Tacacs),
                                        {aaa::tacacs::AuthenType::Pap, false});
  auto [fd, port] = loopback_socket(SOCK_STREAM);
  // The "server" reads the START and hangs up.
  std::thread server([fd = fd] {
    int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) return;
    uint8_t buf[4096];
    (void)::read(c, buf, sizeof buf);
    ::close(c);
  });
  auto answer = client->authenticate(loopback_target(port), login_request());
  server.join();
  ::close(fd);
  CHECK(answer.kind != aaa::ServerAnswer::Kind::Accept);
  a.app.deliver_posted_debug();
  const auto& lines = a.s.pending_async;
  REQUIRE_FALSE(lines.empty());
  bool user_shown = false;
  for (const auto& l : lines) user_shown = user_shown || l.find("alice") != std::string::npos;
  CHECK(user_shown);
  check_no_secret(lines);
}

namespace {

// One RADIUS authentication for `user` against a loopback "server" that answers with a wrong
// authenticator: the client's lines of both kinds (the request decoded, the exchange).
void radius_exchange(cli::Appliance& app, const std::string& user) {
  auto client = aaa::make_radius_client(sink_of(app, cli::DebugFacility::Radius));
  auto [fd, port] = loopback_socket(SOCK_DGRAM);
  std::thread server([fd = fd] {
    uint8_t buf[4096];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 20) return;
    uint8_t reply[20] = {2, buf[1], 0, 20};
    ::sendto(fd, reply, sizeof reply, 0, reinterpret_cast<sockaddr*>(&from), len);
  });
  auto r = login_request();
  r.user = user;
  auto t = loopback_target(port);
  t.timeout = std::chrono::milliseconds(300);
  client->authenticate(t, r);
  server.join();
  ::close(fd);
  app.deliver_posted_debug();
}

bool has(const std::vector<std::string>& lines, std::string_view start) {
  return std::any_of(lines.begin(), lines.end(),
                     [start](const std::string& l) { return l.starts_with(start); });
}

}  // namespace

TEST_CASE("debug radius decode|session|user NAME: each session sees what its keywords name",
          "[aaa-debug]") {
  test::Console all;
  cli::Session decode(all.app, true), session(all.app, true), bob(all.app, true),
      none(all.app, true);
  all.run("debug radius");
  decode.execute("debug radius decode");
  session.execute("debug radius session");
  bob.execute("debug radius user bob");
  none.execute("debug tacacs");  // another protocol: no RADIUS line
  std::vector<cli::Session*> sessions{&all.s, &decode, &session, &bob, &none};
  for (auto* s : sessions) s->pending_async.clear();

  constexpr std::string_view kDecode = "RADIUS packet decode (authentication request)";
  constexpr std::string_view kSend = "send pkt 127.0.0.1/";
  radius_exchange(all.app, "alice");
  CHECK(has(all.s.pending_async, kDecode));
  CHECK(has(all.s.pending_async, kSend));
  CHECK(has(decode.pending_async, kDecode));
  CHECK_FALSE(has(decode.pending_async, kSend));
  CHECK(has(session.pending_async, kSend));
  CHECK_FALSE(has(session.pending_async, kDecode));
  CHECK(bob.pending_async.empty());  // alice's exchange
  CHECK(none.pending_async.empty());
  for (auto* s : sessions) s->pending_async.clear();

  radius_exchange(all.app, "bob");
  CHECK(has(bob.pending_async, kDecode));  // every kind of bob's lines
  CHECK(has(bob.pending_async, kSend));
  CHECK(bob.pending_async == all.s.pending_async);
  CHECK_FALSE(has(decode.pending_async, kSend));
  CHECK(none.pending_async.empty());
  check_no_secret(bob.pending_async);
  for (auto* s : sessions) s->pending_async.clear();

  // Names compare exactly; a session that stops debugging bob sees none of his lines.
  radius_exchange(all.app, "Bob");
  CHECK(bob.pending_async.empty());
  bob.execute("undebug radius user bob");
  radius_exchange(all.app, "bob");
  CHECK(bob.pending_async.empty());
  CHECK_FALSE(all.s.pending_async.empty());
}

TEST_CASE("debug tacacs user NAME shows that user's exchanges only", "[aaa-debug]") {
  test::Console a;
  cli::Session carol(a.app, true);
  a.run("debug tacacs session");
  carol.execute("debug tacacs user carol");
  auto client = aaa::make_tacacs_client(sink_of(a.app, cli::DebugFacility::Tacacs),
                                        {aaa::tacacs::AuthenType::Pap, false});
  auto one = [&](const std::string& user) {
    auto [fd, port] = loopback_socket(SOCK_STREAM);
    std::thread server([fd = fd] {
      int c = ::accept(fd, nullptr, nullptr);
      if (c < 0) return;
      uint8_t buf[4096];
      (void)::read(c, buf, sizeof buf);
      ::close(c);
    });
    auto r = login_request();
    r.user = user;
    client->authenticate(loopback_target(port), r);
    server.join();
    ::close(fd);
    a.app.deliver_posted_debug();
  };
  a.s.pending_async.clear();
  carol.pending_async.clear();
  one("alice");
  CHECK_FALSE(a.s.pending_async.empty());
  CHECK(carol.pending_async.empty());
  a.s.pending_async.clear();
  one("carol");
  CHECK_FALSE(carol.pending_async.empty());
  CHECK(carol.pending_async == a.s.pending_async);
}

TEST_CASE("aaa_debug_shows: the keywords' rule", "[aaa-debug]") {
  using cli::aaa_debug_shows;
  constexpr unsigned D = cli::kDebugAaaDecode, S = cli::kDebugAaaSession, U = cli::kDebugAaaUser,
                     A = cli::kDebugAaaAll;
  CHECK_FALSE(aaa_debug_shows(0, "", S, "alice"));
  CHECK(aaa_debug_shows(A, "", D, "alice"));
  CHECK(aaa_debug_shows(D, "", D, ""));
  CHECK_FALSE(aaa_debug_shows(D, "", S, "alice"));
  CHECK(aaa_debug_shows(U, "alice", S, "alice"));
  CHECK_FALSE(aaa_debug_shows(U, "alice", S, "alicex"));
  CHECK_FALSE(aaa_debug_shows(U, "alice", D, ""));  // a line of no user (a server's own)
  CHECK(aaa_debug_shows(U, "alice", 0, ""));        // untagged lines reach every debugger
}
}  // namespace aaa_debug_test
