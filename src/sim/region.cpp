#include "sim/region.h"

#include <algorithm>
#include <array>
#include <map>
#include <vector>

namespace sim {

const char* const kRegionNames[kRegions] = {"us-east", "us-west", "sa-east", "eu-west",
                                            "eu-central", "ap-south", "ap-southeast", "ap-northeast"};
const char* const kRegionPlaces[kRegions] = {"Virginia", "Oregon", "Sao Paulo", "Ireland",
                                             "Frankfurt", "Mumbai", "Singapore", "Tokyo"};

namespace {

// Latitude and longitude of each region's data centres (approximate city coordinates), for the
// world map only: latencies come from the integer table below, so runs are the same everywhere.
constexpr float kLat[kRegions] = {38.9f, 45.8f, -23.5f, 53.3f, 50.1f, 19.1f, 1.3f, 35.7f};
constexpr float kLon[kRegions] = {-77.4f, -119.7f, -46.6f, -6.3f, 8.7f, 72.9f, 103.8f, 139.7f};

// Great-circle distances in km between the coordinates above (haversine, R = 6371 km, rounded to
// 10 km). Lesson 6 quotes New York-London 5,600 km and US East-US West 3,700 km for comparison.
constexpr int64_t kDistanceKm[kRegions][kRegions] = {
    {0, 3520, 7640, 5460, 6560, 12860, 15540, 10890},     // us-east
    {3520, 0, 10650, 7320, 8250, 12690, 13270, 7970},     // us-west
    {7640, 10650, 0, 9380, 9820, 13770, 15980, 18530},    // sa-east
    {5460, 7320, 9380, 0, 1090, 7610, 11210, 9590},       // eu-west
    {6560, 8250, 9820, 1090, 0, 6560, 10260, 9330},       // eu-central
    {12860, 12690, 13770, 7610, 6560, 0, 3900, 6720},     // ap-south
    {15540, 13270, 15980, 11210, 10260, 3900, 0, 5320},   // ap-southeast
    {10890, 7970, 18530, 9590, 9330, 6720, 5320, 0},      // ap-northeast
};

// Light in fibre: ~200,000 km/s, i.e. 5 µs per km one way (lesson 6).
constexpr TimeUs kFibreUsPerKm = 5;

}  // namespace

int64_t region_distance_km(int a, int b) { return kDistanceKm[a][b]; }
TimeUs fibre_rtt_floor_us(int a, int b) { return 2 * kDistanceKm[a][b] * kFibreUsPerKm; }

std::vector<int> replica_regions(ReplicaLayout layout, int primary_region) {
  std::vector<int> want;
  switch (layout) {
    case ReplicaLayout::None: break;
    case ReplicaLayout::Europe: want = {kEuCentral}; break;
    case ReplicaLayout::EuropeAsia: want = {kEuCentral, kApSoutheast}; break;
    case ReplicaLayout::World: for (int r = 0; r < kRegions; ++r) want.push_back(r); break;
  }
  want.erase(std::remove(want.begin(), want.end(), primary_region), want.end());
  return want;
}

bool RegionConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(primary_region >= 0 && primary_region < kRegions && user_region >= 0 && user_region < kRegions,
               "no such region") &&
         check(route_pct >= 100 && route_pct <= 400, "the fibre route factor must be 100..400% of the great circle") &&
         check(zone_latency_us >= 0 && zone_latency_us <= 100 * kUsPerMs, "zone latency must be 0..100 ms") &&
         check(round_trips >= 1 && round_trips <= 20, "a transaction makes 1..20 round trips") &&
         check(apply_delay_us >= 0 && apply_delay_us <= 60 * kUsPerS, "apply delay must be 0..60 s") &&
         check(ship_interval_us >= kUsPerMs && ship_interval_us <= 60 * kUsPerS, "the shipping interval must be 1 ms..60 s") &&
         check(failover_timeout_us >= 200 * kUsPerMs && failover_timeout_us <= 60 * kUsPerS,
               "the failover timeout must be 200 ms..60 s (two heartbeats at least)") &&
         check(ops_per_s >= 0 && ops_per_s <= 100, "the workload must be 0..100 operations per second per client") &&
         check(write_percent >= 0 && write_percent <= 100, "write share must be 0..100%");
}

namespace {

// ================================================================================================
// Cast: which node sits in which region
// ================================================================================================

struct Cast {
  std::vector<int> region;  // per node
  int db_nodes = 0;
  NodeId first_client = kNoNode;
  TimeUs extra_us[kMaxNodes][kMaxNodes] = {};  // cross-region one-way delay on top of the network's
  NodeId nearest_db[kMaxNodes] = {};           // per client: the database node it reads from

