#include "sim/multimaster.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

#include "sim/checkers.h"
#include "sim/crdt.h"

namespace sim {

namespace {

// ================================================================================================
// Shared state: the change store and what the trace tells about it
// ================================================================================================

// One key's replicated value, all strategies side by side (only the configured one is used, plus
// `seen`, the version vector the checker reads).
struct KeyState {
  LwwRegister lww;
  VersionVector seen;
  SiblingSet siblings;
  GCounter g;
  PNCounter pn;
  OrSet set;

  explicit KeyState(int nodes) : seen(nodes), siblings(nodes), g(nodes), pn(nodes) {}
};

// A write and the origin's state of its key right after it. Messages are fixed-size, so the wire
// carries the change's index and receivers read the state here: the store stands for the bytes
// a real replica would send (state-based replication ships the whole state).
struct Change {
  NodeId origin;
  int32_t key;
  int64_t counter;  // the origin's count of its own writes to this key (its version-vector slot)
  int64_t value;
  KeyState state;
};

struct ChangeStore {
  std::vector<Change> changes;  // write id = index + 1
  std::array<std::vector<int64_t>, kMaxReplicas> by_origin;  // each origin's changes, in its order
  const Change& of_write(int64_t write_id) const { return changes[static_cast<size_t>(write_id - 1)]; }
};

// Real times from the trace (nodes only know their own skewed clocks): when each write was
// accepted, when each node applied each change and over how many hops. Also the silent-overwrite
// checker: it reads kNoteOverwrite records and reports each lost write once.
class Observer {
 public:
  struct Arrival {
    TimeUs at_us = -1;  // -1: not applied
    int32_t hops = 0;
  };
  struct Write {
    TimeUs at_us = 0;
    NodeId node = kNoNode;
    int32_t key = 0;
    int64_t value = 0;
  };

  void attach(Checkers* report_to, const std::vector<std::string>& names) {
    report_to_ = report_to;
    names_ = names;
  }

  void on_trace(const TraceEvent& e) {
    if (e.kind == TraceKind::Invoke && static_cast<OpKind>(e.code) == OpKind::Write) {
      if (writes_.size() < static_cast<size_t>(e.c)) writes_.resize(static_cast<size_t>(e.c));
      writes_[static_cast<size_t>(e.c - 1)] = Write{e.time_us, e.node, e.x, e.b};
      arrivals_.resize(writes_.size(), std::vector<Arrival>(static_cast<size_t>(nodes_)));
    }
    if (e.kind != TraceKind::Note) return;
    if (e.code == kNoteApplied && static_cast<size_t>(e.a) < arrivals_.size()) {
      Arrival& a = arrivals_[static_cast<size_t>(e.a)][e.node];
      if (a.at_us < 0) a = Arrival{e.time_us, static_cast<int32_t>(e.b)};
    }
    if (e.code == kNoteOverwrite) report_overwrite(e);
  }

  void set_nodes(int nodes) { nodes_ = nodes; }
  const std::vector<Write>& writes() const { return writes_; }
  const Arrival& arrival(size_t change, NodeId node) const { return arrivals_[change][static_cast<size_t>(node)]; }
  /// Lost writes made later in real time than the write that beat them (clock skew at work).
  int later_lost() const { return later_lost_; }

 private:
  std::string describe(int64_t write_id) const {
    const Write& w = writes_[static_cast<size_t>(write_id - 1)];
    std::string s = std::string(node_name(names_, w.node)) + "'s write k";
    append_int(s, w.key);
    s += '=';
    append_int(s, w.value);
    return s + " at " + format_seconds(w.at_us);
  }

  // "m2's write k0=2 at 1.100 s was silently lost to m1's write k0=1 at 1.000 s, made earlier
  // in real time: m2's clock is behind (last write wins)"
  void report_overwrite(const TraceEvent& e) {
    if (report_to_ == nullptr || !reported_.insert(e.a).second) return;
    const Write& lost = writes_[static_cast<size_t>(e.a - 1)];
    const Write& won = writes_[static_cast<size_t>(e.b - 1)];
    const bool later = lost.at_us > won.at_us;
    later_lost_ += later ? 1 : 0;
    std::string text = describe(e.a) + " was silently lost to " + describe(e.b);
    text += later ? ", made earlier in real time: " + std::string(node_name(names_, lost.node)) +
                        "'s clock is behind (last write wins)"
                  : ", a concurrent write with a higher timestamp (last write wins)";
    report_to_->report(FindingKind::SilentOverwrite, e.time_us, lost.node, won.node, std::move(text));
  }

