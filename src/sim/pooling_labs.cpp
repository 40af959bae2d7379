// The lesson 6 connection pooling lab: its settings, guided goals (exhaust max_connections,
// watch latency climb with connections, serve 1,000 sessions through a pool of 25, leak a SET)
// and its "predict, then run" questions, answered from the run's own figures.
#include <cstring>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/pooling.h"

namespace sim {

namespace {

const char* const kPoolModes[] = {"off", "transaction"};

// Order is part of the URL format: append only.
std::vector<SettingSpec> settings() {
  return {
      {"apps", "app servers", 1, 4, 4, nullptr},
      {"clients", "client sessions per app server", 0, kMaxSessionsPerApp, 25, nullptr},
      {"pooler", "connect straight to the database (off) or through a transaction-mode pooler", 0, 1, 0, kPoolModes},
      {"pool", "server connections the pooler opens (default_pool_size)", 1, 1000, 25, nullptr},
      {"max_conn", "the database's max_connections", 1, 5000, 100, nullptr},
      {"cores", "database CPU cores", 1, 128, 8, nullptr},
      {"query_ms", "CPU time of one transaction (ms)", 1, 1000, 10, nullptr},
      {"contention", "extra query time per query inside the database beyond the cores (per mille)", 0, 1000, 2,
       nullptr},
      {"think_ms", "mean pause between a session's transactions (ms)", 1, 60'000, 500, nullptr},
      {"latency_ms", "one-way network latency (ms)", 0, 1000, 1, nullptr},
  };
}

int64_t value(const std::vector<int64_t>& v, const char* key) {
  static const std::vector<SettingSpec> schema = settings();
  return setting_value(schema, v, key);
}

std::unique_ptr<Scenario> make(const std::vector<int64_t>& v, NetworkConfig* network, std::string* error) {
  PoolingConfig c;
  c.apps = static_cast<int>(value(v, "apps"));
  c.sessions = static_cast<int>(value(v, "clients"));
  c.pooler = static_cast<PoolMode>(value(v, "pooler"));
  c.pool_size = static_cast<int>(value(v, "pool"));
  c.max_connections = static_cast<int>(value(v, "max_conn"));
  c.cores = static_cast<int>(value(v, "cores"));
  c.query_us = value(v, "query_ms") * kUsPerMs;
  c.contention_pm = static_cast<int>(value(v, "contention"));
  c.think_us = value(v, "think_ms") * kUsPerMs;
  network->link.latency_us = value(v, "latency_ms") * kUsPerMs;
  network->link.jitter_us = 0;
  if (!c.validate(error)) return nullptr;
  return make_pooling_scenario(c);
}

// --- Reading the run ---------------------------------------------------------------------------

int64_t refused(const Lab& lab) { return latest_metric(lab, "refused"); }
int64_t capacity(const Lab& lab) { return lab.setting("cores") * 1000 / lab.setting("query_ms"); }
bool pooled(const Lab& lab) { return lab.setting("pooler") != 0; }

// --- Goals -------------------------------------------------------------------------------------

bool exhaust_met(const Lab& lab) { return refused(lab) > 0; }

// Lesson 6: "performance degrades well before max_connections is reached".
bool contention_met(const Lab& lab) {
  return !pooled(lab) && latest_metric(lab, "db connections") >= 400 &&
         latest_metric(lab, "p99 latency") >= 10 * lab.setting("query_ms");
}

bool pooled_met(const Lab& lab) {
  return pooled(lab) && figure_number(lab, "Client sessions") >= 1000 && refused(lab) == 0 &&
         latest_metric(lab, "db connections") <= lab.setting("pool") &&
         latest_metric(lab, "transactions") * 10 >= capacity(lab) * 8;
}

bool leak_met(const Lab& lab) { return lab.checkers().stats().notes[kNoteLeak] > 0; }

void exhaust_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.act("clients", kNoNode, 50);
  f.run_for(2 * kUsPerS);
}

void ramp_to_1000(Fixture& f) {
  f.run_for(kUsPerS);
  for (int64_t n : {100, 175, 250}) {
    f.act("clients", kNoNode, n);
    f.run_for(2 * kUsPerS);
  }
  f.run_for(3 * kUsPerS);
}

void leak_demo(Fixture& f) {
  f.run_for(kUsPerS);
  f.act("set");
  f.run_for(2 * kUsPerS);
}

const GoalSpec kExhaust{"exhaust", "Run out of connections",
                        "Without a pooler, ramp the sessions past max_connections and read the database's answer.",
                        {}, exhaust_met, exhaust_demo};
const GoalSpec kContention{"contention", "Watch latency climb as connections pile up",
                           "Raise max_conn to 1000, then ramp to 250 sessions per app server straight to the database.",
                           {{"max_conn", 1000}}, contention_met, ramp_to_1000};
const GoalSpec kPooled{"pooled", "Serve 1,000 sessions through a pool of 25",
                       "Set pooler=transaction, then ramp to 250 sessions per app server: the database keeps 25 "
                       "connections and its cores stay busy.",
                       {{"pooler", 1}}, pooled_met, ramp_to_1000};
const GoalSpec kLeak{"set-leak", "See a session SET leak to another client",
                     "With pooler=transaction, run SET in one session and watch whose transactions pick it up.",
                     {{"pooler", 1}}, leak_met, leak_demo};

// --- Predictions -------------------------------------------------------------------------------

void run_3s(Fixture& f) { f.run_for(3 * kUsPerS); }

int exhaust_outcome(const Lab& lab) {
  if (refused(lab) > 0) return 1;
  return latest_metric(lab, "db connections") >= figure_number(lab, "Client sessions") ? 2 : 0;
}

std::string exhaust_explain(const Lab& lab) {
  return std::to_string(latest_metric(lab, "db connections")) + " of " + std::to_string(figure_number(lab, "Client sessions")) +
         " sessions hold a connection; the database refused " + std::to_string(refused(lab)) +
         " attempts with \"FATAL: sorry, too many clients already\". Nothing queues: each refused "
         "session gets an error and tries again after its pause.";
}

constexpr TimeUs kResizeAtUs = 6 * kUsPerS;

void resize_run(Fixture& f) {
  f.run_for(kResizeAtUs);
  f.act("pool", kNoNode, 100);
  f.run_for(kResizeAtUs);
}

int64_t throughput_before(const Lab& lab) { return mean_metric(lab, "transactions", kResizeAtUs - 2 * kUsPerS, kResizeAtUs); }
int64_t throughput_after(const Lab& lab) { return mean_metric(lab, "transactions", 2 * kResizeAtUs - 2 * kUsPerS, 2 * kResizeAtUs); }

int resize_outcome(const Lab& lab) {
  const int64_t before = throughput_before(lab), after = throughput_after(lab);
  if (after >= 2 * before) return 0;
  return after * 10 >= before * 11 ? 1 : 2;
}

std::string resize_explain(const Lab& lab) {
  return "Throughput went from " + std::to_string(throughput_before(lab)) + " to " +
         std::to_string(throughput_after(lab)) + " transactions/s. " + std::to_string(lab.setting("cores")) +
         " cores at " + std::to_string(lab.setting("query_ms")) + " ms per transaction can do at most " +
         std::to_string(capacity(lab)) + "/s; 25 connections already kept them busy, so 100 only add "
         "contention: the wait moves from the pooler's queue into the database.";
}

const PredictSpec kExhaustPrediction{
    "exhaust", "Four app servers open 50 sessions each, straight to a database with max_connections = 100. "
               "What happens to the sessions beyond the first 100?",
    {"They wait in a queue until a connection is free", "They are refused with an error",
     "The database accepts them all and slows down"},
    {{"clients", 50}}, run_3s, exhaust_outcome, exhaust_explain};

const PredictSpec kResizePrediction{
    "bigger-pool", "1,000 sessions share a pool of 25 on an 8-core database, and transactions queue in the pooler. "
                   "At 6 s the pool grows to 100 connections. What happens to throughput?",
    {"It roughly quadruples", "It rises a little", "It stays flat or falls"},
    {{"pooler", 1}, {"clients", 250}}, resize_run, resize_outcome, resize_explain};

}  // namespace

std::vector<LabInfo> pooling_labs() {
  LabInfo lab{"pooling", "Connection pooling lab", "production", settings(),
              {kExhaust, kContention, kPooled, kLeak}, make};
  lab.predictions = {kExhaustPrediction, kResizePrediction};
  lab.checks = {};
  lab.views = kViewCluster | kViewTimeline | kViewCharts | kViewFigures;
  return {lab};
}

}  // namespace sim
