#include "sim/pooling.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "sim/id_map.h"
#include "sim/lab.h"

namespace sim {

// ================================================================================================
// Shared models
// ================================================================================================

TimeUs CoreQueue::service_us(int inside) const {
  const int64_t beyond = std::max(0, inside - cores_);
  return query_us_ + query_us_ * contention_pm_ * beyond / 1000;
}

void CoreQueue::start(TimeUs now_us, int64_t id) {
  const auto later = [](const Running& a, const Running& b) {
    return a.done_us != b.done_us ? a.done_us > b.done_us : a.order > b.order;
  };
  running_.push_back(Running{now_us + service_us(inside() + 1), started_++, id});
  std::push_heap(running_.begin(), running_.end(), later);
}

void CoreQueue::submit(TimeUs now_us, int64_t id) {
  if (running() < cores_) start(now_us, id);
  else waiting_.push_back(id);
}

void CoreQueue::collect(TimeUs now_us, std::vector<int64_t>& done) {
  const auto later = [](const Running& a, const Running& b) {
    return a.done_us != b.done_us ? a.done_us > b.done_us : a.order > b.order;
  };
  while (!running_.empty() && running_.front().done_us <= now_us) {
    std::pop_heap(running_.begin(), running_.end(), later);
    done.push_back(running_.back().id);
    running_.pop_back();
    if (!waiting_.empty()) {
      const int64_t next = waiting_.front();
      waiting_.pop_front();
      start(now_us, next);
    }
  }
}

void Window::add(TimeUs t_us, int64_t value) {
  while (!entries_.empty() && entries_.front().t_us <= t_us - span_us_) entries_.pop_front();
  if (!entries_.empty() && t_us < entries_.back().t_us) in_order_ = false;
  entries_.push_back({t_us, value, total_});
  total_ += value;
}

// Samples read count and sum every 100 ms over thousands of entries. The entries arrive in time
// order (a node's own clock), so two binary searches find the window and the running totals give
// its sum; a clock stepped back by a skew change falls back to visiting every entry.
std::pair<Window::Iter, Window::Iter> Window::range(TimeUs now_us) const {
  const Iter first = std::partition_point(entries_.begin(), entries_.end(),
                                          [&](const Entry& e) { return e.t_us <= now_us - span_us_; });
  const Iter last = std::partition_point(first, entries_.end(), [&](const Entry& e) { return e.t_us <= now_us; });
  return {first, last};
}

template <class F>
void Window::each(TimeUs now_us, F&& f) const {
  for (const Entry& e : entries_)
    if (e.t_us > now_us - span_us_ && e.t_us <= now_us) f(e.value);
}

std::vector<int64_t> Window::values(TimeUs now_us) const {
  std::vector<int64_t> out;
  out.reserve(entries_.size());
  each(now_us, [&out](int64_t v) { out.push_back(v); });
  return out;
}

int64_t Window::count(TimeUs now_us) const {
  if (in_order_) {
    const auto [first, last] = range(now_us);
    return last - first;
  }
  int64_t n = 0;
  each(now_us, [&n](int64_t) { ++n; });
  return n;
}

int64_t Window::sum(TimeUs now_us) const {
  if (in_order_) {
    const auto [first, last] = range(now_us);
    const auto total_at = [this](Iter it) { return it == entries_.end() ? total_ : it->total_before; };
    return total_at(last) - total_at(first);
  }
  int64_t s = 0;
  each(now_us, [&s](int64_t v) { s += v; });
  return s;
}

int64_t percentile(std::vector<int64_t> values, int p) {
  if (values.empty()) return 0;
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  size_t rank = (values.size() * static_cast<size_t>(p) + 99) / 100;
  rank = std::max<size_t>(rank, 1) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

namespace {
int metric_index(const Lab& lab, std::string_view name) {
  const std::vector<MetricSpec>& specs = lab.metrics().specs;
  for (size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name) return static_cast<int>(i);
  return -1;
}
}  // namespace

int64_t latest_metric(const Lab& lab, std::string_view name) {
  const int i = metric_index(lab, name);
  if (i < 0 || lab.metrics().series[static_cast<size_t>(i)].empty()) return 0;
  return lab.metrics().series[static_cast<size_t>(i)].back();
}

int64_t mean_metric(const Lab& lab, std::string_view name, TimeUs from_us, TimeUs to_us) {
  const int i = metric_index(lab, name);
  if (i < 0) return 0;
  const Metrics& m = lab.metrics();
  int64_t sum = 0, n = 0;
  for (size_t k = 0; k < m.times_us.size(); ++k)
    if (m.times_us[k] >= from_us && m.times_us[k] < to_us) {
      sum += m.series[static_cast<size_t>(i)][k];
      ++n;
    }
  return n == 0 ? 0 : sum / n;
}

int64_t figure_number(const Lab& lab, std::string_view label) {
  for (const Figure& f : lab.figures()) {
    for (const FigureBar& b : f.bars)
      if (b.label == label) return b.value;
    for (const std::vector<FigureCell>& r : f.rows)
      if (r.size() >= 2 && r[0].text == label) return std::atoll(r[1].text.c_str());
  }
  return 0;
}

bool PoolQueue::arrive(TimeUs now_us, const Txn& txn, Dispatch* out) {
  if (idle_.empty() || !queue_.empty()) {
    queue_.push_back(txn);
    queue_.back().arrived_us = now_us;
    return false;
  }
  *out = Dispatch{idle_.back(), txn, 0};
  out->txn.arrived_us = now_us;
  idle_.pop_back();
  return true;
}

bool PoolQueue::release(TimeUs now_us, int32_t conn, Dispatch* out) {
  if (queue_.empty()) {
    idle_.push_back(conn);
    return false;
  }
  *out = Dispatch{conn, queue_.front(), now_us - queue_.front().arrived_us};
  queue_.pop_front();
  return true;
}

bool PoolQueue::remove_idle(int32_t conn) {
  const auto it = std::find(idle_.begin(), idle_.end(), conn);
  if (it == idle_.end()) return false;
  idle_.erase(it);
  return true;
}

namespace {

// ================================================================================================
// Cast and wire format
// ================================================================================================

struct Topology {
  int apps = 0;
  NodeId pooler = kNoNode;
  NodeId db = kNoNode;

  explicit Topology(const PoolingConfig& c)
      : apps(c.apps), pooler(c.pooler == PoolMode::Off ? kNoNode : c.apps),
        db(c.pooler == PoolMode::Off ? c.apps : c.apps + 1) {}
  bool is_app(NodeId n) const { return n >= 0 && n < apps; }
  /// Where sessions send transactions.
  NodeId entry() const { return pooler == kNoNode ? db : pooler; }
};

enum MsgType : uint16_t { kConnect = 1, kConnectReply, kTxn, kDone, kClose, kOperator };

struct Connect {  // open a database connection for `owner` (a session, or a pooler slot)
  static constexpr uint16_t kType = kConnect;
  int32_t owner;
  TraceArgs trace_args() const { return {owner, 0}; }
};

struct ConnectReply {
  static constexpr uint16_t kType = kConnectReply;
  int32_t owner;
  int32_t conn;  // the database's connection slot, -1 when refused
  TraceArgs trace_args() const { return {owner, conn}; }
};

struct Txn {
  static constexpr uint16_t kType = kTxn;
  int64_t seq;
  int32_t session;  // app index * kMaxSessionsPerApp + session index
  int32_t conn;     // database connection (direct, or the pooler's); -1 from an app to the pooler
  uint8_t set;      // starts with a session-level SET
  TraceArgs trace_args() const { return {session, conn}; }
};

struct Done {
  static constexpr uint16_t kType = kDone;
  int64_t seq;
  int64_t wait_us;  // time spent waiting for a pooled connection
  int32_t session;
  int32_t conn;
  uint8_t failed;   // the database had no such connection (it restarted)
  TraceArgs trace_args() const { return {session, failed}; }
};

struct Close {
  static constexpr uint16_t kType = kClose;
  int32_t conn;
  TraceArgs trace_args() const { return {conn, 0}; }
};

enum class Action : uint8_t { Sessions, PoolSize, Set, Spike };
const char* const kActionNames[] = {"op-sessions", "op-pool", "op-set", "op-spike"};

struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t value;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), value}; }
};