  explicit Cast(const RegionConfig& c) {
    region = {c.primary_region, c.primary_region};
    for (int r : replica_regions(c.layout, c.primary_region)) region.push_back(r);
    db_nodes = static_cast<int>(region.size());
    first_client = db_nodes;
    region.push_back(c.primary_region);
    region.push_back(c.user_region);
    for (size_t a = 0; a < region.size(); ++a)
      for (size_t b = 0; b < region.size(); ++b)
        extra_us[a][b] = kDistanceKm[region[a]][region[b]] * kFibreUsPerKm * c.route_pct / 100;
    for (NodeId client = first_client; client < node_count(); ++client) {
      NodeId best = 1;  // the standby, in the primary's region; replicas closer win
      for (NodeId n = 2; n < db_nodes; ++n)
        if (extra_us[client][n] < extra_us[client][best]) best = n;
      nearest_db[client] = best;
    }
  }
  int node_count() const { return static_cast<int>(region.size()); }
  bool is_db(NodeId n) const { return n >= 0 && n < db_nodes; }
  bool is_client(NodeId n) const { return n >= first_client && n < node_count(); }
};

// ================================================================================================
// Wire format
// ================================================================================================

enum MsgType : uint16_t { kStmt = 1, kStmtOk, kRead, kReply, kAppend, kAppendAck, kHeartbeat, kView, kHello, kOperator };

struct Stmt {  // statement `index` of `total` in a write transaction; the last one commits
  static constexpr uint16_t kType = kStmt;
  int64_t op;
  int64_t write_id;
  int64_t value;
  int32_t key;
  int16_t index;
  int16_t total;
  TraceArgs trace_args() const { return {index, total}; }
};

struct StmtOk {
  static constexpr uint16_t kType = kStmtOk;
  int64_t op;
  int32_t index;
  TraceArgs trace_args() const { return {index, 0}; }
};

struct ReadReq {
  static constexpr uint16_t kType = kRead;
  int64_t op;
  int32_t key;
  TraceArgs trace_args() const { return {key, 0}; }
};

struct Reply {
  static constexpr uint16_t kType = kReply;
  int64_t op;
  int64_t value;
  int64_t write_id;
  uint8_t ok;
  TraceArgs trace_args() const { return {ok, value}; }
};

struct Append {
  static constexpr uint16_t kType = kAppend;
  int64_t pos;
  int64_t value;
  int64_t write_id;
  int32_t epoch;        // sender's
  int32_t entry_epoch;  // the entry's
  int32_t key;
  TraceArgs trace_args() const { return {pos, entry_epoch}; }
};

struct AppendAck {
  static constexpr uint16_t kType = kAppendAck;
  int64_t length;
  int32_t epoch;
  TraceArgs trace_args() const { return {length, epoch}; }
};

struct Heartbeat {
  static constexpr uint16_t kType = kHeartbeat;
  int64_t length;
  int32_t epoch;
  TraceArgs trace_args() const { return {epoch, length}; }
};

struct View {  // a new primary: nodes of older epochs keep only the first `base` entries
  static constexpr uint16_t kType = kView;
  int64_t base;
  int32_t epoch;
  int32_t primary;
  TraceArgs trace_args() const { return {epoch, primary}; }
};

struct Hello {  // a restarted node asks who the primary is
  static constexpr uint16_t kType = kHello;
  int32_t epoch;
  TraceArgs trace_args() const { return {epoch, 0}; }
};

enum class Action : uint8_t { Promote, Write, Read, RegionFailed };

struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t value;
  int32_t key;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), key}; }
};

enum Timer : TimerId { kTimerWire = 0, kTimerHeartbeat, kTimerApply, kTimerShip, kTimerNextOp, kTimerOpTimeout };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (type) {
    case kStmt: num("stmt ", a.a); num("/", a.b); return;
    case kStmtOk: num("ok ", a.a); return;
    case kRead: num("read k", a.a); return;
    case kReply: out += a.a != 0 ? "reply" : "refused"; return;
    case kAppend: num("append #", a.a); num(" e", a.b); return;
    case kAppendAck: num("ack #", a.a); return;
    case kHeartbeat: num("hb e", a.a); return;
    case kView: num("view e", a.a); num(" n", a.b + 1); return;
    case kHello: out += "hello"; return;
    case kOperator: {
      static const char* const kNames[] = {"op-promote", "op-write", "op-read", "op-region-down"};
      out += kNames[a.a];
      return;
    }
  }
  num("type", type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"wire", "heartbeat", "apply", "ship", "next-op", "op-timeout"};
  return timer >= 0 && timer < 6 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>&, std::string& out) {
  switch (e.code) {
    case kNoteRegionFailed: out += "region "; out += kRegionNames[e.a]; out += " is down"; return;
    case kNotePromoteAuto: out += "standby promoted itself (in-region failover), epoch "; append_int(out, e.a); return;
    case kNotePromoteManual: out += "promoted by an operator (cross-region failover), epoch "; append_int(out, e.a); return;
  }
  append_int(out, e.code);
}

const Vocabulary kVocabulary{label, timer_name, note_text,
                             {{"fail-region", "v", "Fail a region",
                               "every node in the region goes down at once (power, network or a bad deploy)", 0,
                               kRegions - 1, kRegionNames}}};

// ================================================================================================
// Wire: holds each arriving message for its cross-region propagation delay
// ================================================================================================

// The network gives every link the same base latency (one zone hop); the distance part is added
// here, by the receiver, so a message is handled when it would have arrived over fibre. Held
// messages are volatile: a crash loses them, like packets in a dead machine's buffers.
class Wired : public Protocol {
 public:
  explicit Wired(const Cast& cast) : cast_(cast) {}

