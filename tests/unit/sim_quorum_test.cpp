// The quorum store and its labs (lesson 4): the W + R > N guarantee and the anomalies when it
// does not hold, hinted handoff, read repair, the CAP lab's CP and AP behaviour under a
// partition, the divergence checker, the figures and the predictions, each over many seeds.
// Reference: DeCandia et al., "Dynamo", SOSP 2007, sections 4.5 (quorums, read repair) and
// 4.6 (sloppy quorum, hinted handoff); Gilbert and Lynch 2002 for CAP.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/quorum.h"

namespace {

using Settings = std::vector<std::pair<const char*, int64_t>>;

std::unique_ptr<sim::Lab> make(const char* lab_id, uint64_t seed, const Settings& settings, bool keep_trace = true) {
  const sim::LabInfo* info = sim::find_lab(lab_id);
  REQUIRE(info != nullptr);
  sim::RunSpec run = sim::default_run(*info, seed);
  for (const auto& s : settings) {
    const int i = sim::setting_index(*info, s.first);
    REQUIRE_MESSAGE(i >= 0, s.first);
    run.settings[static_cast<size_t>(i)] = s.second;
  }
  std::string error;
  sim::LabOptions options;
  options.keep_trace = keep_trace;
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error, options);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

int stale(const sim::Lab& lab) { return lab.checkers().count(sim::FindingKind::StaleRead); }

// Figures are returned by value: keep the vector alive while using the pointer.
const sim::Figure* figure(const std::vector<sim::Figure>& figures, const std::string& prefix) {
  for (const sim::Figure& f : figures)
    if (f.title.rfind(prefix, 0) == 0) return &f;
  return nullptr;
}

// "12 / 30 ms" -> 12 (the p50), "-" -> -1.
int64_t p50_ms(const sim::FigureCell& cell) { return cell.text == "-" ? -1 : std::stoll(cell.text); }

int64_t last_sample(const sim::Lab& lab, const std::string& name) {
  const sim::Metrics& m = lab.metrics();
  for (size_t i = 0; i < m.specs.size(); ++i)
    if (m.specs[i].name == name) return m.series[i].back();
  FAIL("no metric " << name);
  return 0;
}

constexpr int kSeeds = 60;

}  // namespace

TEST_CASE("quorum: W + R > N and no failures, no read is ever stale (60 seeds, jitter and spread)") {
  // Any W replicas and any R replicas share one (pigeonhole), and versions come from unskewed
  // clocks, so a read that starts after a write was acknowledged sees it or something newer.
  const std::vector<Settings> configs = {
      {{"n", 3}, {"w", 2}, {"r", 2}}, {{"n", 3}, {"w", 3}, {"r", 1}}, {{"n", 3}, {"w", 1}, {"r", 3}},
      {{"n", 5}, {"w", 3}, {"r", 3}, {"repair", 0}}, {{"n", 5}, {"w", 2}, {"r", 4}, {"keys", 1}, {"jitter_ms", 20}}};
  for (const Settings& config : configs) {
    int64_t reads = 0;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::unique_ptr<sim::Lab> lab = make("quorums", seed, config, false);
      lab->advance_to(20 * sim::kUsPerS);
      INFO("seed " << seed << " n=" << lab->setting("n") << " w=" << lab->setting("w") << " r=" << lab->setting("r"));
      CHECK(stale(*lab) == 0);
      CHECK(lab->checkers().stats().timeouts == 0);
      reads += lab->checkers().stats().reads_acked;
    }
    CHECK(reads > kSeeds * 150);  // the guarantee was exercised: about 180 reads per run
  }
}

TEST_CASE("quorum: W + R <= N, stale reads appear in at least 80% of seeds and are counted") {
  // Threshold: in 30 s at 30 ops/s over 2 keys, with service times up to 40 ms, at least 48 of
  // 60 seeds show a stale read (measured: every seed for W=R=1, most for W=2, R=1).
  for (const Settings& config : {Settings{{"w", 1}, {"r", 1}}, Settings{{"w", 2}, {"r", 1}}}) {
    int seeds_with_stale = 0, total = 0;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::unique_ptr<sim::Lab> lab = make("quorums", seed, config, false);
      lab->advance_to(30 * sim::kUsPerS);
      seeds_with_stale += stale(*lab) > 0 ? 1 : 0;
      total += stale(*lab);
      // The checker's count is what the table and the chart show.
      const std::vector<sim::Figure> figures = lab->figures();
      const sim::Figure* f = figure(figures, "W + R vs N");
      REQUIRE(f != nullptr);
      CHECK(f->rows.size() == 1);
      CHECK(std::stoi(f->rows[0][4].text) == stale(*lab));
      CHECK(last_sample(*lab, "stale reads") <= stale(*lab));
    }
    INFO("w=" << config[0].second << " r=" << config[1].second << ": " << seeds_with_stale << " seeds, " << total << " stale reads");
    CHECK(seeds_with_stale >= kSeeds * 8 / 10);
    MESSAGE("w=" << config[0].second << " r=" << config[1].second << ": stale reads in " << seeds_with_stale << "/" << kSeeds
                 << " seeds, " << total << " in all");
  }
}