  Checkers* report_to_ = nullptr;
  std::vector<std::string> names_;
  int nodes_ = 0;
  std::vector<Write> writes_;                   // by write id - 1
  std::vector<std::vector<Arrival>> arrivals_;  // [change][node]
  std::set<int64_t> reported_;
  int later_lost_ = 0;
};

// What Lab owns (make_checkers): forwards the trace to the scenario's observer.
class ObserverSink : public TraceSink {
 public:
  explicit ObserverSink(std::shared_ptr<Observer> observer) : observer_(std::move(observer)) {}
  void on_trace(const TraceEvent& e) override { observer_->on_trace(e); }

 private:
  std::shared_ptr<Observer> observer_;
};

// ================================================================================================
// Topology and wire format
// ================================================================================================

// Lesson 2 "Replication topologies": who passes a change from `origin`, received from `from`,
// on to whom. Star: m1 is the hub. Chain: both ways along the line. Ring: one way, never back to
// the origin. Mesh: the origin sends to every peer directly.
std::vector<NodeId> next_hops(ReplicaTopology t, int n, NodeId self, NodeId origin, NodeId from) {
  std::vector<NodeId> out;
  const auto add = [&](NodeId to) {
    if (to >= 0 && to < n && to != self && to != from && to != origin) out.push_back(to);
  };
  switch (t) {
    case ReplicaTopology::Star:
      if (self == 0) for (NodeId to = 1; to < n; ++to) add(to);
      else if (self == origin) add(0);
      break;
    case ReplicaTopology::Chain: add(self - 1); add(self + 1); break;
    case ReplicaTopology::Ring: add((self + 1) % n); break;
    case ReplicaTopology::Mesh:
      if (self == origin) for (NodeId to = 0; to < n; ++to) add(to);
      break;
  }
  return out;
}

// Whom a node asks for what it missed (anti-entropy): every node with an edge to it.
std::vector<NodeId> upstream(ReplicaTopology t, int n, NodeId self) {
  std::vector<NodeId> out;
  for (NodeId other = 0; other < n; ++other) {
    if (other == self) continue;
    bool edge = false;
    switch (t) {
      case ReplicaTopology::Star: edge = self == 0 || other == 0; break;
      case ReplicaTopology::Chain: edge = other == self - 1 || other == self + 1; break;
      case ReplicaTopology::Ring: edge = (other + 1) % n == self; break;
      case ReplicaTopology::Mesh: edge = true; break;
    }
    if (edge) out.push_back(other);
  }
  return out;
}

enum MsgType : uint16_t { kChange = 1, kDigest, kLocalWrite, kWake };

struct ChangeMsg {
  static constexpr uint16_t kType = kChange;
  int64_t change;
  int32_t hops;    // hops so far, counting this one
  int32_t origin;
  TraceArgs trace_args() const { return {change + 1, hops}; }
};

// Anti-entropy (Dynamo §4.7, in its simplest form): "of each origin's changes, I hold the first
// held[o]"; the peer resends the later ones it holds.
struct Digest {
  static constexpr uint16_t kType = kDigest;
  std::array<int32_t, kMaxReplicas> held;
  TraceArgs trace_args() const {
    int64_t total = 0;
    for (int32_t h : held) total += h;
    return {total, 0};
  }
};

struct LocalWrite {  // a client at this node (a command)
  static constexpr uint16_t kType = kLocalWrite;
  int64_t value;
  int32_t key;
  TraceArgs trace_args() const { return {key, value}; }
};

struct Wake {  // the workload rate changed (a command)
  static constexpr uint16_t kType = kWake;
  int64_t reserved;
  TraceArgs trace_args() const { return {}; }
};

enum Timer : TimerId { kTimerWrite = 0, kTimerApply, kTimerSync };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  switch (type) {
    case kChange: out += "w"; append_int(out, a.a); out += " hop "; append_int(out, a.b); return;
    case kDigest: out += "digest "; append_int(out, a.a); return;
    case kLocalWrite: out += "write k"; append_int(out, a.a); out += "="; append_int(out, a.b); return;
    case kWake: out += "rate"; return;
  }
  out += "type";
  append_int(out, type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"write", "apply", "anti-entropy"};
  return timer >= 0 && timer < 3 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& names, std::string& out) {
  switch (e.code) {
    case kNoteApplied:
      out += "applied w"; append_int(out, e.a + 1); out += " from "; out += node_name(names, e.peer);
      out += " ("; append_int(out, e.b); out += " hops)";
      return;
    case kNoteOverwrite: out += "LWW discarded w"; append_int(out, e.a); out += " for w"; append_int(out, e.b); return;
    case kNoteSiblings: out += "k"; append_int(out, e.a); out += ": "; append_int(out, e.b); out += " siblings"; return;
  }
  append_int(out, e.code);
}

const Vocabulary kVocabulary{label, timer_name, note_text,
                             {{"concurrent", "", "Write on m1 and m2 at once",
                               "m1 and m2 both write k0 at this instant, each without seeing the other's write"}}};

// Items of a cart as "{1, 3}"; a cart is a bit mask of items 1..kMaxItems.
std::string format_items(const std::vector<int64_t>& items) {
  std::string s = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) s += ", ";
    append_int(s, items[i]);
  }
  return s + "}";
}

