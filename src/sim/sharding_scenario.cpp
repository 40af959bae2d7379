// The sharding lab's processes (lesson 3): clients c1 c2 query a router "rt"; with the directory
// strategy the router first asks "dir" where the key lives (so crashing it stops lookups); a query
// by the shard key goes to one server, a query by another attribute to all of them (lesson 3
// "Cross-shard queries"), and the client measures each round trip. add-server / remove-server
// reshard: the router tells each server which keys to hand over, and the servers send them.
#include <algorithm>
#include <array>
#include <map>

#include "sim/sharding.h"

namespace sim {

namespace {

// ================================================================================================
// Cast and wire format
// ================================================================================================

constexpr NodeId kRouter = 2;
constexpr NodeId kDirectory = 3;
constexpr NodeId kFirstServer = 4;
constexpr int kClients = 2;
constexpr int kSampleKeys = 120;   // keys drawn on the ring
constexpr int kTheoryKeys = 100'000;
constexpr size_t kMaxPending = 256;
constexpr size_t kMaxCountedKeys = 4096;
constexpr int kHotKeyGets = 5;  // the requests figure names the hottest key from this many gets on  // hot keys show up early; later newcomers are not counted

enum MsgType : uint16_t { kQuery = 1, kLookup, kLocation, kFetch, kResult, kAnswer, kMove, kMigrate, kOperator };

struct Query {  // client -> router
  static constexpr uint16_t kType = kQuery;
  int64_t op;
  uint64_t value;
  uint8_t fanout;  // 1: by another attribute than the shard key
  TraceArgs trace_args() const { return {static_cast<int64_t>(value), fanout}; }
};

struct Lookup {  // router -> directory: where does this key live?
  static constexpr uint16_t kType = kLookup;
  int64_t query;
  uint64_t value;
  TraceArgs trace_args() const { return {static_cast<int64_t>(value), 0}; }
};

struct Location {  // directory -> router
  static constexpr uint16_t kType = kLocation;
  int64_t query;
  int32_t server;  // node id
  TraceArgs trace_args() const { return {server, 0}; }
};

struct Fetch {  // router -> shard server
  static constexpr uint16_t kType = kFetch;
  int64_t query;
  uint8_t fanout;
  TraceArgs trace_args() const { return {query, fanout}; }
};

struct Result {  // shard server -> router
  static constexpr uint16_t kType = kResult;
  int64_t query;
  TraceArgs trace_args() const { return {query, 0}; }
};

struct Answer {  // router -> client
  static constexpr uint16_t kType = kAnswer;
  int64_t op;
  int32_t shards;  // servers the query touched
  TraceArgs trace_args() const { return {shards, 0}; }
};

struct Move {  // router -> a server losing keys: hand `keys` keys to `to`
  static constexpr uint16_t kType = kMove;
  int64_t keys;
  int32_t to;
  TraceArgs trace_args() const { return {keys, to}; }
};

struct Migrate {  // server -> server: the keys themselves
  static constexpr uint16_t kType = kMigrate;
  int64_t keys;
  TraceArgs trace_args() const { return {keys, 0}; }
};

enum class Action : uint8_t { AddServer, RemoveServer };

struct Operator {  // a command, injected at the router
  static constexpr uint16_t kType = kOperator;
  int32_t server;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), server}; }
};

enum Timer : TimerId { kTimerNext = 0, kTimerTimeout, kTimerServe };

enum ShardingNote : uint8_t { kNoteResharded = 1, kNoteRefused = 2 };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  const auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (type) {
    case kQuery: out += a.b != 0 ? "scan" : "get"; num(" ", a.a); return;
    case kLookup: num("where ", a.a); out += "?"; return;
    case kLocation: num("at s", a.a - kFirstServer + 1); return;
    case kFetch: out += a.b != 0 ? "scan" : "get"; return;
    case kResult: out += "rows"; return;
    case kAnswer: num("answer, ", a.a); out += a.a == 1 ? " shard" : " shards"; return;
    case kMove: num("move ", a.a); num(" keys to s", a.b - kFirstServer + 1); return;
    case kMigrate: num("", a.a); out += " keys"; return;
    case kOperator: out += a.a == 0 ? "op-add-server" : "op-remove-server"; return;
  }
  num("type", type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"next-query", "timeout", "serve"};
  return timer >= 0 && timer < 3 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>&, std::string& out) {
  if (e.code == kNoteResharded) {
    out += "resharded ";
    append_int(out, e.a);
    out += " -> ";
    append_int(out, e.b);
    out += " servers: ";
    append_int(out, e.c);
    out += " keys move";
    return;
  }
  out += e.a == 0 ? "add-server refused: no spare machine left" : "remove-server refused: keep at least 2 servers";
}

