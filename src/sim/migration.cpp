#include "sim/migration.h"

#include <algorithm>
#include <array>
#include <vector>

#include "sim/checkers.h"

namespace sim {

namespace {

// ================================================================================================
// Wire format
// ================================================================================================

enum MsgType : uint16_t { kWrite = 1, kRead, kReply, kCopy, kAck, kOperator };

struct WriteReq {  // client -> primary store: add delta to a row
  static constexpr uint16_t kType = kWrite;
  int64_t op;
  int64_t delta;
  int32_t row;
  TraceArgs trace_args() const { return {row, delta}; }
};

struct ReadReq {
  static constexpr uint16_t kType = kRead;
  int64_t op;
  int32_t row;
  TraceArgs trace_args() const { return {row, 0}; }
};

struct Reply {  // a write's or read's result: the row after it
  static constexpr uint16_t kType = kReply;
  int64_t op;
  int64_t value;
  int64_t version;
  TraceArgs trace_args() const { return {value, version}; }
};

// How a copy reaches the secondary store.
enum class How : uint8_t {
  Set,       ///< idempotent dual write: row = value at version (ignored if not newer)
  Add,       ///< non-idempotent dual write: row += delta
  Backfill,  ///< bulk copy of an existing row (set if newer)
  Change,    ///< change data capture: entry `seq` of the primary's change log, applied in order
};
const char* const kHowNames[] = {"set", "add", "backfill", "cdc"};

struct Copy {
  static constexpr uint16_t kType = kCopy;
  int64_t seq;  // Set/Add: the client's op; Backfill: the row; Change: change log position (1-based)
  int64_t value;
  int64_t delta;  // Add: the increment; Change: the stream's first position - 1
  int64_t version;
  int32_t row;
  How how;
  TraceArgs trace_args() const { return {static_cast<int64_t>(how), row}; }
};

struct Ack {
  static constexpr uint16_t kType = kAck;
  int64_t seq;  // Change: highest position applied in order
  How how;
  TraceArgs trace_args() const { return {static_cast<int64_t>(how), seq}; }
};

struct Operator {  // a migration step, injected at every process
  static constexpr uint16_t kType = kOperator;
  int64_t missing;  // Rollback: writes on green that blue lacks (blue notes it)
  MigrationStep step;
  TraceArgs trace_args() const { return {static_cast<int64_t>(step), 0}; }
};

enum Timer : TimerId { kTimerStream = 0, kTimerNextOp, kTimerRetry, kTimerRecheck };

const char* const kStepNames[] = {"dual-writes-on", "backfill", "verify", "switch-reads", "switch-writes", "rollback"};

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  switch (type) {
    case kWrite: out += "add row "; append_int(out, a.a); out += " +"; append_int(out, a.b); return;
    case kRead: out += "read row "; append_int(out, a.a); return;
    case kReply: out += "="; append_int(out, a.a); out += " v"; append_int(out, a.b); return;
    case kCopy: out += kHowNames[a.a]; out += " row "; append_int(out, a.b); return;
    case kAck: out += "ack "; out += kHowNames[a.a]; return;
    case kOperator: out += kStepNames[a.a]; return;
  }
  out += "type";
  append_int(out, type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"stream", "next-op", "retry", "recheck"};
  return timer >= 0 && timer < 4 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>&, std::string& out) {
  switch (e.code) {
    case kNoteBackfillDone: out += "backfill done: "; append_int(out, e.a); out += " rows copied"; return;
    case kNoteMismatch:
      out += "row "; append_int(out, e.a); out += " differs: blue "; append_int(out, e.b);
      out += ", green "; append_int(out, e.c);
      return;
    case kNoteVerifyDone:
      out += "verification: "; append_int(out, e.a); out += " of "; append_int(out, e.b); out += " rows differ";
      return;
    case kNoteRollback:
      out += "rollback: "; append_int(out, e.a); out += " writes made on green are missing from blue"; return;
    case kNoteDoubleApply: out += "increment applied again (a retry)"; return;
  }
  append_int(out, e.code);
}

const Vocabulary kVocabulary{
    label, timer_name, note_text,
    {
        {"dual-writes-on", "", "Start syncing green",
         "dual writes (the app writes both stores) or change data capture (blue streams its changes)"},
        {"backfill", "", "Backfill", "copy every existing row from blue to green (rows already newer are kept)"},
        {"verify", "", "Verify", "shadow-read every row from both stores and count the rows that differ"},
        {"switch-reads", "", "Switch reads", "clients read from green"},
        {"switch-writes", "", "Switch writes", "green becomes the source of truth; blue follows if reverse sync is on"},
        {"rollback", "", "Roll back", "reads and writes go back to blue"},
    }};

struct Cast {
  static constexpr NodeId kBlue = 0, kGreen = 1, kVerifier = 2, kFirstClient = 3;
  int clients;
  bool is_client(NodeId n) const { return n >= kFirstClient && n < kFirstClient + clients; }
};

struct Row {
  int64_t value = 0;
  int64_t version = 0;  ///< writes applied to it; 0 = no such row
};
constexpr int64_t kInitialBalance = 100;

/// Where the workload goes, as every client and store learns it from the steps.
struct Routing {
  bool syncing = false;        ///< dual writes or CDC on
  bool reads_green = false;
  bool writes_green = false;   ///< green is the primary store
  NodeId primary() const { return writes_green ? Cast::kGreen : Cast::kBlue; }
  NodeId secondary() const { return writes_green ? Cast::kBlue : Cast::kGreen; }

