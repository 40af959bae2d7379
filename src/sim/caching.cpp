#include "sim/caching.h"

#include <algorithm>
#include <cmath>

#include "sim/checkers.h"
#include "sim/id_map.h"
#include "sim/pooling.h"  // CoreQueue and Window: the database model both lesson 6 labs share

namespace sim {

namespace {

// ================================================================================================
// Cast and wire format
// ================================================================================================

struct Topology {
  int apps = 0;
  NodeId cache = kNoNode;
  NodeId db = kNoNode;
  explicit Topology(const CachingConfig& c) : apps(c.apps), cache(c.apps), db(c.apps + 1) {}
  bool is_app(NodeId n) const { return n >= 0 && n < apps; }
};

enum MsgType : uint16_t { kGet = 1, kGetReply, kSet, kDel, kDbRead, kDbReply, kOperator };

struct Get {
  static constexpr uint16_t kType = kGet;
  int64_t req;
  int32_t key;
  TraceArgs trace_args() const { return {key, 0}; }
};

enum class Answer : uint8_t {
  Hit,      ///< the cache had it
  Miss,     ///< not there (or expired): read the database
  Load,     ///< not there, and you hold the lease: load it (coalescing)
  Refresh,  ///< a hit near expiry, and you refresh it (early refresh)
  Waited,   ///< another reader loaded it while you waited (coalescing)
};
const char* const kAnswerNames[] = {"hit", "miss", "miss+lease", "hit+refresh", "hit (waited)"};

struct GetReply {
  static constexpr uint16_t kType = kGetReply;
  int64_t req;
  int64_t version;
  int32_t key;
  Answer answer;
  TraceArgs trace_args() const { return {static_cast<int64_t>(answer), key}; }
};

struct Set {
  static constexpr uint16_t kType = kSet;
  int64_t version;
  int32_t key;
  TraceArgs trace_args() const { return {key, version}; }
};

struct Del {
  static constexpr uint16_t kType = kDel;
  int32_t key;
  TraceArgs trace_args() const { return {key, 0}; }
};

struct DbQuery {  // a SELECT, or an UPDATE that makes a new version
  static constexpr uint16_t kType = kDbRead;
  int64_t req;
  int32_t key;
  uint8_t write;
  TraceArgs trace_args() const { return {key, write}; }
};

struct DbReply {
  static constexpr uint16_t kType = kDbReply;
  int64_t req;
  int64_t version;
  int32_t key;
  TraceArgs trace_args() const { return {key, version}; }
};

enum class Action : uint8_t { Flush, Burst, Ttl, Update };
const char* const kActionNames[] = {"op-flush", "op-burst", "op-ttl", "op-update"};

struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t value;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), value}; }
};

enum Timer : TimerId { kTimerArrive = 0, kTimerSweep, kTimerCpu };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  const auto key = [&out](int64_t k) { out += " k"; append_int(out, k); };
  switch (type) {
    case kGet: out += "get"; key(a.a); return;
    case kGetReply: out += kAnswerNames[a.a]; key(a.b); return;
    case kSet: out += "set"; key(a.a); out += " v"; append_int(out, a.b); return;
    case kDel: out += "del"; key(a.a); return;
    case kDbRead: out += a.b ? "UPDATE" : "SELECT"; key(a.a); return;
    case kDbReply: out += "row"; key(a.a); out += " v"; append_int(out, a.b); return;
    case kOperator: out += kActionNames[a.a]; return;
  }
  out += "type";
  append_int(out, type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"arrive", "sweep", "cpu"};
  return timer >= 0 && timer < 3 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& names, std::string& out) {
  switch (e.code) {
    case kNoteDbWrite: out += "k"; append_int(out, e.a); out += " is now v"; append_int(out, e.b); return;
    case kNoteRead:
      out += "read k";
      append_int(out, e.a);
      out += " = v";
      append_int(out, e.b);
      out += " from ";
      out += node_name(names, e.peer == kNoPeer ? -1 : e.peer);
      return;
    case kNoteFlush: out += "every key expired"; return;
  }
  append_int(out, e.code);
}

