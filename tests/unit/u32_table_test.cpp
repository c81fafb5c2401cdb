// The SA database's hash table (open addressing, backward-shift deletion) against
// std::unordered_map: the same answers after any sequence of insertions and erasures, with keys
// that crowd one run of slots and keys spread wide, through its growth.
#include <catch2/catch.hpp>

#include <random>
#include <unordered_map>

#include "dataplane/sad/u32_table.hpp"

namespace u32_table_test {

using rampart::dataplane::U32Table;

namespace {

void same(const U32Table<int>& t, const std::unordered_map<uint32_t, int>& ref, uint32_t key) {
  const int* v = t.find(key);
  auto it = ref.find(key);
  INFO("key " << key);
  REQUIRE((v != nullptr) == (it != ref.end()));
  if (v) REQUIRE(*v == it->second);
}

}  // namespace

TEST_CASE("U32Table answers as std::unordered_map after inserts and erasures", "[u32_table]") {
  std::mt19937 rng(11);
  // Consecutive addresses (as a pool hands out), a narrow range (many collisions) and any key.
  for (uint32_t span : {64u, 5000u, 0xffffffffu}) {
    U32Table<int> t;
    std::unordered_map<uint32_t, int> ref;
    auto key = [&] { return static_cast<uint32_t>(0xc6120000u + rng() % span); };
    for (int op = 0; op < 40000; ++op) {
      uint32_t k = key();
      if (rng() % 3 == 0) {
        REQUIRE(t.erase(k) == (ref.erase(k) == 1));
      } else {
        int v = static_cast<int>(rng());
        t[k] = v;
        ref[k] = v;
      }
      REQUIRE(t.size() == ref.size());
      if (op % 97 == 0)
        for (int q = 0; q < 50; ++q) same(t, ref, key());
    }
    for (const auto& [k, v] : ref) same(t, ref, k);
    size_t seen = 0;
    t.each([&](uint32_t k, int v) {
      ++seen;
      REQUIRE(ref.at(k) == v);
    });
    REQUIRE(seen == ref.size());
  }
}

TEST_CASE("U32Table empties completely and is usable again", "[u32_table]") {
  U32Table<int> t;
  for (uint32_t k = 0; k < 10000; ++k) t[k] = static_cast<int>(k);
  for (uint32_t k = 0; k < 10000; ++k) REQUIRE(t.erase(k));
  REQUIRE(t.empty());
  REQUIRE_FALSE(t.contains(5));
  REQUIRE_FALSE(t.erase(5));
  t[5] = 1;
  REQUIRE(*t.find(5) == 1);
}
}  // namespace u32_table_test