enum Timer : TimerId { kTimerWake = 0, kTimerSweep, kTimerCpu, kTimerReopen };

std::string session_name(int32_t session) {
  std::string s = "a";
  append_int(s, session / kMaxSessionsPerApp + 1);
  s.push_back('#');
  append_int(s, session % kMaxSessionsPerApp);
  return s;
}

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  switch (type) {
    case kConnect: out += "connect"; return;
    case kConnectReply:
      if (a.b < 0) out += "FATAL: too many clients";
      else { out += "conn #"; append_int(out, a.b); }
      return;
    case kTxn: out += "txn " + session_name(static_cast<int32_t>(a.a)); return;
    case kDone: out += (a.b ? "failed " : "done ") + session_name(static_cast<int32_t>(a.a)); return;
    case kClose: out += "close #"; append_int(out, a.a); return;
    case kOperator: out += kActionNames[a.a]; return;
  }
  out += "type";
  append_int(out, type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"wake", "sweep", "cpu", "reopen"};
  return timer >= 0 && timer < 4 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& /*names*/, std::string& out) {
  switch (e.code) {
    case kNoteRefused:
      out += "FATAL: sorry, too many clients already (";
      append_int(out, e.a);
      out += " of max_connections ";
      append_int(out, e.b);
      out += " in use)";
      return;
    case kNoteLeak:
      out += "txn of " + session_name(static_cast<int32_t>(e.a)) + " ran with the SET of " +
             session_name(static_cast<int32_t>(e.b));
      return;
    case kNoteSet: out += session_name(static_cast<int32_t>(e.a)) + " ran SET on conn #"; append_int(out, e.b); return;
    case kNoteTimeout: out += "txn of " + session_name(static_cast<int32_t>(e.a)) + " timed out"; return;
  }
  append_int(out, e.code);
}