  void on_message(Context& ctx, const Message& m) final {
    const TimeUs extra_us = m.from == ctx.self() ? 0 : cast_.extra_us[m.from][ctx.self()];
    if (extra_us == 0) return receive(ctx, m);
    const Held h{ctx.now_local_us() + extra_us, next_seq_++, m};
    held_.insert(std::upper_bound(held_.begin(), held_.end(), h), h);
    ctx.set_timer(kTimerWire, held_.front().due_us - ctx.now_local_us());
  }

  void on_timer(Context& ctx, TimerId timer) final {
    if (timer != kTimerWire) return tick(ctx, timer);
    while (!held_.empty() && held_.front().due_us <= ctx.now_local_us()) {
      const Message m = held_.front().msg;
      held_.erase(held_.begin());
      receive(ctx, m);
    }
    if (!held_.empty()) ctx.set_timer(kTimerWire, held_.front().due_us - ctx.now_local_us());
  }

  void on_crash() final {
    held_.clear();
    crash();
  }

 protected:
  virtual void receive(Context& ctx, const Message& m) = 0;
  virtual void tick(Context& ctx, TimerId timer) = 0;
  virtual void crash() = 0;
  const Cast& cast_;

 private:
  struct Held {
    TimeUs due_us;
    uint64_t seq;
    Message msg;
    bool operator<(const Held& o) const { return due_us != o.due_us ? due_us < o.due_us : seq < o.seq; }
  };
  std::vector<Held> held_;
  uint64_t next_seq_ = 0;
};

constexpr TimeUs kHeartbeatUs = 100 * kUsPerMs;
constexpr int kKeys = 4;
constexpr int64_t kResendBatch = 32;
constexpr size_t kMaxEarly = 64;

// ================================================================================================
// Database node: primary, standby or cross-region replica
// ================================================================================================

class DbNode : public Wired {
 public:
  struct Entry {
    int32_t epoch;
    int32_t key;
    int64_t value;
    int64_t write_id;
    TimeUs appended_local_us;  // on this node
    bool acked;                // the primary acknowledged it to its client
  };

  DbNode(const RegionConfig& config, const Cast& cast) : Wired(cast), config_(config) {}

  Role role() const { return role_; }
  int64_t epoch() const { return epoch_; }
  int64_t log_length() const { return static_cast<int64_t>(log_.size()); }
  int64_t applied_pos() const { return applied_; }
  const Entry& entry(int64_t pos) const { return log_[static_cast<size_t>(pos - 1)]; }

  void on_start(Context& ctx) override {
    self_ = ctx.self();
    rebuild(log_length());
    if (ctx.self() == 0 && epoch_ == 0) {  // first boot: n1 is the primary of epoch 1
      epoch_ = 1;
      become_primary(ctx);
    } else if (was_primary_) {
      become_primary(ctx);  // resumes; steps down if a View shows a newer epoch
    } else {
      role_ = Role::Secondary;
      ctx.trace_role(role_, epoch_);
      last_heard_us_ = ctx.now_local_us();
    }
    for (NodeId n = 0; n < cast_.db_nodes; ++n)
      if (n != self_) ctx.send(n, Hello{static_cast<int32_t>(epoch_)});
    ctx.set_timer(kTimerHeartbeat, kHeartbeatUs);
  }

 protected:
  void crash() override {
    role_ = Role::None;
    pending_.clear();
    early_.clear();
    match_ = shipped_ = {};
    ship_armed_ = false;
    applied_ = 0;
  }

  void tick(Context& ctx, TimerId timer) override {
    if (timer == kTimerApply) apply_due(ctx);
    if (timer == kTimerShip) ship(ctx);
    if (timer != kTimerHeartbeat) return;
    ctx.set_timer(kTimerHeartbeat, kHeartbeatUs);
    if (role_ == Role::Primary) return heartbeat(ctx);
    // In-region automatic failover: only the standby (n2) watches the primary.
    if (self_ == 1 && ctx.now_local_us() - last_heard_us_ > config_.failover_timeout_us) {
      ++epoch_;
      become_primary(ctx);
      ctx.trace_note(kNotePromoteAuto, kNoNode, epoch_, 0, 0);
    }
  }

