// A control-socket client's unsent output: appended at the back, sent from the front. What has
// been sent is skipped by an offset and cut off only once it is more than half of the buffer,
// so a 20 MB view leaving a socket buffer at a time is not moved forward once per send (each
// byte is moved at most once, where erasing the sent part each time moved the rest every time).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rampart::firmware {

class OutputQueue {
 public:
  void append(std::string_view bytes) { buf_.append(bytes); }
  std::string_view unsent() const { return std::string_view(buf_).substr(sent_); }
  size_t size() const { return buf_.size() - sent_; }
  bool empty() const { return sent_ == buf_.size(); }
  // n bytes of unsent() have gone.
  void consumed(size_t n) {
    sent_ += n;
    if (sent_ == buf_.size()) {
      buf_.clear();
      sent_ = 0;
    } else if (sent_ > buf_.size() / 2) {
      buf_.erase(0, sent_);
      sent_ = 0;
    }
  }

 private:
  std::string buf_;
  size_t sent_ = 0;  // bytes at the front of buf_ already sent
};

}  // namespace rampart::firmware