const std::vector<ActionSpec> kActions = {
    {"flush", "", "Expire every key now", "drop every cache entry at once (a cache restart, or keys set together)", 0, 0},
    {"burst", "v", "Readers of the hot key at once", "this many requests for the hottest key arrive together", 1, 200},
    {"ttl", "v", "Set the TTL (ms)", "time to live of entries set from now on", 100, 600'000},
    {"update", "", "Update the hot key", "a1 writes a new version of the hottest key (k0)", 0, 0},
};

const Vocabulary kVocabulary{label, timer_name, note_text, kActions};

constexpr TimeUs kWindowUs = kUsPerS;  // figures and charts cover the last second
constexpr TimeUs kSweepUs = kUsPerS;
constexpr TimeUs kLeaseUs = 2 * kUsPerS;  // a loader that never sets loses its lease
constexpr int32_t kHotKey = 0;

// ================================================================================================
// App server: cache-aside reads, writes by policy
// ================================================================================================

class App : public Protocol {
 public:
  App(const CachingConfig& config, const Topology& topology, int index)
      : config_(config), topology_(topology), index_(index), zipf_(config.keys, kZipfHalves[config.skew]) {}

  // Observations for figures.
  int64_t reads() const { return reads_; }
  int64_t hits() const { return hits_; }
  int64_t waited() const { return waited_; }
  int64_t writes() const { return writes_; }
  int64_t timeouts() const { return timeouts_; }
  const Window& hit_window() const { return hit_window_; }

  void on_start(Context& ctx) override {
    if (config_.rate_per_s > 0) {
      // Even arrivals: the app servers take turns; random: each starts at a random point.
      const TimeUs first = config_.even_arrivals ? period_us() * index_ / config_.apps : ctx.rng().below(period_us());
      ctx.set_timer(kTimerArrive, first);
    }
    ctx.set_timer(kTimerSweep, kSweepUs);
  }

  void on_crash() override { requests_.clear(); }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerSweep) {
      sweep(ctx);
      ctx.set_timer(kTimerSweep, kSweepUs);
      return;
    }
    if (timer != kTimerArrive) return;
    const bool write = ctx.rng().below(100) < config_.write_percent;
    const int32_t key = zipf_.sample(ctx.rng());
    begin(ctx, write ? Kind::Write : Kind::Read, key);
    ctx.set_timer(kTimerArrive, config_.even_arrivals ? period_us() : 1 + ctx.rng().below(2 * period_us()));
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kGetReply: on_get_reply(ctx, m.body_as<GetReply>()); break;
      case kDbReply: on_db_reply(ctx, m.body_as<DbReply>()); break;
      case kOperator: on_operator(ctx, m.body_as<Operator>()); break;
    }
  }

 private:
  enum class Kind : uint8_t { Read, Write, Refresh };
  struct Request {
    Kind kind;
    int32_t key;
    TimeUs invoked_us;
  };

  TimeUs period_us() const { return std::max<TimeUs>(1, kUsPerS * config_.apps / config_.rate_per_s); }

  void begin(Context& ctx, Kind kind, int32_t key) {
    const int64_t req = next_req_++;
    requests_.insert(req, Request{kind, key, ctx.now_local_us()});
    if (kind == Kind::Read) ctx.send(topology_.cache, Get{req, key});
    else ctx.send(topology_.db, DbQuery{req, key, static_cast<uint8_t>(kind == Kind::Write)});
  }

  void on_get_reply(Context& ctx, const GetReply& r) {
    const Request* request = requests_.find(r.req);
    if (request == nullptr) return;
    switch (r.answer) {
      case Answer::Hit:
      case Answer::Waited:
        finish_read(ctx, r.req, *request, r.version, topology_.cache, r.answer == Answer::Waited);
        return;
      case Answer::Refresh:  // serve the cached value now, reload it in the background
        finish_read(ctx, r.req, *request, r.version, topology_.cache, false);
        begin(ctx, Kind::Refresh, r.key);
        return;
      case Answer::Miss:
      case Answer::Load:
        ctx.send(topology_.db, DbQuery{r.req, r.key, 0});
        return;
    }
  }

  void on_db_reply(Context& ctx, const DbReply& r) {
    const Request* request = requests_.find(r.req);
    if (request == nullptr) return;
    const Kind kind = request->kind;
    if (kind == Kind::Read || kind == Kind::Refresh) {
      ctx.send(topology_.cache, Set{r.version, r.key});  // fill the cache (and release any waiters)
      if (kind == Kind::Read) return finish_read(ctx, r.req, *request, r.version, topology_.db, false);
      requests_.erase(r.req);
      return;
    }
    ++writes_;
    if (config_.policy == WritePolicy::CacheAside) ctx.send(topology_.cache, Del{r.key});
    if (config_.policy == WritePolicy::WriteThrough) ctx.send(topology_.cache, Set{r.version, r.key});
    requests_.erase(r.req);
  }

  void finish_read(Context& ctx, int64_t req, const Request& request, int64_t version, NodeId from, bool waited) {
    const bool hit = from == topology_.cache;
    ++reads_;
    hits_ += hit && !waited ? 1 : 0;
    waited_ += waited ? 1 : 0;
    hit_window_.add(ctx.now_local_us(), hit ? 1 : 0);
    ctx.trace_note(kNoteRead, from, request.key, version, request.invoked_us);
    requests_.erase(req);
  }

  void sweep(Context& ctx) {
    requests_.erase_if([&](int64_t, const Request& r) {
      const bool expired = ctx.now_local_us() - r.invoked_us >= config_.timeout_us;
      timeouts_ += expired ? 1 : 0;
      return expired;
    });
  }

  void on_operator(Context& ctx, const Operator& o) {
    if (o.action == Action::Burst)
      for (int64_t i = 0; i < o.value; ++i) begin(ctx, Kind::Read, kHotKey);
    if (o.action == Action::Update) begin(ctx, Kind::Write, kHotKey);
  }

  const CachingConfig config_;
  const Topology topology_;
  const int index_;
  const ZipfSampler zipf_;
  IdMap<Request> requests_;  // in flight, by request id
  int64_t next_req_ = 1;
  int64_t reads_ = 0, hits_ = 0, waited_ = 0, writes_ = 0, timeouts_ = 0;
  Window hit_window_{kWindowUs};
};