const ActionSpec kAddServer{"add-server", "", "Add a server", "bring a spare machine into the cluster; keys move to it"};
const ActionSpec kRemoveServer{"remove-server", "n", "Remove this server", "take the server out; its keys move to the others"};
const Vocabulary kVocabulary{label, timer_name, note_text, {kAddServer, kRemoveServer}};

// ================================================================================================
// The model the router and directory share: the data, the shard map, the figures' numbers
// ================================================================================================

struct Reshard {
  int from = 0, to = 0;
  int64_t moved = 0, total = 0;
};

// A candidate shard key over the stored rows (lesson 3 "Choosing a shard key").
struct Candidate {
  int64_t distinct = 0;
  double top_share = 0;  // rows holding its most common value
  double imbalance = 0;  // max/mean keys per server under hash mod N
};

struct Model {
  explicit Model(const ShardingConfig& c) : config(c), generator(c.workload) {}

  // The run seed reaches the model through the router's first start (its own random stream).
  void init(uint64_t seed) {
    salt = seed;
    data = ShardData(config.workload, seed, config.rows);
    values = data.values(routing_key());
    for (int i = 0; i < config.servers; ++i) servers.push_back(i);
    map = ShardMap(config.strategy, servers, config.vnodes, salt);
    map.fit(values);
    sample_moved.assign(kSampleKeys, false);
    keys = map.count(values);
    requests.assign(static_cast<size_t>(config.servers + config.spares), 0);
    ready = true;
  }

  // Geographic sharding places rows by country whatever the chosen shard key.
  ShardKey routing_key() const { return config.strategy == ShardStrategy::Geo ? ShardKey::Country : config.shard_key; }
  /// Node id of the server holding `value`.
  NodeId server_of(uint64_t value) const { return kFirstServer + servers[static_cast<size_t>(map.shard_of(value))]; }
  bool active(int server) const { return std::find(servers.begin(), servers.end(), server) != servers.end(); }

  /// Moves to `next` servers; returns keys moved per (from, to) server pair.
  std::vector<std::array<int64_t, 3>> reshard(std::vector<int> next) {
    const ShardMap after = map.resized(next, values);
    std::vector<int64_t> pairs(static_cast<size_t>(kMaxShardServers * kMaxShardServers), 0);
    int64_t moved = 0;
    for (uint64_t v : values) {
      const int a = map.servers()[static_cast<size_t>(map.shard_of(v))];
      const int b = after.servers()[static_cast<size_t>(after.shard_of(v))];
      if (a != b) ++pairs[static_cast<size_t>(a * kMaxShardServers + b)], ++moved;
    }
    for (size_t i = 0; i < kSampleKeys && i < values.size(); ++i)
      sample_moved[i] = map.servers()[static_cast<size_t>(map.shard_of(values[i]))] !=
                        after.servers()[static_cast<size_t>(after.shard_of(values[i]))];
    last = Reshard{static_cast<int>(servers.size()), static_cast<int>(next.size()), moved,
                   static_cast<int64_t>(values.size())};
    ++reshards;
    servers = std::move(next);
    map = after;
    keys = map.count(values);
    std::fill(requests.begin(), requests.end(), 0);
    key_gets.clear();
    hottest_key = Hottest{};
    figures_stale = true;
    std::vector<std::array<int64_t, 3>> out;
    for (int a = 0; a < kMaxShardServers; ++a)
      for (int b = 0; b < kMaxShardServers; ++b)
        if (pairs[static_cast<size_t>(a * kMaxShardServers + b)] > 0)
          out.push_back({a, b, pairs[static_cast<size_t>(a * kMaxShardServers + b)]});
    return out;
  }

  /// Counts one keyed query served for `value` (up to kMaxCountedKeys distinct values).
  void count_get(uint64_t value) {
    auto it = key_gets.find(value);
    if (it == key_gets.end()) {
      if (key_gets.size() >= kMaxCountedKeys) return;
      it = key_gets.emplace(value, 0).first;
    }
    const int64_t gets = ++it->second;
    // Most gets first, then the smallest value: the same key a scan in map order would pick.
    if (gets > hottest_key.gets || (gets == hottest_key.gets && value < hottest_key.value)) hottest_key = {value, gets};
  }