const std::vector<ActionSpec> kActions = {
    {"clients", "v", "Set sessions per app server", "client sessions on each app server (ramp up or down)", 0,
     kMaxSessionsPerApp},
    {"pool", "v", "Resize the pool", "server connections the pooler keeps (pgbouncer default_pool_size)", 1, 1000},
    {"set", "", "Run SET in one session", "session a1#0 runs SET timezone before its next transaction", 0, 0},
    {"spike", "", "Send all at once", "every idle session starts a transaction now (a reconnection storm)", 0, 0},
};

const Vocabulary kVocabulary{label, timer_name, note_text, kActions};

constexpr TimeUs kWindowUs = kUsPerS;  // figures and charts cover the last second
constexpr TimeUs kSweepUs = kUsPerS;   // how often sessions check for timeouts
constexpr TimeUs kReopenUs = kUsPerS;  // the pooler retries refused server connections

// ================================================================================================
// App server: many sessions, each thinking and then running one transaction
// ================================================================================================

class App : public Protocol {
 public:
  App(const PoolingConfig& config, const Topology& topology, int index)
      : config_(config), topology_(topology), index_(index), target_sessions_(config.sessions) {}

  // Read-only state for views, figures and metrics.
  int sessions() const { return active_; }
  int busy() const { return busy_; }
  int connected() const { return connected_; }
  int64_t completed() const { return completed_; }
  int64_t refused() const { return refused_; }
  int64_t timeouts() const { return timeouts_; }
  const Window& latencies() const { return latency_; }
  const Window& waits() const { return wait_; }

  void on_start(Context& ctx) override {
    sessions_.assign(kMaxSessionsPerApp, Session{});
    resize(ctx, target_sessions_);
    ctx.set_timer(kTimerSweep, kSweepUs);
  }

