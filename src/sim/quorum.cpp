#include "sim/quorum.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>
#include <vector>

#include "sim/checkers.h"

namespace sim {

namespace {

// ================================================================================================
// Cast and wire format
// ================================================================================================

struct Topology {
  int replicas = 0;
  int standins = 0;
  int clients = 0;
  NodeId first_standin = 0;
  NodeId first_client = 0;

  explicit Topology(const QuorumConfig& c)
      : replicas(c.replicas), standins(c.hinted_handoff ? kQuorumStandIns : 0), clients(c.clients),
        first_standin(c.replicas), first_client(c.replicas + standins) {}
  bool is_replica(NodeId n) const { return n >= 0 && n < replicas; }
  bool is_standin(NodeId n) const { return n >= first_standin && n < first_client; }
  bool is_client(NodeId n) const { return n >= first_client && n < first_client + clients; }
  // c1 talks to r1, the last client to rN, the others spread evenly between.
  NodeId home_of(int client) const {
    return clients <= 1 ? 0 : static_cast<NodeId>((client * (replicas - 1) + (clients - 1) / 2) / (clients - 1));
  }
  int node_count() const { return first_client + clients; }
  bool in_far_zone(NodeId replica) const { return replicas > 1 && replica == replicas - 1; }
};

/// A value with its version: the coordinator's clock, then the write id (unique) to break ties.
struct Version {
  int64_t ts = 0;
  int64_t write_id = 0;
  int64_t value = 0;
  bool newer_than(const Version& o) const { return ts != o.ts ? ts > o.ts : write_id > o.write_id; }
  bool same(const Version& o) const { return ts == o.ts && write_id == o.write_id; }
};

enum MsgType : uint16_t { kRequest = 1, kAnswer, kStore, kStoreAck, kFetch, kFetchReply, kHint, kOperator };

struct Request {  // client -> coordinator
  static constexpr uint16_t kType = kRequest;
  int64_t op;
  int64_t value;
  int64_t write_id;
  int32_t key;
  OpKind kind;
  TraceArgs trace_args() const { return {static_cast<int64_t>(kind), key}; }
};

struct Answer {  // coordinator -> client
  static constexpr uint16_t kType = kAnswer;
  int64_t op;
  Version version;
  uint8_t ok;
  TraceArgs trace_args() const { return {ok, version.value}; }
};

/// Why a version travels to a replica; decides who acknowledges it.
enum class Purpose : uint8_t { Write, Repair, Handoff, Sync, Hinted };
const char* const kPurposeNames[] = {"store", "repair", "handoff", "sync", "hinted"};

struct Store {  // coordinator -> replica (write, repair), stand-in -> replica, replica <-> replica
  static constexpr uint16_t kType = kStore;
  int64_t req;
  Version version;
  int32_t key;
  Purpose purpose;
  TraceArgs trace_args() const { return {static_cast<int64_t>(purpose), key}; }
};

struct StoreAck {
  static constexpr uint16_t kType = kStoreAck;
  int64_t req;
  int64_t write_id;
  int32_t key;
  Purpose purpose;
  TraceArgs trace_args() const { return {static_cast<int64_t>(purpose), key}; }
};

struct Fetch {
  static constexpr uint16_t kType = kFetch;
  int64_t req;
  int32_t key;
  TraceArgs trace_args() const { return {key, 0}; }
};

struct FetchReply {
  static constexpr uint16_t kType = kFetchReply;
  int64_t req;
  Version version;
  int32_t key;
  TraceArgs trace_args() const { return {key, version.value}; }
};

struct Hint {  // coordinator -> stand-in: keep this for `target` until it answers again
  static constexpr uint16_t kType = kHint;
  int64_t req;
  Version version;
  int32_t key;
  int32_t target;
  TraceArgs trace_args() const { return {key, target}; }
};

// A local input from a command (a user at a client).
enum class Action : uint8_t { Write, Read, Wake };
struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t value;
  int32_t key;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), key}; }
};

enum Timer : TimerId {
  kTimerService = 0, kTimerOps, kTimerAntiEntropy,  // replica
  kTimerHandoff,                                     // stand-in
  kTimerNextOp, kTimerOpTimeout,                     // client
};

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (type) {
    case kRequest: out += a.a == static_cast<int64_t>(OpKind::Write) ? "put k" : "get k"; append_int(out, a.b); return;
    case kAnswer: out += a.a != 0 ? "ok " : "unavailable"; if (a.a != 0) append_int(out, a.b); return;
    case kStore: out += kPurposeNames[a.a]; num(" k", a.b); return;
    case kStoreAck: out += "ack "; out += kPurposeNames[a.a]; num(" k", a.b); return;
    case kFetch: num("fetch k", a.a); return;
    case kFetchReply: num("k", a.a); num("=", a.b); return;
    case kHint: num("hint k", a.a); num(" for r", a.b + 1); return;
    case kOperator: out += a.a == 0 ? "op-put" : a.a == 1 ? "op-get" : "op-wake"; return;
  }
  num("type", type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"service", "ops", "anti-entropy", "handoff", "next-op", "op-timeout"};
  return timer >= 0 && timer < 6 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& names, std::string& out) {
  const char* peer = node_name(names, e.peer == kNoPeer ? -1 : e.peer);
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (e.code) {
    case kNoteStored: num("k", e.a); num(" now version ts ", e.b); return;
    case kNoteRepair: num("read repair: k", e.a); out += " sent to stale "; out += peer; return;
    case kNoteHinted: num("holds hinted k", e.a); out += " for "; out += peer; return;
    case kNoteHandedOff: num("handed k", e.a); out += " back to "; out += peer; return;
    case kNoteUnavailable:
      out += e.a == static_cast<int64_t>(OpKind::Write) ? "write" : "read";
      num(": only ", e.b);
      num(" of ", e.c);
      out += " replies in time: unavailable";
      return;
  }
  append_int(out, e.code);
}

std::vector<ActionSpec> actions_for(const QuorumConfig& c) {
  std::vector<ActionSpec> out;
  if (c.live_quorums) {
    out.push_back({kActSetW, "v", "Set W", "replicas that must store a write before it is acknowledged", 1, kQuorumMaxReplicas});
    out.push_back({kActSetR, "v", "Set R", "replies a read waits for", 1, kQuorumMaxReplicas});
  }
  out.push_back({kActSplit, "", "Split the cluster",
                 "partition the last replicas (a minority) and the last client from everyone else", 0, 0});
  return out;
}

// ================================================================================================
// Replica: stores versions, serves them after a random service time, and coordinates the
// operations of the clients that talk to it (Dynamo section 4.5)
// ================================================================================================

class Replica : public Protocol {
 public:
  Replica(const QuorumConfig& config, const Topology& topology, TimeUs handoff_after_us)
      : config_(config), topology_(topology), handoff_after_us_(handoff_after_us), w_(config.w), r_(config.r) {}