TEST_CASE("quorum: latency is the W-th (R-th) fastest reply, so it grows with W and R") {
  // Replica i of 3 serves in U[0, 40 ms * i / 3]; client and replica hops add ~4 x 6 ms. The
  // W-th fastest of three grows with W, so the medians must be strictly ordered, and W = N pays
  // for the slowest replica (its median exceeds W = 1's by at least 10 ms).
  int64_t sum_w[4] = {}, sum_r[4] = {};
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<sim::Lab> lab = make("quorums", seed, {{"writes_pct", 50}}, false);
    sim::Fixture f(*lab);
    for (int q = 1; q <= 3; ++q) {
      f.act(sim::kActSetW, sim::kNoNode, q);
      f.act(sim::kActSetR, sim::kNoNode, q);
      f.run_for(10 * sim::kUsPerS);
    }
    const std::vector<sim::Figure> figures = lab->figures();
    const sim::Figure* table = figure(figures, "W + R vs N");
    REQUIRE(table != nullptr);
    REQUIRE(table->rows.size() == 3);
    for (int q = 1; q <= 3; ++q) {
      sum_r[q] += p50_ms(table->rows[static_cast<size_t>(q - 1)][5]);
      sum_w[q] += p50_ms(table->rows[static_cast<size_t>(q - 1)][7]);
    }
  }
  MESSAGE("mean write p50 W=1,2,3: " << sum_w[1] / 20 << ", " << sum_w[2] / 20 << ", " << sum_w[3] / 20 << " ms; read p50 R=1,2,3: "
                                     << sum_r[1] / 20 << ", " << sum_r[2] / 20 << ", " << sum_r[3] / 20 << " ms");
  CHECK(sum_w[1] < sum_w[2]);
  CHECK(sum_w[2] < sum_w[3]);
  CHECK(sum_r[1] < sum_r[2]);
  CHECK(sum_r[2] < sum_r[3]);
  CHECK(sum_w[3] - sum_w[1] >= 10 * 20);
  CHECK(sum_w[1] >= 10 * 20);  // client to coordinator and back: two hops of >= 5 ms
}

TEST_CASE("quorum: hinted handoff keeps W = N writes available with a replica down, then hands them back") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    for (int handoff = 0; handoff <= 1; ++handoff) {
      std::unique_ptr<sim::Lab> lab = make("quorums", seed, {{"w", 3}, {"r", 1}, {"handoff", handoff}});
      sim::Fixture f(*lab);
      f.run_for(sim::kUsPerS);
      const int64_t before = lab->checkers().stats().writes_acked;
      f.crash(f.node("r3"));
      f.run_for(3 * sim::kUsPerS);
      const int64_t while_down = lab->checkers().stats().writes_acked - before;
      INFO("seed " << seed << " handoff " << handoff);
      if (handoff == 0) {
        CHECK(while_down <= 3);  // only writes already acknowledged by r3 before the crash
        CHECK(lab->checkers().stats().timeouts > 5);
        continue;
      }
      CHECK(while_down >= 10);
      CHECK(lab->checkers().stats().notes[sim::kNoteHinted] > 0);
      f.restart(f.node("r3"));
      f.rate(0);
      f.run_for(2 * sim::kUsPerS);
      CHECK(lab->checkers().stats().notes[sim::kNoteHandedOff] > 0);
      CHECK(last_sample(*lab, "diverged keys") == 0);  // r3 got every write back
      CHECK(lab->checkers().count(sim::FindingKind::Divergence) == 0);
    }
  }
}

TEST_CASE("quorum: sloppy quorums break the overlap: W + R > N with hinted handoff can read stale data") {
  // Lesson 4 "Why W + R > N is not linearizability": with r2 and r3 cut off from r1 and c1,
  // W = 2 is met by r1 plus a stand-in, and c3's reads at R = 2 (r2, r3) miss it.
  int seeds_with_stale = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::unique_ptr<sim::Lab> lab = make("quorums", seed, {{"w", 2}, {"r", 2}, {"handoff", 1}, {"clients", 3}});
    sim::Fixture f(*lab);
    f.run_for(sim::kUsPerS);
    f.partition({f.node("r2"), f.node("r3"), f.node("c2"), f.node("c3")});
    f.run_for(4 * sim::kUsPerS);
    seeds_with_stale += stale(*lab) > 0 ? 1 : 0;
  }
  CHECK(seeds_with_stale >= 15);
}