  void on_crash() override {
    sessions_.clear();
    wake_.clear();
    active_ = busy_ = connected_ = 0;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerWake) return wake(ctx);
    if (timer == kTimerSweep) {
      sweep(ctx);
      ctx.set_timer(kTimerSweep, kSweepUs);
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kConnectReply: on_connected(ctx, m.body_as<ConnectReply>()); break;
      case kDone: on_done(ctx, m.body_as<Done>()); break;
      case kOperator: on_operator(ctx, m.body_as<Operator>()); break;
    }
  }

 private:
  enum class State : uint8_t { Off, Idle, Connecting, Busy };
  struct Session {
    State state = State::Off;
    int32_t conn = -1;  // direct mode: its own database connection
    TimeUs next_us = kNever;
    TimeUs sent_us = 0;
    int64_t seq = 0;
    bool set_next = false;
  };

  bool direct() const { return topology_.pooler == kNoNode; }
  int32_t global(int s) const { return index_ * kMaxSessionsPerApp + s; }

  // Sessions [0, n) run; the others close their connection once idle.
  void resize(Context& ctx, int n) {
    target_sessions_ = n;
    for (int s = 0; s < kMaxSessionsPerApp; ++s) {
      Session& session = sessions_[static_cast<size_t>(s)];
      if (s < n && session.state == State::Off) {
        session.state = State::Idle;
        ++active_;
        schedule(ctx, s, pause_us(ctx));
      } else if (s >= n && session.state == State::Idle) {
        unschedule(s);
        stop(ctx, s);
      }
    }
  }

  void stop(Context& ctx, int s) {
    Session& session = sessions_[static_cast<size_t>(s)];
    if (session.conn >= 0) {
      ctx.send(topology_.db, Close{session.conn});
      --connected_;
    }
    session = Session{State::Off, -1, kNever, 0, session.seq, false};
    --active_;
  }

  // A session's think time: uniform in 0.5x..1.5x the mean, so sessions drift apart.
  TimeUs pause_us(Context& ctx) const { return config_.think_us / 2 + ctx.rng().below(config_.think_us + 1); }

  void schedule(Context& ctx, int s, TimeUs delay_us) {
    Session& session = sessions_[static_cast<size_t>(s)];
    session.next_us = ctx.now_local_us() + delay_us;
    wake_.insert({session.next_us, s});
    arm(ctx);
  }

  void unschedule(int s) {
    Session& session = sessions_[static_cast<size_t>(s)];
    wake_.erase({session.next_us, s});
    session.next_us = kNever;
  }

  void arm(Context& ctx) {
    if (wake_.empty()) ctx.cancel_timer(kTimerWake);
    else ctx.set_timer(kTimerWake, std::max<TimeUs>(0, wake_.begin()->first - ctx.now_local_us()));
  }

  void wake(Context& ctx) {
    while (!wake_.empty() && wake_.begin()->first <= ctx.now_local_us()) {
      const int s = wake_.begin()->second;
      wake_.erase(wake_.begin());
      sessions_[static_cast<size_t>(s)].next_us = kNever;
      begin(ctx, s);
    }
    arm(ctx);
  }

  void begin(Context& ctx, int s) {
    Session& session = sessions_[static_cast<size_t>(s)];
    session.sent_us = ctx.now_local_us();
    if (direct() && session.conn < 0) {
      session.state = State::Connecting;
      ctx.send(topology_.db, Connect{global(s)});
      return;
    }
    send_txn(ctx, s);
  }

  void send_txn(Context& ctx, int s) {
    Session& session = sessions_[static_cast<size_t>(s)];
    session.state = State::Busy;
    ++session.seq;
    ++busy_;
    ctx.send(topology_.entry(), Txn{session.seq, global(s), session.conn, static_cast<uint8_t>(session.set_next)});
    session.set_next = false;
  }

  int local(int32_t session) const { return session - index_ * kMaxSessionsPerApp; }

  bool valid(int s, State state) const {
    return s >= 0 && s < static_cast<int>(sessions_.size()) && sessions_[static_cast<size_t>(s)].state == state;
  }

  void on_connected(Context& ctx, const ConnectReply& r) {
    const int s = local(r.owner);
    if (!valid(s, State::Connecting)) {
      if (r.conn >= 0) ctx.send(topology_.db, Close{r.conn});  // nobody wants it any more
      return;
    }
    Session& session = sessions_[static_cast<size_t>(s)];
    if (r.conn < 0) {  // FATAL: sorry, too many clients already — try again after a pause
      ++refused_;
      after_transaction(ctx, s);
      return;
    }
    session.conn = r.conn;
    ++connected_;
    send_txn(ctx, s);
  }

  void on_done(Context& ctx, const Done& d) {
    const int s = local(d.session);
    if (!valid(s, State::Busy) || sessions_[static_cast<size_t>(s)].seq != d.seq) return;  // timed out before
    Session& session = sessions_[static_cast<size_t>(s)];
    --busy_;
    if (d.failed) {
      drop_connection(session);
    } else {
      ++completed_;
      latency_.add(ctx.now_local_us(), ctx.now_local_us() - session.sent_us);
      wait_.add(ctx.now_local_us(), d.wait_us);
    }
    after_transaction(ctx, s);
  }

  void drop_connection(Session& session) {
    if (session.conn >= 0) --connected_;
    session.conn = -1;
  }

  void after_transaction(Context& ctx, int s) {
    if (s >= target_sessions_) return stop(ctx, s);
    sessions_[static_cast<size_t>(s)].state = State::Idle;
    schedule(ctx, s, pause_us(ctx));
  }

  // A transaction with no answer for timeout_us fails; in direct mode its connection is
  // presumed dead (the database restarted) and the session reconnects next time.
  void sweep(Context& ctx) {
    for (int s = 0; s < static_cast<int>(sessions_.size()); ++s) {
      Session& session = sessions_[static_cast<size_t>(s)];
      const bool waiting = session.state == State::Busy || session.state == State::Connecting;
      if (!waiting || ctx.now_local_us() - session.sent_us < config_.timeout_us) continue;
      if (session.state == State::Busy) --busy_;
      ++timeouts_;
      ctx.trace_note(kNoteTimeout, kNoNode, global(s), 0, 0);
      drop_connection(session);
      after_transaction(ctx, s);
    }
  }

  void on_operator(Context& ctx, const Operator& o) {
    switch (o.action) {
      case Action::Sessions: resize(ctx, static_cast<int>(o.value)); break;
      case Action::Set:
        if (!sessions_.empty()) sessions_[0].set_next = true;
        break;
      case Action::Spike:
        for (int s = 0; s < static_cast<int>(sessions_.size()); ++s)
          if (sessions_[static_cast<size_t>(s)].state == State::Idle) {
            unschedule(s);
            begin(ctx, s);
          }
        arm(ctx);
        break;
      case Action::PoolSize: break;
    }
  }

  const PoolingConfig config_;
  const Topology topology_;
  const int index_;
  int target_sessions_;
  // Volatile: the sessions live in the app server's memory.
  std::vector<Session> sessions_;
  std::set<std::pair<TimeUs, int>> wake_;  // (start time, session) of idle sessions
  int active_ = 0;
  int busy_ = 0;
  int connected_ = 0;
  // Observations (kept across crashes: they describe the run, not the node).
  int64_t completed_ = 0;
  int64_t refused_ = 0;
  int64_t timeouts_ = 0;
  Window latency_{kWindowUs};
  Window wait_{kWindowUs};
};