  void apply(MigrationStep step) {
    switch (step) {
      case MigrationStep::DualWrites: syncing = true; break;
      case MigrationStep::SwitchReads: reads_green = true; break;
      case MigrationStep::SwitchWrites: writes_green = reads_green = true; break;
      case MigrationStep::Rollback: reads_green = writes_green = false; break;
      default: break;
    }
  }
};

// ================================================================================================
// A store (blue or green): rows, a change log it can stream, a backfill it can send
// ================================================================================================

class Store : public Protocol {
 public:
  Store(const MigrationConfig& config, NodeId self, uint32_t fail_ppm)
      : config_(config), self_(self), fail_ppm_(fail_ppm) {
    // Blue starts with the table's existing rows (balance 100 at version 1); green starts empty.
    if (self == Cast::kBlue) rows_.fill(Row{kInitialBalance, 1});
  }

  const std::array<Row, kMaxRows>& rows() const { return rows_; }
  bool backfilled() const { return backfill_done_; }
  int64_t backfill_next() const { return backfill_next_; }

  void on_start(Context&) override {}
  void on_crash() override {
    backfill_active_ = false;
    timer_armed_ = false;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerStream) retransmit(ctx);
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kWrite: on_write(ctx, m.from, m.body_as<WriteReq>()); break;
      case kRead: {
        const ReadReq r = m.body_as<ReadReq>();
        const Row& row = rows_[static_cast<size_t>(r.row)];
        if (!fails(ctx)) ctx.send(m.from, Reply{r.op, row.value, row.version});
        break;
      }
      case kCopy: on_copy(ctx, m.from, m.body_as<Copy>()); break;
      case kAck: on_ack(ctx, m.body_as<Ack>()); break;
      case kOperator: on_step(ctx, m.body_as<Operator>()); break;
    }
  }

 private:
  struct Change {
    int32_t row;
    int64_t value;
    int64_t version;
  };
  static constexpr TimeUs kStreamPeriodUs = 20 * kUsPerMs;
  static constexpr int64_t kWindow = 32;

  bool primary() const { return routing_.primary() == self_; }
  // Stream changes to the other store: CDC while syncing, reverse CDC after the switch if on.
  bool streaming() const {
    return config_.sync == SyncMode::Cdc && routing_.syncing && primary() && (self_ == Cast::kBlue || config_.reverse);
  }
  NodeId other() const { return self_ == Cast::kBlue ? Cast::kGreen : Cast::kBlue; }
  // Green's flakiness: it committed, but the acknowledgement never arrives.
  bool fails(Context& ctx) { return ctx.rng().chance_ppm(fail_ppm_); }

  void on_step(Context& ctx, const Operator& o) {
    const MigrationStep step = o.step;
    if (step == MigrationStep::Rollback && self_ == Cast::kBlue) ctx.trace_note(kNoteRollback, Cast::kGreen, o.missing, 0, 0);
    const bool was_streaming = streaming();
    routing_.apply(step);
    if (streaming() && !was_streaming) stream_from_ = stream_acked_ = stream_sent_ = static_cast<int64_t>(log_.size());
    if (step == MigrationStep::Backfill && self_ == Cast::kBlue) {
      backfill_active_ = true;
      backfill_next_ = 0;
      send_backfill_row(ctx);
    }
    send_changes(ctx);
  }

  void on_write(Context& ctx, NodeId client, const WriteReq& w) {
    Row& row = rows_[static_cast<size_t>(w.row)];
    row.value += w.delta;
    ++row.version;
    log_.push_back(Change{w.row, row.value, row.version});
    if (!fails(ctx)) ctx.send(client, Reply{w.op, row.value, row.version});
    send_changes(ctx);
  }

  void on_copy(Context& ctx, NodeId from, const Copy& c) {
    Row& row = rows_[static_cast<size_t>(c.row)];
    switch (c.how) {
      case How::Add: {
        if (row.version == 0) break;  // UPDATE ... SET value = value + delta matched no row yet
        const bool again = last_add_op_[static_cast<size_t>(from) % kMaxNodes] == c.seq;
        last_add_op_[static_cast<size_t>(from) % kMaxNodes] = c.seq;
        if (again) ctx.trace_note(kNoteDoubleApply, from, c.row, c.seq, 0);
        row.value += c.delta;
        row.version = std::max(row.version, c.version);
        break;
      }
      case How::Set:
      case How::Backfill:
        if (c.version > row.version) row = Row{c.value, c.version};
        break;
      case How::Change:
        if (c.delta != stream_in_start_) stream_in_start_ = applied_change_ = c.delta;  // a new stream
        if (c.seq == applied_change_ + 1) {
          ++applied_change_;
          if (c.version > row.version) row = Row{c.value, c.version};
        }
        if (!fails(ctx)) ctx.send(from, Ack{applied_change_, How::Change});
        return;
    }
    if (!fails(ctx)) ctx.send(from, Ack{c.seq, c.how});
  }

  void on_ack(Context& ctx, const Ack& a) {
    if (a.how == How::Change) stream_acked_ = std::max(stream_acked_, a.seq);
    if (a.how == How::Backfill && backfill_active_ && a.seq == backfill_next_) {
      if (++backfill_next_ < config_.rows) {
        send_backfill_row(ctx);
      } else {
        backfill_active_ = false;
        backfill_done_ = true;
        ctx.trace_note(kNoteBackfillDone, other(), config_.rows, 0, 0);
      }
    }
    send_changes(ctx);
  }

  // Retransmission (go-back-N): the backfill row not acknowledged yet and every change after the
  // last acknowledged one. Jitter reorders messages and green drops acknowledgements.
  void retransmit(Context& ctx) {
    timer_armed_ = false;
    stream_sent_ = stream_acked_;
    if (backfill_active_) send_backfill_row(ctx);
    send_changes(ctx);
  }

  void send_backfill_row(Context& ctx) {
    const Row& row = rows_[static_cast<size_t>(backfill_next_)];
    ctx.send(other(), Copy{backfill_next_, row.value, 0, row.version, static_cast<int32_t>(backfill_next_), How::Backfill});
    arm(ctx);
  }

  // Sends the changes not sent yet, within a window past the last acknowledged one.
  void send_changes(Context& ctx) {
    if (!streaming()) return;
    const int64_t end = std::min<int64_t>(static_cast<int64_t>(log_.size()), stream_acked_ + kWindow);
    for (int64_t pos = std::max(stream_acked_, stream_sent_); pos < end; ++pos) send_change(ctx, pos);
    stream_sent_ = std::max(stream_sent_, end);
    if (stream_acked_ < static_cast<int64_t>(log_.size())) arm(ctx);
  }

  // The retransmission timer runs from the oldest unacknowledged send (re-arming it on every send
  // would postpone it forever under a steady workload).
  void arm(Context& ctx) {
    if (timer_armed_) return;
    timer_armed_ = true;
    ctx.set_timer(kTimerStream, kStreamPeriodUs);
  }

  void send_change(Context& ctx, int64_t pos) {
    const Change& c = log_[static_cast<size_t>(pos)];
    ctx.send(other(), Copy{pos + 1, c.value, stream_from_, c.version, c.row, How::Change});
  }

  const MigrationConfig config_;
  const NodeId self_;
  const uint32_t fail_ppm_;
  // Durable.
  std::array<Row, kMaxRows> rows_{};
  std::vector<Change> log_;
  Routing routing_;
  std::array<int64_t, kMaxNodes> last_add_op_{};
  // Receiving side of a stream: the sender's first position - 1, and the last applied in order.
  int64_t stream_in_start_ = -1;
  int64_t applied_change_ = 0;
  // Sending side: entries [stream_from_, ...) of log_ are streamed; the first stream_acked_ are acked.
  int64_t stream_from_ = 0;
  int64_t stream_acked_ = 0;
  int64_t stream_sent_ = 0;
  bool timer_armed_ = false;
  bool backfill_active_ = false;
  bool backfill_done_ = false;
  int64_t backfill_next_ = 0;
};