  void set_w(int w) { w_ = w; }
  void set_r(int r) { r_ = r; }
  const Version& version(int32_t key) const { return store_[static_cast<size_t>(key)]; }
  /// A number drawn from this replica's random stream at first boot (a function of the seed).
  uint64_t boot_draw() const { return boot_draw_; }

  void on_start(Context& ctx) override {
    self_ = ctx.self();
    if (!booted_) boot_draw_ = ctx.rng().next();
    booted_ = true;
    if (config_.anti_entropy_us > 0 && topology_.replicas > 1)
      ctx.set_timer(kTimerAntiEntropy, ctx.rng().between(1, config_.anti_entropy_us));
  }

  // The store is on disk; queued work and the operations being coordinated are lost.
  void on_crash() override {
    queue_.clear();
    ops_.clear();
  }

  void on_timer(Context& ctx, TimerId timer) override {
    switch (timer) {
      case kTimerService: serve_due(ctx); break;
      case kTimerOps: check_ops(ctx); break;
      case kTimerAntiEntropy: anti_entropy(ctx); break;
    }
  }

  // Messages from other replicas first cross the distance between the two (see quorum.h).
  void on_message(Context& ctx, const Message& m) override {
    const TimeUs distance_us = topology_.is_replica(m.from) ? distance_to(m.from) : 0;
    if (distance_us > 0) hold(ctx, m, distance_us, false);
    else dispatch(ctx, m);
  }

 private:
  // --- Replica side: distance and service time ---------------------------------------------------

  struct Held {
    TimeUs due_local_us;
    uint64_t seq;
    bool in_service;  // false: still crossing the distance; true: waiting for service
    Message msg;
  };
  static constexpr TimeUs kServiceMaxUs = 4 * kUsPerMs;

  // r1..r(N-1) share a zone; rN is `spread_us` (one way) away from all of them.
  TimeUs distance_to(NodeId other) const {
    return other != self_ && topology_.in_far_zone(other) != topology_.in_far_zone(self_) ? config_.spread_us : 0;
  }

  void dispatch(Context& ctx, const Message& m) {
    switch (m.type) {
      case kRequest: coordinate(ctx, m.from, m.body_as<Request>()); break;
      case kStore: case kFetch: hold(ctx, m, ctx.rng().below(kServiceMaxUs + 1), true); break;
      case kStoreAck: on_store_ack(ctx, m.from, m.body_as<StoreAck>()); break;
      case kFetchReply: on_fetch_reply(ctx, m.from, m.body_as<FetchReply>()); break;
    }
  }

  // Each request then waits its own random service time (a disk, a busy thread), so requests
  // can finish out of order, as on a real server.
  void hold(Context& ctx, const Message& m, TimeUs delay_us, bool in_service) {
    const Held h{ctx.now_local_us() + delay_us, next_seq_++, in_service, m};
    const auto at = std::upper_bound(queue_.begin(), queue_.end(), h, [](const Held& a, const Held& b) {
      return a.due_local_us != b.due_local_us ? a.due_local_us < b.due_local_us : a.seq < b.seq;
    });
    queue_.insert(at, h);
    ctx.set_timer(kTimerService, queue_.front().due_local_us - ctx.now_local_us());
  }

  template <class Body>
  void to_self(Context& ctx, const Body& body) {
    Message m = Message::wrap(body);
    m.from = m.to = self_;
    dispatch(ctx, m);
  }

  void serve_due(Context& ctx) {
    while (!queue_.empty() && queue_.front().due_local_us <= ctx.now_local_us()) {
      const Held h = queue_.front();
      queue_.erase(queue_.begin());
      if (!h.in_service) dispatch(ctx, h.msg);
      else if (h.msg.type == kFetch) serve_fetch(ctx, h.msg.from, h.msg.body_as<Fetch>());
      else serve_store(ctx, h.msg.from, h.msg.body_as<Store>());
    }
    if (!queue_.empty()) ctx.set_timer(kTimerService, queue_.front().due_local_us - ctx.now_local_us());
  }

  void serve_fetch(Context& ctx, NodeId from, const Fetch& f) {
    const FetchReply reply{f.req, version(f.key), f.key};
    if (from == self_) on_fetch_reply(ctx, self_, reply);
    else ctx.send(from, reply);
  }

  // Last writer wins: keep the newer version. Anti-entropy is push-pull: a peer that sent an
  // older version gets the newer one back.
  void serve_store(Context& ctx, NodeId from, const Store& s) {
    Version& mine = store_[static_cast<size_t>(s.key)];
    if (s.version.newer_than(mine)) {
      mine = s.version;
      ctx.trace_note(kNoteStored, kNoNode, s.key, mine.ts, mine.write_id);
    }
    switch (s.purpose) {
      case Purpose::Write:
      case Purpose::Handoff: {
        const StoreAck ack{s.req, s.version.write_id, s.key, s.purpose};
        if (from == self_) on_store_ack(ctx, self_, ack);
        else ctx.send(from, ack);
        break;
      }
      case Purpose::Sync:
        if (mine.newer_than(s.version)) ctx.send(from, Store{0, mine, s.key, Purpose::Sync});
        break;
      case Purpose::Repair:
      case Purpose::Hinted: break;
    }
  }

  void anti_entropy(Context& ctx) {
    NodeId peer = static_cast<NodeId>(ctx.rng().below(topology_.replicas - 1));
    if (peer >= self_) ++peer;
    for (int32_t key = 0; key < config_.keys; ++key)
      if (version(key).ts > 0) ctx.send(peer, Store{0, version(key), key, Purpose::Sync});
    ctx.set_timer(kTimerAntiEntropy, config_.anti_entropy_us);
  }

  // --- Coordinator side -------------------------------------------------------------------------

  struct Op {
    int64_t req = 0;
    OpKind kind = OpKind::Read;
    NodeId client = kNoNode;
    int64_t client_op = 0;
    int32_t key = 0;
    Version best;               // write: the new version; read: the newest reply so far
    bool have_best = false;
    uint32_t replied = 0;       // replicas that acknowledged / answered (bit per replica)
    std::array<Version, kQuorumMaxReplicas> seen{};  // read: what each replica returned
    int acks = 0;               // toward W or R (stand-ins' acknowledgements count too)
    bool answered = false;
    bool handed_off = false;
    TimeUs started_local_us = 0;
  };
  static constexpr size_t kMaxOps = 64;

  int needed(const Op& op) const { return op.kind == OpKind::Write ? w_ : r_; }
  uint32_t all_replicas() const { return (uint32_t{1} << topology_.replicas) - 1; }

  void to_replica(Context& ctx, NodeId replica, const Store& s) {
    if (replica == self_) to_self(ctx, s);
    else ctx.send(replica, s);
  }

