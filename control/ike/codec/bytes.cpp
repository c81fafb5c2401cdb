#include "control/ike/codec/bytes.hpp"

#include <fmt/format.h>

namespace rampart::ike {

std::string DecodeError::text() const {
  return fmt::format("{} payload: {} {} (offset {})", payload, field, what, offset);
}

DecodeError Reader::error(std::string_view payload, std::string_view field,
                          std::string_view what) const {
  return {std::string(payload), std::string(field), std::string(what), offset()};
}

rampart::expected<uint8_t, DecodeError> Reader::u8(std::string_view payload,
                                                   std::string_view field) {
  if (remaining() < 1) return rampart::unexpected(error(payload, field, "truncated"));
  return p_[pos_++];
}

rampart::expected<uint16_t, DecodeError> Reader::u16(std::string_view payload,
                                                     std::string_view field) {
  if (remaining() < 2) return rampart::unexpected(error(payload, field, "truncated"));
  uint16_t v = static_cast<uint16_t>((p_[pos_] << 8) | p_[pos_ + 1]);
  pos_ += 2;
  return v;
}

rampart::expected<uint32_t, DecodeError> Reader::u32(std::string_view payload,
                                                     std::string_view field) {
  if (remaining() < 4) return rampart::unexpected(error(payload, field, "truncated"));
  uint32_t v = (uint32_t{p_[pos_]} << 24) | (uint32_t{p_[pos_ + 1]} << 16) |
               (uint32_t{p_[pos_ + 2]} << 8) | uint32_t{p_[pos_ + 3]};
  pos_ += 4;
  return v;
}

rampart::expected<Bytes, DecodeError> Reader::bytes(size_t count, std::string_view payload,
                                                    std::string_view field) {
  if (remaining() < count) return rampart::unexpected(error(payload, field, "truncated"));
  Bytes b(p_ + pos_, p_ + pos_ + count);
  pos_ += count;
  return b;
}

rampart::expected<Reader, DecodeError> Reader::sub(size_t count, std::string_view payload,
                                                   std::string_view field) {
  if (remaining() < count)
    return rampart::unexpected(error(payload, field, "exceeds the enclosing data"));
  Reader r(p_ + pos_, count, offset());
  pos_ += count;
  return r;
}

Bytes Reader::rest() {
  Bytes b(p_ + pos_, p_ + n_);
  pos_ = n_;
  return b;
}

void Writer::u16(uint16_t v) {
  b_.push_back(static_cast<uint8_t>(v >> 8));
  b_.push_back(static_cast<uint8_t>(v));
}

void Writer::u32(uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b_.push_back(static_cast<uint8_t>(v >> s));
}

size_t Writer::placeholder16() {
  size_t at = b_.size();
  u16(0);
  return at;
}

size_t Writer::placeholder32() {
  size_t at = b_.size();
  u32(0);
  return at;
}

void Writer::patch_u16(size_t at, uint16_t v) {
  b_[at] = static_cast<uint8_t>(v >> 8);
  b_[at + 1] = static_cast<uint8_t>(v);
}

void Writer::patch_u32(size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b_[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

}  // namespace rampart::ike
