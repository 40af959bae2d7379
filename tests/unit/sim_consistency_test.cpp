// Session guarantees over the replication lab (lesson 2 "Handling lag") and the consistency-model
// checkers (lesson 4 "Consistency models"): each anomaly appears where the lesson says it does,
// and disappears under the routing or model that prevents it, over many seeds.
#include <doctest/doctest.h>

#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/session_checkers.h"

using sim::FindingKind;
using sim::Lab;

namespace {

constexpr sim::TimeUs s = sim::kUsPerS;

std::unique_ptr<Lab> open(const std::string& text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(text, &run, &error), error);
  std::unique_ptr<Lab> lab = Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

int violations(const Lab& lab, const char* guarantee) {
  int n = 0;
  for (const sim::Finding& f : lab.findings())
    n += f.kind == FindingKind::ConsistencyViolation && f.text.find(guarantee) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("session tracker: each guarantee judged on its own, per session and key") {
  sim::SessionTracker t;
  t.wrote(0, 1, 5);
  sim::SessionVerdict v = t.read(0, 1, 3);
  CHECK(v.read_your_writes);
  CHECK_FALSE(v.monotonic_reads);
  CHECK(v.wrote_rank == 5);
  CHECK_FALSE(t.read(1, 1, 3).read_your_writes);  // another session: no promise
  CHECK_FALSE(t.read(0, 2, 0).read_your_writes);  // another key
  v = t.read(0, 1, 7);
  CHECK_FALSE((v.read_your_writes || v.monotonic_reads));
  v = t.read(0, 1, 6);
  CHECK(v.monotonic_reads);
  CHECK_FALSE(v.read_your_writes);
  CHECK(v.read_rank == 7);
  v = t.read(0, 1, 2);
  CHECK((v.read_your_writes && v.monotonic_reads));
}

TEST_CASE("replication lab: reads from any lagging replica break both session guarantees") {
  // n3 applies 400 ms late, the others at once: a session hopping between replicas misses its
  // own writes and goes back in time.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;rate=200;writes_pct=40;keys=2;apply_ms=0;reads=any;seed=" +
                                    std::to_string(seed) + ";cmds=0.apply.n3.400000");
    lab->advance_to(10 * s);
    CHECK(violations(*lab, "(read-your-writes)") > 0);
    CHECK(violations(*lab, "(monotonic reads)") > 0);
  }
}

TEST_CASE("replication lab: each routing strategy removes the anomaly it is named for") {
  const std::string base = "v1;lab=replication-failover;rate=200;writes_pct=40;keys=2;apply_ms=0;seed=";
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const std::string cmds = ";cmds=0.apply.n3.400000";
    std::unique_ptr<Lab> ryw = open(base + std::to_string(seed) + ";reads=ryw" + cmds);
    std::unique_ptr<Lab> mono = open(base + std::to_string(seed) + ";reads=monotonic" + cmds);
    std::unique_ptr<Lab> primary = open(base + std::to_string(seed) + ";reads=primary" + cmds);
    for (Lab* lab : {ryw.get(), mono.get(), primary.get()}) lab->advance_to(10 * s);
    CHECK(violations(*ryw, "(read-your-writes)") == 0);
    CHECK(ryw->checkers().stats().reads_acked > 300);
    CHECK(violations(*mono, "(monotonic reads)") == 0);
    CHECK(mono->checkers().stats().reads_acked > 500);
    CHECK(primary->checkers().count(FindingKind::ConsistencyViolation) == 0);
  }
}

TEST_CASE("a violation sentence names the session, key, versions and replica") {
  std::unique_ptr<Lab> lab = open("v1;lab=replication-failover;rate=200;writes_pct=40;keys=2;apply_ms=0;reads=any;seed=3;"
                                  "cmds=0.apply.n3.400000");
  lab->advance_to(10 * s);
  bool found = false;
  for (const sim::Finding& f : lab->findings()) {
    if (f.kind != FindingKind::ConsistencyViolation || f.text.find("(read-your-writes)") == std::string::npos) continue;
    found = true;
    CHECK(f.text.rfind("c", 0) == 0);
    CHECK(f.text.find(" read k") != std::string::npos);
    CHECK(f.text.find(" via n3 ") != std::string::npos);  // only the lagging replica can miss a write
    CHECK(f.text.find("after writing version #") != std::string::npos);
  }
  CHECK(found);
}
