#include "sim/consistency_models.h"

#include <algorithm>
#include <set>

#include "sim/checkers.h"
#include "sim/linearizability.h"
#include "sim/session_checkers.h"

namespace sim {

const char* model_name(Model model) {
  switch (model) {
    case Model::Linearizable: return "Linearizable";
    case Model::Sequential: return "Sequential";
    case Model::Causal: return "Causal";
    case Model::ReadYourWrites: return "Read-your-writes";
    case Model::MonotonicReads: return "Monotonic reads";
    case Model::Eventual: return "Eventual";
  }
  return "?";
}

std::string describe_op(const HistoryOp& op, const std::vector<std::string>& sessions, const std::vector<std::string>& keys) {
  std::string s = node_name(sessions, op.session);
  s += op.kind == OpKind::Write ? " wrote " : " read ";
  s += node_name(keys, op.key);
  if (op.kind == OpKind::Write) return s + " = " + std::to_string(op.write_id);
  return s + " -> " + (op.write_id == 0 ? std::string("(initial)") : std::to_string(op.write_id));
}

namespace {

using Ops = std::vector<HistoryOp>;

// --- Linearizable: WGL per key --------------------------------------------------------------------

ModelVerdict linearizable(const Ops& ops) {
  ModelVerdict v{Model::Linearizable};
  std::set<int32_t> keys;
  for (const HistoryOp& op : ops) keys.insert(op.key);
  for (int32_t key : keys) {
    std::vector<RegisterOp> reg;
    std::vector<size_t> index;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i].key != key) continue;
      reg.push_back(RegisterOp{ops[i].kind, ops[i].invoke_us, ops[i].complete_us, ops[i].write_id});
      index.push_back(i);
    }
    const LinearizabilityResult r = check_register(reg, {});
    if (r.verdict != Verdict::NotLinearizable) continue;
    v.holds = false;
    v.violating.push_back(index[r.blocking_op]);
  }
  if (!v.holds) v.why = "it returns a value that a write completed before it began had already replaced";
  return v;
}

// --- Sequential: one order keeping each session's order ------------------------------------------

class SequentialSearch {
 public:
  explicit SequentialSearch(const Ops& ops) : ops_(ops) {
    for (size_t i = 0; i < ops.size(); ++i) {
      const size_t s = static_cast<size_t>(ops[i].session);
      if (sessions_.size() <= s) sessions_.resize(s + 1);
      sessions_[s].push_back(i);
    }
  }

  bool run() {
    std::vector<size_t> pos(sessions_.size(), 0);
    std::vector<std::pair<int32_t, int64_t>> values;  // key -> latest write id, sorted
    return search(pos, values);
  }
  /// At the deepest point reached: the next op of each session that could not be placed.
  std::vector<size_t> stuck() const { return stuck_; }

 private:
  static int64_t value_of(const std::vector<std::pair<int32_t, int64_t>>& values, int32_t key) {
    for (const auto& kv : values)
      if (kv.first == key) return kv.second;
    return 0;
  }

  bool search(std::vector<size_t>& pos, std::vector<std::pair<int32_t, int64_t>>& values) {
    size_t placed = 0;
    for (size_t s = 0; s < pos.size(); ++s) placed += pos[s];
    if (placed == ops_.size()) return true;
    if (!visited_.insert({pos, values}).second) return false;
    std::vector<size_t> blocked;
    for (size_t s = 0; s < sessions_.size(); ++s) {
      if (pos[s] == sessions_[s].size()) continue;
      const size_t i = sessions_[s][pos[s]];
      const HistoryOp& op = ops_[i];
      if (op.kind == OpKind::Read && value_of(values, op.key) != op.write_id) {
        blocked.push_back(i);
        continue;
      }
      std::vector<std::pair<int32_t, int64_t>> next = values;
      if (op.kind == OpKind::Write) {
        next.erase(std::remove_if(next.begin(), next.end(), [&op](const auto& kv) { return kv.first == op.key; }), next.end());
        next.emplace_back(op.key, op.write_id);
        std::sort(next.begin(), next.end());
      }
      ++pos[s];
      const bool ok = search(pos, next);
      --pos[s];
      if (ok) return true;
    }
    if (placed >= deepest_) {
      deepest_ = placed;
      stuck_ = blocked;
    }
    return false;
  }

