// The shell <-> daemon protocol over the control socket: length-prefixed frames.
// Frame = 1 byte type, 4 bytes big-endian payload length, payload. The shell holds no grammar:
// it sends what the user typed and prints what comes back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::protocol {

enum class Type : uint8_t {
  // shell -> daemon
  Hello = 1,         // payload: "interactive=0|1 login=0|1" (login: a console that asks for a user
                     // when "aaa authentication serial console LOCAL" is configured)
  Line = 2,          // a line as typed
  Help = 3,          // the text before '?'
  Complete = 4,      // the text before TAB
  Authenticate = 5,  // "user\0password": an SSH login checked for sshd's PAM (root only)
  // daemon -> shell
  Output = 10,       // payload: 4-byte pager lines (big-endian, signed), then text
  Prompt = 11,       // payload: 1 byte secret-input flag, then the prompt text
  Completions = 12,  // payload: candidates separated by '\n'
  Close = 13,
  Async = 14,       // unsolicited text (terminal monitor)
  AuthResult = 15,  // "1" when Authenticate succeeded, else "0"
};

// Larger frames are a protocol error: the connection is closed.
constexpr size_t kMaxPayload = 1 << 20;

struct Frame {
  Type type;
  std::string payload;
};

std::string encode(Type type, std::string_view payload);

// Accumulates bytes and yields whole frames.
class Decoder {
 public:
  void feed(std::string_view bytes) { buf_.append(bytes); }
  // Bytes received and not yet taken as frames: a reader stops reading above a bound of its
  // own, so a peer that sends faster than it is served costs at most that much memory.
  size_t buffered() const { return buf_.size(); }
  // A frame, std::nullopt-like empty optional when more bytes are needed, or an error text.
  rampart::expected<std::optional<Frame>, std::string> next();

 private:
  std::string buf_;
};

// Output and Prompt payload helpers.
std::string output_payload(int pager_lines, std::string_view text);
bool parse_output(std::string_view payload, int& pager_lines, std::string& text);
// A command's output as Output payloads of at most kMaxPayload each, cut after a newline where
// the piece has one: a view of any size reaches the client (`show crypto isakmp sa` at 10,000
// SAs is megabytes), each piece a frame the client accepts. One payload for a short text.
std::vector<std::string> output_payloads(int pager_lines, std::string_view text);
std::string prompt_payload(bool secret, std::string_view text);

}  // namespace rampart::protocol