  // What N -> N+1 does under hash mod N and under the ring, on 100k random keys (lesson 3), and
  // how each candidate key would spread over the current servers. Only figures read these, so
  // they are computed when a figure is drawn after a change, not on every (re-)run: a run is
  // rebuilt each time the learner scrubs the timeline.
  void refresh_figures() const {
    if (!figures_stale) return;
    figures_stale = false;
    const int n = static_cast<int>(servers.size());
    const std::vector<uint64_t> k = random_keys(salt, kTheoryKeys);
    theory_hash = moved_fraction(ShardStrategy::Hash, n, n + 1, 1, salt, k);
    theory_ring = moved_fraction(ShardStrategy::Consistent, n, n + 1, config.vnodes, salt, k);
    candidates.clear();
    for (int key = 0; key < kShardKeys; ++key) {
      std::vector<uint64_t> v = data.values(static_cast<ShardKey>(key));
      Candidate c;
      c.imbalance = imbalance(ShardMap(ShardStrategy::Hash, servers, 1, salt).count(v));
      std::sort(v.begin(), v.end());
      int64_t run = 0, top = 0;
      for (size_t i = 0; i < v.size(); ++i) {
        run = i > 0 && v[i] == v[i - 1] ? run + 1 : 1;
        c.distinct += run == 1 ? 1 : 0;
        top = std::max(top, run);
      }
      c.top_share = double(top) / double(std::max<size_t>(1, v.size()));
      candidates.push_back(c);
    }
  }

  const ShardingConfig config;
  const RowGenerator generator;
  bool ready = false;
  uint64_t salt = 0;
  ShardData data{Workload::Uniform, 0, 0};
  std::vector<uint64_t> values;          // each row's routing key
  std::vector<int> servers;              // active server indexes (node = kFirstServer + index)
  ShardMap map{ShardStrategy::Hash, {0}, 1, 0};
  std::vector<int64_t> keys;             // per active server (map order)
  std::vector<int64_t> requests;         // keyed queries served per server index, since last reshard
  std::map<uint64_t, int64_t> key_gets;  // keyed queries served per key value, since last reshard
  struct Hottest {
    uint64_t value = 0;
    int64_t gets = 0;
  } hottest_key;  // the most-queried value in key_gets
  std::vector<bool> sample_moved;
  Reshard last;
  int reshards = 0;
  // Derived for the figures only (refresh_figures).
  mutable bool figures_stale = true;
  mutable double theory_hash = 0, theory_ring = 0;
  mutable std::vector<Candidate> candidates;  // by ShardKey
};

// ================================================================================================
// Processes
// ================================================================================================

class Router : public Protocol {
 public:
  explicit Router(Model& model) : model_(model) {}
  const Model& model() const { return model_; }
  bool directory() const { return model_.config.strategy == ShardStrategy::Directory; }

