// The lab as the UI sees it: views, metrics, guided goals (each demonstrated by its own fixture
// moves), determinism across seeds, and a golden trace (etcd-io/raft testdata/*.txt style).
#include <doctest/doctest.h>

#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/replication.h"

namespace {

std::unique_ptr<sim::Lab> make(const std::string& text) {
  sim::RunSpec run;
  std::string error;
  REQUIRE_MESSAGE(sim::decode_run(text, &run, &error), error);
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  return lab;
}

}  // namespace

TEST_CASE("labs are registered under the ids of content/course.json") {
  CHECK(sim::find_lab("replication-failover") != nullptr);
  CHECK(sim::find_lab("split-brain") != nullptr);
  CHECK(sim::find_lab("no-such-lab") == nullptr);
  for (const sim::LabInfo& info : sim::labs()) {
    std::string error;
    CHECK_MESSAGE(sim::validate_run(sim::default_run(info, 1), &error), error);
    for (const sim::SettingSpec& s : info.settings) CHECK((s.def >= s.min && s.def <= s.max));
  }
}

TEST_CASE("golden trace: the first events of split-brain seed 1") {
  std::unique_ptr<sim::Lab> lab = make("v1;lab=split-brain;seed=1");
  lab->advance_to(20 * sim::kUsPerMs);
  std::string text;
  for (size_t i = 0; i < 16; ++i) text += lab->trace_line(lab->trace()[i]) + "\n";
  CHECK(text ==
        "0.000000 n1 role secondary e1\n"
        "0.000000 n1 send ->mon hb e1 #0 m1\n"
        "0.000000 n2 role secondary e1\n"
        "0.000000 n2 send ->mon hb e1 #0 m2\n"
        "0.000000 n3 role secondary e1\n"
        "0.000000 n3 send ->mon hb e1 #0 m3\n"
        "0.000000 mon role monitor e1\n"
        "0.005461 mon deliver <-n1 hb e1 #0 m1\n"
        "0.005461 mon send ->n1 view e1 n1 m4\n"
        "0.005643 mon deliver <-n3 hb e1 #0 m3\n"
        "0.005643 mon send ->n3 view e1 n1 m5\n"
        "0.005956 mon deliver <-n2 hb e1 #0 m2\n"
        "0.005956 mon send ->n2 view e1 n1 m6\n"
        "0.010782 n3 deliver <-mon view e1 n1 m5\n"
        "0.011079 n1 deliver <-mon view e1 n1 m4\n"
        "0.011079 n1 role primary e1\n");
}

TEST_CASE("different seeds give different runs; the same seed the same one") {
  std::unique_ptr<sim::Lab> a = make("v1;lab=split-brain;seed=1"), b = make("v1;lab=split-brain;seed=2"),
                            c = make("v1;lab=split-brain;seed=1");
  for (sim::Lab* lab : {a.get(), b.get(), c.get()}) lab->advance_to(5 * sim::kUsPerS);
  CHECK(a->trace_hash() != b->trace_hash());
  CHECK(a->trace_hash() == c->trace_hash());
  CHECK(a->trace_text() == c->trace_text());
}

TEST_CASE("views: nodes, links, messages in flight") {
  std::unique_ptr<sim::Lab> lab = make("v1;lab=replication-failover;seed=3;apply_ms=500;rate=100");
  sim::Fixture f(*lab);
  f.run_for(2 * sim::kUsPerS);
  const std::vector<sim::NodeView> nodes = lab->nodes();
  REQUIRE(nodes.size() == 6);  // n1 n2 n3 mon c1 c2
  CHECK(nodes[0].name == "n1");
  CHECK(nodes[0].role == sim::Role::Primary);
  CHECK(nodes[0].epoch == 1);
  CHECK(nodes[3].role == sim::Role::Monitor);
  CHECK(std::string(nodes[4].kind) == "client");
  CHECK(nodes[1].role == sim::Role::Secondary);
  CHECK(nodes[1].applied_pos <= nodes[1].log_length);
  CHECK(nodes[1].lag_us < 600 * sim::kUsPerMs);  // apply delay + a little network
  f.cut(f.node("n1"), f.node("n2"));
  int cut = 0;
  for (const sim::LinkView& l : lab->links()) cut += l.cut ? 1 : 0;
  CHECK(lab->links().size() == 30);
  CHECK(cut == 1);
  const std::vector<sim::MessageView> flying = lab->messages();
  REQUIRE_FALSE(flying.empty());
  for (size_t i = 1; i < flying.size(); ++i) CHECK(flying[i - 1].deliver_us <= flying[i].deliver_us);
  CHECK_FALSE(flying[0].label.empty());
  f.uncut(f.node("n1"), f.node("n2"));
  f.latency(f.node("n1"), f.node("n2"), 300 * sim::kUsPerMs);  // a slow link: n2 falls behind
  f.run_for(1 * sim::kUsPerS);
  CHECK(lab->nodes()[1].lag_us > 600 * sim::kUsPerMs);
  f.pause(f.node("n3"));
  f.run_for(300 * sim::kUsPerMs);
  CHECK(lab->nodes()[2].status == sim::NodeStatus::Paused);
  CHECK(lab->messages().back().deliver_us == sim::kNever);  // held by the paused node
}

