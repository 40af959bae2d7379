// sim/chunked_log.h — an append-only sequence in fixed-size chunks: appending never moves an
// element. Runs append hundreds of thousands of trace records and operations, and a run is
// rebuilt every time the learner scrubs the timeline; a std::vector's regrowth copied them all
// again and touched fresh memory twice (page faults were a third of a busy lab's re-run).
// Read and written like a vector: push_back(), size(), [i], back(), random-access iterators.
//
// Usage:
//   sim::ChunkedLog<sim::TraceEvent> log;
//   log.push_back(e);
//   auto first = std::lower_bound(log.begin(), log.end(), t, by_time);
#pragma once

#include <cstddef>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace sim {

template <class T>
class ChunkedLog {
  // Chunks are raw memory, filled by copy: no constructor pass over a fresh chunk, no
  // destructors to run.
  static_assert(std::is_trivially_copyable<T>::value && std::is_trivially_destructible<T>::value,
                "ChunkedLog holds plain records");

 public:
  // Chunks stay under malloc's default mmap threshold (128 KB), so freed ones are reused.
  static constexpr size_t kChunkBytes = 96 * 1024;
  static constexpr size_t kPerChunk = kChunkBytes / sizeof(T) > 0 ? kChunkBytes / sizeof(T) : 1;

  template <class Log, class Value>
  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = Value*;
    using reference = Value&;

    Iterator() = default;
    Iterator(Log* log, size_t i) : log_(log), i_(i) {}
    reference operator*() const { return (*log_)[i_]; }
    pointer operator->() const { return &(*log_)[i_]; }
    reference operator[](difference_type n) const { return (*log_)[i_ + static_cast<size_t>(n)]; }
    Iterator& operator++() { ++i_; return *this; }
    Iterator operator++(int) { Iterator old = *this; ++i_; return old; }
    Iterator& operator--() { --i_; return *this; }
    Iterator operator--(int) { Iterator old = *this; --i_; return old; }
    Iterator& operator+=(difference_type n) { i_ += static_cast<size_t>(n); return *this; }
    Iterator& operator-=(difference_type n) { i_ -= static_cast<size_t>(n); return *this; }
    friend Iterator operator+(Iterator it, difference_type n) { return it += n; }
    friend Iterator operator+(difference_type n, Iterator it) { return it += n; }
    friend Iterator operator-(Iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const Iterator& a, const Iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.i_ == b.i_; }
    friend bool operator!=(const Iterator& a, const Iterator& b) { return a.i_ != b.i_; }
    friend bool operator<(const Iterator& a, const Iterator& b) { return a.i_ < b.i_; }
    friend bool operator>(const Iterator& a, const Iterator& b) { return a.i_ > b.i_; }
    friend bool operator<=(const Iterator& a, const Iterator& b) { return a.i_ <= b.i_; }
    friend bool operator>=(const Iterator& a, const Iterator& b) { return a.i_ >= b.i_; }

   private:
    Log* log_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iterator<ChunkedLog, T>;
  using const_iterator = Iterator<const ChunkedLog, const T>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  void push_back(const T& value) { append() = value; }
  /// A new, default-initialised last element, for the caller to fill in place.
  T& append() {
    if (size_ % kPerChunk == 0) add_chunk();
    return *new (chunks_.back().get() + size_++ % kPerChunk) T;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i / kPerChunk].get()[i % kPerChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kPerChunk].get()[i % kPerChunk]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

 private:
  // Out of line, so that append() stays small enough to be inlined at every call (under
  // Emscripten it was not, and a call per trace record was 7% of a busy re-run in wasm).
  __attribute__((noinline)) void add_chunk() {
    void* memory = std::malloc(kPerChunk * sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    chunks_.emplace_back(static_cast<T*>(memory));
  }
  struct Free {
    void operator()(T* chunk) const { std::free(chunk); }
  };
  std::vector<std::unique_ptr<T, Free>> chunks_;
  size_t size_ = 0;
};

}  // namespace sim
