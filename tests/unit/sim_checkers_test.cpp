// Checkers on hand-built histories: each must flag the violation it exists for and accept the
// valid neighbour of that violation (LogCabin RaftConsensusInvariants.cc style: the checker is
// tested apart from any protocol).
#include <doctest/doctest.h>

#include "sim/checkers.h"
#include "sim/linearizability.h"

namespace {

using sim::AppendSource;
using sim::FindingKind;
using sim::NodeId;
using sim::OpKind;
using sim::OpResult;
using sim::RegisterOp;
using sim::Role;
using sim::TimeUs;
using sim::TraceEvent;
using sim::TraceKind;
using sim::Verdict;

constexpr NodeId n1 = 0, n2 = 1, c1 = 4, c2 = 5;
constexpr TimeUs ms = sim::kUsPerMs;

// Feeds records exactly as the engine would write them.
struct History {
  sim::Checkers checkers{{"n1", "n2", "n3", "mon", "c1", "c2"}};
  int64_t seq = 0;

  void feed(TimeUs t, TraceKind kind, NodeId node, NodeId peer, uint8_t code, int32_t x, int32_t y, int64_t a,
            int64_t b, int64_t c) {
    TraceEvent e;
    e.time_us = t;
    e.kind = kind;
    e.node = static_cast<uint8_t>(node);
    e.peer = peer < 0 ? sim::kNoPeer : static_cast<uint8_t>(peer);
    e.code = code;
    e.x = x;
    e.y = y;
    e.a = a;
    e.b = b;
    e.c = c;
    checkers.on_trace(e);
  }
  void role(TimeUs t, NodeId n, Role r, int64_t epoch) {
    feed(t, TraceKind::Role, n, -1, static_cast<uint8_t>(r), 0, 0, epoch, 0, 0);
  }
  void append(TimeUs t, NodeId n, AppendSource source, int64_t pos, int64_t write_id, int32_t epoch = 1) {
    feed(t, TraceKind::Append, n, -1, static_cast<uint8_t>(source), 0, epoch, pos, write_id % 1000, write_id);
  }
  // A write of key 0; its value is write_id % 1000. ack_us < 0: never acknowledged.
  void write(NodeId client, TimeUs invoke_us, TimeUs ack_us, int64_t write_id, NodeId via = n1) {
    const int64_t op = ++seq;
    feed(invoke_us, TraceKind::Invoke, client, -1, 0, 0, 0, op, write_id % 1000, write_id);
    if (ack_us >= 0)
      feed(ack_us, TraceKind::Complete, client, via, static_cast<uint8_t>(OpResult::Ok), 0,
           static_cast<int32_t>(OpKind::Write), op, write_id % 1000, write_id);
  }
  // A read of key 0 that observed `write_id` (0 = initial value).
  void read(NodeId client, TimeUs invoke_us, TimeUs done_us, int64_t write_id, NodeId via = n2) {
    const int64_t op = ++seq;
    feed(invoke_us, TraceKind::Invoke, client, -1, static_cast<uint8_t>(OpKind::Read), 0, 0, op, 0, 0);
    feed(done_us, TraceKind::Complete, client, via, static_cast<uint8_t>(OpResult::Ok), 0,
         static_cast<int32_t>(OpKind::Read), op, write_id % 1000, write_id);
  }
  int count(FindingKind kind) const { return checkers.count(kind); }
};

}  // namespace

TEST_CASE("stale read: a version older than a write acknowledged before the read began") {
  History h;
  h.write(c1, 0, 10 * ms, 1001);
  h.write(c1, 20 * ms, 30 * ms, 1002);
  SUBCASE("flagged") {
    h.read(c2, 40 * ms, 50 * ms, 1001);
    REQUIRE(h.count(FindingKind::StaleRead) == 1);
    CHECK(h.checkers.findings()[0].node == n2);
    CHECK(h.checkers.findings()[0].text ==
          "read k0 by c2 via n2 at 0.040 s returned 1, but write k0=2 by c1 was acknowledged at 0.030 s, "
          "before the read began");
  }
  SUBCASE("the initial value after an acknowledged write is stale too") {
    h.read(c2, 40 * ms, 50 * ms, 0);
    CHECK(h.count(FindingKind::StaleRead) == 1);
  }
  SUBCASE("a read concurrent with the newer write may return the older one") {
    h.read(c2, 25 * ms, 50 * ms, 1001);
    CHECK(h.count(FindingKind::StaleRead) == 0);
  }
  SUBCASE("the newest value is fine") {
    h.read(c2, 40 * ms, 50 * ms, 1002);
    CHECK(h.count(FindingKind::StaleRead) == 0);
  }
}