// ================================================================================================
// Cache: entries with a TTL, leases for coalescing, refresh-ahead
// ================================================================================================

class Cache : public Protocol {
 public:
  Cache(const CachingConfig& config, const Topology& topology)
      : config_(config), topology_(topology), ttl_us_(config.ttl_us) {}

  TimeUs ttl_us() const { return ttl_us_; }
  int64_t cached(TimeUs now_us) const {
    return std::count_if(entries_.begin(), entries_.end(), [now_us](const Entry& e) { return e.present && now_us < e.expires_us; });
  }
  int64_t waiting() const {
    int64_t n = 0;
    for (const Entry& e : entries_) n += static_cast<int64_t>(e.waiters.size());
    return n;
  }

  void on_start(Context& ctx) override {
    entries_.assign(static_cast<size_t>(config_.keys), Entry{});
    ctx.set_timer(kTimerSweep, kSweepUs);
  }

  // A cache restart loses every entry: the cold cache of lesson 6.
  void on_crash() override { entries_.clear(); }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer != kTimerSweep) return;
    for (size_t k = 0; k < entries_.size(); ++k) {
      Entry& e = entries_[k];
      if (e.loading && ctx.now_local_us() - e.lease_us >= kLeaseUs) release(ctx, static_cast<int32_t>(k), Answer::Miss);
    }
    ctx.set_timer(kTimerSweep, kSweepUs);
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kGet: on_get(ctx, m.from, m.body_as<Get>()); break;
      case kSet: on_set(ctx, m.body_as<Set>()); break;
      case kDel: entries_[static_cast<size_t>(m.body_as<Del>().key)].present = false; break;
      case kOperator: on_operator(ctx, m.body_as<Operator>()); break;
    }
  }

 private:
  struct Waiter {
    NodeId app;
    int64_t req;
  };
  struct Entry {
    bool present = false;
    int64_t version = 0;
    TimeUs expires_us = 0;
    TimeUs refresh_at_us = 0;
    bool refreshing = false;  // a refresh-ahead load is on its way
    bool loading = false;     // a reader holds the lease (coalescing)
    TimeUs lease_us = 0;
    std::vector<Waiter> waiters;
  };

  void on_get(Context& ctx, NodeId from, const Get& g) {
    Entry& e = entries_[static_cast<size_t>(g.key)];
    const TimeUs now = ctx.now_local_us();
    if (e.present && now < e.expires_us) {
      const bool refresh = config_.protection == Protection::EarlyRefresh && now >= e.refresh_at_us && !e.refreshing;
      e.refreshing = e.refreshing || refresh;
      ctx.send(from, GetReply{g.req, e.version, g.key, refresh ? Answer::Refresh : Answer::Hit});
      return;
    }
    e.present = false;
    if (config_.protection != Protection::Coalesce) {
      ctx.send(from, GetReply{g.req, 0, g.key, Answer::Miss});
      return;
    }
    if (e.loading) {  // someone is loading it: wait for their value
      e.waiters.push_back(Waiter{from, g.req});
      return;
    }
    e.loading = true;
    e.lease_us = now;
    ctx.send(from, GetReply{g.req, 0, g.key, Answer::Load});
  }

  void on_set(Context& ctx, const Set& s) {
    Entry& e = entries_[static_cast<size_t>(s.key)];
    const TimeUs ttl = ttl_us_ + ttl_us_ * ctx.rng().below(config_.ttl_jitter_percent + 1) / 100;
    e.present = true;
    e.version = s.version;
    e.expires_us = ctx.now_local_us() + ttl;
    e.refresh_at_us = e.expires_us - ttl / 10;
    e.refreshing = false;
    release(ctx, s.key, Answer::Waited);
  }

  // Ends the lease on `key`: its waiters get the value (Waited) or go to the database (Miss).
  void release(Context& ctx, int32_t key, Answer answer) {
    Entry& e = entries_[static_cast<size_t>(key)];
    e.loading = false;
    for (const Waiter& w : e.waiters) ctx.send(w.app, GetReply{w.req, e.version, key, answer});
    e.waiters.clear();
  }

  void on_operator(Context& ctx, const Operator& o) {
    if (o.action == Action::Ttl) ttl_us_ = o.value * kUsPerMs;
    if (o.action != Action::Flush) return;
    for (Entry& e : entries_) {
      e.present = false;
      e.refreshing = false;
    }
    ctx.trace_note(kNoteFlush, kNoNode, 0, 0, 0);
  }

  const CachingConfig config_;
  const Topology topology_;
  TimeUs ttl_us_;
  std::vector<Entry> entries_;  // by key
};