  const Ops& ops_;
  std::vector<std::vector<size_t>> sessions_;
  std::set<std::pair<std::vector<size_t>, std::vector<std::pair<int32_t, int64_t>>>> visited_;
  size_t deepest_ = 0;
  std::vector<size_t> stuck_;
};

ModelVerdict sequential(const Ops& ops) {
  ModelVerdict v{Model::Sequential};
  SequentialSearch search(ops);
  if (search.run()) return v;
  v.holds = false;
  v.violating = search.stuck();
  v.why = "no single order of all operations keeps each session's order and explains every read";
  return v;
}

// --- Causal: happens-before = (session order ∪ reads-from)+ --------------------------------------

ModelVerdict causal(const Ops& ops) {
  ModelVerdict v{Model::Causal};
  const size_t n = ops.size();
  std::vector<std::vector<char>> hb(n, std::vector<char>(n, 0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      const bool session_order = i != j && ops[i].session == ops[j].session && ops[i].invoke_us < ops[j].invoke_us;
      const bool reads_from = ops[i].kind == OpKind::Write && ops[j].kind == OpKind::Read && ops[j].write_id == ops[i].write_id;
      hb[i][j] = session_order || reads_from;
    }
  for (size_t k = 0; k < n; ++k)  // transitive closure (Warshall)
    for (size_t i = 0; i < n; ++i)
      if (hb[i][k])
        for (size_t j = 0; j < n; ++j) hb[i][j] |= hb[k][j];
  for (size_t r = 0; r < n; ++r) {
    if (hb[r][r]) {
      v.violating.push_back(r);  // CyclicCO
      continue;
    }
    if (ops[r].kind != OpKind::Read) continue;
    for (size_t w = 0; w < n; ++w) {
      if (ops[w].kind != OpKind::Write || ops[w].key != ops[r].key || ops[w].write_id == ops[r].write_id || !hb[w][r]) continue;
      // WriteCOInitRead: a write of the key is in the read's causal past, yet it saw the initial value.
      // WriteCORead: the write it returned is causally overwritten by w before the read.
      bool overwritten = ops[r].write_id == 0;
      for (size_t src = 0; src < n && !overwritten; ++src)
        overwritten = ops[src].kind == OpKind::Write && ops[src].write_id == ops[r].write_id && hb[src][w];
      if (overwritten) {
        v.violating.push_back(r);
        break;
      }
    }
  }
  v.holds = v.violating.empty();
  if (!v.holds) v.why = "it misses a write that causally precedes it (it read something that depends on that write)";
  return v;
}

// --- Session guarantees, by rank ----------------------------------------------------------------

std::pair<ModelVerdict, ModelVerdict> session_guarantees(const History& h) {
  ModelVerdict ryw{Model::ReadYourWrites}, mono{Model::MonotonicReads};
  const auto rank = [&h](int64_t id) {
    return id > 0 && static_cast<size_t>(id) < h.rank.size() ? h.rank[static_cast<size_t>(id)] : 0;
  };
  std::vector<size_t> order(h.ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&h](size_t a, size_t b) { return h.ops[a].invoke_us < h.ops[b].invoke_us; });
  SessionTracker tracker;
  for (size_t i : order) {
    const HistoryOp& op = h.ops[i];
    if (op.kind == OpKind::Write) {
      tracker.wrote(op.session, op.key, rank(op.write_id));
      continue;
    }
    const SessionVerdict v = tracker.read(op.session, op.key, rank(op.write_id));
    if (v.read_your_writes) ryw.violating.push_back(i);
    if (v.monotonic_reads) mono.violating.push_back(i);
  }
  ryw.holds = ryw.violating.empty();
  mono.holds = mono.violating.empty();
  if (!ryw.holds) ryw.why = "a session reads an older version than one it wrote itself";
  if (!mono.holds) mono.why = "a session reads an older version than one it had already seen";
  return {ryw, mono};
}

ModelVerdict eventual(const History& h) {
  ModelVerdict v{Model::Eventual};
  if (h.final_states.empty()) {
    v.pending = true;
    return v;
  }
  for (const std::vector<int64_t>& state : h.final_states)
    if (state != h.final_states.front()) v.holds = false;
  if (!v.holds) v.why = "the replicas still disagree after writes stopped";
  return v;
}

}  // namespace