std::vector<int64_t> cart_items(int64_t mask) {
  std::vector<int64_t> out;
  for (int64_t item = 1; item <= kMaxItems; ++item)
    if ((mask >> item) & 1) out.push_back(item);
  return out;
}

// The application's merge (Dynamo's shopping cart): the union of every sibling's items.
int64_t cart_union(const SiblingSet& s) {
  int64_t mask = 0;
  for (const Sibling& sib : s.siblings()) mask |= sib.value;
  return mask;
}

// ================================================================================================
// A replica
// ================================================================================================

class Replica : public Protocol {
 public:
  Replica(const MultiMasterConfig& config, ChangeStore* store, NodeId self)
      : config_(config), store_(store), self_(self),
        keys_(static_cast<size_t>(config.keys), KeyState(config.nodes)), writes_per_s_(config.writes_per_s) {}

  const KeyState& key(int32_t k) const { return keys_[static_cast<size_t>(k)]; }
  void set_rate(int writes_per_s) { writes_per_s_ = writes_per_s; }
  bool writer() const { return config_.mode == WriteMode::MultiMaster || self_ == 0; }
  /// Hops of the newest change this node applied (0 = its own write; -1 = none yet).
  int32_t last_hops() const { return last_hops_; }

  void on_start(Context& ctx) override {
    schedule_write(ctx);
    if (config_.anti_entropy_us > 0) ctx.set_timer(kTimerSync, ctx.rng().between(1, config_.anti_entropy_us));
  }

  void on_crash() override {
    pending_.clear();
    apply_armed_ = false;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    switch (timer) {
      case kTimerWrite:
        if (writes_per_s_ <= 0) break;
        workload_write(ctx);
        schedule_write(ctx);
        break;
      case kTimerApply: apply_armed_ = false; apply_due(ctx); break;
      case kTimerSync: send_digests(ctx); ctx.set_timer(kTimerSync, config_.anti_entropy_us); break;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kChange: receive(ctx, m.from, m.body_as<ChangeMsg>()); break;
      case kDigest: resend_missing(ctx, m.from, m.body_as<Digest>()); break;
      case kWake: schedule_write(ctx); break;
      case kLocalWrite: {
        const LocalWrite w = m.body_as<LocalWrite>();
        local_write(ctx, w.key, w.value);
        break;
      }
    }
  }

 private:
  struct Pending {
    TimeUs due_local_us;
    int64_t change;
    int32_t hops;
    NodeId from;
  };

  bool holds(int64_t change) const {
    return static_cast<size_t>(change) < hops_.size() && hops_[static_cast<size_t>(change)] >= 0;
  }

  // --- Local writes (this node's clients) ---------------------------------------------------------