// ================================================================================================
// Database: a version per key, queries on a few cores
// ================================================================================================

class Database : public Protocol {
 public:
  Database(const CachingConfig& config, const Topology& topology)
      : config_(config), topology_(topology), cpu_(config.db_cores, config.db_query_us, 0) {}

  const CoreQueue& cpu() const { return cpu_; }
  int64_t reads() const { return reads_; }
  int peak_inside() const { return peak_inside_; }
  int peak_same_key() const { return peak_same_key_; }
  const Window& read_window() const { return read_window_; }

  void on_start(Context&) override {
    if (versions_.empty()) versions_.assign(static_cast<size_t>(config_.keys), 0);
    reading_.assign(static_cast<size_t>(config_.keys), 0);
  }

  // Versions are on disk; queries in progress are lost.
  void on_crash() override {
    jobs_.clear();
    cpu_.clear();
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer != kTimerCpu) return;
    done_.clear();
    cpu_.collect(ctx.now_local_us(), done_);
    for (int64_t id : done_) {
      const Job& job = *jobs_.find(id);  // a finished job is still in jobs_ (a crash clears both)
      int64_t& version = versions_[static_cast<size_t>(job.key)];
      if (job.write) {
        ++version;
        ctx.trace_note(kNoteDbWrite, job.from, job.key, version, 0);
      } else {
        --reading_[static_cast<size_t>(job.key)];
      }
      ctx.send(job.from, DbReply{job.req, version, job.key});
      jobs_.erase(id);
    }
    arm(ctx);
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kDbRead) return;
    const DbQuery q = m.body_as<DbQuery>();
    if (!q.write) {
      ++reads_;
      read_window_.add(ctx.now_local_us(), 1);
      int32_t& same = reading_[static_cast<size_t>(q.key)];
      peak_same_key_ = std::max(peak_same_key_, ++same);
    }
    const int64_t id = next_job_++;
    jobs_.insert(id, Job{m.from, q.req, q.key, q.write != 0});
    cpu_.submit(ctx.now_local_us(), id);
    peak_inside_ = std::max(peak_inside_, cpu_.inside());
    arm(ctx);
  }

 private:
  struct Job {
    NodeId from;
    int64_t req;
    int32_t key;
    bool write;
  };

  void arm(Context& ctx) {
    if (cpu_.next_done_us() == kNever) ctx.cancel_timer(kTimerCpu);
    else ctx.set_timer(kTimerCpu, std::max<TimeUs>(0, cpu_.next_done_us() - ctx.now_local_us()));
  }

  const CachingConfig config_;
  const Topology topology_;
  std::vector<int64_t> versions_;  // durable
  std::vector<int32_t> reading_;   // reads in progress per key
  IdMap<Job> jobs_;
  std::vector<int64_t> done_;  // jobs the CPU finished (kept: reused by every timer)
  CoreQueue cpu_;
  int64_t next_job_ = 0;
  int64_t reads_ = 0;
  int peak_inside_ = 0;
  int peak_same_key_ = 0;
  Window read_window_{kWindowUs};
};