std::vector<ModelVerdict> judge(const History& h, const std::vector<std::string>& sessions, const std::vector<std::string>& keys) {
  std::vector<ModelVerdict> out = {linearizable(h.ops), sequential(h.ops), causal(h.ops)};
  const auto session = session_guarantees(h);
  out.push_back(session.first);
  out.push_back(session.second);
  out.push_back(eventual(h));
  for (ModelVerdict& v : out) {
    if (v.holds || v.violating.empty()) continue;
    v.why = describe_op(h.ops[v.violating.front()], sessions, keys) + ": " + v.why;
  }
  return out;
}

}  // namespace sim

// ================================================================================================
// The consistency-models lab: scripted histories played on the engine, judged from the trace
// ================================================================================================

namespace sim {

namespace {

constexpr int kSessions = 3;  // alice, bob, carol
constexpr int kStoryReplicas = 3;

struct StoryOp {
  int session;
  OpKind kind;
  int32_t key;
  int64_t value;  // write: its id and value (= its rank); read: what it returns (0 = initial)
  TimeUs at_ms;
  TimeUs done_ms;
  int replica;
};

struct StoryScript {
  std::vector<std::string> keys;
  std::vector<StoryOp> ops;
  std::vector<std::vector<int64_t>> final_states;  // per replica, per key
};

constexpr OpKind W = OpKind::Write;
constexpr OpKind R = OpKind::Read;

// Lesson 4's examples. Times in ms; replicas 0..2 are r1..r3.
StoryScript script(Story story) {
  switch (story) {
    case Story::AliceBob:  // "Bob replies: Me too!" reaches carol before Alice's post does
      return {{"post", "reply"},
              {{0, W, 0, 1, 100, 120, 0}, {1, R, 0, 1, 300, 320, 0}, {1, W, 1, 2, 400, 420, 0},
               {2, R, 1, 2, 600, 620, 1}, {2, R, 0, 0, 700, 720, 2}},
              {{1, 2}, {1, 2}, {1, 2}}};
    case Story::StaleRead:  // bob reads r2 before the write reaches it
      return {{"x"}, {{0, W, 0, 1, 100, 120, 0}, {1, R, 0, 0, 300, 320, 1}, {1, R, 0, 1, 600, 620, 1}}, {{1}, {1}, {1}}};
    case Story::OwnWrite:  // alice saves her name, reloads from a lagging replica
      return {{"name"}, {{0, W, 0, 1, 100, 120, 0}, {0, R, 0, 0, 300, 320, 1}, {0, R, 0, 1, 700, 720, 1}}, {{1}, {1}, {1}}};
    case Story::TimeTravel:  // bob sees x = 2, then x = 1 from a lagging replica
      return {{"x"},
              {{0, W, 0, 1, 100, 120, 0}, {0, W, 0, 2, 200, 220, 0}, {1, R, 0, 2, 400, 420, 0}, {1, R, 0, 1, 500, 520, 2}},
              {{2}, {2}, {2}}};
    case Story::Diverge:  // a partition that never heals and no anti-entropy: r1 and r2 disagree forever
      return {{"x"},
              {{0, W, 0, 1, 100, 120, 0}, {1, W, 0, 2, 100, 120, 1}, {0, R, 0, 1, 400, 420, 0}, {1, R, 0, 2, 400, 420, 1}},
              {{1}, {2}, {1}}};
    case Story::Strong:  // every read after a write sees it
      return {{"x"}, {{0, W, 0, 1, 100, 120, 0}, {1, R, 0, 1, 300, 320, 1}, {2, R, 0, 1, 500, 520, 2}}, {{1}, {1}, {1}}};
  }
  return {};
}

TimeUs story_end_us(const StoryScript& s) {
  TimeUs end = 0;
  for (const StoryOp& op : s.ops) end = std::max(end, op.done_ms * kUsPerMs);
  return end;
}

enum MsgType : uint16_t { kRequest = 1 };
struct Request {  // drawn on the timeline: which replica a session asks
  static constexpr uint16_t kType = kRequest;
  int64_t value;
  int32_t key;
  uint8_t write;
  TraceArgs trace_args() const { return {key, write}; }
};

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  out += type == kRequest ? (a.b != 0 ? "write k" : "read k") : "?";
  append_int(out, a.a);
}
const char* timer_name(int32_t) { return "next-op"; }
void note_text(const TraceEvent& e, const std::vector<std::string>&, std::string& out) { append_int(out, e.code); }
const Vocabulary kVocabulary{label, timer_name, note_text};

// Replays one session's operations of the story at their times.
class StorySession : public Protocol {
 public:
  StorySession(std::vector<StoryOp> ops) : ops_(std::move(ops)) {
    for (size_t i = 0; i < ops_.size(); ++i) {
      steps_.push_back({ops_[i].at_ms * kUsPerMs, i, true});
      steps_.push_back({ops_[i].done_ms * kUsPerMs, i, false});
    }
  }
  void on_start(Context& ctx) override { arm(ctx); }
  void on_crash() override {}
  void on_message(Context&, const Message&) override {}
  void on_timer(Context& ctx, TimerId) override {
    const Step& s = steps_[next_++];
    const StoryOp& op = ops_[s.op];
    const int64_t write_id = op.kind == OpKind::Write ? op.value : 0;
    if (s.invoke) {
      ctx.trace_invoke(op.kind, op.key, static_cast<int64_t>(s.op) + 1, write_id, write_id);
      ctx.send(kSessions + op.replica, Request{op.value, op.key, static_cast<uint8_t>(op.kind == OpKind::Write)});
    } else {
      ctx.trace_complete(op.kind, OpResult::Ok, kSessions + op.replica, op.key, static_cast<int64_t>(s.op) + 1, op.value, op.value);
    }
    arm(ctx);
  }