TEST_CASE("metrics: a throughput series only where clients are traced, so no chart reads 0 all run") {
  for (const char* id : {"pooling", "caching", "failure-detection", "cluster-explorer"}) {
    CAPTURE(id);
    std::string error;
    std::unique_ptr<sim::Lab> lab = sim::Lab::create(sim::default_run(*sim::find_lab(id), 1), &error);
    REQUIRE(lab);
    lab->advance_to(5 * sim::kUsPerS);
    for (const sim::MetricSpec& spec : lab->metrics().specs) CHECK(spec.name != "throughput");
    REQUIRE(!lab->metrics().specs.empty());
    CHECK(lab->metrics().specs[0].name == "findings");
    CHECK(lab->metrics().series[0].size() == lab->metrics().times_us.size());
  }
  std::string error;
  std::unique_ptr<sim::Lab> pool = sim::Lab::create(sim::default_run(*sim::find_lab("pooling"), 1), &error);
  pool->advance_to(5 * sim::kUsPerS);
  const sim::Metrics& m = pool->metrics();
  int64_t max_tx = 0;
  for (size_t i = 0; i < m.specs.size(); ++i)
    if (m.specs[i].name == "transactions")
      for (int64_t v : m.series[i]) max_tx = std::max(max_tx, v);
  CHECK(max_tx > 0);  // the pool charts its own load instead
}

TEST_CASE("metrics: lag per replica, throughput and findings, sampled every 100 ms") {
  std::unique_ptr<sim::Lab> lab = make("v1;lab=replication-failover;seed=5;apply_ms=400;rate=50");
  lab->advance_to(3 * sim::kUsPerS);
  const sim::Metrics& m = lab->metrics();
  REQUIRE(m.specs.size() == 2 + 3);
  CHECK(m.specs[0].name == "throughput");
  CHECK(m.specs[2].name == "lag n1");
  CHECK(m.times_us.size() == 31);
  for (const std::vector<int64_t>& series : m.series) CHECK(series.size() == m.times_us.size());
  int64_t max_lag_ms = 0, max_throughput = 0;
  for (size_t k = 0; k < m.times_us.size(); ++k) {
    max_lag_ms = std::max(max_lag_ms, m.series[3][k]);
    max_throughput = std::max(max_throughput, m.series[0][k]);
    CHECK(m.series[2][k] == 0);  // the primary has no lag
  }
  CHECK(max_lag_ms >= 300);
  CHECK(max_lag_ms < 600);
  CHECK(max_throughput > 0);
}

TEST_CASE("every guided goal is unmet at the start and met by its demonstration") {
  for (const sim::LabInfo& info : sim::labs()) {
    for (const sim::GoalSpec& goal : info.goals) {
      sim::RunSpec run = sim::default_run(info, 11);
      for (const auto& setting : goal.demo_settings)
        run.settings[static_cast<size_t>(sim::setting_index(info, setting.first))] = setting.second;
      std::string error;
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      REQUIRE_MESSAGE(lab != nullptr, error);
      const std::string name = std::string(info.id) + " / " + goal.id;
      INFO(name);
      CHECK_FALSE(goal.met(*lab));
      sim::Fixture f(*lab);
      goal.demo(f);
      CHECK(f.last_error().empty());
      INFO(sim::encode_run(lab->run()));
      CHECK(goal.met(*lab));
      bool reported = false;
      for (const sim::GoalStatus& g : lab->goals()) reported |= g.id == goal.id && g.met;
      CHECK(reported);
    }
  }
}