// ================================================================================================
// Staleness: a checker over the trace (it reads, never steers)
// ================================================================================================

/// A read is stale when it returns a version older than one the database committed before the
/// read began (the StaleRead definition of checkers.h, with the database's commit as the
/// acknowledgement). Its age is how long the newer version had existed when the read returned.
struct Staleness {
  int64_t stale = 0;
  TimeUs longest_us = 0;
  std::vector<std::vector<TimeUs>> commits;  // by key: commit time of version v at [v - 1]
};

class StalenessChecker : public TraceSink {
 public:
  StalenessChecker(Staleness* out, Checkers& report_to, std::vector<std::string> names)
      : out_(out), report_to_(report_to), names_(std::move(names)) {}

  uint32_t kinds() const override { return kind_bit(TraceKind::Note); }
  void on_trace(const TraceEvent& e) override {
    if (e.code == kNoteDbWrite) {
      if (out_->commits.size() <= static_cast<size_t>(e.a)) out_->commits.resize(static_cast<size_t>(e.a) + 1);
      out_->commits[static_cast<size_t>(e.a)].push_back(e.time_us);
    }
    if (e.code == kNoteRead) check(e);
  }

 private:
  void check(const TraceEvent& read) {
    if (out_->commits.size() <= static_cast<size_t>(read.a)) return;
    const std::vector<TimeUs>& commits = out_->commits[static_cast<size_t>(read.a)];
    const int64_t committed_before = std::lower_bound(commits.begin(), commits.end(), read.c) - commits.begin();
    if (read.b >= committed_before) return;
    const TimeUs age_us = read.time_us - commits[static_cast<size_t>(read.b)];
    ++out_->stale;
    out_->longest_us = std::max(out_->longest_us, age_us);
    std::string text = std::string(node_name(names_, read.node)) + " read k" + std::to_string(read.a) + " = v" +
                       std::to_string(read.b) + " from " + node_name(names_, read.peer == kNoPeer ? -1 : read.peer) +
                       "; v" + std::to_string(read.b + 1) + " was committed " + format_seconds(age_us) + " earlier";
    report_to_.report(FindingKind::StaleRead, read.time_us, read.peer == kNoPeer ? kNoNode : read.peer, read.node,
                      std::move(text));
  }

  Staleness* out_;
  Checkers& report_to_;
  std::vector<std::string> names_;
};

// ================================================================================================
// The scenario
// ================================================================================================