  void on_start(Context& ctx) override {
    if (!model_.ready) model_.init(ctx.rng().next());
  }
  void on_crash() override { pending_.clear(); }
  void on_timer(Context&, TimerId) override {}

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kQuery: on_query(ctx, m.from, m.body_as<Query>()); break;
      case kLocation: on_location(ctx, m.body_as<Location>()); break;
      case kResult: on_result(ctx, m.from, m.body_as<Result>()); break;
      case kOperator: on_operator(ctx, m.body_as<Operator>()); break;
    }
  }

 private:
  struct Pending {
    int64_t id;
    NodeId client;
    int64_t op;
    int remaining;
    int shards;
    bool fanout;
    uint64_t value;
    TimeUs since_local_us;
  };

  void on_query(Context& ctx, NodeId client, const Query& q) {
    // A query whose client has given up (a crashed server never answered) is forgotten.
    const TimeUs now_us = ctx.now_local_us();
    pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                  [&](const Pending& p) { return now_us - p.since_local_us > model_.config.timeout_us; }),
                   pending_.end());
    if (pending_.size() >= kMaxPending) return;  // overloaded: the client times out
    const int64_t id = ++next_id_;
    const int n = static_cast<int>(model_.servers.size());
    pending_.push_back(Pending{id, client, q.op, q.fanout != 0 ? n : 1, q.fanout != 0 ? n : 1, q.fanout != 0, q.value, now_us});
    if (q.fanout != 0) {
      for (int s : model_.servers) ctx.send(kFirstServer + s, Fetch{id, 1});
    } else if (directory()) {
      ctx.send(kDirectory, Lookup{id, q.value});
    } else {
      ctx.send(model_.server_of(q.value), Fetch{id, 0});
    }
  }

  void on_location(Context& ctx, const Location& l) {
    if (find(l.query) != nullptr) ctx.send(l.server, Fetch{l.query, 0});
  }

  void on_result(Context& ctx, NodeId from, const Result& r) {
    Pending* p = find(r.query);
    if (p == nullptr) return;
    if (!p->fanout && from >= kFirstServer) {
      ++model_.requests[static_cast<size_t>(from - kFirstServer)];
      model_.count_get(p->value);
    }
    if (--p->remaining > 0) return;
    ctx.send(p->client, Answer{p->op, p->shards});
    pending_.erase(pending_.begin() + (p - pending_.data()));
  }

  void on_operator(Context& ctx, const Operator& o) {
    std::vector<int> next = model_.servers;
    const int before = static_cast<int>(next.size());
    if (o.action == Action::AddServer) {
      int spare = 0;
      while (spare < model_.config.servers + model_.config.spares && model_.active(spare)) ++spare;
      if (spare == model_.config.servers + model_.config.spares) return ctx.trace_note(kNoteRefused, kNoNode, 0, 0, 0);
      next.push_back(spare);
    } else {
      const int server = o.server - kFirstServer;
      if (before <= 2 || !model_.active(server)) return ctx.trace_note(kNoteRefused, kNoNode, 1, 0, 0);
      next.erase(std::find(next.begin(), next.end(), server));
    }
    for (const std::array<int64_t, 3>& move : model_.reshard(next))
      ctx.send(kFirstServer + static_cast<NodeId>(move[0]), Move{move[2], kFirstServer + static_cast<int32_t>(move[1])});
    ctx.trace_note(kNoteResharded, kNoNode, before, static_cast<int64_t>(next.size()), model_.last.moved);
  }

  Pending* find(int64_t id) {
    for (Pending& p : pending_)
      if (p.id == id) return &p;
    return nullptr;
  }

  Model& model_;  // durable: the shard map is configuration, on disk
  int64_t next_id_ = 0;
  std::vector<Pending> pending_;
};

class Directory : public Protocol {
 public:
  explicit Directory(const Model& model) : model_(model) {}
  void on_start(Context&) override {}
  void on_crash() override {}
  void on_timer(Context&, TimerId) override {}
  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kLookup) return;
    const Lookup l = m.body_as<Lookup>();
    ctx.send(m.from, Location{l.query, model_.server_of(l.value)});
  }

 private:
  const Model& model_;
};

class Server : public Protocol {
 public:
  Server(TimeUs get_us, TimeUs scan_us) : get_us_(get_us), scan_us_(scan_us) {}
  void on_start(Context&) override {}
  void on_crash() override { queue_.clear(); }

  // One query at a time: a hot shard's queue (and its clients' latency) grows.
  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kMove) {
      const Move mv = m.body_as<Move>();
      ctx.send(mv.to, Migrate{mv.keys});
    }
    if (m.type != kFetch) return;
    queue_.push_back(m.body_as<Fetch>());
    if (queue_.size() == 1) serve_next(ctx);
  }

  void on_timer(Context& ctx, TimerId) override {
    if (queue_.empty()) return;
    ctx.send(kRouter, Result{queue_.front().query});
    queue_.erase(queue_.begin());
    if (!queue_.empty()) serve_next(ctx);
  }

 private:
  void serve_next(Context& ctx) { ctx.set_timer(kTimerServe, queue_.front().fanout != 0 ? scan_us_ : get_us_); }

  const TimeUs get_us_, scan_us_;
  std::vector<Fetch> queue_;
};

struct LatencyStat {
  int64_t done = 0;
  TimeUs total_us = 0;
  TimeUs recent_us = 0;  // moving average over about the last 8 queries
  void add(TimeUs us) {
    recent_us = done == 0 ? us : (7 * recent_us + us) / 8;
    ++done;
    total_us += us;
  }
};

class Client : public Protocol {
 public:
  Client(const Model& model, int index) : model_(model), index_(index) {}
  const LatencyStat& keyed() const { return keyed_; }
  const LatencyStat& fanout() const { return fanout_; }