TEST_CASE("stale read: a write still pending may be returned, before or after") {
  History h;
  h.write(c1, 0, 10 * ms, 1001);
  h.write(c1, 20 * ms, -1, 1002);  // never acknowledged
  h.read(c2, 40 * ms, 50 * ms, 1002);
  h.read(c2, 60 * ms, 70 * ms, 1001);
  CHECK(h.count(FindingKind::StaleRead) == 0);
}

TEST_CASE("lost write: acknowledged by the old primary, missing on the new one (lesson 5)") {
  History h;
  h.role(0, n1, Role::Primary, 1);
  h.append(1 * ms, n1, AppendSource::Noop, 1, 0);
  h.append(2 * ms, n2, AppendSource::Replicated, 1, 0);
  h.write(c1, 5 * ms, 20 * ms, 1007);
  h.append(6 * ms, n1, AppendSource::ClientWrite, 2, 1007);
  SUBCASE("flagged with a sentence") {
    h.role(1000 * ms, n2, Role::Primary, 2);
    REQUIRE(h.count(FindingKind::LostWrite) == 1);
    CHECK(h.checkers.findings()[0].text ==
          "write k0=7 by c1 acknowledged at 0.020 s by n1 is missing on new primary n2");
    CHECK(h.checkers.stats().promotions == 1);
    h.role(2000 * ms, n2, Role::Primary, 2);  // reported once only
    CHECK(h.count(FindingKind::LostWrite) == 1);
  }
  SUBCASE("not flagged when the new primary has it") {
    h.append(7 * ms, n2, AppendSource::Replicated, 2, 1007);
    h.role(1000 * ms, n2, Role::Primary, 2);
    CHECK(h.count(FindingKind::LostWrite) == 0);
  }
  SUBCASE("truncation on the new primary's log counts") {
    h.append(7 * ms, n2, AppendSource::Replicated, 2, 1007);
    h.feed(8 * ms, TraceKind::Truncate, n2, -1, 0, 0, 0, 1, 1, 0);
    h.role(1000 * ms, n2, Role::Primary, 2);
    CHECK(h.count(FindingKind::LostWrite) == 1);
  }
}

TEST_CASE("lost write: an unacknowledged write may vanish; a deposed primary's ack may not") {
  History h;
  h.role(0, n1, Role::Primary, 1);
  h.write(c1, 5 * ms, -1, 1003);
  h.append(6 * ms, n1, AppendSource::ClientWrite, 1, 1003);
  h.role(1000 * ms, n2, Role::Primary, 2);
  CHECK(h.count(FindingKind::LostWrite) == 0);
  h.write(c1, 1100 * ms, 1110 * ms, 1004, n1);  // n1 never heard of epoch 2 and acknowledged
  h.append(1101 * ms, n1, AppendSource::ClientWrite, 2, 1004);
  CHECK(h.count(FindingKind::LostWrite) == 1);
}

TEST_CASE("split-brain: two primaries accepting writes in overlapping time") {
  History h;
  h.role(0, n1, Role::Primary, 1);
  h.append(10 * ms, n1, AppendSource::ClientWrite, 1, 1001);
  SUBCASE("flagged once both accept while both are primary") {
    h.role(20 * ms, n2, Role::Primary, 2);
    h.append(25 * ms, n2, AppendSource::ClientWrite, 1, 1002, 2);
    CHECK(h.count(FindingKind::SplitBrain) == 0);  // n1 has not accepted since n2 took over
    h.append(30 * ms, n1, AppendSource::ClientWrite, 2, 1003);
    REQUIRE(h.count(FindingKind::SplitBrain) == 1);
    CHECK(h.checkers.findings()[0].text ==
          "split-brain: n2 (epoch 2) and n1 (epoch 1) both accepted writes as primary, at 0.025 s and 0.030 s");
    h.append(31 * ms, n1, AppendSource::ClientWrite, 3, 1004);
    CHECK(h.count(FindingKind::SplitBrain) == 1);
  }
  SUBCASE("not flagged when the old primary stepped down first") {
    h.role(19 * ms, n1, Role::Secondary, 1);
    h.role(20 * ms, n2, Role::Primary, 2);
    h.append(25 * ms, n2, AppendSource::ClientWrite, 1, 1002, 2);
    h.append(26 * ms, n1, AppendSource::Replicated, 1, 1002, 2);
    CHECK(h.count(FindingKind::SplitBrain) == 0);
  }
}