  void coordinate(Context& ctx, NodeId client, const Request& q) {
    if (ops_.size() >= kMaxOps) return ctx.send(client, Answer{q.op, {}, 0});
    Op op;
    op.req = ++next_req_;
    op.kind = q.kind;
    op.client = client;
    op.client_op = q.op;
    op.key = q.key;
    op.started_local_us = ctx.now_local_us();
    if (q.kind == OpKind::Write) {
      // Timestamps strictly increase per coordinator, so two writes it coordinates never tie.
      last_ts_ = std::max(last_ts_ + 1, ctx.now_local_us());
      op.best = Version{last_ts_, q.write_id, q.value};
      op.have_best = true;
    }
    ops_.push_back(op);
    for (NodeId n = 0; n < topology_.replicas; ++n) {
      if (q.kind == OpKind::Write) to_replica(ctx, n, Store{op.req, op.best, q.key, Purpose::Write});
      else if (n == self_) to_self(ctx, Fetch{op.req, q.key});
      else ctx.send(n, Fetch{op.req, q.key});
    }
    arm_ops_timer(ctx);
  }

  Op* find_op(int64_t req) {
    for (Op& op : ops_)
      if (op.req == req) return &op;
    return nullptr;
  }

  void answer(Context& ctx, Op& op, bool ok) {
    op.answered = true;
    ctx.send(op.client, Answer{op.client_op, op.best, static_cast<uint8_t>(ok ? 1 : 0)});
  }

  void count_reply(Context& ctx, Op& op) {
    ++op.acks;
    if (!op.answered && op.acks >= needed(op)) answer(ctx, op, true);
  }

  void on_store_ack(Context& ctx, NodeId from, const StoreAck& a) {
    Op* op = find_op(a.req);
    if (op == nullptr || op->kind != OpKind::Write) return;
    if (a.purpose == Purpose::Hinted) {
      count_reply(ctx, *op);
    } else if (topology_.is_replica(from) && (op->replied & (1u << from)) == 0) {
      op->replied |= 1u << from;
      count_reply(ctx, *op);
    }
    retire_if_done(ctx, *op);
  }

  void on_fetch_reply(Context& ctx, NodeId from, const FetchReply& f) {
    Op* op = find_op(f.req);
    if (op == nullptr || op->kind != OpKind::Read || !topology_.is_replica(from) || (op->replied & (1u << from)) != 0)
      return;
    op->replied |= 1u << from;
    op->seen[static_cast<size_t>(from)] = f.version;
    if (!op->have_best || f.version.newer_than(op->best)) {
      op->best = f.version;
      op->have_best = true;
    }
    if (config_.read_repair) repair(ctx, *op);
    count_reply(ctx, *op);
    retire_if_done(ctx, *op);
  }

  // Read repair (Dynamo section 4.5 / Cassandra): every replica that answered with an older
  // version than the newest one seen gets the newest one.
  void repair(Context& ctx, Op& op) {
    for (NodeId n = 0; n < topology_.replicas; ++n) {
      Version& seen = op.seen[static_cast<size_t>(n)];
      if ((op.replied & (1u << n)) == 0 || !op.best.newer_than(seen)) continue;
      ctx.trace_note(kNoteRepair, n, op.key, op.best.ts, op.best.write_id);
      to_replica(ctx, n, Store{0, op.best, op.key, Purpose::Repair});
      seen = op.best;
    }
  }

  void retire_if_done(Context& ctx, Op& op) {
    if (!op.answered || op.replied != all_replicas()) return;
    const int64_t req = op.req;
    ops_.erase(std::remove_if(ops_.begin(), ops_.end(), [req](const Op& o) { return o.req == req; }), ops_.end());
    arm_ops_timer(ctx);
  }

  TimeUs handoff_due(const Op& op) const { return op.started_local_us + handoff_after_us_; }
  TimeUs deadline(const Op& op) const { return op.started_local_us + config_.op_timeout_us; }
  bool may_hand_off(const Op& op) const {
    return topology_.standins > 0 && op.kind == OpKind::Write && !op.handed_off;
  }

  void arm_ops_timer(Context& ctx) {
    TimeUs next = kNever;
    for (const Op& op : ops_) next = std::min(next, may_hand_off(op) ? std::min(handoff_due(op), deadline(op)) : deadline(op));
    if (next == kNever) ctx.cancel_timer(kTimerOps);
    else ctx.set_timer(kTimerOps, std::max<TimeUs>(0, next - ctx.now_local_us()));
  }

  // Sloppy quorum (Dynamo section 4.6): each home replica still silent gets a stand-in.
  void hand_off(Context& ctx, Op& op) {
    op.handed_off = true;
    for (NodeId n = 0; n < topology_.replicas; ++n)
      if ((op.replied & (1u << n)) == 0)
        ctx.send(topology_.first_standin + n % topology_.standins, Hint{op.req, op.best, op.key, n});
  }

  void check_ops(Context& ctx) {
    const TimeUs now = ctx.now_local_us();
    for (Op& op : ops_) {
      if (may_hand_off(op) && now >= handoff_due(op)) hand_off(ctx, op);
      if (now < deadline(op) || op.answered) continue;
      ctx.trace_note(kNoteUnavailable, op.client, static_cast<int64_t>(op.kind), op.acks, needed(op));
      answer(ctx, op, false);
    }
    // Past its deadline an operation is over, answered or not: later replies change nothing.
    ops_.erase(std::remove_if(ops_.begin(), ops_.end(), [&](const Op& o) { return now >= deadline(o); }), ops_.end());
    arm_ops_timer(ctx);
  }

  const QuorumConfig config_;
  const Topology topology_;
  const TimeUs handoff_after_us_;
  NodeId self_ = kNoNode;
  // Durable: the store, the coordinator's last timestamp, W and R as configured.
  std::array<Version, kQuorumMaxKeys> store_{};
  int64_t last_ts_ = 0;
  int w_;
  int r_;
  bool booted_ = false;
  uint64_t boot_draw_ = 0;
  // Volatile.
  std::vector<Held> queue_;
  uint64_t next_seq_ = 0;
  std::vector<Op> ops_;
  int64_t next_req_ = 0;
};

// ================================================================================================
// Stand-in: holds hinted writes for an unreachable replica and hands them back (Dynamo 4.6)
// ================================================================================================

class StandIn : public Protocol {
 public:
  int64_t hints() const { return static_cast<int64_t>(hints_.size()); }

  void on_start(Context& ctx) override {
    if (!hints_.empty()) ctx.set_timer(kTimerHandoff, kRetryUs);
  }
  void on_crash() override {}  // hints are on disk

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer != kTimerHandoff || hints_.empty()) return;
    for (const Held& h : hints_) ctx.send(h.target, Store{0, h.version, h.key, Purpose::Handoff});
    ctx.set_timer(kTimerHandoff, kRetryUs);
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kHint) {
      const Hint h = m.body_as<Hint>();
      keep(ctx, Held{h.target, h.key, h.version});
      ctx.send(m.from, StoreAck{h.req, h.version.write_id, h.key, Purpose::Hinted});
    } else if (m.type == kStoreAck) {
      const StoreAck a = m.body_as<StoreAck>();
      const auto done = std::find_if(hints_.begin(), hints_.end(), [&](const Held& h) {
        return h.target == m.from && h.key == a.key && h.version.write_id == a.write_id;
      });
      if (done == hints_.end()) return;
      ctx.trace_note(kNoteHandedOff, m.from, a.key, done->version.ts, a.write_id);
      hints_.erase(done);
    }
  }

 private:
  struct Held {
    NodeId target;
    int32_t key;
    Version version;
  };
  static constexpr TimeUs kRetryUs = 200 * kUsPerMs;

  // One hint per (replica, key): the newest version is all the replica needs.
  void keep(Context& ctx, const Held& h) {
    ctx.trace_note(kNoteHinted, h.target, h.key, h.version.ts, h.version.write_id);
    for (Held& mine : hints_) {
      if (mine.target != h.target || mine.key != h.key) continue;
      if (h.version.newer_than(mine.version)) mine.version = h.version;
      return;
    }
    hints_.push_back(h);
    ctx.set_timer(kTimerHandoff, kRetryUs);
  }

  std::vector<Held> hints_;
};