std::string percent_text(int64_t part, int64_t whole) {
  if (whole == 0) return "-";
  return std::to_string(part * 100 / whole) + "." + std::to_string(part * 1000 / whole % 10) + "%";
}

class CachingScenario : public Scenario {
 public:
  explicit CachingScenario(const CachingConfig& config)
      : config_(config), topology_(config), staleness_(std::make_unique<Staleness>()) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < topology_.apps; ++i) out.push_back("a" + std::to_string(i + 1));
    out.push_back("cache");
    out.push_back("db");
    return out;
  }

  void build(Engine& engine) override {
    for (int i = 0; i < topology_.apps; ++i) {
      auto app = std::make_unique<App>(config_, topology_, i);
      apps_.push_back(app.get());
      engine.add_node("a" + std::to_string(i + 1), std::move(app));
    }
    auto cache = std::make_unique<Cache>(config_, topology_);
    cache_ = cache.get();
    engine.add_node("cache", std::move(cache));
    auto db = std::make_unique<Database>(config_, topology_);
    db_ = db.get();
    engine.add_node("db", std::move(db));
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb == Verb::Act) return true;
    *error = "not a caching-lab command";
    return false;
  }

  void apply(Engine& engine, const Command& c) override {
    const Action action = static_cast<Action>(c.b);
    switch (action) {
      case Action::Flush:
      case Action::Ttl: engine.inject(topology_.cache, Operator{c.value, action}); break;
      case Action::Update: engine.inject(0, Operator{0, action}); break;
      case Action::Burst:  // spread over the app servers, as a load balancer would
        for (NodeId a = 0; a < topology_.apps; ++a) {
          const int64_t share = c.value / topology_.apps + (a < c.value % topology_.apps ? 1 : 0);
          if (share > 0) engine.inject(a, Operator{share, action});
        }
        break;
    }
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    std::string& d = view.detail;
    view.y = 0.5f;
    if (topology_.is_app(node)) {
      const App& app = *apps_[static_cast<size_t>(node)];
      view.kind = "client";
      view.role = Role::Client;
      d = "hits " + percent_text(app.hits() + app.waited(), app.reads());
      view.x = 0.12f;
      view.y = (static_cast<float>(node) + 0.5f) / static_cast<float>(topology_.apps);
      return;
    }
    if (node == topology_.cache) {
      view.kind = "cache";
      d = std::to_string(cache_->cached(engine.now_us())) + " keys, TTL " + format_seconds(cache_->ttl_us());
      view.x = 0.5f;
      view.y = 0.3f;
      return;
    }
    view.kind = "db";
    view.role = Role::Primary;
    d = std::to_string(db_->cpu().inside()) + " queries";
    view.x = 0.86f;
    view.y = 0.6f;
  }

  bool traces_client_ops() const override { return false; }
  std::vector<MetricSpec> metrics() const override {
    // Stale reads are charted as the checker's findings.
    return {{"hit ratio", "%"}, {"db reads", "reads/s"}, {"db queries in flight", "queries"}};
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    const Totals t = totals(engine.now_us());
    row.push_back(t.window_reads == 0 ? 0 : t.window_hits * 100 / t.window_reads);
    row.push_back(db_->read_window().count(engine.now_us()) * kUsPerS / kWindowUs);
    row.push_back(db_->cpu().inside());
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    const Totals t = totals(engine.now_us());
    Figure& reads = add_figure(out, Figure::Kind::Bars, "Reads, whole run", "reads");
    reads.bars.push_back({"cache hit", t.hits, Tone::Good});
    if (config_.protection == Protection::Coalesce) reads.bars.push_back({"waited for loader", t.waited, Tone::Accent});
    reads.bars.push_back({"database", t.reads - t.hits - t.waited, Tone::Warn});
    reads.caption = "Hit ratio " + percent_text(t.hits + t.waited, t.reads) + " of " + std::to_string(t.reads) +
                    " reads; last second " + percent_text(t.window_hits, t.window_reads) + ".";

    Figure& table = add_figure(out, Figure::Kind::Table, "Cache and database");
    table.columns = {"Figure", "Value"};
    const auto row = [&table](std::string name, std::string value, Tone tone) {
      table.rows.push_back({{std::move(name), Tone::Neutral}, {std::move(value), tone}});
    };
    row("Hit ratio, last second", percent_text(t.window_hits, t.window_reads), Tone::Accent);
    row("Database reads, last second", std::to_string(db_->read_window().count(engine.now_us())), Tone::Neutral);
    row("Database queries in flight", std::to_string(db_->cpu().inside()) + " (peak " + std::to_string(db_->peak_inside()) + ")",
        db_->cpu().waiting() > 0 ? Tone::Warn : Tone::Good);
    row("Most reads of one key at once", std::to_string(db_->peak_same_key()), db_->peak_same_key() >= 10 ? Tone::Bad : Tone::Good);
    row("Stale reads", std::to_string(staleness_->stale), staleness_->stale > 0 ? Tone::Bad : Tone::Good);
    row("Longest staleness", std::to_string(staleness_->longest_us / kUsPerMs) + " ms",
        staleness_->longest_us > 0 ? Tone::Warn : Tone::Good);
    row("Keys cached", std::to_string(cache_->cached(engine.now_us())) + " of " + std::to_string(config_.keys), Tone::Neutral);
    if (t.timeouts > 0) row("Timed out", std::to_string(t.timeouts), Tone::Bad);
    static const char* const kPolicies[] = {"TTL only", "cache-aside", "write-through"};
    static const char* const kProtections[] = {"no stampede protection", "request coalescing", "early refresh"};
    table.caption = std::string(kPolicies[static_cast<int>(config_.policy)]) + ", TTL " + format_seconds(cache_->ttl_us()) +
                    ", " + kProtections[static_cast<int>(config_.protection)] + ".";
  }

  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to,
                                                        const std::vector<std::string>& names) const override {
    std::vector<std::unique_ptr<TraceSink>> out;
    out.push_back(std::make_unique<StalenessChecker>(staleness_.get(), report_to, names));
    return out;
  }

 private:
  struct Totals {
    int64_t reads = 0, hits = 0, waited = 0, timeouts = 0, window_reads = 0, window_hits = 0;
  };

  Totals totals(TimeUs now_us) const {
    Totals t;
    for (const App* app : apps_) {
      t.reads += app->reads();
      t.hits += app->hits();
      t.waited += app->waited();
      t.timeouts += app->timeouts();
      t.window_reads += app->hit_window().count(now_us);
      t.window_hits += app->hit_window().sum(now_us);
    }
    return t;
  }

  const CachingConfig config_;
  const Topology topology_;
  std::vector<App*> apps_;  // owned by the engine
  Cache* cache_ = nullptr;
  Database* db_ = nullptr;
  std::unique_ptr<Staleness> staleness_;  // written by the checker, read by figures
};

}  // namespace