  void schedule_write(Context& ctx) {
    if (!writer() || writes_per_s_ <= 0) return;
    const int writers = config_.mode == WriteMode::MultiMaster ? config_.nodes : 1;
    const TimeUs mean_us = kUsPerS * writers / writes_per_s_;
    ctx.set_timer(kTimerWrite, ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  // Workload values: unique integers for registers; +1 / ±1 for counters; items 1..9 otherwise.
  void workload_write(Context& ctx) {
    const int32_t k = static_cast<int32_t>(ctx.rng().below(config_.keys));
    int64_t value = static_cast<int64_t>(store_->changes.size()) + 1;
    if (config_.strategy == Strategy::AppMerge || (config_.strategy == Strategy::Crdt && config_.crdt == CrdtKind::OrSet))
      value = 1 + ctx.rng().below(9);
    else if (config_.strategy == Strategy::Crdt)
      value = config_.crdt == CrdtKind::PNCounter && ctx.rng().below(2) == 0 ? -1 : 1;
    local_write(ctx, k, value);
  }

  void local_write(Context& ctx, int32_t k, int64_t value) {
    KeyState& s = keys_[static_cast<size_t>(k)];
    const int64_t write_id = static_cast<int64_t>(store_->changes.size()) + 1;
    s.seen.bump(self_);
    int64_t lost = 0;
    switch (config_.strategy) {
      case Strategy::Lww: lost = s.lww.merge(LwwRegister{value, write_id, ctx.now_local_us(), self_}); break;
      case Strategy::VersionVectors: s.siblings.write(self_, value, write_id); break;
      case Strategy::AppMerge: {
        const int64_t mask = cart_union(s.siblings);
        s.siblings.write(self_, value > 0 ? mask | (int64_t{1} << value) : mask & ~(int64_t{1} << -value), write_id);
        break;
      }
      case Strategy::Crdt:
        if (config_.crdt == CrdtKind::GCounter) s.g.increment(self_, value);
        else if (config_.crdt == CrdtKind::PNCounter) s.pn.add(self_, value);
        else if (value > 0) s.set.add(value, OrTag{self_, write_id});
        else s.set.remove(-value);
        break;
    }
    ++ops_;
    ctx.trace_invoke(OpKind::Write, k, ops_, value, write_id);
    ctx.trace_complete(OpKind::Write, OpResult::Ok, self_, k, ops_, value, write_id);
    store_->changes.push_back(Change{self_, k, s.seen.at(self_), value, s});
    store_->by_origin[static_cast<size_t>(self_)].push_back(write_id - 1);
    if (lost != 0) note_if_silent(ctx, lost, s.lww.write_id);
    const int64_t change = write_id - 1;
    mark_applied(ctx, change, 0);
    forward(ctx, change, self_);
  }

  // --- Propagation ------------------------------------------------------------------------------

  void receive(Context& ctx, NodeId from, const ChangeMsg& m) {
    const bool queued = std::any_of(pending_.begin(), pending_.end(), [&m](const Pending& p) { return p.change == m.change; });
    if (holds(m.change) || queued) return;  // the seen-set: copies and loops stop here
    pending_.push_back(Pending{ctx.now_local_us() + config_.hop_delay_us, m.change, m.hops, from});
    apply_due(ctx);
  }

  // Changes wait hop_delay_us each, in arrival order (the delay is the same for all).
  void apply_due(Context& ctx) {
    size_t done = 0;
    while (done < pending_.size() && pending_[done].due_local_us <= ctx.now_local_us()) {
      apply_change(ctx, pending_[done]);
      ++done;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));
    if (!pending_.empty() && !apply_armed_) {
      apply_armed_ = true;
      ctx.set_timer(kTimerApply, pending_.front().due_local_us - ctx.now_local_us());
    }
  }

  void apply_change(Context& ctx, const Pending& p) {
    if (holds(p.change)) return;
    const Change& c = store_->changes[static_cast<size_t>(p.change)];
    KeyState& s = keys_[static_cast<size_t>(c.key)];
    s.seen.merge(c.state.seen);
    switch (config_.strategy) {
      case Strategy::Lww: {
        const int64_t lost = s.lww.merge(c.state.lww);
        if (lost != 0) note_if_silent(ctx, lost, s.lww.write_id);
        break;
      }
      case Strategy::VersionVectors:
      case Strategy::AppMerge:
        s.siblings.merge(c.state.siblings);
        if (s.siblings.siblings().size() > 1)
          ctx.trace_note(kNoteSiblings, c.origin, c.key, static_cast<int64_t>(s.siblings.siblings().size()), 0);
        break;
      case Strategy::Crdt:
        s.g.merge(c.state.g);
        s.pn.merge(c.state.pn);
        s.set.merge(c.state.set);
        break;
    }
    mark_applied(ctx, p.change, p.hops);
    forward(ctx, p.change, p.from);
  }

  void mark_applied(Context& ctx, int64_t change, int32_t hops) {
    if (hops_.size() <= static_cast<size_t>(change)) hops_.resize(static_cast<size_t>(change) + 1, -1);
    hops_[static_cast<size_t>(change)] = hops;
    last_hops_ = hops;
    ctx.trace_note(kNoteApplied, store_->changes[static_cast<size_t>(change)].origin, change, hops, 0);
  }

  void forward(Context& ctx, int64_t change, NodeId from) {
    const Change& c = store_->changes[static_cast<size_t>(change)];
    const int32_t hops = hops_[static_cast<size_t>(change)] + 1;
    for (NodeId to : next_hops(config_.topology, config_.nodes, self_, c.origin, from))
      ctx.send(to, ChangeMsg{change, hops, c.origin});
  }

  // --- Anti-entropy: after a crash or a partition, fill the gaps from the neighbours ----------------

  void send_digests(Context& ctx) {
    Digest d{};
    for (size_t o = 0; o < store_->by_origin.size(); ++o) {
      const std::vector<int64_t>& mine = store_->by_origin[o];
      size_t prefix = 0;
      while (prefix < mine.size() && holds(mine[prefix])) ++prefix;
      d.held[o] = static_cast<int32_t>(prefix);
    }
    for (NodeId n : upstream(config_.topology, config_.nodes, self_)) ctx.send(n, d);
  }

  void resend_missing(Context& ctx, NodeId to, const Digest& d) {
    for (size_t o = 0; o < store_->by_origin.size(); ++o) {
      const std::vector<int64_t>& mine = store_->by_origin[o];
      for (size_t i = static_cast<size_t>(std::max(0, d.held[o])); i < mine.size(); ++i)
        if (holds(mine[i])) ctx.send(to, ChangeMsg{mine[i], hops_[static_cast<size_t>(mine[i])] + 1, static_cast<int32_t>(o)});
    }
  }

  // LWW dropped `lost` in favour of `winner`. A plain update if the winner's writer had seen the
  // lost write; otherwise the lost write vanished without anyone deciding so (lesson 4).
  void note_if_silent(Context& ctx, int64_t lost, int64_t winner) {
    if (lost == 0 || winner == 0) return;
    const Change& l = store_->of_write(lost);
    const Change& w = store_->of_write(winner);
    if (w.state.seen.at(l.origin) >= l.counter) return;
    ctx.trace_note(kNoteOverwrite, w.origin, lost, winner, 0);
  }

  const MultiMasterConfig config_;
  ChangeStore* store_;
  const NodeId self_;
  // Durable: the replicated state and which changes it holds (hops, -1 = missing).
  std::vector<KeyState> keys_;
  std::vector<int32_t> hops_;
  int writes_per_s_;
  int32_t last_hops_ = -1;
  int64_t ops_ = 0;
  // Volatile: changes received but not yet applied.
  std::vector<Pending> pending_;
  bool apply_armed_ = false;
};

// ================================================================================================
// The scenario
// ================================================================================================

class MultiMasterScenario : public Scenario {
 public:
  explicit MultiMasterScenario(const MultiMasterConfig& config) : config_(config) { observer_->set_nodes(config.nodes); }

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < config_.nodes; ++i) out.push_back("m" + std::to_string(i + 1));
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (NodeId i = 0; i < config_.nodes; ++i) {
      auto r = std::make_unique<Replica>(config_, &store_, i);
      replicas_.push_back(r.get());
      engine.add_node(n[static_cast<size_t>(i)], std::move(r));
    }
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    const auto fail = [error](std::string message) { *error = std::move(message); return false; };
    if (c.verb == Verb::Act) {
      if (config_.mode != WriteMode::MultiMaster) return fail("concurrent writes need multi-master mode: only m1 accepts writes");
      return true;
    }
    if (c.verb == Verb::Rate) return c.value >= 0 && c.value <= 1000 ? true : fail("rate must be 0..1000 writes per second");
    if (c.verb != Verb::Write) return fail("not a multi-master lab command");
    if (config_.mode == WriteMode::PrimarySecondary && c.a != 0)
      return fail("in primary-secondary mode only m1 accepts writes");
    if (c.b < 0 || c.b >= config_.keys) return fail("key out of range for this lab");
    return check_value(c.value, error);
  }

  void apply(Engine& engine, const Command& c) override {
    if (c.verb == Verb::Write) return engine.inject(c.a, LocalWrite{c.value, c.b});
    if (c.verb == Verb::Rate) {
      for (NodeId n = 0; n < config_.nodes; ++n) {
        replicas_[static_cast<size_t>(n)]->set_rate(static_cast<int>(c.value));
        engine.inject(n, Wake{0});
      }
      return;
    }
    // "concurrent": two writes neither node has seen from the other.
    const int64_t base = static_cast<int64_t>(store_.changes.size());
    engine.inject(0, LocalWrite{concurrent_value(base, 0), 0});
    engine.inject(1, LocalWrite{concurrent_value(base, 1), 0});
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    const Replica& r = *replicas_[static_cast<size_t>(node)];
    view.kind = "db";
    view.role = engine.status(node) == NodeStatus::Crashed ? Role::None : r.writer() ? Role::Primary : Role::Secondary;
    view.epoch = 1;
    layout(node, view);
    const Lag lag = lag_of(engine, node);
    view.lag_entries = lag.missing;
    view.lag_us = lag.oldest_us;
    view.log_length = static_cast<int64_t>(store_.changes.size()) - lag.missing;
    view.applied_pos = view.log_length;
    view.detail = state_text(r.key(0), /*short_form=*/true);
    if (propagation_view() && r.last_hops() > 0) view.detail = "hop " + std::to_string(r.last_hops()) + " · " + view.detail;
  }

  std::vector<MetricSpec> metrics() const override {
    std::vector<MetricSpec> out;
    for (const std::string& n : names()) out.push_back({"lag " + n, "ms"});
    return out;
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    for (NodeId n = 0; n < config_.nodes; ++n)
      row.push_back(engine.status(n) == NodeStatus::Up ? lag_of(engine, n).oldest_us / kUsPerMs : -1);
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    if (propagation_view()) return propagation_figures(engine, out);
    replica_state_figure(engine, out);
  }

  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to, const std::vector<std::string>& names) const override {
    observer_->attach(&report_to, names);
    std::vector<std::unique_ptr<TraceSink>> out;
    out.push_back(std::make_unique<ObserverSink>(observer_));
    return out;
  }

 private:
  struct Lag {
    int64_t missing = 0;   // changes made anywhere that this node has not applied
    TimeUs oldest_us = 0;  // age of the oldest of them
  };

  // Lesson 2's view (how far writes travel) for many keys under LWW; else lesson 4's (what each
  // replica holds for k0).
  bool propagation_view() const { return config_.strategy == Strategy::Lww && config_.keys > 1; }

  Lag lag_of(const Engine& engine, NodeId node) const {
    Lag lag;
    const std::vector<Observer::Write>& writes = observer_->writes();
    for (size_t change = 0; change < writes.size(); ++change) {
      if (observer_->arrival(change, node).at_us >= 0) continue;
      if (lag.missing++ == 0) lag.oldest_us = engine.now_us() - writes[change].at_us;
    }
    return lag;
  }

  bool check_value(int64_t v, std::string* error) const {
    const auto fail = [error](const char* message) { *error = message; return false; };
    const bool items = config_.strategy == Strategy::AppMerge ||
                       (config_.strategy == Strategy::Crdt && config_.crdt == CrdtKind::OrSet);
    if (items) return (v != 0 && v >= -kMaxItems && v <= kMaxItems) ? true : fail("value: item 1..60 to add, -1..-60 to remove");
    if (config_.strategy == Strategy::Crdt && config_.crdt == CrdtKind::GCounter)
      return v >= 1 && v <= 1000 ? true : fail("a G-Counter only grows: increment by 1..1000");
    if (config_.strategy == Strategy::Crdt) return v != 0 && v >= -1000 && v <= 1000 ? true : fail("add -1000..1000 (not 0)");
    return v >= 0 && v <= 1'000'000'000 ? true : fail("write value must be 0..1000000000");
  }

  // Distinct values for the two concurrent writes that each strategy can show apart.
  int64_t concurrent_value(int64_t base, int writer) const {
    const bool items = config_.strategy == Strategy::AppMerge ||
                       (config_.strategy == Strategy::Crdt && config_.crdt == CrdtKind::OrSet);
    if (items) return 1 + (base + writer) % 9;
    if (config_.strategy == Strategy::Crdt) return 1;
    return base + writer + 1;
  }

  // Star: hub in the middle, leaves around it. Chain: a line. Ring and mesh: a circle (automatic).
  void layout(NodeId node, NodeView& view) const {
    const int n = config_.nodes;
    if (config_.topology == ReplicaTopology::Chain) {
      view.x = 0.1f + 0.8f * static_cast<float>(node) / static_cast<float>(n - 1);
      view.y = 0.5f;
    } else if (config_.topology == ReplicaTopology::Star) {  // leaves around the hub (display only)
      const float angle = 6.2831853f * static_cast<float>(node - 1) / static_cast<float>(n - 1) - 1.5707963f;
      view.x = node == 0 ? 0.5f : 0.5f + 0.38f * std::cos(angle);
      view.y = node == 0 ? 0.5f : 0.5f + 0.38f * std::sin(angle);
    }
  }

  std::string state_text(const KeyState& s, bool short_form) const {
    std::string out;
    switch (config_.strategy) {
      case Strategy::Lww:
        out = "k0=" + (s.lww.write_id == 0 ? std::string("-") : std::to_string(s.lww.value));
        if (!short_form && s.lww.write_id != 0)
          out += " (timestamp " + format_seconds(s.lww.timestamp_us) + " from " + names()[static_cast<size_t>(s.lww.replica)] + ")";
        return out;
      case Strategy::VersionVectors:
        for (const Sibling& sib : s.siblings.siblings()) {
          out += out.empty() ? "" : " | ";
          out += std::to_string(sib.value);
          if (!short_form) out += " " + sib.version.format(names());
        }
        return out.empty() ? "k0=-" : s.siblings.siblings().size() > 1 ? "siblings " + out : "k0=" + out;
      case Strategy::AppMerge:
        out = "cart " + format_items(cart_items(cart_union(s.siblings)));
        if (!short_form && s.siblings.siblings().size() > 1)
          out += " (union of " + std::to_string(s.siblings.siblings().size()) + " siblings)";
        return out;
      case Strategy::Crdt:
        if (config_.crdt == CrdtKind::OrSet) return "set " + format_items(s.set.elements());
        if (config_.crdt == CrdtKind::GCounter) return "count " + std::to_string(s.g.value());
        return "count " + std::to_string(s.pn.value());
    }
    return out;
  }

  // Lesson 2: how far each write travels and how late it arrives, per node.
  void propagation_figures(const Engine& engine, std::vector<Figure>& out) const {
    const std::vector<Observer::Write>& writes = observer_->writes();
    // Built apart and appended at the end: a reference into `out` would not survive a second add.
    Figure bars, table;
    bars.kind = Figure::Kind::Bars;
    bars.title = "Mean lag per node";
    bars.unit = "ms";
    table.kind = Figure::Kind::Table;
    table.title = "How far writes travel";
    table.columns = {"node", "hops", "mean lag", "max lag", "missing"};
    for (NodeId n = 0; n < config_.nodes; ++n) {
      int64_t received = 0, remote = 0, hops = -1;
      TimeUs total_us = 0, max_us = 0;
      for (size_t c = 0; c < writes.size(); ++c) {
        const Observer::Arrival& a = observer_->arrival(c, n);
        if (a.at_us < 0) continue;
        ++received;
        hops = a.hops;
        if (a.hops == 0) continue;
        ++remote;
        total_us += a.at_us - writes[c].at_us;
        max_us = std::max(max_us, a.at_us - writes[c].at_us);
      }
      const int64_t missing = static_cast<int64_t>(writes.size()) - received;
      const TimeUs mean_us = remote == 0 ? 0 : total_us / remote;
      const std::string name = names()[static_cast<size_t>(n)];
      // Writes still in flight are normal; a node whose oldest missing write is a second old is cut off.
      const bool cut_off = lag_of(engine, n).oldest_us > kUsPerS;
      bars.bars.push_back({name, mean_us / kUsPerMs, cut_off ? Tone::Bad : Tone::Accent});
      const Tone status = engine.status(n) == NodeStatus::Crashed ? Tone::Bad : Tone::Neutral;
      table.rows.push_back({{name, status},
                            {hops < 0 ? "-" : std::to_string(hops), Tone::Neutral},
                            {std::to_string(mean_us / kUsPerMs) + " ms", Tone::Neutral},
                            {std::to_string(max_us / kUsPerMs) + " ms", Tone::Neutral},
                            {std::to_string(missing), cut_off ? Tone::Bad : Tone::Neutral}});
    }
    bars.caption = "Each hop adds the network delay plus " + std::to_string(config_.hop_delay_us / kUsPerMs) +
                   " ms of apply time; red: nodes cut off (missing writes for over a second).";
    table.caption = "No write yet.";
    if (!writes.empty())
      table.caption = "Newest write (" + names()[static_cast<size_t>(writes.back().node)] + ", " +
                      format_seconds(writes.back().at_us) + ") has reached " +
                      std::to_string(config_.nodes - unreached_by_newest()) + " of " + std::to_string(config_.nodes) +
                      " nodes.";
    out.push_back(std::move(bars));
    out.push_back(std::move(table));
  }

  // Lesson 4: what each replica holds for k0 and whether they agree.
  void replica_state_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& table = add_figure(out, Figure::Kind::Table, "What each replica holds");
    table.columns = {"node", "k0", "applied"};
    std::set<std::string> states;
    for (NodeId n = 0; n < config_.nodes; ++n) {
      const std::string state = state_text(replicas_[static_cast<size_t>(n)]->key(0), /*short_form=*/false);
      states.insert(state_text(replicas_[static_cast<size_t>(n)]->key(0), true));
      const Tone tone = config_.strategy == Strategy::VersionVectors && state.find(" | ") != std::string::npos ? Tone::Warn : Tone::Neutral;
      const Lag lag = lag_of(engine, n);
      table.rows.push_back({{names()[static_cast<size_t>(n)], engine.status(n) == NodeStatus::Crashed ? Tone::Bad : Tone::Neutral},
                            {state, tone},
                            {std::to_string(static_cast<int64_t>(store_.changes.size()) - lag.missing) + " of " +
                                 std::to_string(store_.changes.size()),
                             lag.missing > 0 ? Tone::Warn : Tone::Neutral}});
    }
    table.caption = states.size() == 1 ? "All replicas agree." : "Replicas disagree (some writes are still on their way).";
    if (config_.strategy == Strategy::Crdt && config_.crdt != CrdtKind::OrSet)
      table.caption += " Sum of all updates made: " + std::to_string(total_updates()) + ".";
  }

  int64_t total_updates() const {
    int64_t sum = 0;
    for (const Change& c : store_.changes) sum += c.value;
    return sum;
  }

  /// Nodes the newest write has not reached yet.
  int unreached_by_newest() const {
    const size_t n = observer_->writes().size();
    if (n == 0) return 0;
    int count = 0;
    for (NodeId node = 0; node < config_.nodes; ++node) count += observer_->arrival(n - 1, node).at_us < 0 ? 1 : 0;
    return count;
  }

  const MultiMasterConfig config_;
  ChangeStore store_;
  std::shared_ptr<Observer> observer_ = std::make_shared<Observer>();
  std::vector<Replica*> replicas_;  // owned by the engine
};

}  // namespace

bool MultiMasterConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(nodes >= 2 && nodes <= kMaxReplicas, "nodes must be 2..6") &&
         check(keys >= 1 && keys <= 8, "keys must be 1..8") &&
         check(writes_per_s >= 0 && writes_per_s <= 1000, "writes must be 0..1000 per second") &&
         check(hop_delay_us >= 0 && hop_delay_us <= 10 * kUsPerS, "hop delay must be 0..10 s") &&
         check(anti_entropy_us >= 0 && anti_entropy_us <= 60 * kUsPerS, "anti-entropy period must be 0..60 s") &&
         check(!(mode == WriteMode::PrimarySecondary && strategy != Strategy::Lww),
               "conflict strategies need multi-master mode: with one writer there is nothing to resolve") &&
         check(!(topology == ReplicaTopology::Ring && nodes < 3), "a ring needs at least 3 nodes");
}

std::unique_ptr<Scenario> make_multimaster_scenario(const MultiMasterConfig& config) {
  return std::make_unique<MultiMasterScenario>(config);
}

}  // namespace sim