// ================================================================================================
// Pooler: PgBouncer in transaction mode
// ================================================================================================

class Pooler : public Protocol {
 public:
  Pooler(const PoolingConfig& config, const Topology& topology)
      : topology_(topology), timeout_us_(config.timeout_us), size_(config.pool_size) {}

  int size() const { return size_; }
  int open() const { return open_; }
  int queued() const { return pool_.queued(); }
  int peak_queue() const { return peak_queue_; }

  void on_start(Context& ctx) override {
    slots_.clear();
    open_slots(ctx);
    ctx.set_timer(kTimerSweep, kSweepUs);
  }

  void on_crash() override {
    slots_.clear();
    by_conn_.clear();
    pool_.clear();
    open_ = 0;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerReopen) open_slots(ctx);
    if (timer == kTimerSweep) {
      sweep(ctx);
      ctx.set_timer(kTimerSweep, kSweepUs);
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kConnectReply: on_connected(ctx, m.body_as<ConnectReply>()); break;
      case kTxn: on_txn(ctx, m.from, m.body_as<Txn>()); break;
      case kDone: on_done(ctx, m.body_as<Done>()); break;
      case kOperator:
        if (m.body_as<Operator>().action == Action::PoolSize) resize(ctx, static_cast<int>(m.body_as<Operator>().value));
        break;
    }
  }

 private:
  enum class State : uint8_t { Closed, Opening, Idle, Busy };
  struct Slot {
    State state = State::Closed;
    int32_t conn = -1;  // the database's connection
    PoolQueue::Txn txn;
    TimeUs wait_us = 0;
    TimeUs dispatched_us = 0;
  };

  // A server connection whose transaction never finished (the database crashed with it) is
  // given up, like PgBouncer closing a broken server connection, and a fresh one is opened.
  void sweep(Context& ctx) {
    for (Slot& slot : slots_)
      if (slot.state == State::Busy && ctx.now_local_us() - slot.dispatched_us >= timeout_us_) discard(ctx, slot);
  }

  void discard(Context& ctx, Slot& slot) {
    by_conn_.erase(slot.conn);
    slot = Slot{};
    --open_;
    ctx.set_timer(kTimerReopen, kReopenUs);
  }

  void open_slots(Context& ctx) {
    if (static_cast<int>(slots_.size()) < size_) slots_.resize(static_cast<size_t>(size_));
    for (int i = 0; i < size_; ++i)
      if (slots_[static_cast<size_t>(i)].state == State::Closed) {
        slots_[static_cast<size_t>(i)].state = State::Opening;
        ctx.send(topology_.db, Connect{i});
      }
  }

  void resize(Context& ctx, int n) {
    size_ = n;
    open_slots(ctx);
    for (int i = n; i < static_cast<int>(slots_.size()); ++i)
      if (slots_[static_cast<size_t>(i)].state == State::Idle && pool_.remove_idle(i)) close(ctx, i);
  }

  void close(Context& ctx, int i) {
    Slot& slot = slots_[static_cast<size_t>(i)];
    ctx.send(topology_.db, Close{slot.conn});
    by_conn_.erase(slot.conn);
    slot = Slot{};
    --open_;
  }

  void on_connected(Context& ctx, const ConnectReply& r) {
    if (r.owner < 0 || r.owner >= static_cast<int32_t>(slots_.size())) return;
    Slot& slot = slots_[static_cast<size_t>(r.owner)];
    if (slot.state != State::Opening) return;
    if (r.conn < 0) {  // the database refused: retry later
      slot.state = State::Closed;
      ctx.set_timer(kTimerReopen, kReopenUs);
      return;
    }
    slot.conn = r.conn;
    by_conn_[r.conn] = r.owner;
    ++open_;
    free_slot(ctx, r.owner);
  }

  void on_txn(Context& ctx, NodeId from, const Txn& t) {
    PoolQueue::Dispatch d;
    if (pool_.arrive(ctx.now_local_us(), PoolQueue::Txn{from, t.session, t.seq, t.set, 0}, &d)) dispatch(ctx, d);
    peak_queue_ = std::max(peak_queue_, pool_.queued());
  }

  void free_slot(Context& ctx, int i) {
    if (i >= size_) return close(ctx, i);
    slots_[static_cast<size_t>(i)].state = State::Idle;
    PoolQueue::Dispatch d;
    if (pool_.release(ctx.now_local_us(), i, &d)) dispatch(ctx, d);
  }

  void dispatch(Context& ctx, const PoolQueue::Dispatch& d) {
    Slot& slot = slots_[static_cast<size_t>(d.conn)];
    slot.state = State::Busy;
    slot.txn = d.txn;
    slot.wait_us = d.wait_us;
    slot.dispatched_us = ctx.now_local_us();
    ctx.send(topology_.db, Txn{d.txn.seq, d.txn.session, slot.conn, d.txn.set});
  }

  void on_done(Context& ctx, const Done& done) {
    const auto it = by_conn_.find(done.conn);
    if (it == by_conn_.end()) return;
    const int i = it->second;
    Slot& slot = slots_[static_cast<size_t>(i)];
    if (slot.state != State::Busy) return;
    ctx.send(slot.txn.app, Done{slot.txn.seq, slot.wait_us, slot.txn.session, done.conn, done.failed});
    if (done.failed) return discard(ctx, slot);  // the server connection is gone: open a fresh one
    free_slot(ctx, i);
  }

  const Topology topology_;
  const TimeUs timeout_us_;
  int size_;
  std::vector<Slot> slots_;
  std::map<int32_t, int> by_conn_;  // database connection -> slot
  PoolQueue pool_;
  int open_ = 0;
  int peak_queue_ = 0;
};