// ================================================================================================
// Client: the built-in workload plus manual operations, one at a time
// ================================================================================================

class Client : public Protocol {
 public:
  Client(const QuorumConfig& config, const Topology& topology, int index, TimeUs timeout_us)
      : config_(config), topology_(topology), index_(index), timeout_us_(timeout_us),
        rate_ops_per_s_(config.workload_ops_per_s), home_(topology.home_of(index)) {}

  void set_rate(int ops_per_s) { rate_ops_per_s_ = ops_per_s; }
  NodeId home() const { return home_; }

  void on_start(Context& ctx) override { schedule_next(ctx, true); }
  void on_crash() override {
    active_ = false;
    manual_.clear();
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerNextOp) start_next(ctx);
    if (timer == kTimerOpTimeout && active_) {
      // Silence: the coordinator may be down. Finish as failed and try the next replica.
      finish(ctx, OpResult::Timeout, kNoNode, Version{});
      home_ = (home_ + 1) % topology_.replicas;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kOperator) return on_operator(ctx, m.body_as<Operator>());
    if (m.type != kAnswer) return;
    const Answer a = m.body_as<Answer>();
    if (!active_ || a.op != seq_) return;  // late or duplicate answer
    finish(ctx, a.ok != 0 ? OpResult::Ok : OpResult::Timeout, a.ok != 0 ? m.from : kNoNode, a.version);
  }

 private:
  struct Manual {
    OpKind kind;
    int32_t key;
    int64_t value;
  };
  static constexpr size_t kMaxManualQueue = 16;

  TimeUs mean_interval_us() const {
    return rate_ops_per_s_ <= 0 ? 0 : kUsPerS * topology_.clients / rate_ops_per_s_;
  }

  void schedule_next(Context& ctx, bool first) {
    if (!manual_.empty()) return start_next(ctx);
    const TimeUs mean_us = mean_interval_us();
    if (mean_us == 0) return;
    ctx.set_timer(kTimerNextOp, first ? ctx.rng().below(mean_us + 1) : ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  void on_operator(Context& ctx, const Operator& o) {
    if (o.action == Action::Wake) {
      if (!active_) schedule_next(ctx, true);
      return;
    }
    if (manual_.size() >= kMaxManualQueue) return;
    manual_.push_back(Manual{o.action == Action::Write ? OpKind::Write : OpKind::Read, o.key, o.value});
    if (!active_) start_next(ctx);
  }

  void start_next(Context& ctx) {
    if (active_) return;
    ++seq_;
    if (!manual_.empty()) {
      kind_ = manual_.front().kind;
      key_ = manual_.front().key;
      value_ = manual_.front().value;
      manual_.erase(manual_.begin());
    } else {
      kind_ = ctx.rng().below(100) < config_.write_percent ? OpKind::Write : OpKind::Read;
      key_ = static_cast<int32_t>(ctx.rng().below(config_.keys));
      value_ = seq_ * topology_.clients + index_ + 1;  // small and unique across clients
    }
    // Unique per run: client number in the high half, its sequence in the low half.
    write_id_ = kind_ == OpKind::Write ? (int64_t{index_ + 1} << 32) | seq_ : 0;
    active_ = true;
    ctx.trace_invoke(kind_, key_, seq_, kind_ == OpKind::Write ? value_ : 0, write_id_);
    ctx.set_timer(kTimerOpTimeout, timeout_us_);
    ctx.send(home_, Request{seq_, value_, write_id_, key_, kind_});
  }

  void finish(Context& ctx, OpResult result, NodeId served_by, const Version& v) {
    const bool write = kind_ == OpKind::Write;
    ctx.trace_complete(kind_, result, served_by, key_, seq_, write || result != OpResult::Ok ? value_ : v.value,
                       write || result != OpResult::Ok ? write_id_ : v.write_id);
    active_ = false;
    ctx.cancel_timer(kTimerOpTimeout);
    schedule_next(ctx, false);
  }

  const QuorumConfig config_;
  const Topology topology_;
  const int index_;
  const TimeUs timeout_us_;
  // Durable: configuration, the operation counter (write ids stay unique), the coordinator.
  int rate_ops_per_s_;
  int64_t seq_ = 0;
  NodeId home_;
  // Volatile.
  bool active_ = false;
  OpKind kind_ = OpKind::Read;
  int32_t key_ = 0;
  int64_t value_ = 0;
  int64_t write_id_ = 0;
  std::vector<Manual> manual_;
};

// ================================================================================================
// Ledger: per-period and per-client operation figures, read from the trace (observes only)
// ================================================================================================

bool advance_period(std::vector<QuorumPeriod>& periods, TimeUs t_us, uint8_t verb, int32_t action, int64_t value,
                    const std::vector<ActionSpec>& actions) {
  if (verb != static_cast<uint8_t>(Verb::Act) || action < 0 || static_cast<size_t>(action) >= actions.size()) return false;
  const std::string name = actions[static_cast<size_t>(action)].name;
  if (name != kActSetW && name != kActSetR) return false;
  QuorumPeriod next = periods.back();
  next.from_us = t_us;
  (name == kActSetW ? next.w : next.r) = static_cast<int>(value);
  if (periods.back().from_us == t_us) periods.back() = next;
  else periods.push_back(next);
  return true;
}

struct OpStats {
  int64_t ok = 0;
  int64_t failed = 0;
  std::vector<TimeUs> latencies_us;  // acknowledged operations
};

struct PeriodStats {
  QuorumPeriod period;
  OpStats reads;
  OpStats writes;
  int64_t stale = 0;
};

class Ledger : public TraceSink {
 public:
  Ledger(const Checkers& checkers, const QuorumConfig& config, const Topology& topology,
         std::vector<ActionSpec> actions)
      : checkers_(checkers), topology_(topology), actions_(std::move(actions)),
        open_(static_cast<size_t>(topology.node_count())), per_client_(static_cast<size_t>(topology.clients)) {
    periods_.push_back(PeriodStats{QuorumPeriod{0, config.w, config.r}, {}, {}, 0});
  }

  void on_trace(const TraceEvent& e) override {
    if (e.kind == TraceKind::Invoke) {
      open_[e.node] = Open{e.time_us, e.a, static_cast<OpKind>(e.code), e.x};
    } else if (e.kind == TraceKind::Complete) {
      on_complete(e);
    } else if (e.kind == TraceKind::Command) {
      // Same rule as quorum_periods(): a change at the instant a period began amends it.
      std::vector<QuorumPeriod> p{periods_.back().period};
      if (!advance_period(p, e.time_us, e.code, e.x, e.a, actions_)) return;
      if (p.size() == 1) periods_.back().period = p[0];
      else periods_.push_back(PeriodStats{p[1], {}, {}, 0});
    }
  }

  const std::vector<PeriodStats>& periods() const { return periods_; }
  const OpStats& client(int index) const { return per_client_[static_cast<size_t>(index)]; }
  /// True if client `index` had a write to `key` invoked in [from, to) acknowledged.
  bool acked_write(int index, int32_t key, TimeUs from_us, TimeUs to_us) const {
    for (const Done& d : done_)
      if (d.client == index && d.ok && d.kind == OpKind::Write && d.key == key && d.invoke_us >= from_us && d.invoke_us < to_us)
        return true;
    return false;
  }
  /// Operations of client `index` invoked in [from, to) that have completed, by outcome.
  OpStats invoked_between(int index, TimeUs from_us, TimeUs to_us) const {
    OpStats out;
    for (const Done& d : done_)
      if (d.client == index && d.invoke_us >= from_us && d.invoke_us < to_us) (d.ok ? out.ok : out.failed) += 1;
    return out;
  }
  /// Median latency (ms) of `kind` operations acknowledged in the last second; -1 if none.
  int64_t recent_p50_ms(OpKind kind, TimeUs now_us) const {
    std::vector<TimeUs> v;
    for (const Recent& r : recent_)
      if (r.kind == kind && r.done_us > now_us - kUsPerS) v.push_back(r.latency_us);
    if (v.empty()) return -1;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2] / kUsPerMs;
  }

 private:
  struct Open {
    TimeUs invoke_us = 0;
    int64_t seq = -1;
    OpKind kind = OpKind::Read;
    int32_t key = 0;
  };
  struct Done {
    int client;
    TimeUs invoke_us;
    bool ok;
    OpKind kind;
    int32_t key;
  };
  struct Recent {
    TimeUs done_us;
    TimeUs latency_us;
    OpKind kind;
  };

  void on_complete(const TraceEvent& e) {
    const Open& o = open_[e.node];
    if (o.seq != e.a || !topology_.is_client(e.node)) return;
    const bool ok = static_cast<OpResult>(e.code) == OpResult::Ok;
    PeriodStats& p = periods_.back();
    OpStats& stats = o.kind == OpKind::Write ? p.writes : p.reads;
    OpStats& client = per_client_[static_cast<size_t>(e.node - topology_.first_client)];
    (ok ? stats.ok : stats.failed) += 1;
    (ok ? client.ok : client.failed) += 1;
    done_.push_back(Done{e.node - topology_.first_client, o.invoke_us, ok, o.kind, o.key});
    if (ok) {
      stats.latencies_us.push_back(e.time_us - o.invoke_us);
      recent_.push_back(Recent{e.time_us, e.time_us - o.invoke_us, o.kind});
      while (!recent_.empty() && recent_.front().done_us < e.time_us - kUsPerS) recent_.erase(recent_.begin());
    }
    // The shared checkers saw this record first (they were added to the trace before us).
    const int stale = checkers_.count(FindingKind::StaleRead);
    p.stale += stale - stale_seen_;
    stale_seen_ = stale;
  }

  const Checkers& checkers_;
  const Topology topology_;
  const std::vector<ActionSpec> actions_;
  std::vector<Open> open_;
  std::vector<OpStats> per_client_;
  std::vector<PeriodStats> periods_;
  std::vector<Recent> recent_;
  std::vector<Done> done_;
  int stale_seen_ = 0;
};