 private:
  struct Step {
    TimeUs at_us;
    size_t op;
    bool invoke;
  };
  void arm(Context& ctx) {
    if (next_ < steps_.size()) ctx.set_timer(0, std::max<TimeUs>(0, steps_[next_].at_us - ctx.now_local_us()));
  }
  std::vector<StoryOp> ops_;
  std::vector<Step> steps_;
  size_t next_ = 0;
};

class StoryReplica : public Protocol {
 public:
  void on_start(Context&) override {}
  void on_crash() override {}
  void on_message(Context&, const Message&) override {}
  void on_timer(Context&, TimerId) override {}
};

// Builds the history from the trace and reports each model the first time it breaks.
class HistoryRecorder {
 public:
  HistoryRecorder(std::vector<std::string> sessions, std::vector<std::string> keys)
      : sessions_(std::move(sessions)), keys_(std::move(keys)) {}
  void attach(Checkers* report_to) { report_to_ = report_to; }

  void on_trace(const TraceEvent& e) {
    if (e.kind == TraceKind::Invoke && e.node < kSessions) {
      open_[e.node] = HistoryOp{e.node, static_cast<OpKind>(e.code), e.x, e.c, e.time_us, 0, 0};
    } else if (e.kind == TraceKind::Complete && e.node < kSessions) {
      HistoryOp op = open_[e.node];
      op.complete_us = e.time_us;
      op.replica = e.peer - kSessions;
      op.write_id = e.c;
      history_.ops.push_back(op);
      if (history_.rank.size() <= static_cast<size_t>(op.write_id)) history_.rank.resize(static_cast<size_t>(op.write_id) + 1);
      history_.rank[static_cast<size_t>(op.write_id)] = op.write_id;
      report_new_failures(e.time_us);
    }
  }

  const History& history() const { return history_; }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  void report_new_failures(TimeUs t_us) {
    if (report_to_ == nullptr) return;
    for (const ModelVerdict& v : judge(history_, sessions_, keys_)) {
      const size_t m = static_cast<size_t>(v.model);
      if (v.holds || reported_[m]) continue;
      reported_[m] = true;
      const HistoryOp& op = history_.ops[v.violating.front()];
      report_to_->report(FindingKind::ConsistencyViolation, t_us, kSessions + op.replica, op.session,
                         std::string("not ") + model_name(v.model) + ": " + v.why);
    }
  }

  std::vector<std::string> sessions_, keys_;
  Checkers* report_to_ = nullptr;
  HistoryOp open_[kSessions];
  History history_;
  bool reported_[kModels] = {};
};

class RecorderSink : public TraceSink {
 public:
  explicit RecorderSink(std::shared_ptr<HistoryRecorder> r) : r_(std::move(r)) {}
  void on_trace(const TraceEvent& e) override { r_->on_trace(e); }

 private:
  std::shared_ptr<HistoryRecorder> r_;
};

class ConsistencyScenario : public Scenario {
 public:
  explicit ConsistencyScenario(Story story)
      : script_(script(story)), recorder_(std::make_shared<HistoryRecorder>(session_names(), script_.keys)) {}

