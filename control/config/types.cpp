#include "control/config/types.hpp"

#include <openssl/crypto.h>

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace rampart::config {

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  // Exactly four decimal octets 0-255, no leading '+', no empty parts.
  uint32_t value = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == start || pos - start > 3) return std::nullopt;
    unsigned octet = 0;
    std::from_chars(text.data() + start, text.data() + pos, octet);
    if (octet > 255) return std::nullopt;
    value = (value << 8) | octet;
  }
  if (pos != text.size()) return std::nullopt;
  return Ipv4{value};
}

std::string Ipv4::str() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff,
                     value & 0xff);
}

std::optional<Mask> Mask::parse(std::string_view text) {
  auto ip = Ipv4::parse(text);
  if (!ip) return std::nullopt;
  uint32_t inverted = ~ip->value;
  // Contiguous: the inverted mask is of the form 0...01...1, so adding one yields a power of 2.
  if ((inverted & (inverted + 1)) != 0) return std::nullopt;
  return Mask{ip->value};
}

Mask Mask::from_prefix(int len) {
  if (len <= 0) return Mask{0};
  if (len >= 32) return Mask{0xffffffffu};
  return Mask{~((uint32_t{1} << (32 - len)) - 1)};
}

int Mask::prefix_len() const {
  return __builtin_popcount(value);
}

Secret::~Secret() {
  if (!clear_.empty()) OPENSSL_cleanse(clear_.data(), clear_.size());
}

bool NaturalLess::operator()(const std::string& a, const std::string& b) const {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = std::isdigit(static_cast<unsigned char>(a[i]));
    bool db = std::isdigit(static_cast<unsigned char>(b[j]));
    if (da && db) {
      size_t ei = i, ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      unsigned long long na = 0, nb = 0;
      std::from_chars(a.data() + i, a.data() + ei, na);
      std::from_chars(b.data() + j, b.data() + ej, nb);
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
      continue;
    }
    char ca = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i])));
    char cb = static_cast<char>(std::tolower(static_cast<unsigned char>(b[j])));
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;  // a strict order for names equal but for case
}

}  // namespace rampart::config
