// Engine and network model: determinism, loss, duplication, reordering, one-way cuts, pause,
// crash/restart and clock skew — each checked against what the protocol actually observed.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "sim/engine.h"
#include "sim/id_map.h"
#include "sim/quad_heap.h"

namespace {

using sim::Context;
using sim::Engine;
using sim::EngineConfig;
using sim::Message;
using sim::NodeId;
using sim::TimeUs;
using sim::TraceKind;

struct Ping {
  static constexpr uint16_t kType = 1;
  int64_t seq;
  sim::TraceArgs trace_args() const { return {seq, 0}; }
};

// Sends `count` numbered pings to `peer`, one per millisecond; records every ping it receives
// with the local time of arrival. `log` is volatile (lost in a crash), `starts` durable.
class Pinger : public sim::Protocol {
 public:
  Pinger(NodeId peer, int count) : peer_(peer), count_(count) {}
  struct Arrival {
    int64_t seq;
    TimeUs local_us;
  };
  std::vector<Arrival> log;
  int starts = 0;

  void on_start(Context& ctx) override {
    ++starts;
    if (count_ > sent_) ctx.set_timer(0, 0);
  }
  void on_timer(Context& ctx, sim::TimerId) override {
    ctx.send(peer_, Ping{sent_++});
    if (sent_ < count_) ctx.set_timer(0, sim::kUsPerMs);
  }
  void on_message(Context& ctx, const Message& m) override {
    log.push_back({m.body_as<Ping>().seq, ctx.now_local_us()});
  }
  void on_crash() override { log.clear(); }

 private:
  NodeId peer_;
  int count_;
  int sent_ = 0;  // durable: a restarted pinger continues where it stopped
};

struct Pair {
  Engine engine;
  Pinger* a;
  Pinger* b;
  explicit Pair(const EngineConfig& config, int a_count = 1000, int b_count = 0) : engine(config) {
    auto pa = std::make_unique<Pinger>(1, a_count);
    auto pb = std::make_unique<Pinger>(0, b_count);
    a = pa.get();
    b = pb.get();
    engine.add_node("a", std::move(pa));
    engine.add_node("b", std::move(pb));
    engine.start();
  }
  int count(TraceKind kind, int code = -1) const {
    int n = 0;
    for (const sim::TraceEvent& e : engine.trace().events())
      n += e.kind == kind && (code < 0 || e.code == code) ? 1 : 0;
    return n;
  }
};

EngineConfig lossy(uint64_t seed) {
  EngineConfig c;
  c.seed = seed;
  c.network.link.loss_ppm = 100'000;
  c.network.link.duplicate_ppm = 100'000;
  c.network.link.reorder_ppm = 100'000;
  return c;
}

}  // namespace

TEST_CASE("same seed gives the same trace bit for bit; another seed gives another") {
  Pair x(lossy(7)), y(lossy(7)), z(lossy(8));
  for (Pair* p : {&x, &y, &z}) p->engine.run_until(2 * sim::kUsPerS);
  CHECK(x.engine.trace().events().size() == y.engine.trace().events().size());
  CHECK(x.engine.trace().hash() == y.engine.trace().hash());
  CHECK(x.engine.trace().hash() != z.engine.trace().hash());
}

TEST_CASE("the hash does not depend on whether records are kept") {
  EngineConfig kept = lossy(3), hashed = lossy(3);
  hashed.keep_trace = false;
  Pair x(kept), y(hashed);
  x.engine.run_until(sim::kUsPerS);
  y.engine.run_until(sim::kUsPerS);
  CHECK(y.engine.trace().events().empty());
  CHECK(x.engine.trace().hash() == y.engine.trace().hash());
  CHECK(x.engine.trace().count() == y.engine.trace().count());
}

TEST_CASE("run_until in many small steps equals one big step") {
  Pair x(lossy(11)), y(lossy(11));
  for (TimeUs t = 0; t < sim::kUsPerS; t += 1237) x.engine.run_until(t);
  x.engine.run_until(sim::kUsPerS);
  y.engine.run_until(sim::kUsPerS);
  CHECK(x.engine.trace().hash() == y.engine.trace().hash());
}

TEST_CASE("loss drops about loss_ppm of messages, and each drop is traced with its reason") {
  EngineConfig c;
  c.network.link.loss_ppm = 300'000;
  Pair p(c);
  p.engine.run_until(2 * sim::kUsPerS);
  const int received = static_cast<int>(p.b->log.size());
  CHECK(received > 620);
  CHECK(received < 780);
  CHECK(p.count(TraceKind::Drop, static_cast<int>(sim::DropReason::Loss)) == 1000 - received);
}