  static std::vector<std::string> session_names() { return {"alice", "bob", "carol"}; }

  std::vector<std::string> names() const override {
    std::vector<std::string> out = session_names();
    for (int r = 0; r < kStoryReplicas; ++r) out.push_back("r" + std::to_string(r + 1));
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (int s = 0; s < kSessions; ++s) {
      std::vector<StoryOp> mine;
      for (const StoryOp& op : script_.ops)
        if (op.session == s) mine.push_back(op);
      engine.add_node(n[static_cast<size_t>(s)], std::make_unique<StorySession>(mine));
    }
    for (int r = 0; r < kStoryReplicas; ++r) engine.add_node(n[static_cast<size_t>(kSessions + r)], std::make_unique<StoryReplica>());
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }
  bool validate(const Command&, std::string* error) const override {
    *error = "this lab replays a fixed history: choose another with the 'history' setting";
    return false;
  }
  void apply(Engine&, const Command&) override {}

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    view.x = 0.2f + 0.3f * static_cast<float>(node % kSessions);
    view.y = node < kSessions ? 0.2f : 0.75f;
    if (node < kSessions) {
      view.kind = "client";
      view.role = Role::Client;
      return;
    }
    view.kind = "db";
    view.role = Role::Secondary;
    if (engine.now_us() < story_end_us(script_)) return;
    const std::vector<int64_t>& state = script_.final_states[static_cast<size_t>(node - kSessions)];
    for (size_t k = 0; k < state.size(); ++k)
      view.detail += (k > 0 ? " " : "") + script_.keys[k] + "=" + std::to_string(state[k]);
  }

  std::vector<MetricSpec> metrics() const override { return {}; }
  void sample(const Engine&, std::vector<int64_t>&) const override {}

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    History h = recorder_->history();
    if (engine.now_us() >= story_end_us(script_)) h.final_states = script_.final_states;
    const std::vector<ModelVerdict> verdicts = judge(h, session_names(), script_.keys);
    std::set<size_t> bad;
    Figure& models = add_figure(out, Figure::Kind::Table, "Which models this history satisfies");
    models.columns = {"model", "verdict", "first operation it forbids"};
    for (const ModelVerdict& v : verdicts) {
      const char* verdict = v.pending ? "waiting" : v.holds ? "holds" : "violated";
      const Tone tone = v.pending ? Tone::Neutral : v.holds ? Tone::Good : Tone::Bad;
      const std::string op = v.violating.empty() ? "-" : describe_op(h.ops[v.violating.front()], session_names(), script_.keys);
      models.rows.push_back({{model_name(v.model), Tone::Neutral}, {verdict, tone}, {op, tone}});
      bad.insert(v.violating.begin(), v.violating.end());
    }
    models.caption = std::to_string(h.ops.size()) + " of " + std::to_string(script_.ops.size()) +
                     " operations done; strongest model that holds: " + strongest(verdicts) + ".";
    Figure& ops = add_figure(out, Figure::Kind::Table, "The history");
    ops.columns = {"time", "session", "operation", "replica"};
    for (size_t i = 0; i < h.ops.size(); ++i) {
      const HistoryOp& op = h.ops[i];
      const Tone tone = bad.count(i) ? Tone::Bad : Tone::Neutral;
      ops.rows.push_back({{format_seconds(op.invoke_us), Tone::Neutral},
                          {session_names()[static_cast<size_t>(op.session)], Tone::Neutral},
                          {describe_op(op, session_names(), script_.keys), tone},
                          {"r" + std::to_string(op.replica + 1), Tone::Neutral}});
    }
    ops.caption = "Red: operations some model forbids.";
  }

  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to, const std::vector<std::string>&) const override {
    recorder_->attach(&report_to);
    std::vector<std::unique_ptr<TraceSink>> out;
    out.push_back(std::make_unique<RecorderSink>(recorder_));
    return out;
  }

 private:
  static std::string strongest(const std::vector<ModelVerdict>& verdicts) {
    for (const ModelVerdict& v : verdicts)
      if (v.holds && !v.pending) return model_name(v.model);
    return "none";
  }

  const StoryScript script_;
  std::shared_ptr<HistoryRecorder> recorder_;
};

}  // namespace

std::unique_ptr<Scenario> make_consistency_scenario(Story story) { return std::make_unique<ConsistencyScenario>(story); }

}  // namespace sim