  void on_start(Context& ctx) override { schedule(ctx, true); }
  void on_crash() override { active_ = false; }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kAnswer || !active_ || m.body_as<Answer>().op != seq_) return;
    const TimeUs us = ctx.now_local_us() - sent_local_us_;
    (fanout_query_ ? fanout_ : keyed_).add(us);
    ctx.trace_complete(OpKind::Read, OpResult::Ok, kRouter, 0, seq_, 0, 0);
    finish(ctx);
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerNext) return start(ctx);
    ctx.trace_complete(OpKind::Read, OpResult::Timeout, kNoNode, 0, seq_, 0, 0);
    ++timeouts_;
    finish(ctx);
  }

  int64_t timeouts() const { return timeouts_; }

 private:
  void schedule(Context& ctx, bool first) {
    const int rate = model_.config.rate_per_s;
    if (rate <= 0) return;
    const TimeUs mean_us = kUsPerS * kClients / rate;
    ctx.set_timer(kTimerNext, first ? ctx.rng().below(mean_us + 1) : ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  void start(Context& ctx) {
    ++seq_;
    active_ = true;
    fanout_query_ = ctx.rng().below(100) < model_.config.fanout_percent;
    const Row row = model_.generator.request(ctx.rng(), static_cast<uint64_t>(model_.config.rows),
                                             static_cast<uint64_t>(seq_ * kClients + index_));
    sent_local_us_ = ctx.now_local_us();
    ctx.trace_invoke(OpKind::Read, 0, seq_, 0, 0);
    ctx.send(kRouter, Query{seq_, row.field(model_.routing_key()), static_cast<uint8_t>(fanout_query_)});
    ctx.set_timer(kTimerTimeout, model_.config.timeout_us);
  }

  void finish(Context& ctx) {
    active_ = false;
    ctx.cancel_timer(kTimerTimeout);
    schedule(ctx, false);
  }

  const Model& model_;
  const int index_;
  int64_t seq_ = 0;
  bool active_ = false;
  bool fanout_query_ = false;
  TimeUs sent_local_us_ = 0;
  LatencyStat keyed_, fanout_;
  int64_t timeouts_ = 0;
};

// ================================================================================================
// The scenario
// ================================================================================================

std::string server_name(int index) { return "s" + std::to_string(index + 1); }

std::string percent(double fraction) { return std::to_string(static_cast<int>(fraction * 100 + 0.5)) + "%"; }

std::string ratio(double r) {
  const int hundredths = static_cast<int>(r * 100 + 0.5);
  return std::to_string(hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : "") + std::to_string(hundredths % 100);
}

// A key value as the learner reads it: countries and statuses by name.
std::string value_text(ShardKey key, uint64_t value) {
  static const char* const kStatuses[] = {"active", "inactive", "pending"};
  if (key == ShardKey::Country) return country_name(value);
  if (key == ShardKey::Status) return value < 3 ? kStatuses[value] : "?";
  return std::to_string(value);
}

Tone imbalance_tone(double r) { return r < 1.25 ? Tone::Good : r < 2 ? Tone::Warn : Tone::Bad; }

class ShardingScenario : public Scenario {
 public:
  explicit ShardingScenario(const ShardingConfig& config) : config_(config), model_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out = {"c1", "c2", "rt", "dir"};
    for (int i = 0; i < config_.servers + config_.spares; ++i) out.push_back(server_name(i));
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (int i = 0; i < kClients; ++i) {
      auto client = std::make_unique<Client>(model_, i);
      clients_.push_back(client.get());
      engine.add_node(n[static_cast<size_t>(i)], std::move(client));
    }
    engine.add_node("rt", std::make_unique<Router>(model_));
    engine.add_node("dir", std::make_unique<Directory>(model_));
    for (size_t i = kFirstServer; i < n.size(); ++i) engine.add_node(n[i], std::make_unique<Server>(config_.get_us, config_.scan_us));
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb == Verb::Act && c.b == 1 && c.a < kFirstServer) {
      *error = "only a shard server (s1, s2, ...) can be removed";
      return false;
    }
    if (c.verb == Verb::Act) return true;
    *error = "not a sharding-lab command";
    return false;
  }

  void apply(Engine& engine, const Command& c) override {
    if (c.verb != Verb::Act) return;
    engine.inject(kRouter, Operator{c.a, c.b == 0 ? Action::AddServer : Action::RemoveServer});
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    const bool up = engine.status(node) != NodeStatus::Crashed;
    if (node < kRouter) {
      view.kind = "client";
      view.role = up ? Role::Client : Role::None;
      view.x = 0.08f;
      view.y = node == 0 ? 0.35f : 0.65f;
      return;
    }
    if (node == kRouter) {
      view.kind = "router";
      view.detail = std::string(strategy_name(config_.strategy)) + ", " + std::to_string(model_.servers.size()) + " servers";
      view.x = 0.32f;
      view.y = 0.5f;
      return;
    }
    if (node == kDirectory) {
      view.kind = "directory";
      view.role = up ? Role::Monitor : Role::None;
      view.detail = config_.strategy == ShardStrategy::Directory ? "key -> server table" : "not used by " + std::string(strategy_name(config_.strategy));
      view.x = 0.32f;
      view.y = 0.12f;
      return;
    }
    // Servers in columns of at most 4, right of the router, so the cards never overlap.
    const int index = node - kFirstServer;
    const int total = config_.servers + config_.spares;
    const int columns = (total + 3) / 4;
    const int rows = (total + columns - 1) / columns;
    view.x = 0.5f + 0.46f * (static_cast<float>(index / rows) + 0.5f) / static_cast<float>(columns);
    view.y = 0.08f + 0.84f * (static_cast<float>(index % rows) + 0.5f) / static_cast<float>(rows);
    if (!model_.active(index)) {
      view.kind = "spare";
      view.detail = "spare";
      return;
    }
    view.kind = "db";
    const size_t k = static_cast<size_t>(std::find(model_.servers.begin(), model_.servers.end(), index) - model_.servers.begin());
    view.detail = std::to_string(model_.keys[k]) + " keys";  // gets per server: the figure below
  }

  std::vector<MetricSpec> metrics() const override {
    return {{"hottest server", "% of gets"}, {"request imbalance", "max/mean x100"}, {"latency by shard key", "ms"},
            {"latency fan-out", "ms"}};
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    const ShardingStats s = sharding_stats(engine);
    row.push_back(static_cast<int64_t>(s.hottest_share * 100 + 0.5));
    row.push_back(static_cast<int64_t>(s.request_imbalance * 100 + 0.5));
    TimeUs keyed = 0, fanout = 0;
    for (const Client* c : clients_) {
      keyed = std::max(keyed, c->keyed().recent_us);
      fanout = std::max(fanout, c->fanout().recent_us);
    }
    row.push_back(keyed / kUsPerMs);
    row.push_back(fanout / kUsPerMs);
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    model_.refresh_figures();
    const ShardingStats s = sharding_stats(engine);
    keys_figure(out, s);
    requests_figure(out, s);
    if (config_.strategy == ShardStrategy::Consistent) ring_figure(out);
    resharding_figure(out);
    query_figure(out, s);
    candidates_figure(out);
  }

 private:
  void keys_figure(std::vector<Figure>& out, const ShardingStats& s) const {
    Figure& f = add_figure(out, Figure::Kind::Bars, "Keys per server", "keys");
    const int64_t top = *std::max_element(model_.keys.begin(), model_.keys.end());
    for (size_t k = 0; k < model_.servers.size(); ++k)
      f.bars.push_back({server_name(model_.servers[k]), model_.keys[k],
                        model_.keys[k] == top && s.key_imbalance >= 1.25 ? imbalance_tone(s.key_imbalance) : Tone::Neutral});
    f.caption = std::to_string(model_.values.size()) + " rows by " + shard_key_name(model_.routing_key()) + " with " +
                strategy_name(config_.strategy) + ": max/mean " + ratio(s.key_imbalance);
  }

  void requests_figure(std::vector<Figure>& out, const ShardingStats& s) const {
    Figure& f = add_figure(out, Figure::Kind::Bars, "Gets per server (since the last resharding)", "gets");
    for (int server : model_.servers)
      f.bars.push_back({server_name(server), model_.requests[static_cast<size_t>(server)],
                        server == s.hottest && s.request_imbalance >= 1.25 ? imbalance_tone(s.request_imbalance) : Tone::Neutral});
    if (s.requests_served == 0) {
      f.caption = "No query served yet: press Play.";
      return;
    }
    f.caption = "Busiest " + server_name(s.hottest) + ": " + percent(s.hottest_share) + " of gets, max/mean " +
                ratio(s.request_imbalance) + ".";
    if (s.hottest_key_share * double(s.requests_served) >= kHotKeyGets)  // a key asked for again and again
      f.caption += " Hottest key " + std::string(shard_key_name(model_.routing_key())) + "=" +
                   value_text(model_.routing_key(), s.hottest_key) + ": " + percent(s.hottest_key_share) + " of gets, all on " +
                   server_name(model_.servers[static_cast<size_t>(model_.map.shard_of(s.hottest_key))]) + ".";
  }

  void ring_figure(std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Ring, "Hash ring");
    for (int i = 0; i < config_.servers + config_.spares; ++i) f.owners.push_back(server_name(i));
    for (const RingToken& t : model_.map.tokens()) f.ring.push_back({t.position, t.server, true, false});
    int moved = 0;
    for (size_t i = 0; i < model_.sample_moved.size() && i < model_.values.size(); ++i) {
      const uint64_t v = model_.values[i];
      f.ring.push_back({ShardMap::ring_position(v), model_.servers[static_cast<size_t>(model_.map.shard_of(v))], false,
                        model_.sample_moved[i]});
      moved += model_.sample_moved[i] ? 1 : 0;
    }
    f.caption = std::to_string(model_.servers.size()) + " servers x " + std::to_string(config_.vnodes) +
                " virtual nodes; " + std::to_string(kSampleKeys) + " sample keys" +
                (model_.reshards > 0 ? ", " + std::to_string(moved) + " moved in the last resharding" : "");
  }

  void resharding_figure(std::vector<Figure>& out) const {
    const int n = static_cast<int>(model_.servers.size());
    Figure& f = add_figure(out, Figure::Kind::Table,
                           "Resharding: keys that move from " + std::to_string(n) + " to " + std::to_string(n + 1) + " servers");
    f.columns = {"strategy", "keys moved", "theory"};
    const auto row = [&f](std::string name, double moved, const std::string& theory) {
      f.rows.push_back({{std::move(name)}, {percent(moved), moved > 0.5 ? Tone::Bad : Tone::Good}, {theory}});
    };
    row("hash mod N", model_.theory_hash, std::to_string(n) + "/" + std::to_string(n + 1) + " = " + percent(double(n) / (n + 1)));
    row("consistent hashing, " + std::to_string(config_.vnodes) + (config_.vnodes == 1 ? " vnode" : " vnodes"), model_.theory_ring,
        "1/" + std::to_string(n + 1) + " = " + percent(1.0 / (n + 1)));
    if (model_.reshards > 0) {
      const Reshard& r = model_.last;
      f.rows.push_back({{std::string("this lab: ") + strategy_name(config_.strategy) + ", " + std::to_string(r.from) +
                         " -> " + std::to_string(r.to)},
                        {std::to_string(r.moved) + " of " + std::to_string(r.total) + " (" +
                             percent(double(r.moved) / double(std::max<int64_t>(1, r.total))) + ")",
                         Tone::Accent},
                        {""}});
    }
    f.caption = "Over " + std::to_string(kTheoryKeys) + " random keys. Add or remove a server to move this lab's keys.";
  }

  void query_figure(std::vector<Figure>& out, const ShardingStats& s) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "Query cost");
    f.columns = {"query", "servers", "mean latency", "done"};
    const auto ms = [](double v) { return ratio(v) + " ms"; };
    const std::string other = config_.shard_key == ShardKey::Country ? "user_id" : "country";
    f.rows.push_back({{std::string("by ") + shard_key_name(model_.routing_key())},
                      {config_.strategy == ShardStrategy::Directory ? "1 (+ directory)" : "1"},
                      {ms(s.keyed_latency_ms), Tone::Good},
                      {std::to_string(s.keyed_done)}});
    f.rows.push_back({{"by " + other + " (fan-out)"},
                      {std::to_string(s.servers)},
                      {ms(s.fanout_latency_ms), Tone::Warn},
                      {std::to_string(s.fanout_done)}});
    f.caption = s.timeouts > 0 ? std::to_string(s.timeouts) + " queries got no answer in time" +
                                     (s.directory_down ? ": the directory is down." : ".")
                               : "Latency measured by the clients, request to answer.";
  }

  void candidates_figure(std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "Shard key candidates (" + std::string(workload_name(config_.workload)) + " workload)");
    f.columns = {"key", "distinct", "top value", "max/mean"};
    for (int k = 0; k < kShardKeys; ++k) {
      const ShardKey key = static_cast<ShardKey>(k);
      const Candidate& c = model_.candidates[static_cast<size_t>(k)];
      const bool increasing = key == ShardKey::OrderId || key == ShardKey::Timestamp;
      f.rows.push_back({{shard_key_name(key), key == config_.shard_key ? Tone::Accent : Tone::Neutral},
                        {std::to_string(c.distinct), c.distinct < 100 ? Tone::Bad : Tone::Good},
                        {increasing ? "increasing" : percent(c.top_share),
                         increasing ? Tone::Warn : c.top_share > 0.05 ? Tone::Bad : Tone::Good},
                        {ratio(c.imbalance), imbalance_tone(c.imbalance)}});
    }
    f.caption = "max/mean: keys per server if hashed over these " + std::to_string(model_.servers.size()) +
                " servers. Few distinct values or one dominant value cannot be spread; an increasing key sends new rows "
                "to one range.";
  }

  const ShardingConfig config_;
  Model model_;
  std::vector<Client*> clients_;  // owned by the engine
};

}  // namespace