// ================================================================================================
// Divergence checker: replicas that still disagree on a key long after the network healed and
// every replica came back (lesson 4: AP systems must "detect and merge" after a partition)
// ================================================================================================

class DivergenceChecker : public TraceSink {
 public:
  DivergenceChecker(Checkers& report_to, std::vector<std::string> names, const QuorumConfig& config,
                    const Topology& topology)
      : report_to_(report_to), names_(std::move(names)), topology_(topology), keys_(config.keys),
        bound_us_(std::max<TimeUs>(2 * kUsPerS, 5 * config.anti_entropy_us)),
        held_(static_cast<size_t>(topology.replicas), std::vector<int64_t>(kQuorumMaxKeys, 0)),
        up_(static_cast<size_t>(topology.replicas), true), differ_since_(kQuorumMaxKeys, kNever),
        reported_(kQuorumMaxKeys, false) {}

  void on_trace(const TraceEvent& e) override {
    const bool replica = e.node != kNoPeer && topology_.is_replica(e.node);
    switch (e.kind) {
      case TraceKind::Note:
        if (replica && e.code == kNoteStored) {
          held_[e.node][static_cast<size_t>(e.a)] = e.c;
          update_key(static_cast<int32_t>(e.a), e.time_us);
        }
        break;
      case TraceKind::Crash: case TraceKind::Pause:
        if (replica) set_calm(e.time_us, [&] { up_[e.node] = false; });
        break;
      case TraceKind::Restart: case TraceKind::Resume:
        if (replica) set_calm(e.time_us, [&] { up_[e.node] = true; });
        break;
      case TraceKind::Net: on_net(e); break;
      default: break;
    }
    check(e.time_us);
  }

 private:
  template <class Change>
  void set_calm(TimeUs t_us, Change change) {
    change();
    const bool calm = cuts_.empty() && std::all_of(up_.begin(), up_.end(), [](bool u) { return u; });
    if (calm && calm_since_us_ == kNever) calm_since_us_ = t_us;
    if (!calm) calm_since_us_ = kNever;
  }

  void on_net(const TraceEvent& e) {
    const auto change = static_cast<NetChange>(e.code);
    set_calm(e.time_us, [&] {
      if (change == NetChange::Cut) cuts_.insert({e.node, e.peer});
      if (change == NetChange::Uncut) cuts_.erase({e.node, e.peer});
      if (change == NetChange::Heal) cuts_.clear();
      if (change != NetChange::Partition) return;
      const int n = static_cast<int>(names_.size());
      for (int a = 0; a < n; ++a)
        for (int b = 0; b < n; ++b)
          if (((e.a >> a) & 1) != ((e.a >> b) & 1)) cuts_.insert({a, b});
    });
  }

  void update_key(int32_t key, TimeUs t_us) {
    const size_t k = static_cast<size_t>(key);
    bool agree = true;
    for (const std::vector<int64_t>& h : held_) agree &= h[k] == held_[0][k];
    if (agree) {
      differ_since_[k] = kNever;
      reported_[k] = false;
    } else if (differ_since_[k] == kNever) {
      differ_since_[k] = t_us;
    }
  }