// ================================================================================================
// Database: max_connections, per-connection memory, CPU cores
// ================================================================================================

class Database : public Protocol {
 public:
  Database(const PoolingConfig& config, const Topology& topology)
      : config_(config), topology_(topology), cpu_(config.cores, config.query_us, config.contention_pm) {}

  int open() const { return open_; }
  int peak_open() const { return peak_open_; }
  const CoreQueue& cpu() const { return cpu_; }
  int64_t refused() const { return refused_; }
  int64_t leaks() const { return leaks_; }

  void on_start(Context&) override { conns_.assign(static_cast<size_t>(config_.max_connections), Conn{}); }

  void on_crash() override {
    conns_.clear();
    jobs_.clear();
    cpu_.clear();
    open_ = 0;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer != kTimerCpu) return;
    done_.clear();
    cpu_.collect(ctx.now_local_us(), done_);
    for (int64_t id : done_) {
      const Job& job = *jobs_.find(id);  // a finished job is still in jobs_ (a crash clears both)
      ctx.send(job.from, Done{job.txn.seq, 0, job.txn.session, job.txn.conn, 0});
      jobs_.erase(id);
    }
    arm(ctx);
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kConnect: on_connect(ctx, m.from, m.body_as<Connect>()); break;
      case kTxn: on_txn(ctx, m.from, m.body_as<Txn>()); break;
      case kClose: on_close(m.from, m.body_as<Close>()); break;
    }
  }

 private:
  struct Conn {
    bool open = false;
    NodeId peer = kNoNode;
    int32_t set_by = -1;  // session whose SET this connection carries
  };
  struct Job {
    NodeId from;
    Txn txn;
  };

  void on_connect(Context& ctx, NodeId from, const Connect& c) {
    const auto free = std::find_if(conns_.begin(), conns_.end(), [](const Conn& x) { return !x.open; });
    if (free == conns_.end()) {
      ++refused_;
      ctx.trace_note(kNoteRefused, from, open_, config_.max_connections, 0);
      ctx.send(from, ConnectReply{c.owner, -1});
      return;
    }
    *free = Conn{true, from, -1};
    peak_open_ = std::max(peak_open_, ++open_);
    ctx.send(from, ConnectReply{c.owner, static_cast<int32_t>(free - conns_.begin())});
  }

  bool owns(NodeId from, int32_t conn) const {
    return conn >= 0 && conn < static_cast<int32_t>(conns_.size()) && conns_[static_cast<size_t>(conn)].open &&
           conns_[static_cast<size_t>(conn)].peer == from;
  }

  void on_txn(Context& ctx, NodeId from, const Txn& t) {
    if (!owns(from, t.conn)) {  // a connection from before a restart
      ctx.send(from, Done{t.seq, 0, t.session, t.conn, 1});
      return;
    }
    Conn& conn = conns_[static_cast<size_t>(t.conn)];
    // Lesson 6 "What transaction pooling breaks": session state stays on the server connection.
    if (conn.set_by >= 0 && conn.set_by != t.session) {
      ++leaks_;
      ctx.trace_note(kNoteLeak, from, t.session, conn.set_by, t.conn);
    }
    if (t.set) {
      conn.set_by = t.session;
      ctx.trace_note(kNoteSet, from, t.session, t.conn, 0);
    }
    const int64_t id = next_job_++;
    jobs_.insert(id, Job{from, t});
    cpu_.submit(ctx.now_local_us(), id);
    arm(ctx);
  }

  void on_close(NodeId from, const Close& c) {
    if (!owns(from, c.conn)) return;
    conns_[static_cast<size_t>(c.conn)] = Conn{};
    --open_;
  }

  void arm(Context& ctx) {
    if (cpu_.next_done_us() == kNever) ctx.cancel_timer(kTimerCpu);
    else ctx.set_timer(kTimerCpu, std::max<TimeUs>(0, cpu_.next_done_us() - ctx.now_local_us()));
  }

  const PoolingConfig config_;
  const Topology topology_;
  std::vector<Conn> conns_;
  IdMap<Job> jobs_;
  std::vector<int64_t> done_;  // jobs the CPU finished (kept: reused by every timer)
  CoreQueue cpu_;
  int64_t next_job_ = 0;
  int open_ = 0;
  int peak_open_ = 0;
  int64_t refused_ = 0;
  int64_t leaks_ = 0;
};

