// sim/flat_map.h — an open-addressing hash map from int64 keys to small values, for the
// checkers' per-write bookkeeping (millions of writes in a long run). std::unordered_map
// allocates one node per entry; here entries live in one array, so the hot loop neither
// allocates nor frees (a third of a busy run's time went to that). Lookups only: its order is
// never iterated, so it cannot make a run depend on hashing (STYLE.md determinism rules).
//
// Usage:
//   sim::FlatMap<int32_t> copies;
//   ++copies[write_id];                    // inserts 0 first
//   if (const int32_t* n = copies.find(write_id)) ...
#pragma once

#include <cstdint>
#include <vector>

namespace sim {

template <class Value>
class FlatMap {
 public:
  /// The value for `key`, inserted as Value{} if absent.
  Value& operator[](int64_t key) {
    if (key == 0) {  // 0 marks empty slots, so key 0 lives apart
      if (!has_zero_) ++size_;
      has_zero_ = true;
      return zero_;
    }
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    Slot& s = slots_[probe(key)];
    if (s.key == 0) {
      s.key = key;
      s.value = Value{};
      ++size_;
    }
    return s.value;
  }
  const Value* find(int64_t key) const {
    if (key == 0) return has_zero_ ? &zero_ : nullptr;
    if (slots_.empty()) return nullptr;
    const Slot& s = slots_[probe(key)];
    return s.key == 0 ? nullptr : &s.value;
  }
  bool contains(int64_t key) const { return find(key) != nullptr; }
  size_t size() const { return size_; }

 private:
  struct Slot {
    int64_t key = 0;  // 0 = empty
    Value value{};
  };
  // Index of `key`'s slot, or of the empty slot where it would go.
  size_t probe(int64_t key) const {
    const size_t mask = slots_.size() - 1;
    uint64_t h = static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull;
    size_t i = static_cast<size_t>(h ^ (h >> 29)) & mask;
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.resize(old.empty() ? 64 : old.size() * 2);
    for (const Slot& s : old)
      if (s.key != 0) slots_[probe(s.key)] = s;
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
  bool has_zero_ = false;
  Value zero_{};
};

}  // namespace sim