bool ShardingConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(servers >= 2 && servers <= 10, "servers must be 2..10") &&
         check(spares >= 0 && servers + spares <= kMaxShardServers, "servers + spares must be at most 12") &&
         check(vnodes >= 1 && vnodes <= 256, "virtual nodes must be 1..256") &&
         check(rows >= 100 && rows <= 100'000, "rows must be 100..100000") &&
         check(rate_per_s >= 0 && rate_per_s <= 200, "query rate must be 0..200 per second") &&
         check(fanout_percent >= 0 && fanout_percent <= 100, "fan-out share must be 0..100 %") &&
         check(get_us >= 0 && get_us <= kUsPerS && scan_us >= 0 && scan_us <= kUsPerS, "service times must be 0..1 s") &&
         check(timeout_us >= kUsPerMs && timeout_us <= 60 * kUsPerS, "query timeout must be 1 ms..60 s");
}

std::unique_ptr<Scenario> make_sharding_scenario(const ShardingConfig& config) {
  return std::make_unique<ShardingScenario>(config);
}

ShardingStats sharding_stats(const Engine& engine) {
  ShardingStats s;
  if (engine.node_count() <= kFirstServer) return s;
  const Router* router = dynamic_cast<const Router*>(&engine.protocol(kRouter));
  if (router == nullptr || !router->model().ready) return s;
  const Model& m = router->model();
  s.servers = static_cast<int>(m.servers.size());
  s.key_imbalance = imbalance(m.keys);
  std::vector<int64_t> served;
  for (int server : m.servers) {
    const int64_t r = m.requests[static_cast<size_t>(server)];
    served.push_back(r);
    s.requests_served += r;
    if (s.hottest < 0 || r > m.requests[static_cast<size_t>(s.hottest)]) s.hottest = server;
  }
  s.request_imbalance = imbalance(served);
  s.hottest_share = s.requests_served == 0 ? 0 : double(m.requests[static_cast<size_t>(s.hottest)]) / double(s.requests_served);
  if (m.hottest_key.gets > 0) s.hottest_key = m.hottest_key.value;
  s.hottest_key_share = s.requests_served == 0 ? 0 : double(m.hottest_key.gets) / double(s.requests_served);
  s.reshards = m.reshards;
  s.last_moved = m.last.moved;
  s.last_total = m.last.total;
  TimeUs keyed_us = 0, fanout_us = 0;
  for (NodeId n = 0; n < kClients; ++n) {
    const Client* c = dynamic_cast<const Client*>(&engine.protocol(n));
    if (c == nullptr) continue;
    s.keyed_done += c->keyed().done;
    s.fanout_done += c->fanout().done;
    keyed_us += c->keyed().total_us;
    fanout_us += c->fanout().total_us;
    s.timeouts += c->timeouts();
  }
  s.keyed_latency_ms = s.keyed_done == 0 ? 0 : double(keyed_us) / double(s.keyed_done) / kUsPerMs;
  s.fanout_latency_ms = s.fanout_done == 0 ? 0 : double(fanout_us) / double(s.fanout_done) / kUsPerMs;
  s.directory_down = engine.status(kDirectory) == NodeStatus::Crashed;
  return s;
}

}  // namespace sim
