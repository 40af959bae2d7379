// Property tests for sim/crdt.h (lesson 4 "CRDTs"): merge is commutative, associative and
// idempotent (Shapiro et al. 2011, §2.2.2: a join semilattice), so replicas converge whatever the
// delivery order — checked over random states and 200+ random delivery orders with duplicates
// per seed. Plus the hand-computed examples of the lesson (G-Counter {A:2,B:0} + {A:0,B:1} = 3,
// version vectors {A:3,B:1} vs {A:2,B:2} concurrent).
#include <doctest/doctest.h>

#include <vector>

#include "sim/crdt.h"
#include "sim/rng.h"

using sim::Causality;
using sim::GCounter;
using sim::OrSet;
using sim::PNCounter;
using sim::Rng;
using sim::SiblingSet;
using sim::VersionVector;

namespace {

constexpr int kReplicas = 4;

// Each replica performs random local updates; returns every intermediate state (what it would
// ship to its peers), in the order it produced them.
template <class State, class Update>
std::vector<State> random_history(Rng& rng, int steps, Update update) {
  std::vector<State> replicas(kReplicas, State(kReplicas));
  std::vector<State> shipped;
  for (int i = 0; i < steps; ++i) {
    const int r = static_cast<int>(rng.below(kReplicas));
    if (rng.below(4) == 0) replicas[static_cast<size_t>(r)].merge(replicas[static_cast<size_t>(rng.below(kReplicas))]);
    update(rng, r, replicas[static_cast<size_t>(r)]);
    shipped.push_back(replicas[static_cast<size_t>(r)]);
  }
  return shipped;
}

// Delivers `shipped` to a fresh replica in a random order, each state 1..3 times.
template <class State>
State deliver_shuffled(Rng& rng, const std::vector<State>& shipped) {
  std::vector<size_t> order;
  for (size_t i = 0; i < shipped.size(); ++i)
    for (int copies = 1 + static_cast<int>(rng.below(3)); copies > 0; --copies) order.push_back(i);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<size_t>(rng.below(static_cast<int64_t>(i)))]);
  State s(kReplicas);
  for (size_t i : order) s.merge(shipped[i]);
  return s;
}

template <class State, class Update>
void check_semilattice(uint64_t seed, Update update) {
  Rng rng(seed);
  const std::vector<State> shipped = random_history<State>(rng, 30, update);
  // Commutative, associative, idempotent on random triples.
  for (int i = 0; i < 50; ++i) {
    const State& a = shipped[static_cast<size_t>(rng.below(static_cast<int64_t>(shipped.size())))];
    const State& b = shipped[static_cast<size_t>(rng.below(static_cast<int64_t>(shipped.size())))];
    const State& c = shipped[static_cast<size_t>(rng.below(static_cast<int64_t>(shipped.size())))];
    State ab = a, ba = b;
    ab.merge(b);
    ba.merge(a);
    CHECK(ab == ba);
    State ab_c = ab, bc = b;
    ab_c.merge(c);
    bc.merge(c);
    State a_bc = a;
    a_bc.merge(bc);
    CHECK(ab_c == a_bc);
    State aa = a;
    aa.merge(a);
    CHECK(aa == a);
  }
  // Convergence: 200 random delivery orders with duplicates all reach the in-order result.
  State reference(kReplicas);
  for (const State& s : shipped) reference.merge(s);
  for (int order = 0; order < 200; ++order) CHECK(deliver_shuffled(rng, shipped) == reference);
}

}  // namespace

TEST_CASE("G-Counter: lesson example and semilattice properties over 20 seeds") {
  GCounter a(2), b(2);
  a.increment(0, 2);
  b.increment(1, 1);
  a.merge(b);
  CHECK(a.value() == 3);
  CHECK(a.slot(0) == 2);
  CHECK(a.slot(1) == 1);
  for (uint64_t seed = 1; seed <= 20; ++seed)
    check_semilattice<GCounter>(seed, [](Rng& rng, int r, GCounter& s) { s.increment(r, 1 + rng.below(3)); });
}