  void receive(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kStmt: on_stmt(ctx, m.from, m.body_as<Stmt>()); break;
      case kRead: {
        const ReadReq r = m.body_as<ReadReq>();
        const Version& v = kv_[static_cast<size_t>(r.key)];
        ctx.send(m.from, Reply{r.op, v.value, v.write_id, 1});
        break;
      }
      case kAppend: on_append(ctx, m.from, m.body_as<Append>()); break;
      case kAppendAck: on_ack(ctx, m.from, m.body_as<AppendAck>()); break;
      case kHeartbeat: {
        const Heartbeat h = m.body_as<Heartbeat>();
        if (h.epoch < epoch_ || role_ == Role::Primary) break;
        last_heard_us_ = ctx.now_local_us();
        ctx.send(m.from, AppendAck{log_length(), static_cast<int32_t>(epoch_)});  // also: "I am alive"
        break;
      }
      case kView: on_view(ctx, m.body_as<View>()); break;
      case kHello:
        if (role_ == Role::Primary) ctx.send(m.from, View{base_, static_cast<int32_t>(epoch_), self_});
        break;
      case kOperator:
        if (m.body_as<Operator>().action == Action::Promote && role_ != Role::Primary) {
          ++epoch_;
          become_primary(ctx);
          ctx.trace_note(kNotePromoteManual, kNoNode, epoch_, 0, 0);
        } else if (m.body_as<Operator>().action == Action::RegionFailed) {
          ctx.trace_note(kNoteRegionFailed, kNoNode, m.body_as<Operator>().value, 0, 0);
        }
        break;
    }
  }

 private:
  struct Version {
    int64_t value = 0;
    int64_t write_id = 0;
  };
  struct Pending {
    int64_t pos;
    NodeId client;
    int64_t op;
  };

  bool standby_alive(const Context& ctx) const {
    return self_ != 1 && ctx.now_local_us() - standby_heard_us_ <= config_.failover_timeout_us;
  }

  void become_primary(Context& ctx) {
    role_ = Role::Primary;
    was_primary_ = true;
    ctx.trace_role(role_, epoch_);
    apply_upto(log_length());
    base_ = log_length();
    match_ = {};
    shipped_.fill(log_length());  // a new primary probes from its own end; acks pull older entries
    standby_heard_us_ = ctx.now_local_us();
    const View v{base_, static_cast<int32_t>(epoch_), self_};
    for (NodeId n = 0; n < cast_.node_count(); ++n)
      if (n != self_) ctx.send(n, v);
  }

  void step_down(Context& ctx) {
    role_ = Role::Secondary;
    was_primary_ = false;
    pending_.clear();
    ctx.trace_role(role_, epoch_);
  }

  void heartbeat(Context& ctx) {
    for (NodeId n = 0; n < cast_.db_nodes; ++n) {
      if (n == self_) continue;
      ctx.send(n, Heartbeat{log_length(), static_cast<int32_t>(epoch_)});
      // Resend what was shipped but not acknowledged (lost, or the node restarted).
      const int64_t from = match_[static_cast<size_t>(n)] + 1;
      const int64_t upto = std::min(log_length(), std::max(shipped_[static_cast<size_t>(n)], n == 1 ? log_length() : 0));
      for (int64_t pos = from; pos <= upto && pos < from + kResendBatch; ++pos) send_append(ctx, n, pos);
    }
    release(ctx);  // the standby may have died: stop waiting for it
  }

  // Asynchronous cross-region replication ships what accumulated since the last batch (a WAL
  // sender's flush): what is not shipped yet when the region dies is lost with it.
  void ship(Context& ctx) {
    ship_armed_ = false;
    for (NodeId n = 0; n < cast_.db_nodes; ++n)
      if (n != self_ && n != 1)
        for (int64_t pos = shipped_[static_cast<size_t>(n)] + 1; pos <= log_length(); ++pos) send_to(ctx, n, pos);
  }

  void send_to(Context& ctx, NodeId to, int64_t pos) {
    shipped_[static_cast<size_t>(to)] = std::max(shipped_[static_cast<size_t>(to)], pos);
    send_append(ctx, to, pos);
  }

  void send_append(Context& ctx, NodeId to, int64_t pos) {
    const Entry& e = entry(pos);
    ctx.send(to, Append{pos, e.value, e.write_id, static_cast<int32_t>(epoch_), e.epoch, e.key});
  }

  // A write transaction's statements: all but the last are answered at once; the last commits.
  void on_stmt(Context& ctx, NodeId client, const Stmt& s) {
    if (role_ != Role::Primary) return ctx.send(client, Reply{s.op, 0, 0, 0});
    if (s.index < s.total) return ctx.send(client, StmtOk{s.op, s.index});
    log_.push_back(Entry{static_cast<int32_t>(epoch_), s.key, s.value, s.write_id, ctx.now_local_us(), false});
    const int64_t pos = log_length();
    ctx.trace_append(AppendSource::ClientWrite, pos, static_cast<int32_t>(epoch_), s.key, s.value, s.write_id);
    apply_upto(pos);
    if (self_ != 1) send_to(ctx, 1, pos);  // the standby, a zone away, at once
    if (!ship_armed_) {                     // cross-region replicas in the next batch
      ship_armed_ = true;
      ctx.set_timer(kTimerShip, config_.ship_interval_us);
    }
    pending_.push_back(Pending{pos, client, s.op});
    release(ctx);
  }

  // Semi-synchronous inside the region: acknowledge once the standby holds the entry, or at once
  // if the standby is silent (down) or this node is the standby itself.
  void release(Context& ctx) {
    const int64_t durable = standby_alive(ctx) ? match_[1] : log_length();
    while (!pending_.empty() && pending_.front().pos <= durable) {
      const Pending p = pending_.front();
      pending_.erase(pending_.begin());
      Entry& e = log_[static_cast<size_t>(p.pos - 1)];
      e.acked = true;
      ctx.send(p.client, Reply{p.op, e.value, e.write_id, 1});
    }
  }

  void on_append(Context& ctx, NodeId from, const Append& a) {
    if (a.epoch < epoch_) return;
    adopt(ctx, a.epoch, from);
    last_heard_us_ = ctx.now_local_us();
    if (a.pos <= log_length() && entry(a.pos).epoch != a.entry_epoch) truncate(ctx, a.pos - 1);
    // Jitter reorders messages: keep an early entry until the ones before it arrive.
    if (a.pos > log_length() + 1 && early_.size() < kMaxEarly) early_[a.pos] = a;
    if (a.pos == log_length() + 1) {
      append_replicated(ctx, a);
      for (auto it = early_.begin(); it != early_.end() && it->first <= log_length() + 1; it = early_.erase(it))
        if (it->first == log_length() + 1) append_replicated(ctx, it->second);
      schedule_apply(ctx);
    }
    ctx.send(from, AppendAck{log_length(), static_cast<int32_t>(epoch_)});
  }

  void append_replicated(Context& ctx, const Append& a) {
    log_.push_back(Entry{a.entry_epoch, a.key, a.value, a.write_id, ctx.now_local_us(), false});
    ctx.trace_append(AppendSource::Replicated, a.pos, a.entry_epoch, a.key, a.value, a.write_id);
  }

  void on_ack(Context& ctx, NodeId from, const AppendAck& a) {
    if (role_ != Role::Primary || a.epoch != epoch_) return;
    if (from == 1) standby_heard_us_ = ctx.now_local_us();
    match_[static_cast<size_t>(from)] = std::min(a.length, log_length());
    release(ctx);
  }

  void on_view(Context& ctx, const View& v) {
    if (v.epoch < epoch_ || (v.epoch == epoch_ && v.primary == self_)) return;
    const bool newer = v.epoch > epoch_;
    adopt(ctx, v.epoch, v.primary);
    // Entries past the new primary's log when it took over were never replicated to it: gone.
    if (newer && log_length() > v.base) truncate(ctx, v.base);
    last_heard_us_ = ctx.now_local_us();
  }

  void adopt(Context& ctx, int64_t epoch, NodeId primary) {
    if (epoch <= epoch_ && primary_ == primary) return;
    epoch_ = std::max(epoch_, epoch);
    primary_ = primary;
    if (role_ == Role::Primary && primary != self_) step_down(ctx);
  }

  void truncate(Context& ctx, int64_t length) {
    ctx.trace_truncate(length, log_length() - length);
    log_.resize(static_cast<size_t>(length));
    if (applied_ > length) rebuild(length);
  }

  void schedule_apply(Context& ctx) {
    if (applied_ >= log_length()) return;
    const TimeUs due = entry(applied_ + 1).appended_local_us + config_.apply_delay_us;
    ctx.set_timer(kTimerApply, std::max<TimeUs>(0, due - ctx.now_local_us()));
  }

  void apply_due(Context& ctx) {
    while (applied_ < log_length() && entry(applied_ + 1).appended_local_us + config_.apply_delay_us <= ctx.now_local_us())
      apply_upto(applied_ + 1);
    schedule_apply(ctx);
  }

  void apply_upto(int64_t pos) {
    for (; applied_ < pos; ++applied_) {
      const Entry& e = entry(applied_ + 1);
      kv_[static_cast<size_t>(e.key)] = Version{e.value, e.write_id};
    }
  }

  void rebuild(int64_t upto) {
    kv_ = {};
    applied_ = 0;
    apply_upto(upto);
  }

  const RegionConfig config_;
  NodeId self_ = kNoNode;
  // Durable.
  std::vector<Entry> log_;
  int64_t epoch_ = 0;
  bool was_primary_ = false;
  // Volatile.
  Role role_ = Role::None;
  NodeId primary_ = 0;
  int64_t applied_ = 0;
  int64_t base_ = 0;
  std::array<Version, kKeys> kv_{};
  std::array<int64_t, kMaxNodes> match_{};
  std::vector<Pending> pending_;
  std::map<int64_t, Append> early_;           // entries that arrived before their predecessors
  std::array<int64_t, kMaxNodes> shipped_{};  // highest position sent to each node
  bool ship_armed_ = false;
  TimeUs last_heard_us_ = 0;
  TimeUs standby_heard_us_ = 0;
};