// ================================================================================================
// A client: the workload (80% writes, 20% reads), and the dual writes while they are on
// ================================================================================================

class Client : public Protocol {
 public:
  Client(const MigrationConfig& config, const Cast& cast, int index) : config_(config), cast_(cast), index_(index) {}

  void on_start(Context& ctx) override { schedule(ctx); }
  void on_crash() override { op_ = Op{}; }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerNextOp) start(ctx);
    if (timer == kTimerRetry && op_.active) send(ctx);
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kReply: on_reply(ctx, m.body_as<Reply>()); break;
      case kAck:
        if (op_.active && op_.second_leg && m.body_as<Ack>().seq == op_.seq) finish(ctx);
        break;
      case kOperator: routing_.apply(m.body_as<Operator>().step); break;
    }
  }

 private:
  struct Op {
    bool active = false;
    bool write = false;
    bool second_leg = false;  // waiting for the secondary store's acknowledgement
    int64_t seq = 0;
    int32_t row = 0;
    int64_t delta = 0;
    NodeId first = kNoNode;   // where it goes (fixed when it starts: a step does not redirect it)
    NodeId second = kNoNode;  // the dual write's second store, or kNoNode
    Row result;               // the primary's row after the write
  };
  static constexpr TimeUs kRetryUs = 30 * kUsPerMs;

  bool dual_writes() const {
    return config_.sync == SyncMode::DualWrites && routing_.syncing && (!routing_.writes_green || config_.reverse);
  }

  void schedule(Context& ctx) {
    if (config_.ops_per_s == 0) return;
    const TimeUs mean_us = kUsPerS * cast_.clients / config_.ops_per_s;
    ctx.set_timer(kTimerNextOp, ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  void start(Context& ctx) {
    op_ = Op{};
    op_.active = true;
    op_.seq = ++seq_;
    op_.write = ctx.rng().below(100) < 80;
    op_.row = static_cast<int32_t>(ctx.rng().below(config_.rows));
    op_.delta = 1 + ctx.rng().below(9);
    op_.first = !op_.write ? (routing_.reads_green ? Cast::kGreen : Cast::kBlue) : routing_.primary();
    op_.second = op_.write && dual_writes() ? routing_.secondary() : kNoNode;
    if (op_.write) ctx.trace_invoke(OpKind::Write, op_.row, op_.seq, op_.delta, write_id());
    send(ctx);
  }

  int64_t write_id() const { return (int64_t{index_ + 1} << 32) | op_.seq; }

  // (Re)sends the current leg. A retry of the secondary leg is what a lost acknowledgement
  // causes: harmless for a "set at version", a second increment for an "add".
  void send(Context& ctx) {
    if (!op_.write) {
      ctx.send(op_.first, ReadReq{op_.seq, op_.row});
    } else if (!op_.second_leg) {
      ctx.send(op_.first, WriteReq{op_.seq, op_.delta, op_.row});
    } else {
      const How how = config_.idempotent ? How::Set : How::Add;
      ctx.send(op_.second, Copy{op_.seq, op_.result.value, op_.delta, op_.result.version, op_.row, how});
    }
    ctx.set_timer(kTimerRetry, kRetryUs);
  }

  void on_reply(Context& ctx, const Reply& r) {
    if (!op_.active || op_.second_leg || r.op != op_.seq) return;
    if (op_.write && op_.second != kNoNode) {
      op_.second_leg = true;
      op_.result = Row{r.value, r.version};
      return send(ctx);
    }
    finish(ctx);
  }

  void finish(Context& ctx) {
    if (op_.write)
      ctx.trace_complete(OpKind::Write, OpResult::Ok, op_.first, op_.row, op_.seq, op_.delta, write_id());
    op_.active = false;
    ctx.cancel_timer(kTimerRetry);
    schedule(ctx);
  }

  const MigrationConfig config_;
  const Cast cast_;
  const int index_;
  int64_t seq_ = 0;
  Routing routing_;
  Op op_;
};

// ================================================================================================
// The verifier: shadow reads of every row from both stores, rechecking a difference a few times
// (a write may be on its way to the secondary) before counting it
// ================================================================================================

class Verifier : public Protocol {
 public:
  explicit Verifier(const MigrationConfig& config) : config_(config) {}

  bool running() const { return running_; }
  int64_t mismatches() const { return mismatches_; }
  int64_t checked() const { return row_; }
  bool done_once() const { return runs_ > 0; }

  void on_start(Context&) override {}
  void on_crash() override { running_ = false; }

  void on_timer(Context& ctx, TimerId timer) override {
    if (running_ && (timer == kTimerRetry || timer == kTimerRecheck)) read_row(ctx);
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kOperator && m.body_as<Operator>().step == MigrationStep::Verify) return begin(ctx);
    if (m.type != kReply || !running_) return;
    const Reply r = m.body_as<Reply>();
    if (r.op != op_) return;
    Side& side = m.from == Cast::kBlue ? blue_ : green_;
    side = Side{true, Row{r.value, r.version}};
    if (blue_.got && green_.got) compare(ctx);
  }

 private:
  struct Side {
    bool got = false;
    Row row;
  };
  static constexpr int kRechecks = 4;
  static constexpr TimeUs kRecheckUs = 50 * kUsPerMs;
  static constexpr TimeUs kTimeoutUs = 30 * kUsPerMs;

  void begin(Context& ctx) {
    running_ = true;
    row_ = 0;
    mismatches_ = 0;
    attempt_ = 0;
    read_row(ctx);
  }

  void read_row(Context& ctx) {
    ++op_;
    blue_ = green_ = Side{};
    ctx.send(Cast::kBlue, ReadReq{op_, static_cast<int32_t>(row_)});
    ctx.send(Cast::kGreen, ReadReq{op_, static_cast<int32_t>(row_)});
    ctx.set_timer(kTimerRetry, kTimeoutUs);
  }

  void compare(Context& ctx) {
    ctx.cancel_timer(kTimerRetry);
    if (blue_.row.value != green_.row.value) {
      if (++attempt_ < kRechecks) return ctx.set_timer(kTimerRecheck, kRecheckUs);
      ++mismatches_;
      ctx.trace_note(kNoteMismatch, kNoNode, row_, blue_.row.value, green_.row.value);
    }
    attempt_ = 0;
    if (++row_ < config_.rows) return read_row(ctx);
    running_ = false;
    ++runs_;
    ctx.trace_note(kNoteVerifyDone, kNoNode, mismatches_, row_, 0);
  }

  const MigrationConfig config_;
  bool running_ = false;
  int64_t row_ = 0;
  int64_t mismatches_ = 0;
  int64_t runs_ = 0;
  int attempt_ = 0;
  int64_t op_ = 0;
  Side blue_, green_;
};

