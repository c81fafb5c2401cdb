// Connections per second through a box: a TCP server that accepts and closes, and a client that
// keeps N connects in flight for S seconds and counts the handshakes that completed. For the
// firewall benchmark (tests/bench/firewall.sh), where every connection is a new conntrack entry
// and the first packet of each walks the whole ruleset.
//   conn_rate server PORT
//   conn_rate client ADDRESS PORT SECONDS [IN_FLIGHT]
// Prints "connections N seconds S rate R/s failed F". A benchmark: no figure is judged here.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

int serve(uint16_t port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(s, 4096) != 0) {
    std::perror("conn_rate server");
    return 1;
  }
  for (;;) {
    int c = accept(s, nullptr, nullptr);
    if (c < 0) continue;
    close(c);  // the client resets its end, so neither side keeps TIME_WAIT
  }
}

// One connect in flight on epoll; the socket is closed with RST once the handshake is done.
int start(int ep, const sockaddr_in& to) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (s < 0) return -1;
  linger l{1, 0};
  setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  if (connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
    close(s);
    return -1;
  }
  epoll_event ev{};
  ev.events = EPOLLOUT;
  ev.data.fd = s;
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  return s;
}

int client(const char* address, uint16_t port, double seconds, int in_flight) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  if (inet_pton(AF_INET, address, &to.sin_addr) != 1) return 2;
  int ep = epoll_create1(0);
  int open = 0;
  for (int i = 0; i < in_flight; ++i) open += start(ep, to) >= 0;
  uint64_t done = 0, failed = 0;
  auto t0 = Clock::now();
  auto end = t0 + std::chrono::duration<double>(seconds);
  epoll_event evs[256];
  while (Clock::now() < end) {
    int n = epoll_wait(ep, evs, 256, 100);
    for (int i = 0; i < n; ++i) {
      int s = evs[i].data.fd, err = 0;
      socklen_t len = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0)
        ++done;
      else
        ++failed;
      close(s);  // closing removes it from the epoll set
      if (start(ep, to) < 0) ++failed;
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("connections %llu seconds %.2f rate %.0f/s failed %llu in-flight %d\n",
              static_cast<unsigned long long>(done), secs, static_cast<double>(done) / secs,
              static_cast<unsigned long long>(failed), open);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "server")
    return serve(static_cast<uint16_t>(std::atoi(argv[2])));
  if ((argc == 5 || argc == 6) && std::string(argv[1]) == "client")
    return client(argv[2], static_cast<uint16_t>(std::atoi(argv[3])), std::atof(argv[4]),
                  argc == 6 ? std::atoi(argv[5]) : 64);
  std::fprintf(
      stderr, "usage: conn_rate server PORT | conn_rate client ADDRESS PORT SECONDS [IN_FLIGHT]\n");
  return 2;
}
