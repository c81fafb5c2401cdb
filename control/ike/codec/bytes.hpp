// Bounds-checked reading and writing of network-order fields. Every read names the payload and
// field it was for, so a malformed packet becomes a value-level error that says where.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::ike {

using Bytes = std::vector<uint8_t>;

struct DecodeError {
  std::string payload;  // "SA", "Proposal", "HDR", ...
  std::string field;    // "length", "SPI size", ...
  std::string what;     // "truncated", "too short", ...
  size_t offset = 0;    // into the message
  std::string text() const;
};

// Network-order 32-bit values outside a Reader/Writer: message ids, SPIs, lifetimes.
inline Bytes be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}
// 0 when fewer than four bytes are there.
inline uint32_t get_be32(const Bytes& b, size_t at = 0) {
  return b.size() < at + 4 ? 0
                           : (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) |
                                 (uint32_t{b[at + 2]} << 8) | b[at + 3];
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, size_t base = 0) : p_(data), n_(size), base_(base) {}
  explicit Reader(const Bytes& b, size_t base = 0) : Reader(b.data(), b.size(), base) {}

  rampart::expected<uint8_t, DecodeError> u8(std::string_view payload, std::string_view field);
  rampart::expected<uint16_t, DecodeError> u16(std::string_view payload, std::string_view field);
  rampart::expected<uint32_t, DecodeError> u32(std::string_view payload, std::string_view field);
  rampart::expected<Bytes, DecodeError> bytes(size_t count, std::string_view payload,
                                              std::string_view field);
  // A sub-reader over the next count bytes (a nested payload), consumed from this one.
  rampart::expected<Reader, DecodeError> sub(size_t count, std::string_view payload,
                                             std::string_view field);
  Bytes rest();
  bool done() const { return pos_ == n_; }
  size_t remaining() const { return n_ - pos_; }
  size_t offset() const { return base_ + pos_; }
  DecodeError error(std::string_view payload, std::string_view field, std::string_view what) const;

 private:
  const uint8_t* p_;
  size_t n_;
  size_t base_;
  size_t pos_ = 0;
};

class Writer {
 public:
  void u8(uint8_t v) { b_.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void bytes(const Bytes& v) { b_.insert(b_.end(), v.begin(), v.end()); }
  // Writes a 16-bit length placeholder and returns where, for patch_u16 once it is known.
  size_t placeholder16();
  size_t placeholder32();
  void patch_u16(size_t at, uint16_t v);
  void patch_u32(size_t at, uint32_t v);
  size_t size() const { return b_.size(); }
  const Bytes& data() const { return b_; }
  Bytes take() { return std::move(b_); }

 private:
  Bytes b_;
};

}  // namespace rampart::ike