// ================================================================================================
// Client: a user in one region; write transactions of `round_trips` statements, local reads
// ================================================================================================

class Client : public Wired {
 public:
  struct Stats {
    int64_t writes = 0, write_us = 0, reads = 0, read_us = 0, failed = 0;
  };

  Client(const RegionConfig& config, const Cast& cast, int index)
      : Wired(cast), config_(config), index_(index), rate_(config.ops_per_s) {}

  const Stats& stats() const { return stats_; }
  void set_rate(int ops_per_s) { rate_ = ops_per_s; }

  void on_start(Context& ctx) override {
    self_ = ctx.self();
    schedule(ctx);
  }

 protected:
  void crash() override {
    op_ = Op{};
    manual_.clear();
  }

  void tick(Context& ctx, TimerId timer) override {
    if (timer == kTimerNextOp) start(ctx);
    if (timer == kTimerOpTimeout && op_.active) {
      ++stats_.failed;
      ctx.trace_complete(op_.write ? OpKind::Write : OpKind::Read, OpResult::Timeout, kNoNode, op_.key, op_.seq,
                         op_.value, op_.write_id);
      finish(ctx);
    }
  }

  void receive(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kStmtOk: {
        const StmtOk s = m.body_as<StmtOk>();
        if (op_.active && s.op == op_.seq && s.index == op_.stmt) send_stmt(ctx, op_.stmt + 1);
        break;
      }
      case kReply: on_reply(ctx, m.from, m.body_as<Reply>()); break;
      case kView: {
        const View v = m.body_as<View>();
        if (v.epoch > hint_epoch_) {
          hint_epoch_ = v.epoch;
          primary_ = v.primary;
        }
        break;
      }
      case kOperator: {
        const Operator o = m.body_as<Operator>();
        if (manual_.size() < 8) manual_.push_back(o);
        if (!op_.active) start(ctx);
        break;
      }
    }
  }

 private:
  struct Op {
    bool active = false;
    bool write = false;
    int32_t key = 0;
    int64_t value = 0;
    int64_t seq = 0;
    int64_t write_id = 0;
    int stmt = 0;
    TimeUs started_us = 0;
  };
  static constexpr TimeUs kOpTimeoutUs = 3 * kUsPerS;

  void schedule(Context& ctx) {
    if (!manual_.empty()) return start(ctx);
    if (rate_ <= 0) return;
    const TimeUs mean_us = kUsPerS / rate_;
    ctx.set_timer(kTimerNextOp, ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  void start(Context& ctx) {
    if (op_.active) return;
    op_ = Op{};
    op_.active = true;
    op_.seq = ++seq_;
    if (!manual_.empty()) {
      op_.write = manual_.front().action == Action::Write;
      op_.key = manual_.front().key;
      op_.value = manual_.front().value;
      manual_.erase(manual_.begin());
    } else {
      op_.write = ctx.rng().below(100) < config_.write_percent;
      op_.key = static_cast<int32_t>(ctx.rng().below(kKeys));
      op_.value = op_.seq * 10 + index_ + 1;
    }
    op_.write_id = op_.write ? (int64_t{index_ + 1} << 32) | op_.seq : 0;
    op_.started_us = ctx.now_local_us();
    ctx.trace_invoke(op_.write ? OpKind::Write : OpKind::Read, op_.key, op_.seq, op_.write ? op_.value : 0,
                     op_.write_id);
    ctx.set_timer(kTimerOpTimeout, kOpTimeoutUs);
    if (op_.write) return send_stmt(ctx, 1);
    const NodeId target = config_.local_reads ? cast_.nearest_db[self_] : primary_;
    ctx.send(target, ReadReq{op_.seq, op_.key});
  }

  void send_stmt(Context& ctx, int index) {
    op_.stmt = index;
    ctx.send(primary_, Stmt{op_.seq, op_.write_id, op_.value, op_.key, static_cast<int16_t>(index),
                            static_cast<int16_t>(config_.round_trips)});
  }

  void on_reply(Context& ctx, NodeId from, const Reply& r) {
    if (!op_.active || r.op != op_.seq || r.ok == 0) return;  // a refusal: wait for a new primary
    const TimeUs took_us = ctx.now_local_us() - op_.started_us;
    if (op_.write) {
      ++stats_.writes;
      stats_.write_us += took_us;
    } else {
      ++stats_.reads;
      stats_.read_us += took_us;
    }
    ctx.trace_complete(op_.write ? OpKind::Write : OpKind::Read, OpResult::Ok, from, op_.key, op_.seq,
                       op_.write ? op_.value : r.value, op_.write ? op_.write_id : r.write_id);
    finish(ctx);
  }

  void finish(Context& ctx) {
    op_.active = false;
    ctx.cancel_timer(kTimerOpTimeout);
    schedule(ctx);
  }

  const RegionConfig config_;
  const int index_;
  NodeId self_ = kNoNode;
  int rate_;
  int64_t seq_ = 0;
  NodeId primary_ = 0;
  int64_t hint_epoch_ = 1;
  Op op_;
  std::vector<Operator> manual_;
  Stats stats_;
};

// ================================================================================================
// The scenario
// ================================================================================================

class RegionScenario : public Scenario {
 public:
  explicit RegionScenario(const RegionConfig& config) : config_(config), cast_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < cast_.db_nodes; ++i) out.push_back("n" + std::to_string(i + 1));
    out.push_back("c1");
    out.push_back("c2");
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (int i = 0; i < cast_.db_nodes; ++i) {
      auto node = std::make_unique<DbNode>(config_, cast_);
      db_.push_back(node.get());
      engine.add_node(n[static_cast<size_t>(i)], std::move(node));
    }
    for (int i = 0; i < 2; ++i) {
      auto client = std::make_unique<Client>(config_, cast_, i);
      clients_.push_back(client.get());
      engine.add_node(n[static_cast<size_t>(cast_.first_client + i)], std::move(client));
    }
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    const auto fail = [error](const char* message) { *error = message; return false; };
    switch (c.verb) {
      case Verb::Act: return true;
      case Verb::Write:
      case Verb::Read:
        if (!cast_.is_client(c.a)) return fail("reads and writes are issued by a client (c1, c2)");
        if (c.b < 0 || c.b >= kKeys) return fail("key must be 0..3");
        return c.value >= 0 && c.value <= 1'000'000'000 ? true : fail("write value must be 0..1000000000");
      case Verb::Promote: return cast_.is_db(c.a) ? true : fail("only a database node (n1, n2, ...) can be promoted");
      case Verb::Rate: return c.value >= 0 && c.value <= 100 ? true : fail("rate must be 0..100 operations per second");
      default: return fail("not a multi-region command");
    }
  }

  void apply(Engine& engine, const Command& c) override {
    switch (c.verb) {
      case Verb::Write: engine.inject(c.a, Operator{c.value, c.b, Action::Write}); break;
      case Verb::Read: engine.inject(c.a, Operator{0, c.b, Action::Read}); break;
      case Verb::Promote: engine.inject(c.a, Operator{0, 0, Action::Promote}); break;
      case Verb::Rate:
        for (Client* client : clients_) client->set_rate(static_cast<int>(c.value));
        break;
      case Verb::Act: fail_region(engine, static_cast<int>(c.value)); break;
      default: break;
    }
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    const int r = cast_.region[static_cast<size_t>(node)];
    view.group = kRegionNames[r];
    // World map position; nodes of one region are laid out side by side, then in a second row,
    // a node box apart (the region's group frame keeps them together).
    const int rank = rank_in_region(node);
    view.x = (kLon[r] + 180.0f) / 360.0f + 0.12f * static_cast<float>(rank % 2);
    view.y = (90.0f - kLat[r]) / 180.0f + 0.2f * static_cast<float>(rank / 2);
    if (cast_.is_client(node)) {
      const Client::Stats& s = client(node).stats();
      view.kind = "client";
      view.role = engine.status(node) == NodeStatus::Crashed ? Role::None : Role::Client;
      view.detail = "write " + mean_ms(s.write_us, s.writes) + ", read " + mean_ms(s.read_us, s.reads);
      return;
    }
    const DbNode& d = *db_[static_cast<size_t>(node)];
    view.kind = "db";
    view.role = d.role();
    view.epoch = d.epoch();
    view.log_length = d.log_length();
    view.applied_pos = d.applied_pos();
    view.detail = node == 1 ? "standby" : node > 1 ? "replica" : "";
    const NodeId p = newest_primary(engine);
    if (p == kNoNode || p == node) return;
    const DbNode& primary = *db_[static_cast<size_t>(p)];
    view.lag_entries = std::max<int64_t>(0, primary.log_length() - d.applied_pos());
    if (view.lag_entries > 0 && d.applied_pos() < primary.log_length())
      view.lag_us = engine.local_time_us(p) - primary.entry(d.applied_pos() + 1).appended_local_us;
  }

  std::vector<MetricSpec> metrics() const override {
    std::vector<MetricSpec> out;
    const std::vector<std::string> n = names();
    for (int i = 0; i < cast_.db_nodes; ++i) out.push_back({"lag " + n[static_cast<size_t>(i)], "ms"});
    return out;
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    for (NodeId n = 0; n < cast_.db_nodes; ++n) {
      NodeView v;
      describe(engine, n, v);
      row.push_back(engine.status(n) == NodeStatus::Up ? v.lag_us / kUsPerMs : -1);
    }
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    latency_figure(engine, out);
    lag_figure(engine, out);
    if (failed_region_ >= 0) outage_figure(engine, out);
  }

 private:
  const Client& client(NodeId n) const { return *clients_[static_cast<size_t>(n - cast_.first_client)]; }

  int rank_in_region(NodeId node) const {
    int rank = 0;
    for (NodeId n = 0; n < node; ++n) rank += cast_.region[static_cast<size_t>(n)] == cast_.region[static_cast<size_t>(node)];
    return rank;
  }

  static std::string mean_ms(int64_t total_us, int64_t count) {
    if (count == 0) return "-";
    return std::to_string((total_us / count + kUsPerMs / 2) / kUsPerMs) + " ms";
  }

  // Modelled round trip between two nodes: two zone hops plus the fibre route both ways.
  TimeUs modelled_rtt_us(NodeId a, NodeId b) const {
    return 2 * (config_.zone_latency_us + cast_.extra_us[a][b]);
  }

  NodeId newest_primary(const Engine& engine) const {
    NodeId best = kNoNode;
    for (NodeId n = 0; n < cast_.db_nodes; ++n) {
      const DbNode& d = *db_[static_cast<size_t>(n)];
      if (engine.status(n) != NodeStatus::Up || d.role() != Role::Primary) continue;
      if (best == kNoNode || d.epoch() > db_[static_cast<size_t>(best)]->epoch()) best = n;
    }
    return best;
  }

  void fail_region(Engine& engine, int region) {
    if (failed_region_ < 0) failed_primary_ = std::max<NodeId>(0, newest_primary(engine));
    bool noted = false;
    for (NodeId n = 0; n < cast_.node_count(); ++n) {
      if (cast_.region[static_cast<size_t>(n)] != region || engine.status(n) == NodeStatus::Crashed) continue;
      if (!noted && cast_.is_db(n)) engine.inject(n, Operator{region, 0, Action::RegionFailed});
      noted = true;
      engine.crash(n);
    }
    if (failed_region_ < 0) {
      failed_region_ = region;
      failed_at_us_ = engine.now_us();
    }
  }

  void latency_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "Latency: local and cross-region");
    f.columns = {"user", "operation", "to (distance)", "fibre floor", "modelled", "measured"};
    const std::vector<std::string>& n = engine.names();
    const NodeId p = std::max<NodeId>(0, newest_primary(engine));
    for (NodeId c = cast_.first_client; c < cast_.node_count(); ++c) {
      const int rc = cast_.region[static_cast<size_t>(c)];
      const Client::Stats& s = client(c).stats();
      const NodeId reads_from = config_.local_reads ? cast_.nearest_db[c] : p;
      const int rr = cast_.region[static_cast<size_t>(reads_from)];
      const int rp = cast_.region[static_cast<size_t>(p)];
      const std::string user = n[static_cast<size_t>(c)] + " (" + kRegionPlaces[rc] + ")";
      f.rows.push_back({{user, Tone::Neutral},
                        {"read", Tone::Neutral},
                        {to(n[static_cast<size_t>(reads_from)], rr, kDistanceKm[rc][rr]), Tone::Neutral},
                        {ms(fibre_rtt_floor_us(rc, rr)), Tone::Neutral},
                        {ms(modelled_rtt_us(c, reads_from)), Tone::Neutral},
                        {mean_ms(s.read_us, s.reads), rc == rr ? Tone::Good : Tone::Warn}});
      const int trips = config_.round_trips;
      f.rows.push_back({{user, Tone::Neutral},
                        {"write, " + std::to_string(trips) + (trips == 1 ? " round trip" : " round trips"), Tone::Neutral},
                        {to(n[static_cast<size_t>(p)], rp, kDistanceKm[rc][rp]), Tone::Neutral},
                        {ms(trips * fibre_rtt_floor_us(rc, rp)), Tone::Neutral},
                        {ms(trips * modelled_rtt_us(c, p)), Tone::Neutral},
                        {mean_ms(s.write_us, s.writes), rc == rp ? Tone::Good : Tone::Warn}});
    }
    f.caption = "Fibre floor: light in fibre covers about 200 km per ms, so a round trip costs at least 1 ms per "
                "100 km. Modelled: routes " + std::to_string(config_.route_pct) + "% of the great circle plus a zone hop each way.";
  }

  static std::string to(const std::string& node, int region, int64_t km) {
    return node + " " + kRegionNames[region] + " (" + std::to_string(km) + " km)";
  }

  static std::string ms(TimeUs us) {
    std::string out;
    append_int(out, us / kUsPerMs);
    out.push_back('.');
    append_int(out, us % kUsPerMs / 100);
    return out + " ms";
  }

  void lag_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Bars, "Replication lag", "ms");
    const NodeId p = newest_primary(engine);
    for (NodeId n = 0; n < cast_.db_nodes; ++n) {
      if (n == p) continue;
      NodeView v;
      describe(engine, n, v);
      const bool up = engine.status(n) == NodeStatus::Up;
      f.bars.push_back({engine.names()[static_cast<size_t>(n)] + " " + kRegionNames[cast_.region[static_cast<size_t>(n)]],
                        up ? v.lag_us / kUsPerMs : 0, !up ? Tone::Bad : v.lag_us > 100 * kUsPerMs ? Tone::Warn : Tone::Good});
    }
    f.caption = "Cross-region replicas are asynchronous: their lag is the " +
                std::to_string(config_.ship_interval_us / kUsPerMs) + " ms shipping batch, the distance and the " +
                std::to_string(config_.apply_delay_us / kUsPerMs) + " ms replay delay. What is not shipped is lost with the region.";
  }

  // After a regional outage: what promoting each surviving node would lose (acknowledged writes
  // of the old primary it never received), and how long writes have been unavailable.
  void outage_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, std::string("Region ") + kRegionNames[failed_region_] + " is down");
    f.columns = {"node", "region", "log", "acknowledged writes it lacks"};
    const DbNode& old = *db_[static_cast<size_t>(failed_primary_)];
    for (NodeId n = 0; n < cast_.db_nodes; ++n) {
      if (engine.status(n) != NodeStatus::Up) continue;
      const DbNode& d = *db_[static_cast<size_t>(n)];
      int64_t lacks = 0;
      for (int64_t pos = d.log_length() + 1; pos <= old.log_length(); ++pos) lacks += old.entry(pos).acked;
      f.rows.push_back({{engine.names()[static_cast<size_t>(n)], Tone::Neutral},
                        {kRegionNames[cast_.region[static_cast<size_t>(n)]], Tone::Neutral},
                        {std::to_string(d.log_length()), Tone::Neutral},
                        {d.role() == Role::Primary ? "primary now" : std::to_string(lacks), lacks == 0 ? Tone::Good : Tone::Bad}});
    }
    const NodeId p = newest_primary(engine);
    f.caption = p != kNoNode ? std::string("Writes resumed on ") + engine.names()[static_cast<size_t>(p)] + "."
                             : "Writes unavailable for " + format_seconds(engine.now_us() - failed_at_us_) +
                                   ": no standby survived. Promote a replica (click it) to resume, losing what it lacks.";
  }

  const RegionConfig config_;
  const Cast cast_;
  std::vector<DbNode*> db_;  // owned by the engine
  std::vector<Client*> clients_;
  int failed_region_ = -1;
  NodeId failed_primary_ = 0;  // the primary when the region failed
  TimeUs failed_at_us_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_region_scenario(const RegionConfig& config) {
  return std::make_unique<RegionScenario>(config);
}

}  // namespace sim