TEST_CASE("PN-Counter: no increment or decrement lost, in any delivery order") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed * 7919);
    // Each replica counts only its own updates; the converged value is the sum of every update.
    std::vector<PNCounter> replicas(kReplicas, PNCounter(kReplicas));
    std::vector<PNCounter> shipped;
    int64_t total = 0;
    for (int i = 0; i < 40; ++i) {
      const int r = static_cast<int>(rng.below(kReplicas));
      const int64_t by = rng.between(-3, 3);
      replicas[static_cast<size_t>(r)].add(r, by);
      total += by;
      shipped.push_back(replicas[static_cast<size_t>(r)]);
    }
    for (int order = 0; order < 200; ++order) CHECK(deliver_shuffled(rng, shipped).value() == total);
    check_semilattice<PNCounter>(seed, [](Rng& g, int r, PNCounter& s) { s.add(r, g.between(-3, 3)); });
  }
}

TEST_CASE("OR-Set: an add concurrent with a remove survives; semilattice over 20 seeds") {
  OrSet a, b;
  a.add(7, {0, 1});
  b.merge(a);
  CHECK(b.remove(7));   // b removes the 7 it has seen...
  a.add(7, {0, 2});     // ...while a adds 7 again, concurrently
  OrSet ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  CHECK(ab.contains(7));  // add wins: the new tag was never observed by the remove
  CHECK(ab == ba);
  CHECK_FALSE(b.remove(8));
  b.merge(a);
  CHECK(b.remove(7));
  CHECK_FALSE(b.contains(7));
  CHECK(b.elements().empty());

  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<int64_t> seq(kReplicas, 0);
    check_semilattice<OrSet>(seed, [&seq](Rng& rng, int r, OrSet& s) {
      const int64_t element = rng.below(5);
      if (rng.below(3) == 0) s.remove(element);
      else s.add(element, {r, ++seq[static_cast<size_t>(r)]});
    });
  }
}

TEST_CASE("version vectors: the lesson's comparisons; siblings keep exactly the concurrent writes") {
  VersionVector v1(2), v2(2);
  v1.bump(0); v1.bump(0); v1.bump(1);              // {A:2, B:1}
  v2.bump(0); v2.bump(0); v2.bump(1); v2.bump(1);  // {A:2, B:2}
  CHECK(compare(v1, v2) == Causality::Before);
  CHECK(compare(v2, v1) == Causality::After);
  VersionVector v3(2), v4 = v2;
  v3.bump(0); v3.bump(0); v3.bump(0); v3.bump(1);  // {A:3, B:1}
  CHECK(compare(v3, v4) == Causality::Concurrent);
  CHECK(compare(v3, v3) == Causality::Equal);
  CHECK(v3.format({"A", "B"}) == "{A:3, B:1}");

  // Two replicas write concurrently: both kept. A later write that saw both replaces them.
  SiblingSet a(2), b(2);
  a.write(0, 10, 1);
  b.write(1, 20, 2);
  a.merge(b);
  REQUIRE(a.siblings().size() == 2);
  CHECK(a.siblings()[0].value == 10);
  CHECK(a.siblings()[1].value == 20);
  a.write(0, 30, 3);
  CHECK(a.siblings().size() == 1);
  b.merge(a);
  REQUIRE(b.siblings().size() == 1);  // the old sibling 20 is superseded, not kept
  CHECK(b.siblings()[0].value == 30);

  for (uint64_t seed = 1; seed <= 20; ++seed) {
    int64_t next_id = 0;
    check_semilattice<SiblingSet>(seed, [&next_id](Rng& rng, int r, SiblingSet& s) { s.write(r, rng.below(100), ++next_id); });
  }
}

TEST_CASE("last write wins: the higher timestamp wins and the other write is reported lost") {
  sim::LwwRegister a{1, 11, 1'000, 0}, b{2, 22, 900, 1};  // b happened later but its clock is behind
  sim::LwwRegister m = a;
  CHECK(m.merge(b) == 22);
  CHECK(m.write_id == 11);
  m = b;
  CHECK(m.merge(a) == 22);
  CHECK(m.write_id == 11);
  CHECK(m.merge(a) == 0);  // the same write again: nothing lost
  sim::LwwRegister tie{3, 33, 1'000, 1};
  m = a;
  CHECK(m.merge(tie) == 11);  // equal timestamps: the higher replica id decides
}