TEST_CASE("quorum: read repair fixes the stale replicas a read meets") {
  // r3 misses writes while cut off (W = 1, no anti-entropy); after healing, with only reads
  // running, read repair must bring it up to date; with repair off it stays behind.
  for (int repair = 0; repair <= 1; ++repair) {
    std::unique_ptr<sim::Lab> lab = make("quorums", 7, {{"repair", repair}, {"writes_pct", 100}});
    sim::Fixture f(*lab);
    f.partition({f.node("r3")});
    f.run_for(2 * sim::kUsPerS);
    f.heal();
    f.rate(0);
    f.run_for(sim::kUsPerS);
    const int64_t behind = last_sample(*lab, "diverged keys");
    CHECK(behind >= 1);
    for (int i = 0; i < 6; ++i) {
      f.read(f.node("c1"), i % 2);
      f.run_for(200 * sim::kUsPerMs);
    }
    CHECK(last_sample(*lab, "diverged keys") == (repair == 1 ? 0 : behind));
    CHECK(lab->checkers().stats().notes[sim::kNoteRepair] == (repair == 1 ? behind : 0));
  }
}

TEST_CASE("quorum: the divergence checker reports replicas that never converge, and only those") {
  for (int ae_ms : {0, 100}) {
    std::unique_ptr<sim::Lab> lab = make("quorums", 3, {{"ae_ms", ae_ms}, {"repair", 0}, {"rate", 0}});
    sim::Fixture f(*lab);
    f.partition({f.node("r3")});
    f.write(f.node("c1"), 0, 42);
    f.run_for(500 * sim::kUsPerMs);
    f.heal();
    // The checker runs on trace records: reads of the other key keep them coming.
    for (int i = 0; i < 8; ++i) {
      f.read(f.node("c2"), 1);
      f.run_for(500 * sim::kUsPerMs);
    }
    CHECK(lab->checkers().count(sim::FindingKind::Divergence) == (ae_ms == 0 ? 1 : 0));
    CHECK(last_sample(*lab, "diverged keys") == (ae_ms == 0 ? 1 : 0));
  }
}

TEST_CASE("CAP, CP mode: no stale read ever, the minority side fails, the majority carries on (40 seeds)") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::unique_ptr<sim::Lab> lab = make("cap", seed, {{"mode", 0}});
    sim::Fixture f(*lab);
    const sim::PredictSpec& p = lab->info().predictions[0];
    p.run(f);
    INFO("seed " << seed << ": " << p.explain(*lab));
    CHECK(p.outcome(*lab) == 0);  // only c3 fails
    f.heal();
    f.run_for(3 * sim::kUsPerS);
    CHECK(stale(*lab) == 0);
    CHECK(lab->checkers().stats().timeouts > 0);
    CHECK(lab->checkers().count(sim::FindingKind::Divergence) == 0);
  }
}

TEST_CASE("CAP, AP mode: both sides accept and diverge, stale reads appear, and replicas converge after healing (40 seeds)") {
  int seeds_with_stale = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::unique_ptr<sim::Lab> lab = make("cap", seed, {{"mode", 1}});
    sim::Fixture f(*lab);
    f.run_for(sim::kUsPerS);
    f.act(sim::kActSplit);
    f.run_for(3 * sim::kUsPerS);
    INFO("seed " << seed);
    CHECK(lab->checkers().stats().timeouts == 0);  // available on both sides
    CHECK(last_sample(*lab, "diverged keys") > 0);
    f.heal();
    f.rate(0);
    f.run_for(3 * sim::kUsPerS);
    CHECK(last_sample(*lab, "diverged keys") == 0);
    CHECK(lab->checkers().count(sim::FindingKind::Divergence) == 0);
    seeds_with_stale += stale(*lab) > 0 ? 1 : 0;
  }
  CHECK(seeds_with_stale >= 36);
}