bool CachingConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(apps >= 1 && apps <= 4, "app servers must be 1..4") &&
         check(rate_per_s >= 0 && rate_per_s <= 5000, "rate must be 0..5000 requests per second") &&
         check(keys >= 1 && keys <= 1000, "keys must be 1..1000") &&
         check(skew >= 0 && skew < static_cast<int>(sizeof kZipfHalves / sizeof kZipfHalves[0]), "unknown key popularity") &&
         check(write_percent >= 0 && write_percent <= 100, "write share must be 0..100%") &&
         check(ttl_us >= 100 * kUsPerMs && ttl_us <= 600 * kUsPerS, "TTL must be 0.1..600 s") &&
         check(ttl_jitter_percent >= 0 && ttl_jitter_percent <= 100, "TTL jitter must be 0..100%") &&
         check(db_cores >= 1 && db_cores <= 64, "database cores must be 1..64") &&
         check(db_query_us >= 100 && db_query_us <= 10 * kUsPerS, "query time must be 0.1 ms..10 s") &&
         check(timeout_us >= kUsPerMs && timeout_us <= 600 * kUsPerS, "timeout must be 1 ms..600 s");
}

std::unique_ptr<Scenario> make_caching_scenario(const CachingConfig& config) {
  return std::make_unique<CachingScenario>(config);
}

}  // namespace sim
