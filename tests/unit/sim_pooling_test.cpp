// The connection pooling lab (lesson 6): the pooler's queue and the database's CPU against
// hand-computed cases, refusals beyond max_connections, the lab's figures, goals and predictions.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/pooling.h"
#include "sim/rng.h"

namespace {

std::unique_ptr<sim::Lab> make(const std::string& text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(text, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

int metric(const sim::Lab& lab, const std::string& name) {
  for (size_t i = 0; i < lab.metrics().specs.size(); ++i)
    if (lab.metrics().specs[i].name == name) return static_cast<int>(i);
  FAIL("no metric " << name);
  return -1;
}

int64_t latest(const sim::Lab& lab, const std::string& name) {
  return lab.metrics().series[static_cast<size_t>(metric(lab, name))].back();
}

const sim::Figure& figure(const std::vector<sim::Figure>& figures, const std::string& title) {
  for (const sim::Figure& f : figures)
    if (f.title == title) return f;
  FAIL("no figure " << title);
  return figures.front();
}

int64_t bar(const std::vector<sim::Figure>& figures, const std::string& title, const std::string& label) {
  for (const sim::FigureBar& b : figure(figures, title).bars)
    if (b.label == label) return b.value;
  FAIL("no bar " << label);
  return 0;
}

std::string cell(const std::vector<sim::Figure>& figures, const std::string& row) {
  for (const std::vector<sim::FigureCell>& r : figure(figures, "Connections and queueing").rows)
    if (r[0].text == row) return r[1].text;
  FAIL("no row " << row);
  return {};
}

}  // namespace

TEST_CASE("pool queue: pool of 2, four transactions at t=0, 10 ms each -> waits 0, 0, 10, 10 ms") {
  // Hand-computed: two run at once on the two connections; the other two wait for them to end.
  sim::PoolQueue pool;
  pool.add_idle(0);
  pool.add_idle(1);
  sim::CoreQueue cpu(/*cores=*/8, /*query_us=*/10'000, /*contention_pm=*/0);
  std::vector<sim::TimeUs> waits, latencies;
  std::vector<sim::PoolQueue::Dispatch> running;
  for (int s = 0; s < 4; ++s) {
    sim::PoolQueue::Dispatch d;
    if (pool.arrive(0, sim::PoolQueue::Txn{0, s, 1, 0, 0}, &d)) {
      waits.push_back(d.wait_us);
      cpu.submit(0, d.conn);
    }
  }
  CHECK(pool.queued() == 2);
  CHECK(pool.idle() == 0);
  while (cpu.next_done_us() != sim::kNever) {
    const sim::TimeUs now = cpu.next_done_us();
    std::vector<int64_t> done;
    cpu.collect(now, done);
    for (int64_t conn : done) {
      latencies.push_back(now);  // every transaction arrived at t = 0
      sim::PoolQueue::Dispatch d;
      if (pool.release(now, static_cast<int32_t>(conn), &d)) {
        waits.push_back(d.wait_us);
        cpu.submit(now, d.conn);
      }
    }
  }
  CHECK(waits == std::vector<sim::TimeUs>{0, 0, 10'000, 10'000});
  CHECK(latencies == std::vector<sim::TimeUs>{10'000, 10'000, 20'000, 20'000});
  CHECK((latencies[0] + latencies[1] + latencies[2] + latencies[3]) / 4 == 15'000);  // mean 15 ms
  CHECK(pool.idle() == 2);
}

TEST_CASE("pool queue: idle connections are reused last in, first out; waiters first in, first out") {
  sim::PoolQueue pool;
  for (int32_t c : {0, 1, 2}) pool.add_idle(c);
  sim::PoolQueue::Dispatch d;
  REQUIRE(pool.arrive(0, {0, 7, 1, 0, 0}, &d));
  CHECK(d.conn == 2);  // the most recently released
  REQUIRE(pool.arrive(0, {0, 8, 1, 0, 0}, &d));
  REQUIRE(pool.arrive(0, {0, 9, 1, 0, 0}, &d));
  CHECK_FALSE(pool.arrive(5, {0, 10, 1, 0, 0}, &d));
  CHECK_FALSE(pool.arrive(6, {0, 11, 1, 0, 0}, &d));
  REQUIRE(pool.release(20, 1, &d));
  CHECK(d.txn.session == 10);
  CHECK(d.wait_us == 15);
  CHECK(d.conn == 1);
  REQUIRE(pool.release(30, 0, &d));
  CHECK(d.txn.session == 11);
  CHECK(d.wait_us == 24);
  CHECK_FALSE(pool.release(40, 2, &d));
  CHECK(pool.idle_conns() == std::vector<int32_t>{2});
  CHECK(pool.remove_idle(2));
  CHECK_FALSE(pool.remove_idle(2));
}

TEST_CASE("database CPU: first come first served on the cores, contention stretches queries") {
  // 2 cores, 10 ms: three queries at t=0 finish at 10, 10, 20 ms (the third waited for a core).
  sim::CoreQueue cpu(2, 10'000, 0);
  for (int64_t id : {1, 2, 3}) cpu.submit(0, id);
  CHECK(cpu.running() == 2);
  CHECK(cpu.waiting() == 1);
  std::vector<int64_t> done;
  cpu.collect(10'000, done);
  CHECK(done == std::vector<int64_t>{1, 2});
  CHECK(cpu.next_done_us() == 20'000);
  // Contention: 100 per mille per query beyond the cores. With 4 inside a 2-core database each
  // new query takes 10 ms * (1 + 0.1 * 2) = 12 ms.
  sim::CoreQueue busy(2, 10'000, 100);
  CHECK(busy.service_us(1) == 10'000);
  CHECK(busy.service_us(2) == 10'000);
  CHECK(busy.service_us(4) == 12'000);
  CHECK(busy.service_us(1002) == 1'010'000);
}

TEST_CASE("percentile: nearest rank") {
  CHECK(sim::percentile({}, 99) == 0);
  CHECK(sim::percentile({5}, 50) == 5);
  std::vector<int64_t> v;
  for (int64_t i = 100; i >= 1; --i) v.push_back(i);
  CHECK(sim::percentile(v, 50) == 50);
  CHECK(sim::percentile(v, 99) == 99);
  CHECK(sim::percentile(v, 100) == 100);
}

TEST_CASE("window: count and sum see exactly the values of the last span, also after a clock steps back") {
  // A brute-force model: the values still held (adds drop those a span older than the newest,
  // from the front, as documented), filtered one by one on each question.
  struct Added { sim::TimeUs t_us; int64_t value; };
  sim::Rng rng(7);
  for (bool step_back : {false, true}) {
    sim::Window window(1000);
    std::vector<Added> added;
    sim::TimeUs t = 0;
    for (int i = 0; i < 2000; ++i) {
      t += rng.below(40);
      if (step_back && i == 1000) t -= 700;  // a skew change moves the node's clock back
      const int64_t value = rng.below(100);
      window.add(t, value);
      while (!added.empty() && added.front().t_us <= t - 1000) added.erase(added.begin());
      added.push_back({t, value});
      const sim::TimeUs now = t + rng.below(300);
      int64_t count = 0, sum = 0;
      for (const Added& a : added)
        if (a.t_us > now - 1000 && a.t_us <= now) ++count, sum += a.value;
      REQUIRE(window.count(now) == count);
      REQUIRE(window.sum(now) == sum);
      REQUIRE(static_cast<int64_t>(window.values(now).size()) == count);
    }
  }
}

TEST_CASE("pooling lab: refusals = sessions - max_connections; the database never exceeds its max") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    // 4 x 40 = 160 sessions against max_connections 100, pausing 30..90 s between attempts: a
    // spike makes every session connect at once, 60 are refused, and none retries within 30 s.
    std::unique_ptr<sim::Lab> lab =
        make("v1;lab=pooling;seed=" + std::to_string(seed) + ";clients=40;think_ms=60000");
    sim::Fixture f(*lab);
    f.run_for(100 * sim::kUsPerMs);
    f.act("spike");
    f.run_for(10 * sim::kUsPerS);
    INFO("seed " << seed);
    CHECK(latest(*lab, "db connections") == 100);
    CHECK(latest(*lab, "refused") == 160 - 100);
    CHECK(lab->checkers().stats().notes[sim::kNoteRefused] == 60);
    CHECK(cell(lab->figures(), "Database connections") == "100 of max 100");
    CHECK(cell(lab->figures(), "Memory for connections") == "1000 MB");
  }
}

TEST_CASE("pooling lab: the whole lab's queueing matches the hand-computed case") {
  // One app server, 4 sessions, a pool of 2, 2 cores, 10 ms per transaction, no network delay:
  // a spike sends all four at once -> two wait 10 ms for a pooled connection.
  std::unique_ptr<sim::Lab> lab = make(
      "v1;lab=pooling;seed=1;apps=1;clients=4;pooler=transaction;pool=2;cores=2;query_ms=10;contention=0;"
      "think_ms=60000;latency_ms=0");
  sim::Fixture f(*lab);
  f.run_for(100 * sim::kUsPerMs);  // sessions start somewhere in 30..90 s: none has started yet
  REQUIRE(latest(*lab, "transactions") == 0);
  f.act("spike");
  f.run_for(100 * sim::kUsPerMs);
  const std::vector<sim::Figure> figures = lab->figures();
  CHECK(bar(figures, "Latency, last second", "p50") == 10);
  CHECK(bar(figures, "Latency, last second", "p99") == 20);
  CHECK(bar(figures, "Latency, last second", "pool wait p50") == 0);
  CHECK(bar(figures, "Latency, last second", "pool wait p99") == 10);
  CHECK(cell(figures, "Waiting in the pooler") == "0 (peak 2)");
}

TEST_CASE("pooling lab: 1,000 sessions, direct versus a pool of 25") {
  // Closed loop: 1,000 sessions each want a transaction per 0.5 s (2,000/s) but 8 cores at 10 ms
  // serve at most 800/s. Through the pooler the database sees 25 connections and runs near that
  // limit; straight to the database all 1,000 are inside and contention slows every query.
  std::unique_ptr<sim::Lab> pooled = make("v1;lab=pooling;seed=3;clients=250;pooler=transaction");
  std::unique_ptr<sim::Lab> direct = make("v1;lab=pooling;seed=3;clients=250;max_conn=1000");
  pooled->advance_to(10 * sim::kUsPerS);
  direct->advance_to(10 * sim::kUsPerS);
  MESSAGE("pooled: ", latest(*pooled, "transactions"), " tx/s, p99 ", latest(*pooled, "p99 latency"), " ms, queue ",
          latest(*pooled, "pooler queue"));
  MESSAGE("direct: ", latest(*direct, "transactions"), " tx/s, p99 ", latest(*direct, "p99 latency"), " ms, in db ",
          latest(*direct, "queries in db"));
  CHECK(latest(*pooled, "db connections") == 25);
  CHECK(latest(*direct, "db connections") == 1000);
  CHECK(latest(*pooled, "transactions") >= 700);
  CHECK(latest(*pooled, "transactions") <= 800);
  CHECK(latest(*direct, "transactions") < latest(*pooled, "transactions") * 3 / 4);
  CHECK(latest(*direct, "p99 latency") > latest(*pooled, "p99 latency"));
  CHECK(latest(*pooled, "pooler queue") > 500);
}

TEST_CASE("pooling lab: a SET leaks only through transaction pooling") {
  for (const char* mode : {"off", "transaction"}) {
    std::unique_ptr<sim::Lab> lab = make(std::string("v1;lab=pooling;seed=4;pooler=") + mode);
    sim::Fixture f(*lab);
    f.run_for(sim::kUsPerS);
    f.act("set");
    f.run_for(3 * sim::kUsPerS);
    const int64_t leaks = lab->checkers().stats().notes[sim::kNoteLeak];
    CHECK(lab->checkers().stats().notes[sim::kNoteSet] == 1);
    if (std::string(mode) == "off") CHECK(leaks == 0);
    else CHECK(leaks > 0);
  }
}

TEST_CASE("pooling lab: bad settings give a sentence, not a crash") {
  sim::RunSpec run;
  std::string error;
  CHECK_FALSE(sim::decode_run("v1;lab=pooling;seed=1;pooler=transaction;pool=200;max_conn=100", &run, &error));
  CHECK(error.find("max_connections") != std::string::npos);
  std::unique_ptr<sim::Lab> lab = make("v1;lab=pooling;seed=1");
  sim::Fixture f(*lab);
  CHECK_FALSE(f.act("pool", sim::kNoNode, 50));
  CHECK_MESSAGE(f.last_error().find("no pooler") != std::string::npos, f.last_error());
}

TEST_CASE("pooling lab: every prediction's outcome holds over 20 seeds") {
  const sim::LabInfo* info = sim::find_lab("pooling");
  REQUIRE(info != nullptr);
  const int expected[] = {1, 2};
  REQUIRE(info->predictions.size() == 2);
  for (size_t p = 0; p < info->predictions.size(); ++p) {
    const sim::PredictSpec& spec = info->predictions[p];
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      sim::RunSpec run = sim::default_run(*info, seed);
      for (const auto& s : spec.settings) run.settings[static_cast<size_t>(sim::setting_index(*info, s.first))] = s.second;
      std::string error;
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      sim::Fixture f(*lab);
      spec.run(f);
      INFO(spec.id << " seed " << seed << ": " << spec.explain(*lab));
      CHECK(spec.outcome(*lab) == expected[p]);
      if (seed == 1) MESSAGE(spec.explain(*lab), " db connections ", latest(*lab, "db connections"), " in db ", latest(*lab, "queries in db"));
    }
  }
}

TEST_CASE("pooling lab: after a database restart sessions and the pooler reconnect") {
  for (const char* mode : {"off", "transaction"}) {
    std::unique_ptr<sim::Lab> lab = make(std::string("v1;lab=pooling;seed=5;pooler=") + mode);
    sim::Fixture f(*lab);
    f.run_for(2 * sim::kUsPerS);
    const int64_t before = latest(*lab, "transactions");
    f.crash(f.node("db"));
    f.run_for(sim::kUsPerS);
    f.restart(f.node("db"));
    f.run_for(15 * sim::kUsPerS);  // transactions lost in the crash time out after 10 s
    INFO(mode << ": " << before << " tx/s before, " << latest(*lab, "transactions") << " after");
    CHECK(before > 150);  // 100 sessions, one transaction per ~0.5 s
    CHECK(latest(*lab, "transactions") > before * 9 / 10);
    CHECK(latest(*lab, "db connections") == (std::string(mode) == "off" ? 100 : 25));
  }
}