TEST_CASE("CAP: the comparison figure runs both modes on the same seed and schedule") {
  int64_t ap_conflicts = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    std::unique_ptr<sim::Lab> lab = make("cap", seed, {});
    lab->advance_to(100 * sim::kUsPerMs);
    const std::vector<sim::Figure> figures = lab->figures();
    const sim::Figure* f = figure(figures, "CP vs AP");
    REQUIRE(f != nullptr);
    REQUIRE(f->rows.size() == 5);
    INFO("seed " << seed << ": " << f->rows[1][1].text << " | " << f->rows[1][2].text);
    CHECK(f->rows[1][1].text.rfind("0% of", 0) == 0);    // CP minority: nothing succeeds
    CHECK(f->rows[1][2].text.rfind("100% of", 0) == 0);  // AP minority: everything does
    CHECK(f->rows[0][1].text.rfind("100% of", 0) == 0);  // CP majority keeps going
    CHECK(f->rows[2][1].text == "0");                    // CP: no stale read
    CHECK(f->rows[3][1].text == "0");                    // CP: no key acknowledged on both sides
    CHECK(f->rows[4][2].text != "not within 6 s");       // AP converges
    ap_conflicts += std::stoi(f->rows[3][2].text);
    // Same seed, same numbers: computed from the run, deterministically.
    std::unique_ptr<sim::Lab> again = make("cap", seed, {});
    again->advance_to(100 * sim::kUsPerMs);
    const std::vector<sim::Figure> again_figures = again->figures();
    const sim::Figure* g = figure(again_figures, "CP vs AP");
    REQUIRE(g != nullptr);
    for (size_t r = 0; r < f->rows.size(); ++r)
      for (size_t c = 0; c < f->rows[r].size(); ++c) CHECK(f->rows[r][c].text == g->rows[r][c].text);
  }
  CHECK(ap_conflicts >= 10);  // AP: both sides wrote the same keys in most seeds
}

TEST_CASE("quorum prediction: N=3, W=2, R=1 shows a stale read on 30 seeds") {
  const sim::LabInfo* info = sim::find_lab("quorums");
  REQUIRE(info->predictions.size() == 1);
  const sim::PredictSpec& p = info->predictions[0];
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    sim::RunSpec run = sim::default_run(*info, seed);
    for (const auto& s : p.settings) run.settings[static_cast<size_t>(sim::setting_index(*info, s.first))] = s.second;
    std::string error;
    std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
    REQUIRE(lab != nullptr);
    sim::Fixture f(*lab);
    p.run(f);
    INFO("seed " << seed << ": " << p.explain(*lab));
    CHECK(p.outcome(*lab) == 0);
  }
}

TEST_CASE("quorum labs: every goal's demonstration meets it on 10 seeds") {
  for (const char* id : {"quorums", "cap"}) {
    const sim::LabInfo* info = sim::find_lab(id);
    for (const sim::GoalSpec& goal : info->goals) {
      for (uint64_t seed = 1; seed <= 10; ++seed) {
        sim::RunSpec run = sim::default_run(*info, seed);
        for (const auto& s : goal.demo_settings) run.settings[static_cast<size_t>(sim::setting_index(*info, s.first))] = s.second;
        std::string error;
        std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
        REQUIRE(lab != nullptr);
        sim::Fixture f(*lab);
        goal.demo(f);
        INFO(std::string(id) << " / " << std::string(goal.id) << " seed " << seed);
        CHECK(f.last_error().empty());
        CHECK(goal.met(*lab));
      }
    }
  }
}

TEST_CASE("quorum labs: bad settings and commands give sentences, not crashes") {
  const sim::LabInfo* info = sim::find_lab("quorums");
  sim::RunSpec run = sim::default_run(*info, 1);
  run.settings[static_cast<size_t>(sim::setting_index(*info, "w"))] = 5;
  std::string error;
  CHECK(sim::Lab::create(run, &error) == nullptr);
  CHECK(error == "W must be between 1 and N");
  std::unique_ptr<sim::Lab> lab = make("quorums", 1, {});
  sim::Fixture f(*lab);
  CHECK_FALSE(f.act(sim::kActSetR, sim::kNoNode, 4));
  CHECK(f.last_error() == "R must be 1..N (N = 3)");
  CHECK_FALSE(f.write(f.node("r1"), 0, 1));
  CHECK_FALSE(f.read(f.node("c1"), 5));
  CHECK(f.act(sim::kActSetW, sim::kNoNode, 3));
  // The CAP lab offers only the split: W and R follow its mode.
  std::unique_ptr<sim::Lab> cap = make("cap", 1, {});
  CHECK(cap->actions().size() == 1);
  const std::vector<sim::NodeView> nodes = cap->nodes();
  REQUIRE(nodes.size() == 8);  // r1..r5 c1..c3
  CHECK(nodes[5].detail == "via r1");
  CHECK(nodes[6].detail == "via r3");
  CHECK(nodes[7].detail == "via r5");
}