// ================================================================================================
// The scenario: cast, actions, views, figures
// ================================================================================================

std::string ms_text(TimeUs us) {
  std::string s;
  append_int(s, us / kUsPerMs);
  return s + " ms";
}

class PoolingScenario : public Scenario {
 public:
  explicit PoolingScenario(const PoolingConfig& config) : config_(config), topology_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < topology_.apps; ++i) out.push_back("a" + std::to_string(i + 1));
    if (topology_.pooler != kNoNode) out.push_back("pgb");
    out.push_back("db");
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (int i = 0; i < topology_.apps; ++i) {
      auto app = std::make_unique<App>(config_, topology_, i);
      apps_.push_back(app.get());
      engine.add_node(n[static_cast<size_t>(i)], std::move(app));
    }
    if (topology_.pooler != kNoNode) {
      auto pooler = std::make_unique<Pooler>(config_, topology_);
      pooler_ = pooler.get();
      engine.add_node("pgb", std::move(pooler));
    }
    auto db = std::make_unique<Database>(config_, topology_);
    db_ = db.get();
    engine.add_node("db", std::move(db));
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb != Verb::Act) {
      *error = "not a pooling-lab command";
      return false;
    }
    if (static_cast<Action>(c.b) == Action::PoolSize && topology_.pooler == kNoNode) {
      *error = "there is no pooler in this run: set pooler=transaction";
      return false;
    }
    return true;
  }

  void apply(Engine& engine, const Command& c) override {
    const Action action = static_cast<Action>(c.b);
    switch (action) {
      case Action::Sessions:
      case Action::Spike:
        for (NodeId a = 0; a < topology_.apps; ++a) engine.inject(a, Operator{c.value, action});
        break;
      case Action::Set: engine.inject(0, Operator{0, action}); break;
      case Action::PoolSize: engine.inject(topology_.pooler, Operator{c.value, action}); break;
    }
  }

  void describe(const Engine& /*engine*/, NodeId node, NodeView& view) const override {
    std::string& d = view.detail;
    if (topology_.is_app(node)) {
      const App& app = *apps_[static_cast<size_t>(node)];
      view.kind = "client";
      view.role = Role::Client;
      append_int(d, app.sessions());
      d += " sessions, ";
      append_int(d, app.busy());
      d += " busy";
      view.x = 0.12f;
      view.y = (static_cast<float>(node) + 0.5f) / static_cast<float>(topology_.apps);
      return;
    }
    view.y = 0.5f;
    if (node == topology_.pooler) {
      view.kind = "pooler";
      d += "pool ";
      append_int(d, pooler_->open());
      d += "/";
      append_int(d, pooler_->size());
      d += ", queue ";
      append_int(d, pooler_->queued());
      view.x = 0.5f;
      return;
    }
    view.kind = "db";
    view.role = Role::Primary;
    append_int(d, db_->open());
    d += "/";
    append_int(d, config_.max_connections);
    d += " conns, ";
    append_int(d, db_->cpu().inside());
    d += " queries";
    view.x = 0.86f;
  }

  bool traces_client_ops() const override { return false; }
  std::vector<MetricSpec> metrics() const override {
    // Units group the charts: where transactions wait (pooler or database) share one.
    return {{"db connections", "connections"}, {"queries in db", "transactions waiting or running"},
            {"pooler queue", "transactions waiting or running"}, {"p99 latency", "ms"}, {"transactions", "tx/s"},
            {"refused", "refusals"}};
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    const Stats s = stats(engine.now_us());
    row.push_back(db_->open());
    row.push_back(db_->cpu().inside());
    row.push_back(pooler_ == nullptr ? 0 : pooler_->queued());
    row.push_back(s.p99_us / kUsPerMs);
    row.push_back(s.tx_per_s);
    row.push_back(db_->refused());
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    const Stats s = stats(engine.now_us());
    Figure& latency = add_figure(out, Figure::Kind::Bars, "Latency, last second", "ms");
    latency.bars.push_back({"p50", s.p50_us / kUsPerMs, Tone::Neutral});
    latency.bars.push_back({"p99", s.p99_us / kUsPerMs, s.p99_us > 10 * config_.query_us ? Tone::Bad : Tone::Good});
    if (pooler_ != nullptr) {
      latency.bars.push_back({"pool wait p50", s.wait_p50_us / kUsPerMs, Tone::Neutral});
      latency.bars.push_back({"pool wait p99", s.wait_p99_us / kUsPerMs, Tone::Accent});
    }
    latency.caption = "Each transaction needs " + ms_text(config_.query_us) + " of CPU; p99 is " +
                      ms_text(s.p99_us) + " over " + std::to_string(s.completed_window) + " transactions.";

    Figure& t = add_figure(out, Figure::Kind::Table, "Connections and queueing");
    t.columns = {"Figure", "Now"};
    const auto row = [&t](std::string name, std::string value, Tone tone) {
      t.rows.push_back({{std::move(name), Tone::Neutral}, {std::move(value), tone}});
    };
    const bool full = db_->open() >= config_.max_connections;
    row("Client sessions", std::to_string(s.sessions), Tone::Neutral);
    row("Database connections", std::to_string(db_->open()) + " of max " + std::to_string(config_.max_connections),
        full ? Tone::Warn : Tone::Good);
    row("Memory for connections", std::to_string(db_->open() * kConnectionMemoryMb) + " MB", Tone::Neutral);
    row("Refused: too many clients", std::to_string(db_->refused()), db_->refused() > 0 ? Tone::Bad : Tone::Good);
    row("Queries in the database",
        std::to_string(db_->cpu().running()) + " on cores + " + std::to_string(db_->cpu().waiting()) + " waiting",
        db_->cpu().waiting() > 0 ? Tone::Warn : Tone::Good);
    if (pooler_ != nullptr) {
      row("Waiting in the pooler", std::to_string(pooler_->queued()) + " (peak " + std::to_string(pooler_->peak_queue()) + ")",
          pooler_->queued() > 0 ? Tone::Warn : Tone::Good);
      row("SET leaked to another client", std::to_string(db_->leaks()), db_->leaks() > 0 ? Tone::Bad : Tone::Good);
    }
    row("Throughput", std::to_string(s.tx_per_s) + " tx/s (CPU limit " + std::to_string(capacity_tx_per_s()) + ")",
        Tone::Accent);
    if (s.timeouts > 0) row("Timed out", std::to_string(s.timeouts), Tone::Bad);
    t.caption = "max_connections " + std::to_string(config_.max_connections) + ", " + std::to_string(config_.cores) +
                " cores; " + (pooler_ == nullptr ? "no pooler." : "transaction pooling.");
  }

 private:
  struct Stats {
    int sessions = 0;
    int64_t completed_window = 0;
    int64_t tx_per_s = 0;
    TimeUs p50_us = 0, p99_us = 0, wait_p50_us = 0, wait_p99_us = 0;
    int64_t timeouts = 0;
  };

  Stats stats(TimeUs now_us) const {
    Stats s;
    std::vector<int64_t> latencies, waits;
    for (const App* app : apps_) {
      s.sessions += app->sessions();
      s.timeouts += app->timeouts();
      for (int64_t v : app->latencies().values(now_us)) latencies.push_back(v);
      for (int64_t v : app->waits().values(now_us)) waits.push_back(v);
    }
    s.completed_window = static_cast<int64_t>(latencies.size());
    s.tx_per_s = s.completed_window * kUsPerS / kWindowUs;
    s.p50_us = percentile(latencies, 50);
    s.p99_us = percentile(latencies, 99);
    s.wait_p50_us = percentile(waits, 50);
    s.wait_p99_us = percentile(waits, 99);
    return s;
  }

  int64_t capacity_tx_per_s() const { return config_.cores * kUsPerS / config_.query_us; }

  const PoolingConfig config_;
  const Topology topology_;
  std::vector<App*> apps_;  // owned by the engine
  Pooler* pooler_ = nullptr;
  Database* db_ = nullptr;
};

}  // namespace