  void check(TimeUs t_us) {
    if (calm_since_us_ == kNever) return;
    for (int32_t key = 0; key < keys_; ++key) {
      const size_t k = static_cast<size_t>(key);
      if (differ_since_[k] == kNever || reported_[k] || t_us - std::max(differ_since_[k], calm_since_us_) < bound_us_)
        continue;
      reported_[k] = true;
      std::string text = "replicas still disagree on k";
      append_int(text, key);
      text += " " + format_seconds(bound_us_) + " after the network healed and every replica was up (";
      for (size_t n = 0; n < held_.size(); ++n) {
        text += n == 0 ? "" : ", ";
        text += names_[n] + " holds write ";
        append_int(text, held_[n][k] & 0xFFFFFFFF);
        text += held_[n][k] == 0 ? " (none)" : " of c" + std::to_string(held_[n][k] >> 32);
      }
      text += ")";
      report_to_.report(FindingKind::Divergence, t_us, kNoNode, kNoNode, std::move(text));
    }
  }

  Checkers& report_to_;
  const std::vector<std::string> names_;
  const Topology topology_;
  const int keys_;
  const TimeUs bound_us_;
  std::vector<std::vector<int64_t>> held_;  // replica -> key -> write id it holds
  std::vector<bool> up_;
  std::set<std::pair<int, int>> cuts_;
  TimeUs calm_since_us_ = 0;
  std::vector<TimeUs> differ_since_;
  std::vector<bool> reported_;
};

// ================================================================================================
// The scenario: cast, commands, views, figures
// ================================================================================================

/// What one mode did in the CAP comparison run.
struct CapOutcome {
  OpStats majority;
  OpStats minority;
  int stale = 0;
  int conflicting_keys = 0;
  TimeUs converge_us = kNever;  // after the heal; kNever: not within the run
};

std::string percent(int64_t part, int64_t whole) {
  return whole == 0 ? "-" : std::to_string((100 * part + whole / 2) / whole) + "%";
}

std::string ms(TimeUs us) { return std::to_string((us + kUsPerMs / 2) / kUsPerMs) + " ms"; }