TEST_CASE("duplication delivers some messages twice") {
  EngineConfig c;
  c.network.link.duplicate_ppm = 200'000;
  Pair p(c);
  p.engine.run_until(2 * sim::kUsPerS);
  const int extra = static_cast<int>(p.b->log.size()) - 1000;
  CHECK(extra > 130);
  CHECK(extra < 270);
  CHECK(p.count(TraceKind::Duplicate) == extra);
}

TEST_CASE("without jitter a link is FIFO; reordering lets later messages overtake") {
  EngineConfig fifo;
  fifo.network.link.jitter_us = 0;
  EngineConfig reorder = fifo;
  reorder.network.link.reorder_ppm = 100'000;
  Pair in_order(fifo), shuffled(reorder);
  in_order.engine.run_until(2 * sim::kUsPerS);
  shuffled.engine.run_until(2 * sim::kUsPerS);
  const auto inversions = [](const std::vector<Pinger::Arrival>& log) {
    int n = 0;
    for (size_t i = 1; i < log.size(); ++i) n += log[i].seq < log[i - 1].seq ? 1 : 0;
    return n;
  };
  CHECK(in_order.b->log.size() == 1000);
  CHECK(inversions(in_order.b->log) == 0);
  CHECK(shuffled.b->log.size() == 1000);
  CHECK(inversions(shuffled.b->log) > 20);
}

TEST_CASE("cut(a, b) cuts a -> b only (lesson 5: asymmetric partitions)") {
  Pair p(EngineConfig{}, 100, 100);
  p.engine.cut(0, 1);
  p.engine.run_until(sim::kUsPerS);
  CHECK(p.b->log.empty());
  CHECK(p.a->log.size() == 100);
  CHECK(p.count(TraceKind::Drop, static_cast<int>(sim::DropReason::Cut)) == 100);
  SUBCASE("uncut restores it") {
    p.engine.uncut(0, 1);
    CHECK_FALSE(p.engine.network().is_cut(0, 1));
  }
}

TEST_CASE("a cut made while a message is on the wire still stops it") {
  EngineConfig c;
  c.network.link.latency_us = 50 * sim::kUsPerMs;
  Pair p(c, 1);
  p.engine.run_until(10 * sim::kUsPerMs);
  REQUIRE(p.engine.in_flight().size() == 1);
  p.engine.partition(0b01);
  p.engine.run_until(sim::kUsPerS);
  CHECK(p.b->log.empty());
  p.engine.heal();
  CHECK_FALSE(p.engine.network().is_cut(1, 0));
}

TEST_CASE("a paused node holds messages and timers until resumed, then runs them in order") {
  Pair p(EngineConfig{}, 200, 0);
  p.engine.run_until(50 * sim::kUsPerMs);
  const size_t before = p.b->log.size();
  p.engine.pause(1);
  p.engine.run_until(400 * sim::kUsPerMs);
  CHECK(p.b->log.size() == before);  // frozen, like a long GC pause
  CHECK(p.engine.in_flight().size() > 100);
  CHECK(p.engine.in_flight().back().deliver_us == sim::kNever);
  p.engine.resume(1);
  p.engine.run_until(400 * sim::kUsPerMs);
  CHECK(p.b->log.size() == 200);  // nothing lost
  for (size_t i = before; i < p.b->log.size(); ++i) CHECK(p.b->log[i].local_us == 400 * sim::kUsPerMs);
}

TEST_CASE("a crash loses volatile state and in-flight deliveries; restart runs on_start again") {
  Pair p(EngineConfig{}, 300, 0);
  p.engine.run_until(100 * sim::kUsPerMs);
  CHECK_FALSE(p.b->log.empty());
  p.engine.crash(1);
  CHECK(p.b->log.empty());
  p.engine.run_until(200 * sim::kUsPerMs);
  CHECK(p.b->log.empty());
  CHECK(p.count(TraceKind::Drop, static_cast<int>(sim::DropReason::NodeDown)) > 50);
  p.engine.restart(1);
  CHECK(p.b->starts == 2);
  SUBCASE("the sender's timers die with it, its durable counter survives") {
    p.engine.crash(0);
    p.engine.run_until(300 * sim::kUsPerMs);
    const size_t got = p.b->log.size();
    p.engine.run_until(400 * sim::kUsPerMs);
    CHECK(p.b->log.size() == got);
    p.engine.restart(0);
    p.engine.run_until(2 * sim::kUsPerS);
    CHECK(p.b->log.back().seq == 299);
  }
}