bool PoolingConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(apps >= 1 && apps <= 4, "app servers must be 1..4") &&
         check(sessions >= 0 && sessions <= kMaxSessionsPerApp, "sessions per app server must be 0..250") &&
         check(max_connections >= 1 && max_connections <= 5000, "max_connections must be 1..5000") &&
         check(pool_size >= 1 && pool_size <= 1000, "pool size must be 1..1000") &&
         check(pooler == PoolMode::Off || pool_size <= max_connections,
               "the pool size must not exceed max_connections: the pooler could never open its connections") &&
         check(cores >= 1 && cores <= 128, "cores must be 1..128") &&
         check(query_us >= 100 && query_us <= 10 * kUsPerS, "query time must be 0.1 ms..10 s") &&
         check(contention_pm >= 0 && contention_pm <= 1000, "contention must be 0..1000 per mille") &&
         check(think_us >= kUsPerMs && think_us <= 60 * kUsPerS, "think time must be 1 ms..60 s") &&
         check(timeout_us >= kUsPerMs && timeout_us <= 600 * kUsPerS, "timeout must be 1 ms..600 s");
}

std::unique_ptr<Scenario> make_pooling_scenario(const PoolingConfig& config) {
  return std::make_unique<PoolingScenario>(config);
}

}  // namespace sim