/// p-th percentile (nearest rank) of `v`.
TimeUs percentile_us(std::vector<TimeUs> v, int p) {
  const size_t rank = (v.size() * static_cast<size_t>(p) + 99) / 100;
  const size_t i = rank == 0 ? 0 : rank - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

/// "14 / 87 ms": median and 99th percentile, or "-".
std::string latency_pair(const std::vector<TimeUs>& v) {
  if (v.empty()) return "-";
  return std::to_string((percentile_us(v, 50) + kUsPerMs / 2) / kUsPerMs) + " / " + ms(percentile_us(v, 99));
}

class QuorumScenario : public Scenario {
 public:
  QuorumScenario(const QuorumConfig& config, const NetworkConfig& network)
      : config_(config), network_(network), topology_(config),
        vocabulary_{label, timer_name, note_text, actions_for(config)} {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < topology_.replicas; ++i) out.push_back("r" + std::to_string(i + 1));
    for (int i = 0; i < topology_.standins; ++i) out.push_back("h" + std::to_string(i + 1));
    for (int i = 0; i < topology_.clients; ++i) out.push_back("c" + std::to_string(i + 1));
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    const TimeUs client_timeout_us = config_.op_timeout_us + 2 * (network_.link.latency_us + network_.link.jitter_us) + 50 * kUsPerMs;
    for (NodeId i = 0; i < topology_.node_count(); ++i) {
      std::unique_ptr<Protocol> p;
      if (topology_.is_replica(i)) {
        auto r = std::make_unique<Replica>(config_, topology_, config_.handoff_after_us(network_));
        replicas_.push_back(r.get());
        p = std::move(r);
      } else if (topology_.is_standin(i)) {
        auto s = std::make_unique<StandIn>();
        standins_.push_back(s.get());
        p = std::move(s);
      } else {
        auto c = std::make_unique<Client>(config_, topology_, i - topology_.first_client, client_timeout_us);
        clients_.push_back(c.get());
        p = std::move(c);
      }
      engine.add_node(n[static_cast<size_t>(i)], std::move(p));
    }
  }

  const Vocabulary& vocabulary() const override { return vocabulary_; }

  bool validate(const Command& c, std::string* error) const override {
    const auto fail = [error](std::string message) { *error = std::move(message); return false; };
    switch (c.verb) {
      case Verb::Write:
      case Verb::Read:
        if (!topology_.is_client(c.a)) return fail("reads and writes are issued by a client (c1, c2, ...)");
        if (c.b < 0 || c.b >= config_.keys) return fail("key out of range for this lab");
        return c.value >= 0 && c.value <= 1'000'000'000 ? true : fail("write value must be 0..1000000000");
      case Verb::Rate:
        return c.value >= 0 && c.value <= 1'000 ? true : fail("rate must be 0..1000 operations per second");
      case Verb::Act:
        if (action_name(c) == kActSplit) return true;
        if (c.value >= 1 && c.value <= config_.replicas) return true;
        return fail(std::string(action_name(c) == kActSetW ? "W" : "R") + " must be 1..N (N = " +
                    std::to_string(config_.replicas) + ")");
      default:
        return fail("not a quorum-lab command");
    }
  }

  void apply(Engine& engine, const Command& c) override {
    switch (c.verb) {
      case Verb::Write: engine.inject(c.a, Operator{c.value, c.b, Action::Write}); break;
      case Verb::Read: engine.inject(c.a, Operator{0, c.b, Action::Read}); break;
      case Verb::Rate:
        for (int i = 0; i < topology_.clients; ++i) {
          clients_[static_cast<size_t>(i)]->set_rate(static_cast<int>(c.value));
          engine.inject(topology_.first_client + i, Operator{0, 0, Action::Wake});
        }
        break;
      case Verb::Act: {
        const std::string name = action_name(c);
        if (name == kActSplit) engine.partition(static_cast<uint32_t>(quorum_minority_mask(config_)));
        for (Replica* r : replicas_) {
          if (name == kActSetW) r->set_w(static_cast<int>(c.value));
          if (name == kActSetR) r->set_r(static_cast<int>(c.value));
        }
        break;
      }
      default: break;
    }
  }

  // Replicas on a line (their distance is latency), each client under its home replica.
  void describe(const Engine& /*engine*/, NodeId node, NodeView& view) const override {
    // The far zone sits apart on the right: its distance is latency.
    const auto x_of = [this](NodeId replica) {
      if (topology_.replicas < 2) return 0.5f;
      if (topology_.in_far_zone(replica)) return 0.9f;
      return 0.08f + 0.52f * static_cast<float>(replica) / static_cast<float>(std::max(1, topology_.replicas - 2));
    };
    if (topology_.is_client(node)) {
      const NodeId home = clients_[static_cast<size_t>(node - topology_.first_client)]->home();
      view.kind = "client";
      view.role = Role::Client;
      view.detail = "via r" + std::to_string(home + 1);
      view.x = x_of(home) + (home == topology_.home_of(node - topology_.first_client) ? 0.0f : 0.04f);
      view.y = 0.8f;
      view.group = topology_.in_far_zone(home) ? "far zone" : "near zone";
      return;
    }
    view.x = topology_.is_standin(node) ? 0.3f + 0.4f * static_cast<float>(node - topology_.first_standin) : x_of(node);
    view.y = topology_.is_standin(node) ? 0.12f : 0.45f;
    if (topology_.is_standin(node)) {
      view.kind = "standin";
      const int64_t hints = standins_[static_cast<size_t>(node - topology_.first_standin)]->hints();
      view.detail = "stand-in, " + std::to_string(hints) + (hints == 1 ? " hint" : " hints");
      return;
    }
    view.kind = "db";
    view.group = topology_.in_far_zone(node) ? "far zone" : "near zone";
    const Replica& r = *replicas_[static_cast<size_t>(node)];
    for (int32_t key = 0; key < config_.keys && key < 4; ++key) {
      view.detail += key == 0 ? "" : " ";
      view.detail += "k" + std::to_string(key) + "=" + std::to_string(r.version(key).value);
    }
  }

  std::vector<MetricSpec> metrics() const override {
    return {{"read p50", "ms"}, {"write p50", "ms"}, {"stale reads", "count"}, {"diverged keys", "keys"}};
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    row.push_back(ledger_ == nullptr ? -1 : ledger_->recent_p50_ms(OpKind::Read, engine.now_us()));
    row.push_back(ledger_ == nullptr ? -1 : ledger_->recent_p50_ms(OpKind::Write, engine.now_us()));
    row.push_back(checkers_ == nullptr ? 0 : checkers_->count(FindingKind::StaleRead));
    row.push_back(diverged_keys());
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    if (ledger_ == nullptr) return;
    if (config_.cap_comparison) {
      cap_figures(engine, out);
      return;
    }
    quorum_table(out);
  }

  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to,
                                                        const std::vector<std::string>& names) const override {
    auto ledger = std::make_unique<Ledger>(report_to, config_, topology_, vocabulary_.actions);
    ledger_ = ledger.get();
    checkers_ = &report_to;
    std::vector<std::unique_ptr<TraceSink>> out;
    out.push_back(std::move(ledger));
    out.push_back(std::make_unique<DivergenceChecker>(report_to, names, config_, topology_));
    return out;
  }

  // --- Used by the CAP comparison ---------------------------------------------------------------

  int diverged_keys() const {
    int out = 0;
    for (int32_t key = 0; key < config_.keys; ++key)
      for (const Replica* r : replicas_)
        if (!r->version(key).same(replicas_[0]->version(key))) {
          ++out;
          break;
        }
    return out;
  }

  const Ledger* ledger() const { return ledger_; }

 private:
  std::string action_name(const Command& c) const {
    const std::vector<ActionSpec>& a = vocabulary_.actions;
    return c.b >= 0 && static_cast<size_t>(c.b) < a.size() ? a[static_cast<size_t>(c.b)].name : "";
  }

  // Lesson 4 "Quorum-based consistency": one row per stretch of the run with fixed W and R.
  void quorum_table(std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "W + R vs N: stale reads and latency");
    f.columns = {"from", "W, R", "W+R vs N", "reads", "stale", "read p50/p99", "writes", "write p50/p99", "failed"};
    const int n = config_.replicas;
    for (const PeriodStats& p : ledger_->periods()) {
      const bool overlap = p.period.w + p.period.r > n;
      const int64_t failed = p.reads.failed + p.writes.failed;
      f.rows.push_back({
          {format_seconds(p.period.from_us)},
          {std::to_string(p.period.w) + ", " + std::to_string(p.period.r)},
          {std::to_string(p.period.w + p.period.r) + (overlap ? " > " : " <= ") + std::to_string(n), overlap ? Tone::Good : Tone::Warn},
          {std::to_string(p.reads.ok)},
          {std::to_string(p.stale), p.stale > 0 ? Tone::Bad : Tone::Good},
          {latency_pair(p.reads.latencies_us)},
          {std::to_string(p.writes.ok)},
          {latency_pair(p.writes.latencies_us)},
          {std::to_string(failed), failed > 0 ? Tone::Warn : Tone::Neutral},
      });
    }
    const PeriodStats& now = ledger_->periods().back();
    f.caption = "Now W=" + std::to_string(now.period.w) + ", R=" + std::to_string(now.period.r) + ", N=" +
                std::to_string(n) + ": " +
                (now.period.w + now.period.r > n ? "every read quorum shares a replica with every write quorum."
                                                 : "a read quorum can miss every replica that has the latest write.");
  }

  // Lesson 4 "CAP trade-offs in practice": the same seed and partition schedule in both modes.
  void cap_figures(const Engine& engine, std::vector<Figure>& out) const {
    live_table(engine, out);
    if (!compared_) {
      compared_ = true;
      const uint64_t seed = replicas_[0]->boot_draw();
      cp_ = run_cap_mode(seed, false);
      ap_ = run_cap_mode(seed, true);
    }
    Figure& f = add_figure(out, Figure::Kind::Table, "CP vs AP: same seed, same partition");
    const bool ap_now = config_.w == 1 && config_.r == 1;
    f.columns = {"", ap_now ? "CP" : "CP (this lab)", ap_now ? "AP (this lab)" : "AP"};
    const auto avail = [](const OpStats& s) {
      return FigureCell{percent(s.ok, s.ok + s.failed) + " of " + std::to_string(s.ok + s.failed),
                        s.failed == 0 ? Tone::Good : s.ok == 0 ? Tone::Bad : Tone::Warn};
    };
    const auto count = [](int64_t v) { return FigureCell{std::to_string(v), v == 0 ? Tone::Good : Tone::Bad}; };
    const auto converge = [](TimeUs t) {
      return t == kNever ? FigureCell{"not within 6 s", Tone::Bad} : FigureCell{ms(t), Tone::Good};
    };
    f.rows = {
        {{"majority side: ops that succeeded"}, avail(cp_.majority), avail(ap_.majority)},
        {{"minority side: ops that succeeded"}, avail(cp_.minority), avail(ap_.minority)},
        {{"stale reads"}, count(cp_.stale), count(ap_.stale)},
        {{"keys acknowledged on both sides"}, count(cp_.conflicting_keys), count(ap_.conflicting_keys)},
        {{"replicas agree again after heal"}, converge(cp_.converge_us), converge(ap_.converge_us)},
    };
    f.caption = "Both runs: split at 1 s (" + minority_names() + " cut off), heal at 4 s, workload stops at heal; "
                "operations counted are those begun while split. "
                "CP uses W=R=" + std::to_string(config_.replicas / 2 + 1) + " of " + std::to_string(config_.replicas) +
                ", AP uses W=R=1.";
  }

  void live_table(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "This run: availability per client");
    f.columns = {"client", "coordinator", "succeeded", "failed", "available"};
    const std::vector<std::string> n = engine.names();
    for (int i = 0; i < topology_.clients; ++i) {
      const OpStats& s = ledger_->client(i);
      f.rows.push_back({{n[static_cast<size_t>(topology_.first_client + i)]},
                        {"r" + std::to_string(clients_[static_cast<size_t>(i)]->home() + 1)},
                        {std::to_string(s.ok)},
                        {std::to_string(s.failed), s.failed > 0 ? Tone::Warn : Tone::Neutral},
                        {percent(s.ok, s.ok + s.failed), s.failed == 0 ? Tone::Good : s.ok == 0 ? Tone::Bad : Tone::Warn}});
    }
    f.caption = std::to_string(diverged_keys()) + " of " + std::to_string(config_.keys) +
                " keys differ between replicas right now; stale reads so far: " +
                std::to_string(checkers_->count(FindingKind::StaleRead)) + ".";
  }

  std::string minority_names() const {
    const int64_t mask = quorum_minority_mask(config_);
    const std::vector<std::string> n = names();
    std::string out;
    for (size_t i = 0; i < n.size(); ++i)
      if ((mask >> i) & 1) out += (out.empty() ? "" : " ") + n[i];
    return out;
  }

  CapOutcome run_cap_mode(uint64_t seed, bool ap) const;

  const QuorumConfig config_;
  const NetworkConfig network_;
  const Topology topology_;
  const Vocabulary vocabulary_;
  std::vector<Replica*> replicas_;  // owned by the engine
  std::vector<StandIn*> standins_;
  std::vector<Client*> clients_;
  // Set by make_checkers (owned by the Lab, which outlives every call that reads them).
  mutable const Ledger* ledger_ = nullptr;
  mutable const Checkers* checkers_ = nullptr;
  // The CAP comparison depends only on the seed and the settings: computed once.
  mutable bool compared_ = false;
  mutable CapOutcome cp_, ap_;
};

