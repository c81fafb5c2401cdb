// rampart::expected: std::expected where the standard library provides it (g++ 12, C++23),
// and a minimal equivalent where it does not: clang 14 with libstdc++ 12 hides std::expected
// behind a concepts level it lacks, and the libFuzzer builds need clang.
#pragma once

#include <version>

#if defined(__cpp_lib_expected)
#include <expected>

namespace rampart {
using std::expected;
using std::unexpected;
}  // namespace rampart

#else
#include <type_traits>
#include <utility>
#include <variant>

namespace rampart {

template <typename E>
class unexpected {
 public:
  explicit unexpected(E e) : e_(std::move(e)) {}
  const E& error() const& { return e_; }
  E& error() & { return e_; }
  E&& error() && { return std::move(e_); }

 private:
  E e_;
};
template <typename E>
unexpected(E) -> unexpected<E>;

template <typename T, typename E>
class expected {
 public:
  expected() : v_(std::in_place_index<0>) {}
  template <typename U = T,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, expected> > >
  expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  template <typename G>
  expected(unexpected<G> u) : v_(std::in_place_index<1>, std::move(u).error()) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  T&& operator*() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> v_;
};

template <typename E>
class expected<void, E> {
 public:
  expected() = default;
  template <typename G>
  expected(unexpected<G> u) : e_(std::move(u).error()), ok_(false) {}
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  E& error() & { return e_; }
  const E& error() const& { return e_; }

 private:
  E e_{};
  bool ok_ = true;
};

}  // namespace rampart
#endif