// Lesson 6 "Correction: rollback and dual writes": a row that differs after verification is
// divergence; writes a rollback leaves behind on green are lost.
class MigrationChecker : public TraceSink {
 public:
  explicit MigrationChecker(Checkers& report_to) : report_(report_to) {}
  uint32_t kinds() const override { return kind_bit(TraceKind::Note); }
  void on_trace(const TraceEvent& e) override {
    if (e.code == kNoteMismatch) {
      std::string text = "row " + std::to_string(e.a) + " differs after verification: blue " + std::to_string(e.b) +
                         ", green " + std::to_string(e.c);
      report_.report(FindingKind::Divergence, e.time_us, Cast::kGreen, Cast::kBlue, std::move(text));
    } else if (e.code == kNoteRollback && e.a > 0) {
      report_.report(FindingKind::LostWrite, e.time_us, Cast::kBlue, Cast::kGreen,
                     "rollback: " + std::to_string(e.a) + " writes made on green after the switch are missing from blue");
    }
  }

 private:
  Checkers& report_;
};

// ================================================================================================
// The scenario
// ================================================================================================

class MigrationScenario : public Scenario {
 public:
  explicit MigrationScenario(const MigrationConfig& config) : config_(config), cast_{config.clients} {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out{"blue", "green", "ver"};
    for (int i = 0; i < cast_.clients; ++i) out.push_back("c" + std::to_string(i + 1));
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (NodeId id : {Cast::kBlue, Cast::kGreen}) {
      auto store = std::make_unique<Store>(config_, id, id == Cast::kGreen ? config_.green_fail_ppm : 0);
      stores_[static_cast<size_t>(id)] = store.get();
      engine.add_node(n[static_cast<size_t>(id)], std::move(store));
    }
    auto verifier = std::make_unique<Verifier>(config_);
    verifier_ = verifier.get();
    engine.add_node("ver", std::move(verifier));
    for (int i = 0; i < cast_.clients; ++i)
      engine.add_node(n[static_cast<size_t>(Cast::kFirstClient + i)], std::make_unique<Client>(config_, cast_, i));
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb == Verb::Act) return true;
    *error = "this lab takes the migration steps as actions";
    return false;
  }

  void apply(Engine& engine, const Command& c) override {
    const MigrationStep step = static_cast<MigrationStep>(c.b);
    if (step == MigrationStep::Rollback && routing_.writes_green) rollback_missing_ = writes_missing_from_blue();
    routing_.apply(step);
    StepState& s = steps_[static_cast<size_t>(c.b)];
    s.done = true;
    s.at_us = engine.now_us();
    // Every process learns the step at once (a feature flag flipped everywhere).
    for (NodeId n = 0; n < engine.node_count(); ++n)
      if (engine.status(n) == NodeStatus::Up) engine.inject(n, Operator{rollback_missing_, step});
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    if (cast_.is_client(node)) {
      view.kind = "client";
      view.role = Role::Client;
      view.detail = std::string("writes ") + (routing_.writes_green ? "green" : "blue") + ", reads " +
                    (routing_.reads_green ? "green" : "blue");
      return;
    }
    if (node == Cast::kVerifier) {
      view.kind = "monitor";
      view.role = Role::Monitor;
      view.detail = verifier_->running() ? "verifying row " + std::to_string(verifier_->checked() + 1)
                    : verifier_->done_once() ? std::to_string(verifier_->mismatches()) + " rows differ"
                                             : "idle";
      return;
    }
    view.kind = "db";
    const bool is_primary = routing_.primary() == node;
    view.role = engine.status(node) != NodeStatus::Up ? Role::None : is_primary ? Role::Primary : Role::Secondary;
    view.epoch = 1;
    view.group = node == Cast::kBlue ? "old store" : "new store";
    view.detail = is_primary ? "source of truth" : routing_.syncing ? "follows" : "not synced";
  }

  std::vector<MetricSpec> metrics() const override { return {{"rows that differ", "rows"}}; }
  void sample(const Engine&, std::vector<int64_t>& row) const override { row.push_back(rows_differing()); }

  void figures(const Engine&, std::vector<Figure>& out) const override {
    Figure& f = add_figure(out, Figure::Kind::Table, "Migration steps");
    f.columns = {"step", "state", "result"};
    for (size_t i = 0; i < steps_.size(); ++i) {
      const StepState& s = steps_[i];
      FigureCell state{s.done ? "done at " + format_seconds(s.at_us) : "not yet", s.done ? Tone::Good : Tone::Neutral};
      f.rows.push_back({{kVocabulary.actions[i].label, Tone::Neutral}, state, result(static_cast<MigrationStep>(i))});
    }
    f.caption = "Rows that differ right now (ground truth): " + std::to_string(rows_differing()) + " of " +
                std::to_string(config_.rows) + ". Dual writes are " + (config_.idempotent ? "idempotent (set at version)" : "increments (not idempotent)") +
                (config_.sync == SyncMode::Cdc ? "; sync by change data capture." : ".");
  }

  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to, const std::vector<std::string>&) const override {
    std::vector<std::unique_ptr<TraceSink>> out;
    out.push_back(std::make_unique<MigrationChecker>(report_to));
    return out;
  }

 private:
  struct StepState {
    bool done = false;
    TimeUs at_us = 0;
  };

  const Store& blue() const { return *stores_[0]; }
  const Store& green() const { return *stores_[1]; }

  int64_t rows_differing() const {
    int64_t n = 0;
    for (int r = 0; r < config_.rows; ++r) n += blue().rows()[static_cast<size_t>(r)].value != green().rows()[static_cast<size_t>(r)].value;
    return n;
  }

  // Writes green has that blue lacks: each version is one write.
  int64_t writes_missing_from_blue() const {
    int64_t n = 0;
    for (int r = 0; r < config_.rows; ++r)
      n += std::max<int64_t>(0, green().rows()[static_cast<size_t>(r)].version - blue().rows()[static_cast<size_t>(r)].version);
    return n;
  }

  FigureCell result(MigrationStep step) const {
    switch (step) {
      case MigrationStep::DualWrites:
        return {config_.sync == SyncMode::Cdc ? "change data capture" : "application dual writes", Tone::Neutral};
      case MigrationStep::Backfill:
        if (!steps_[1].done) return {"-", Tone::Neutral};
        return {blue().backfilled() ? std::to_string(config_.rows) + " rows copied"
                                                            : std::to_string(blue().backfill_next()) + " rows copied so far",
                Tone::Neutral};
      case MigrationStep::Verify:
        if (!verifier_->done_once() && !verifier_->running()) return {"-", Tone::Neutral};
        if (verifier_->running()) return {"checking row " + std::to_string(verifier_->checked() + 1), Tone::Neutral};
        return {std::to_string(verifier_->mismatches()) + " of " + std::to_string(config_.rows) + " rows differ",
                verifier_->mismatches() == 0 ? Tone::Good : Tone::Bad};
      case MigrationStep::SwitchReads:
      case MigrationStep::SwitchWrites: return {"-", Tone::Neutral};
      case MigrationStep::Rollback:
        if (!steps_[5].done) return {"-", Tone::Neutral};
        return {std::to_string(rollback_missing_) + " writes missing from blue", rollback_missing_ == 0 ? Tone::Good : Tone::Bad};
    }
    return {"-", Tone::Neutral};
  }

  const MigrationConfig config_;
  const Cast cast_;
  std::array<Store*, 2> stores_{};  // owned by the engine
  Verifier* verifier_ = nullptr;
  Routing routing_;
  std::array<StepState, 6> steps_{};
  int64_t rollback_missing_ = 0;
};

}  // namespace

bool MigrationConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(rows >= 1 && rows <= kMaxRows, "rows must be 1..64") &&
         check(clients >= 1 && clients <= 4, "clients must be 1..4") &&
         check(ops_per_s >= 0 && ops_per_s <= 2000, "the workload must be 0..2000 operations per second") &&
         check(green_fail_ppm <= 500'000, "green's failure rate must be at most 50%");
}

std::unique_ptr<Scenario> make_migration_scenario(const MigrationConfig& config) {
  return std::make_unique<MigrationScenario>(config);
}

}  // namespace sim