CapOutcome QuorumScenario::run_cap_mode(uint64_t seed, bool ap) const {
  constexpr TimeUs kSplitUs = 1 * kUsPerS, kHealUs = 4 * kUsPerS, kEndUs = 10 * kUsPerS;
  QuorumConfig c = config_;
  c.w = c.r = ap ? 1 : c.replicas / 2 + 1;
  c.cap_comparison = false;
  QuorumScenario shadow(c, network_);
  EngineConfig ec;
  ec.seed = seed;
  ec.network = network_;
  ec.keep_trace = false;
  Engine engine(ec);
  shadow.build(engine);
  Checkers checkers(engine.names());
  engine.trace().add_sink(&checkers);
  std::vector<std::unique_ptr<TraceSink>> sinks = shadow.make_checkers(checkers, engine.names());
  for (const std::unique_ptr<TraceSink>& s : sinks) engine.trace().add_sink(s.get());
  engine.start();
  engine.run_until(kSplitUs);
  engine.partition(static_cast<uint32_t>(quorum_minority_mask(c)));
  engine.run_until(kHealUs);
  CapOutcome out;
  engine.heal();
  shadow.apply(engine, Command{kHealUs, Verb::Rate, kNoNode, -1, 0});
  // Converged = every replica holds the same version of every key from then to the end
  // (operations still in flight at the heal may briefly make them differ again).
  TimeUs agree_since_us = shadow.diverged_keys() == 0 ? kHealUs : kNever;
  while (engine.next_event_us() <= kEndUs) {
    engine.step();
    const bool agree = shadow.diverged_keys() == 0;
    if (!agree) agree_since_us = kNever;
    else if (agree_since_us == kNever) agree_since_us = engine.now_us();
  }
  out.converge_us = agree_since_us == kNever ? kNever : agree_since_us - kHealUs;
  const int last = c.clients - 1;
  for (int i = 0; i < c.clients; ++i) {
    OpStats& side = i == last && c.clients > 1 ? out.minority : out.majority;
    const OpStats during = shadow.ledger()->invoked_between(i, kSplitUs, kHealUs);
    side.ok += during.ok;
    side.failed += during.failed;
  }
  // Keys both sides acknowledged writes to while split: last writer wins keeps one side's value.
  for (int32_t key = 0; key < c.keys && c.clients > 1; ++key) {
    bool majority = false;
    for (int i = 0; i < last; ++i) majority |= shadow.ledger()->acked_write(i, key, kSplitUs, kHealUs);
    out.conflicting_keys += majority && shadow.ledger()->acked_write(last, key, kSplitUs, kHealUs) ? 1 : 0;
  }
  out.stale = checkers.count(FindingKind::StaleRead);
  return out;
}

}  // namespace

bool QuorumConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(replicas >= 1 && replicas <= kQuorumMaxReplicas, "N (replicas) must be 1..7") &&
         check(w >= 1 && w <= replicas, "W must be between 1 and N") &&
         check(r >= 1 && r <= replicas, "R must be between 1 and N") &&
         check(clients >= 1 && clients <= kQuorumMaxClients, "clients must be 1..3") &&
         check(keys >= 1 && keys <= kQuorumMaxKeys, "keys must be 1..8") &&
         check(write_percent >= 0 && write_percent <= 100, "write share must be 0..100%") &&
         check(workload_ops_per_s >= 0 && workload_ops_per_s <= 1'000, "workload must be 0..1000 ops/s") &&
         check(spread_us >= 0 && spread_us <= 2 * kUsPerS, "replica spread must be 0..2 s") &&
         check(anti_entropy_us == 0 || (anti_entropy_us >= 10 * kUsPerMs && anti_entropy_us <= 60 * kUsPerS),
               "anti-entropy period must be off or 10 ms..60 s") &&
         check(op_timeout_us >= 10 * kUsPerMs && op_timeout_us <= 60 * kUsPerS, "operation timeout must be 10 ms..60 s") &&
         check(!hinted_handoff || replicas >= 2, "hinted handoff needs at least 2 replicas");
}

std::unique_ptr<Scenario> make_quorum_scenario(const QuorumConfig& config, const NetworkConfig& network) {
  return std::make_unique<QuorumScenario>(config, network);
}

std::vector<QuorumPeriod> quorum_periods(int w, int r, const std::vector<Command>& commands,
                                         const std::vector<ActionSpec>& actions, TimeUs until_us) {
  std::vector<QuorumPeriod> out{QuorumPeriod{0, w, r}};
  for (const Command& c : commands)
    if (c.time_us <= until_us) advance_period(out, c.time_us, static_cast<uint8_t>(c.verb), c.b, c.value, actions);
  return out;
}

int64_t quorum_minority_mask(const QuorumConfig& config) {
  const Topology t(config);
  int64_t mask = 0;
  for (NodeId n = config.replicas - config.replicas / 2; n < config.replicas; ++n) mask |= int64_t{1} << n;
  if (config.clients > 1) mask |= int64_t{1} << (t.first_client + config.clients - 1);
  return mask;
}

}  // namespace sim