TEST_CASE("fixture: step_until_primary finds the new primary after a crash") {
  std::unique_ptr<sim::Lab> lab = make("v1;lab=split-brain;seed=2");
  sim::Fixture f(*lab);
  CHECK(f.step_until_primary(sim::kUsPerS) == f.node("n1"));
  f.crash(f.node("n1"));
  const sim::NodeId next = f.step_until_primary(lab->now_us() + 5 * sim::kUsPerS, f.node("n1"));
  CHECK((next == f.node("n2") || next == f.node("n3")));
  CHECK(lab->now_us() > 1 * sim::kUsPerS);  // waited for the failover timeout
  CHECK(f.step_until_primary(lab->now_us() + sim::kUsPerS, next) == sim::kNoNode);
}

namespace {

sim::RunSpec prediction_run(const sim::LabInfo& info, const sim::PredictSpec& spec, uint64_t seed) {
  sim::RunSpec run = sim::default_run(info, seed);
  for (const auto& [key, value] : spec.settings) {
    const int k = sim::setting_index(info, key);
    REQUIRE_MESSAGE(k >= 0, key);
    run.settings[static_cast<size_t>(k)] = value;
  }
  return run;
}

// Runs a prediction's scenario as the UI does and returns (outcome, explanation).
std::pair<int, std::string> judge(const sim::LabInfo& info, const sim::PredictSpec& spec, uint64_t seed) {
  std::string error;
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(prediction_run(info, spec, seed), &error);
  REQUIRE_MESSAGE(lab != nullptr, error);
  sim::Fixture f(*lab);
  spec.run(f);
  CHECK_MESSAGE(f.last_error().empty(), f.last_error());
  return {spec.outcome(*lab), spec.explain(*lab)};
}

}  // namespace

TEST_CASE("every prediction judges a valid choice from its own run, the same way for the same seed") {
  for (const sim::LabInfo& info : sim::labs())
    for (const sim::PredictSpec& spec : info.predictions) {
      INFO(info.id << " / " << spec.id);
      CHECK(spec.choices.size() >= 2);
      for (uint64_t seed = 1; seed <= 5; ++seed) {
        const auto [outcome, why] = judge(info, spec, seed);
        CHECK(outcome >= 0);
        CHECK(outcome < static_cast<int>(spec.choices.size()));
        CHECK_FALSE(why.empty());
        CHECK(judge(info, spec, seed).first == outcome);
      }
    }
}

TEST_CASE("lesson 2 prediction: an async primary that crashes with unreplicated writes loses acknowledged writes") {
  const sim::LabInfo& info = *sim::find_lab("replication-failover");
  REQUIRE(info.predictions.size() == 1);
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto [outcome, why] = judge(info, info.predictions[0], seed);
    INFO("seed " << seed << ": " << why);
    CHECK(outcome == 1);
  }
}

TEST_CASE("scenario actions: a lab without actions rejects 'act' with a sentence") {
  sim::RunSpec run;
  std::string error;
  CHECK_FALSE(sim::decode_run("v1;lab=replication-failover;seed=1;cmds=5.act.add-server", &run, &error));
  CHECK(error.find("unknown action 'add-server'") != std::string::npos);
  CHECK_FALSE(sim::decode_run("v1;lab=replication-failover;seed=1;cmds=5.act", &run, &error));
  CHECK(error.find("needs a name") != std::string::npos);
}

TEST_CASE("random faults make runs that every lab accepts (the seed sweeps and the determinism check use them)") {
  for (const sim::LabInfo& info : sim::labs())
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      std::string error;
      std::unique_ptr<sim::Lab> probe = sim::Lab::create(sim::default_run(info, seed), &error);
      REQUIRE_MESSAGE(probe != nullptr, error);
      sim::RunSpec run = probe->run();
      run.commands = sim::random_faults(*probe, seed, sim::kUsPerS, 15 * sim::kUsPerS);
      INFO(info.id << " seed " << seed);
      CHECK_FALSE(run.commands.empty());
      CHECK_MESSAGE(sim::validate_run(run, &error), error);
    }
}