TEST_CASE("linearizability (WGL): sequential and concurrent valid histories") {
  const std::vector<RegisterOp> sequential = {
      {OpKind::Write, 0, 10, 1}, {OpKind::Read, 20, 30, 1}, {OpKind::Write, 40, 50, 2}, {OpKind::Read, 60, 70, 2}};
  CHECK(sim::check_register(sequential, {}).verdict == Verdict::Linearizable);
  // w2 overlaps w1 and the read: the read may see either order's outcome.
  const std::vector<RegisterOp> overlapping = {
      {OpKind::Write, 0, 10, 1}, {OpKind::Write, 5, 15, 2}, {OpKind::Read, 12, 20, 1}};
  CHECK(sim::check_register(overlapping, {}).verdict == Verdict::Linearizable);
  CHECK(sim::check_register({}, {}).verdict == Verdict::Linearizable);
  CHECK(sim::check_register({{OpKind::Read, 0, 1, 0}}, {}).verdict == Verdict::Linearizable);
}

TEST_CASE("linearizability (WGL): violations are found and the blocking op named") {
  const std::vector<RegisterOp> stale = {{OpKind::Write, 0, 10, 1}, {OpKind::Write, 20, 30, 2}, {OpKind::Read, 40, 50, 1}};
  const sim::LinearizabilityResult r = sim::check_register(stale, {});
  CHECK(r.verdict == Verdict::NotLinearizable);
  CHECK(r.blocking_op == 2);
  CHECK(sim::check_register({{OpKind::Read, 0, 10, 9}}, {}).verdict == Verdict::NotLinearizable);
  // Two reads concurrent with one write, seeing new then old: the "flip-flop" of Herlihy & Wing.
  const std::vector<RegisterOp> flip = {
      {OpKind::Write, 0, 100, 1}, {OpKind::Read, 10, 20, 1}, {OpKind::Read, 30, 40, 0}};
  CHECK(sim::check_register(flip, {}).verdict == Verdict::NotLinearizable);
}

TEST_CASE("linearizability: an unacknowledged write may or may not take effect, but not both") {
  const std::vector<RegisterOp> maybe = {
      {OpKind::Write, 0, 10, 1}, {OpKind::Write, 20, sim::kNever, 2}, {OpKind::Read, 40, 50, 2}};
  CHECK(sim::check_register(maybe, {}).verdict == Verdict::Linearizable);
  std::vector<RegisterOp> vanished = maybe;
  vanished.push_back({OpKind::Read, 60, 70, 1});  // saw w2, then w2 is gone again
  CHECK(sim::check_register(vanished, {}).verdict == Verdict::NotLinearizable);
}

TEST_CASE("linearizability is bounded: beyond the limits the answer is unknown, not wrong") {
  std::vector<RegisterOp> wide;
  for (int i = 1; i <= 24; ++i) wide.push_back({OpKind::Write, 0, 1000, i});
  wide.push_back({OpKind::Read, 0, 1000, 99});  // forces the search through every order
  sim::LinearizabilityLimits small;
  small.max_steps = 5000;
  CHECK(sim::check_register(wide, small).verdict == Verdict::Unknown);
  small.max_ops = 3;
  CHECK(sim::check_register(wide, small).verdict == Verdict::Unknown);
}

TEST_CASE("long histories with a few concurrent clients check quickly") {
  // 3 clients, 1200 operations, each overlapping its neighbours: the shape our labs produce.
  std::vector<RegisterOp> ops;
  int64_t last = 0;
  for (int i = 1; i <= 1200; ++i) {
    const TimeUs start = i * 10;
    if (i % 2 == 0) {
      ops.push_back({OpKind::Write, start, start + 25, i});
      last = i;
    } else {
      ops.push_back({OpKind::Read, start, start + 25, last});
    }
  }
  const sim::LinearizabilityResult r = sim::check_register(ops, {});
  CHECK(r.verdict == Verdict::Linearizable);
  CHECK(r.steps < 100'000);
}

TEST_CASE("the checker suite turns a non-linearizable key into a finding") {
  History h;
  h.write(c1, 0, 10 * ms, 1001);
  h.write(c1, 20 * ms, 30 * ms, 1002);
  h.read(c2, 40 * ms, 50 * ms, 1001);
  const sim::LinearizabilityReport r = h.checkers.check_linearizability({});
  CHECK(r.verdict == Verdict::NotLinearizable);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].kind == FindingKind::NotLinearizable);
  CHECK(r.findings[0].text.find("read k0 -> 1 by c2") != std::string::npos);
}
