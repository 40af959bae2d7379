// sim/id_map.h — values keyed by ids handed out in increasing order: the requests or jobs a
// node has in flight. Such ids mostly finish in about the order they began, so the values live
// in a deque indexed by (id - oldest id) and finished ones leave from the front. It replaces a
// std::map, whose node per entry was allocated and freed for every request (about 6% of the
// caching lab's re-run). Iteration is in id order, as with std::map, so runs stay deterministic.
// An entry that is never erased keeps every later slot alive: owners erase what times out.
//
// Usage:
//   sim::IdMap<Request> in_flight;
//   in_flight.insert(next_id++, request);           // ids must increase
//   if (Request* r = in_flight.find(id)) { ...; in_flight.erase(id); }
//   in_flight.erase_if([&](int64_t id, const Request& r) { return expired(r); });
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <deque>

namespace sim {

template <class Value>
class IdMap {
 public:
  void insert(int64_t id, const Value& value) {
    if (slots_.empty()) first_ = id;
    assert(id >= end_id());
    while (end_id() < id) slots_.emplace_back();  // skipped ids: empty slots
    slots_.push_back(Slot{true, value});
    ++size_;
  }
  Value* find(int64_t id) {
    Slot* s = slot(id);
    return s != nullptr && s->live ? &s->value : nullptr;
  }
  void erase(int64_t id) {
    Slot* s = slot(id);
    if (s == nullptr || !s->live) return;
    s->live = false;
    --size_;
    drop_finished_front();
  }
  /// Erases every entry for which pred(id, value) is true, in id order.
  template <class Pred>
  void erase_if(Pred pred) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      Slot& s = slots_[i];
      if (s.live && pred(first_ + static_cast<int64_t>(i), static_cast<const Value&>(s.value))) {
        s.live = false;
        --size_;
      }
    }
    drop_finished_front();
  }
  void clear() {
    slots_.clear();
    size_ = 0;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    bool live = false;
    Value value{};
  };
  int64_t end_id() const { return first_ + static_cast<int64_t>(slots_.size()); }
  Slot* slot(int64_t id) {
    if (id < first_ || id >= end_id()) return nullptr;
    return &slots_[static_cast<size_t>(id - first_)];
  }
  void drop_finished_front() {
    while (!slots_.empty() && !slots_.front().live) {
      slots_.pop_front();
      ++first_;
    }
  }

  std::deque<Slot> slots_;
  int64_t first_ = 0;  // id of slots_.front()
  size_t size_ = 0;    // live entries
};

}  // namespace sim
