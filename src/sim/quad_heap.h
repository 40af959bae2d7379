// sim/quad_heap.h — the 4-ary min-heap behind the engine's event queue and its armed timers.
//
// Usage:
//   struct Entry { TimeUs time_us; uint64_t order; uint32_t slot; };   // (time_us, order) unique
//   sim::QuadHeap<Entry> queue;
//   queue.push({t, seq++, slot});
//   Entry next = queue.pop();
//
//   // With positions tracked (to remove an entry from the middle, e.g. a re-armed timer):
//   struct Track { std::vector<int32_t>* pos; void operator()(const Entry& e, size_t i) const { (*pos)[e.slot] = int32_t(i); } };
//   sim::QuadHeap<Entry, Track> timers{Track{&positions}};
//   timers.erase(positions[slot]);
//
// Four children per node: half the depth of a binary heap, and siblings side by side in memory.
// Keys are unique, so the pop order is fully determined whatever the heap's shape (the engine's
// determinism does not depend on how the heap breaks ties: it never has to).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sim {

/// (time_us, order) comparison shared by everything the engine orders.
struct Later {
  template <class E, class F>
  bool operator()(const E& x, const F& y) const {
    return x.time_us != y.time_us ? x.time_us > y.time_us : x.order > y.order;
  }
};

/// For heaps whose entries are never removed from the middle.
struct UntrackedPositions {
  template <class E>
  void operator()(const E&, size_t) const {}
};

template <class Entry, class OnMove = UntrackedPositions>
class QuadHeap {
 public:
  explicit QuadHeap(OnMove on_move = {}) : on_move_(on_move) {}

  bool empty() const { return h_.empty(); }
  size_t size() const { return h_.size(); }
  const Entry& top() const { return h_.front(); }
  const std::vector<Entry>& entries() const { return h_; }

  void push(const Entry& e) {
    h_.push_back(e);
    sift_up(h_.size() - 1, e);
  }

  /// Removes and returns the smallest entry (the heap must not be empty).
  Entry pop() {
    const Entry top = h_.front();
    remove_at(0);
    return top;
  }

  /// Removes the entry at position `pos` (as last reported to OnMove).
  void erase(size_t pos) { remove_at(pos); }

 private:
  static size_t parent(size_t i) { return (i - 1) / 4; }

  void place(size_t i, const Entry& e) {
    h_[i] = e;
    on_move_(e, i);
  }

  void sift_up(size_t i, const Entry& e) {
    while (i > 0 && Later{}(h_[parent(i)], e)) {
      place(i, h_[parent(i)]);
      i = parent(i);
    }
    place(i, e);
  }

  // Floyd's bottom-up deletion: the hole walks down to a leaf along the smaller children, then
  // the last entry (usually one of the latest) sifts up from there, which skips comparing it at
  // every level. Four full children are compared as a branch-free tournament: which one wins is
  // unpredictable, so branches would mostly be mispredicted.
  void remove_at(size_t hole) {
    const Entry last = h_.back();
    h_.pop_back();
    const size_t n = h_.size();
    if (hole == n) return;
    if (hole > 0 && Later{}(h_[parent(hole)], last)) return sift_up(hole, last);
    for (size_t first = 4 * hole + 1; first < n; first = 4 * hole + 1) {
      size_t best = first;
      if (first + 4 <= n) {
        const size_t a = Later{}(h_[first], h_[first + 1]) ? first + 1 : first;
        const size_t b = Later{}(h_[first + 2], h_[first + 3]) ? first + 3 : first + 2;
        best = Later{}(h_[a], h_[b]) ? b : a;
      } else {
        for (size_t c = first + 1; c < n; ++c)
          if (Later{}(h_[best], h_[c])) best = c;
      }
      place(hole, h_[best]);
      hole = best;
    }
    sift_up(hole, last);
  }

  std::vector<Entry> h_;
  OnMove on_move_;
};

}  // namespace sim