TEST_CASE("a node's local clock is simulated time plus its skew") {
  EngineConfig c;
  c.network.link.jitter_us = 0;
  Pair p(c, 1);
  p.engine.set_skew(1, 5 * sim::kUsPerS);
  p.engine.run_until(sim::kUsPerS);
  REQUIRE(p.b->log.size() == 1);
  CHECK(p.b->log[0].local_us == 5 * sim::kUsPerS + c.network.link.latency_us);
  CHECK(p.engine.local_time_us(1) == 6 * sim::kUsPerS);
}

TEST_CASE("network config validation names the bad field") {
  sim::NetworkConfig c;
  std::string error;
  CHECK(c.validate(&error));
  c.link.loss_ppm = 2'000'000;
  CHECK_FALSE(c.validate(&error));
  CHECK(error.find("loss_ppm") != std::string::npos);
}

TEST_CASE("quad heap: pops in (time, order) order through pushes and removals from the middle") {
  struct Entry { sim::TimeUs time_us; uint64_t order; uint32_t id; };
  struct Track {
    std::vector<int32_t>* pos;
    void operator()(const Entry& e, size_t i) const { (*pos)[e.id] = static_cast<int32_t>(i); }
  };
  std::vector<int32_t> pos(400, -1);
  sim::QuadHeap<Entry, Track> heap{Track{&pos}};
  std::set<std::pair<sim::TimeUs, uint64_t>> model;  // what should be inside, in order
  std::vector<Entry> by_id(400);
  sim::Rng rng(3);
  uint64_t order = 0;
  for (int step = 0; step < 20000; ++step) {
    const int64_t what = rng.below(10);
    const uint32_t id = static_cast<uint32_t>(rng.below(400));
    if (what < 5 && pos[id] < 0) {  // push; few distinct times, so ties fall to `order`
      by_id[id] = Entry{rng.below(50), order++, id};
      heap.push(by_id[id]);
      model.insert({by_id[id].time_us, by_id[id].order});
    } else if (what < 8 && pos[id] >= 0) {  // remove from wherever it is
      heap.erase(static_cast<size_t>(pos[id]));
      pos[id] = -1;
      model.erase({by_id[id].time_us, by_id[id].order});
    } else if (!heap.empty()) {
      const Entry top = heap.pop();
      pos[top.id] = -1;
      REQUIRE(std::make_pair(top.time_us, top.order) == *model.begin());
      model.erase(model.begin());
    }
    REQUIRE(heap.size() == model.size());
    for (size_t i = 0; i < heap.entries().size(); ++i) REQUIRE(pos[heap.entries()[i].id] == static_cast<int32_t>(i));
  }
}

TEST_CASE("id map: finds, erases and sweeps in id order like a std::map") {
  sim::IdMap<int64_t> ids;
  std::map<int64_t, int64_t> model;
  sim::Rng rng(11);
  int64_t next = 1;
  for (int step = 0; step < 20000; ++step) {
    const int64_t what = rng.below(20);
    if (what < 8) {  // a new id, sometimes after a gap
      next += rng.below(4) == 0 ? 1 + rng.below(3) : 0;
      ids.insert(next, next * 7);
      model[next] = next * 7;
      ++next;
    } else if (what < 17) {  // finish one: mostly the old ones, sometimes any (or none)
      const int64_t back = what < 14 ? rng.below(8) : rng.below(next + 2);
      const int64_t id = model.empty() ? next : model.begin()->first + back;
      const int64_t* v = ids.find(id);
      const auto m = model.find(id);
      REQUIRE((v != nullptr) == (m != model.end()));
      if (v != nullptr) REQUIRE(*v == m->second);
      ids.erase(id);
      model.erase(id);
    } else if (what == 17) {  // a sweep, which must visit in id order
      const int64_t cut = next - rng.below(30);
      std::vector<int64_t> seen, expected;
      ids.erase_if([&](int64_t id, const int64_t& v) {
        CHECK(v == id * 7);
        seen.push_back(id);
        return id < cut;
      });
      for (const auto& [id, v] : model) expected.push_back(id);
      REQUIRE(seen == expected);
      for (auto it = model.begin(); it != model.end() && it->first < cut;) it = model.erase(it);
    } else if (what == 18 && rng.below(50) == 0) {  // a crash
      ids.clear();
      model.clear();
    }
    REQUIRE(ids.size() == model.size());
  }
  CHECK(ids.find(-5) == nullptr);
  CHECK(ids.find(next + 100) == nullptr);
}

TEST_CASE("rng: below() stays in range and is reproducible") {
  sim::Rng a(5), b(5);
  for (int i = 0; i < 1000; ++i) {
    const int64_t x = a.below(7);
    CHECK(x == b.below(7));
    CHECK(x >= 0);
    CHECK(x < 7);
  }
  CHECK(sim::derive_seed(1, sim::SeedStream::Network, 0) != sim::derive_seed(1, sim::SeedStream::Node, 0));
}
