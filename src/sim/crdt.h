// sim/crdt.h — replicated values that multi-master replicas merge (lesson 4 "Conflict
// resolution"): a last-write-wins register, version-vector siblings, and three state-based CRDTs
// (Shapiro, Preguiça, Baquero, Zawirski, "A comprehensive study of Convergent and Commutative
// Replicated Data Types", INRIA RR-7506, 2011: G-Counter §3.1.1, PN-Counter §3.1.2, OR-Set §3.3.5).
//
// Usage:
//   sim::GCounter a(3), b(3);  a.increment(0, 2);  b.increment(1, 1);
//   a.merge(b);  a.value();                       // 3, whatever order merges arrive in
//   sim::OrSet s;  s.add(7, {replica, ++seq});  s.remove(7);  s.contains(7);
//   sim::VersionVector v(3);  v.bump(0);  compare(v, w) == sim::Causality::Concurrent
//
// Every merge here is commutative, associative and idempotent (tests/unit/sim_crdt_test.cpp
// proves it over random states and delivery orders), so replicas that receive the same states
// in any order, any number of times, end up equal. States are plain sorted vectors: no unordered
// container, so equal states compare and print the same everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/types.h"

namespace sim {

// --- Version vectors (lesson 4 "Version vectors") ------------------------------------------------

enum class Causality : uint8_t { Equal, Before, After, Concurrent };

/// One counter per replica: how many of that replica's writes a version has seen.
class VersionVector {
 public:
  VersionVector() = default;
  explicit VersionVector(int replicas) : counts_(static_cast<size_t>(replicas), 0) {}
  void bump(int replica) { ++counts_[static_cast<size_t>(replica)]; }
  int64_t at(int replica) const { return counts_[static_cast<size_t>(replica)]; }
  int size() const { return static_cast<int>(counts_.size()); }
  /// Pointwise maximum.
  void merge(const VersionVector& other);
  bool operator==(const VersionVector& o) const { return counts_ == o.counts_; }
  /// "{A:2, B:1}" with the given replica names.
  std::string format(const std::vector<std::string>& names) const;

 private:
  std::vector<int64_t> counts_;
};

/// a Before b: every counter of a <= b's and one is smaller (b supersedes a).
Causality compare(const VersionVector& a, const VersionVector& b);

// --- Last write wins --------------------------------------------------------------------------

/// The register LWW keeps: the highest (timestamp, replica) wins; the other write is discarded.
struct LwwRegister {
  int64_t value = 0;
  int64_t write_id = 0;   ///< 0 = the initial value
  TimeUs timestamp_us = -1;  ///< the writer's clock (skew included)
  int replica = -1;
  /// True when `o` wins over this.
  bool loses_to(const LwwRegister& o) const {
    return o.timestamp_us > timestamp_us || (o.timestamp_us == timestamp_us && o.replica > replica);
  }
  /// Keeps the winner; returns the write id that lost (0 if none, or the same write twice).
  int64_t merge(const LwwRegister& o);
  bool operator==(const LwwRegister& o) const { return write_id == o.write_id; }
};

// --- Siblings (Riak-style multi-value register) -----------------------------------------------

struct Sibling {
  int64_t value = 0;
  int64_t write_id = 0;
  VersionVector version;
};

/// Concurrent versions kept side by side; a version another one supersedes is dropped (Riak's
/// siblings). An application merge (the shopping cart, Dynamo §4.4) reads every sibling, merges
/// them itself and writes the result, which supersedes them all.
class SiblingSet {
 public:
  SiblingSet() = default;
  explicit SiblingSet(int replicas) : replicas_(replicas) {}
  /// A local write at `replica` that has seen every current sibling (it replaces them all).
  void write(int replica, int64_t value, int64_t write_id);
  void merge(const SiblingSet& other);
  const std::vector<Sibling>& siblings() const { return siblings_; }
  /// The context a writer would read: pointwise max of all siblings.
  VersionVector context() const;
  bool operator==(const SiblingSet& o) const;

 private:
  void add(const Sibling& s);
  int replicas_ = 0;
  std::vector<Sibling> siblings_;  // sorted by write id
};

// --- CRDTs ---------------------------------------------------------------------------------------

/// Grow-only counter: one slot per replica, each incremented only by its owner; merge = max.
class GCounter {
 public:
  GCounter() = default;
  explicit GCounter(int replicas) : slots_(static_cast<size_t>(replicas), 0) {}
  void increment(int replica, int64_t by = 1) { slots_[static_cast<size_t>(replica)] += by; }
  int64_t value() const;
  int64_t slot(int replica) const { return slots_[static_cast<size_t>(replica)]; }
  void merge(const GCounter& other);
  bool operator==(const GCounter& o) const { return slots_ == o.slots_; }

 private:
  std::vector<int64_t> slots_;
};

/// Counter that also decrements: two G-Counters, P (increments) and N (decrements).
class PNCounter {
 public:
  PNCounter() = default;
  explicit PNCounter(int replicas) : p_(replicas), n_(replicas) {}
  /// Adds `by` (negative = decrement) at `replica`.
  void add(int replica, int64_t by);
  int64_t value() const { return p_.value() - n_.value(); }
  void merge(const PNCounter& other);
  bool operator==(const PNCounter& o) const { return p_ == o.p_ && n_ == o.n_; }

 private:
  GCounter p_, n_;
};

/// Unique tag of one add: (replica, that replica's add counter).
struct OrTag {
  int32_t replica = 0;
  int64_t seq = 0;
  bool operator<(const OrTag& o) const { return replica != o.replica ? replica < o.replica : seq < o.seq; }
  bool operator==(const OrTag& o) const { return replica == o.replica && seq == o.seq; }
};

/// Observed-remove set: an element is in the set while one of its add tags is not tombstoned.
/// A remove tombstones only the tags it has observed, so an add concurrent with a remove wins.
class OrSet {
 public:
  OrSet() = default;
  /// Same shape as the counters' constructors; an OR-Set needs no per-replica slots.
  explicit OrSet(int /*replicas*/) {}
  void add(int64_t element, OrTag tag);
  /// Removes the element as this replica sees it (its observed tags); false if it was absent.
  bool remove(int64_t element);
  bool contains(int64_t element) const;
  /// Elements present, ascending.
  std::vector<int64_t> elements() const;
  void merge(const OrSet& other);
  bool operator==(const OrSet& o) const { return adds_ == o.adds_ && removed_ == o.removed_; }

 private:
  struct Entry {
    int64_t element;
    OrTag tag;
    bool operator<(const Entry& o) const {
      return element != o.element ? element < o.element : tag < o.tag;
    }
    bool operator==(const Entry& o) const { return element == o.element && tag == o.tag; }
  };
  static void insert_sorted(std::vector<Entry>& into, const Entry& e);
  std::vector<Entry> adds_;     // sorted, unique
  std::vector<Entry> removed_;  // tombstones, sorted, unique
};

}  // namespace sim
