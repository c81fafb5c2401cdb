// One TACACS+ session on the wire for the client: its session_id, its seq_no, its connection
// (fresh, or an idle single-connection one from the pool) and its deadline. Socket I/O lives
// here; what the packets say lives in tacacs_client.cpp and tacacs_codec.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <tuple>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/aaa/tacacs_codec.hpp"

namespace rampart::aaa::tacacs {

// Idle connections the server agreed to keep (TAC_PLUS_SINGLE_CONNECT_FLAG), per server and
// source. A session takes one for itself and gives it back when it ends cleanly, so concurrent
// sessions never share a connection.
class ConnectionPool {
 public:
  explicit ConnectionPool(bool enabled) : enabled_(enabled) {}
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  bool enabled() const { return enabled_; }
  // An idle connection that the server has not closed meanwhile, or -1.
  int take(const ServerTarget& t);
  void put(const ServerTarget& t, int fd);

 private:
  using Key = std::tuple<uint32_t, uint16_t, uint32_t>;  // address, port, source
  static Key key(const ServerTarget& t);
  // A bound on idle descriptors per server: more concurrent sessions than this simply close.
  static constexpr size_t kMaxIdle = 4;
  bool enabled_;
  std::mutex mu_;
  std::map<Key, std::vector<int>> idle_;
};

class Session {
 public:
  Session(ConnectionPool& pool, const ServerTarget& t, Type type, const DebugSink& debug);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  uint32_t id() const { return id_; }
  std::chrono::milliseconds elapsed() const;
  // Sends one client packet (seq_no 1, 3, ...) and reads the server's reply to it: its body,
  // de-obfuscated, or the answer to give (Timeout, Error, Malformed) when there is none.
  rampart::expected<Bytes, ServerAnswer> round(const Bytes& body, uint8_t version,
                                               std::string_view what);
  // A reply body that did not decode: the connection is dropped (its framing is suspect).
  ServerAnswer refuse(const DecodeError& e);
  // RFC 8907 5.4.3: a CONTINUE with the abort flag ends the dialogue; no reply follows.
  void abort(uint8_t version, std::string_view why);
  // Ends the session: the connection goes back to the pool when the server agreed to single
  // connection mode and the exchange ended cleanly, and is closed otherwise.
  void finish(bool clean);

 private:
  enum class Io { Ok, Timeout, Closed, Failed };
  void say(std::string line) const;
  rampart::expected<void, ServerAnswer> connect_fresh();
  Io send_all(const Bytes& b);
  Io recv_exact(uint8_t* out, size_t n);
  int wait(short events);
  void close_fd();
  ServerAnswer io_failure(Io io, std::string_view doing) const;

  ConnectionPool& pool_;
  const ServerTarget& t_;
  Type type_;
  const DebugSink& debug_;
  uint32_t id_ = 0;
  uint8_t seq_ = 1;  // of our next packet
  std::chrono::steady_clock::time_point start_, deadline_;
  int fd_ = -1;
  bool reused_ = false;  // the connection came from the pool
  bool asked_single_ = false;
  bool single_ = false;  // the server set the flag in its first reply
  int err_ = 0;          // errno of the last failed call
};

}  // namespace rampart::aaa::tacacs
