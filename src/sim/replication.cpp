#include "sim/replication.h"

#include "sim/session_checkers.h"

#include <algorithm>
#include <array>
#include <vector>

#include "sim/lab.h"

namespace sim {

namespace {

// ================================================================================================
// Cast and wire format
// ================================================================================================

struct Topology {
  int db_nodes = 0;
  NodeId monitor = kNoNode;
  NodeId first_client = kNoNode;
  int clients = 0;
  NodeId witness = kNoNode;       // "wit", with Prevention::Witness
  NodeId fence_device = kNoNode;  // "pdu", with Prevention::Stonith

  explicit Topology(const ReplicationConfig& c)
      : db_nodes(c.secondaries + 1), monitor(c.secondaries + 1), first_client(c.secondaries + 2),
        clients(c.clients) {
    NodeId next = first_client + clients;
    if (c.prevention == Prevention::Witness) witness = next++;
    if (c.prevention == Prevention::Stonith) fence_device = next++;
  }
  bool is_db(NodeId n) const { return n >= 0 && n < db_nodes; }
  bool is_client(NodeId n) const { return n >= first_client && n < first_client + clients; }
  /// The primary's site: n1 and the first client (and the witness, if placed there).
  bool in_primary_site(NodeId n, const ReplicationConfig& c) const {
    return n == 0 || n == first_client || (n == witness && c.witness_with_primary);
  }
};

// The fencing device's power switch (STONITH). A protocol cannot crash another node through the
// engine, so a powered-off database node finds out at its next event and goes dark (forgets its
// volatile state, answers nothing) until the operator restarts it; views show it as crashed.
struct PowerSwitch {
  std::array<bool, kMaxNodes> off{};
};

enum MsgType : uint16_t {
  kWrite = 1, kRead, kReply, kAppend, kAppendReply, kHeartbeat, kView, kRouteQuery, kOperator,
  kVoteRequest, kVote, kFenceRequest, kFenceDone,
};

struct WriteReq {
  static constexpr uint16_t kType = kWrite;
  int64_t op;
  int64_t write_id;
  int64_t value;
  int32_t key;
  TraceArgs trace_args() const { return {key, value}; }
};

struct ReadReq {
  static constexpr uint16_t kType = kRead;
  int64_t op;
  int64_t min_pos;       // the replica must have applied at least this position (sessions)
  int32_t key;
  uint8_t primary_only;  // refuse unless primary
  TraceArgs trace_args() const { return {key, min_pos}; }
};

enum class Status : uint8_t { Ok, NotPrimary, Behind, Retry };
const char* const kStatusNames[] = {"ok", "not-primary", "behind", "retry"};

struct Reply {
  static constexpr uint16_t kType = kReply;
  int64_t op;
  int64_t value;
  int64_t write_id;
  int64_t pos;          // write: its log position; read: the replica's applied position
  int64_t hint_epoch;
  int32_t hint_primary;
  Status status;
  TraceArgs trace_args() const { return {static_cast<int64_t>(status), value}; }
};

struct Append {
  static constexpr uint16_t kType = kAppend;
  int64_t pos;
  int64_t value;
  int64_t write_id;
  int32_t epoch;        // sender's epoch
  int32_t entry_epoch;  // epoch the entry was written in
  int32_t prev_epoch;   // epoch of the entry at pos-1 (Raft's log matching check, §5.3)
  int32_t key;          // -1: the no-op a new primary writes first
  TraceArgs trace_args() const { return {pos, entry_epoch}; }
};

enum class AppendResult : uint8_t { Ok, Conflict, Fenced };
const char* const kAppendResultNames[] = {"ack", "conflict", "fenced"};

struct AppendReply {
  static constexpr uint16_t kType = kAppendReply;
  int64_t pos;     // Ok: highest matching position; Conflict: where to resend from
  int32_t epoch;   // Ok/Conflict: the append's epoch; Fenced: the replica's newer epoch
  AppendResult result;
  TraceArgs trace_args() const { return {static_cast<int64_t>(result), pos}; }
};

struct Heartbeat {
  static constexpr uint16_t kType = kHeartbeat;
  int64_t sent_local_us;  // echoed back: a lease runs from when it was asked for
  int64_t log_length;
  int64_t applied_pos;
  int32_t epoch;
  int32_t last_epoch;     // epoch of the node's last log entry (how up to date it is)
  uint8_t is_primary;
  uint8_t draining;
  TraceArgs trace_args() const { return {epoch, log_length}; }
};

struct View {
  static constexpr uint16_t kType = kView;
  int64_t lease_from_local_us;  // >= 0: a lease grant to the primary, from this (its) time
  int32_t epoch;
  int32_t primary;
  uint8_t drain;                // the primary must stop taking writes (switchover)
  TraceArgs trace_args() const { return {epoch, primary}; }
};

struct RouteQuery {  // "who is the primary?" (the answer is a View)
  static constexpr uint16_t kType = kRouteQuery;
  int64_t reserved;  // a body needs one field
  TraceArgs trace_args() const { return {}; }
};

// Witness (lesson 5 "Witnesses and where to put them"): may the coordinator promote `candidate`?
struct VoteRequest {
  static constexpr uint16_t kType = kVoteRequest;
  int32_t epoch;        // the epoch the promotion would start
  int32_t old_primary;
  int32_t candidate;
  TraceArgs trace_args() const { return {epoch, candidate}; }
};

struct Vote {
  static constexpr uint16_t kType = kVote;
  int32_t epoch;
  uint8_t granted;
  TraceArgs trace_args() const { return {epoch, granted}; }
};

// STONITH (lesson 5 "Fencing and STONITH"): power `target` off, and say when it is done.
struct FenceRequest {
  static constexpr uint16_t kType = kFenceRequest;
  int32_t target;
  TraceArgs trace_args() const { return {target, 0}; }
};

struct FenceDone {
  static constexpr uint16_t kType = kFenceDone;
  int32_t target;
  TraceArgs trace_args() const { return {target, 0}; }
};

// A local input from a command (operator at a console, user at a client).
enum class Action : uint8_t { Write, Read, Promote, Switchover, Wake };
const char* const kActionNames[] = {"op-write", "op-read", "op-promote", "op-switch", "op-wake"};

struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t value;
  int32_t key;
  int32_t target;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), target}; }
};

enum Timer : TimerId {
  kTimerHeartbeat = 0, kTimerReplicate, kTimerApply,  // database node
  kTimerTick,                                          // coordinator
  kTimerNextOp, kTimerOpTimeout, kTimerRetry,          // client
  kTimerPower,                                         // fencing device
};

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (type) {
    case kWrite: num("write k", a.a); num("=", a.b); return;
    case kRead: num("read k", a.a); if (a.b > 0) num(" min#", a.b); return;
    case kReply: out += "reply "; out += kStatusNames[a.a]; return;
    case kAppend: num("append #", a.a); num(" e", a.b); return;
    case kAppendReply: out += kAppendResultNames[a.a]; num(" #", a.b); return;
    case kHeartbeat: num("hb e", a.a); num(" #", a.b); return;
    case kView: num("view e", a.a); num(" n", a.b + 1); return;
    case kRouteQuery: out += "route?"; return;
    case kOperator: out += kActionNames[a.a]; return;
    case kVoteRequest: num("vote? e", a.a); num(" n", a.b + 1); return;
    case kVote: out += a.b != 0 ? "vote yes" : "vote no"; num(" e", a.a); return;
    case kFenceRequest: num("power off n", a.a + 1); return;
    case kFenceDone: num("off: n", a.a + 1); return;
  }
  num("type", type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"heartbeat", "replicate", "apply",      "tick",
                                       "next-op",   "op-timeout", "retry", "power"};
  return timer >= 0 && timer < 8 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& names, std::string& out) {
  const char* peer = node_name(names, e.peer == kNoPeer ? -1 : e.peer);
  switch (e.code) {
    case kNoteFailoverStart:
      out += "primary ";
      out += peer;
      out += " silent for " + format_seconds(e.a) + ": failover";
      return;
    case kNotePromoteAuto: case kNotePromoteManual: case kNotePromoteSwitchover:
      out += "promote ";
      out += peer;
      out += " to primary, epoch ";
      append_int(out, e.a);
      out += e.code == kNotePromoteAuto ? " (automatic failover)"
             : e.code == kNotePromoteManual ? " (manual failover)" : " (switchover)";
      return;
    case kNoteNoCandidate: out += "no reachable secondary to promote"; return;
    case kNoteSwitchoverStart: out += "switchover to "; out += peer; out += ": draining writes"; return;
    case kNoteSwitchoverAbort: out += "switchover to "; out += peer; out += " abandoned"; return;
    case kNoteFenced: out += "fenced by "; out += peer; out += ", epoch "; append_int(out, e.a); out += ": step down"; return;
    case kNoteLeaseExpired: out += "lease expired: step down"; return;
    case kNoteVoteAsked: out += "ask the witness to approve promoting "; out += peer; return;
    case kNoteVoteRefused:
      out += "refuse: I heard the primary ";
      out += format_seconds(e.a) + " ago";
      return;
    case kNoteVoteGranted: out += "approve promoting "; out += peer; return;
    case kNoteFenceAsked: out += "ask the fencing device to power off "; out += peer; return;
    case kNotePoweredOff:
      out += "power off ";
      out += peer;
      out += " (asked by ";
      out += node_name(names, static_cast<int>(e.a));
      out += ")";
      return;
    case kNoteFailoverCalledOff: out += "primary "; out += peer; out += " heard again: no failover"; return;
    case kNoteTokenRejected:
      out += "reject a write from ";
      out += peer;
      out += ": token ";
      append_int(out, e.a);
      out += " is older than ";
      append_int(out, e.b);
      return;
  }
  append_int(out, e.code);
}

const Vocabulary kVocabulary{label, timer_name, note_text};
// The split-brain lab's site-level faults (Command::b indexes the actions).
enum SiteAction : int32_t { kCutSites = 0, kSiteDown = 1 };
const Vocabulary kSiteVocabulary{
    label, timer_name, note_text,
    {{"cut-sites", "", "Cut the link between the sites",
      "the primary's site and the standby's site lose each other; the witness and the fencing device stay reachable"},
     {"site-down", "", "Power off the primary's site", "every node in the primary's site crashes"}}};

constexpr TimeUs kLongAgoUs = -(TimeUs{1} << 60);  // "never", yet safe to subtract from

// ================================================================================================
// Database node
// ================================================================================================

class DbNode : public Protocol {
 public:
  DbNode(const ReplicationConfig& config, const Topology& topology, PowerSwitch* power)
      : config_(config), topology_(topology), apply_delay_us_(config.apply_delay_us), power_(power) {}

  // Read-only state for views and metrics.
  Role role() const { return role_; }
  int64_t epoch() const { return epoch_; }
  int64_t log_length() const { return static_cast<int64_t>(log_.size()); }
  int64_t applied_pos() const { return applied_pos_; }
  bool draining() const { return draining_; }
  bool powered_off() const { return self_ != kNoNode && power_->off[static_cast<size_t>(self_)]; }
  /// Client writes its log holds from `pos` on (1-based), and whether it acknowledged each.
  template <class F>
  void for_each_write_from(int64_t pos, F&& f) const {
    for (int64_t p = std::max<int64_t>(pos, 1); p <= log_length(); ++p)
      if (entry(p).key >= 0) f(entry(p).write_id, entry(p).key, entry(p).epoch, p <= commit_pos_);
  }
  /// (write id, key, epoch) of every client write a truncation threw away, and whether this node
  /// had acknowledged it as primary.
  struct Discarded {
    int64_t write_id;
    int32_t key;
    int32_t epoch;
    bool acked;
  };
  const std::vector<Discarded>& discarded() const { return discarded_; }
  int32_t entry_epoch(int64_t pos) const { return entry(pos).epoch; }
  int64_t entry_write_id(int64_t pos) const { return entry(pos).write_id; }
  /// This node's local time when it appended entry `pos` (1-based).
  TimeUs appended_local_us(int64_t pos) const { return log_[static_cast<size_t>(pos - 1)].local_us; }
  void set_apply_delay_us(TimeUs delay_us) { apply_delay_us_ = delay_us; }

  void on_start(Context& ctx) override {
    self_ = ctx.self();
    power_->off[static_cast<size_t>(self_)] = false;  // restarted by the operator: power is back
    last_view_local_us_ = ctx.now_local_us();
    shot_peer_ = false;
    role_ = Role::Secondary;
    ctx.trace_role(role_, epoch_);
    // Crash recovery replays the whole durable log into the key-value state.
    rebuild_state(log_length());
    send_heartbeat(ctx);
  }

  void on_crash() override {
    role_ = Role::None;
    primary_ = kNoNode;
    draining_ = false;
    lease_until_local_us_ = kNoLease;
    commit_pos_ = applied_pos_ = epoch_start_pos_ = 0;
    kv_ = {};
    peers_ = {};
    pending_.clear();
    client_last_ = {};
    apply_timer_armed_ = false;
    early_.clear();
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (go_dark_if_off(ctx)) return;
    switch (timer) {
      case kTimerHeartbeat: send_heartbeat(ctx); break;
      case kTimerReplicate: retransmit(ctx); break;
      case kTimerApply: apply_timer_armed_ = false; apply_due(ctx); break;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    if (go_dark_if_off(ctx)) return;
    switch (m.type) {
      case kWrite: on_write(ctx, m.from, m.body_as<WriteReq>()); break;
      case kRead: on_read(ctx, m.from, m.body_as<ReadReq>()); break;
      case kAppend: on_append(ctx, m.from, m.body_as<Append>()); break;
      case kAppendReply: on_append_reply(ctx, m.from, m.body_as<AppendReply>()); break;
      case kView:
        if (m.from == topology_.monitor) last_view_local_us_ = ctx.now_local_us();
        on_view(ctx, m.body_as<View>());
        break;
    }
  }

 private:
  struct Entry {
    int32_t epoch;
    int32_t key;  // -1: no-op
    int64_t value;
    int64_t write_id;
    TimeUs local_us;  // when this node appended it (its clock)
  };
  struct Peer {
    int64_t next_pos = 1;
    int64_t match_pos = 0;
    TimeUs last_send_local_us = kLongAgoUs;
    int64_t base_pos = 1;  // lowest position worth resending: the secondary holds what is before
    TimeUs rewind_local_us = kLongAgoUs;  // when a conflict last moved base_pos
  };
  struct Pending {
    int64_t pos;
    NodeId client;
    int64_t op;
  };
  struct Version {
    int64_t value = 0;
    int64_t write_id = 0;
  };
  struct ClientLast {
    int64_t write_id = 0;
    int64_t pos = 0;
  };
  static constexpr TimeUs kNoLease = -1;
  static constexpr int64_t kWindow = 64;  // entries in flight per secondary

  const Entry& entry(int64_t pos) const { return log_[static_cast<size_t>(pos - 1)]; }
  int32_t last_epoch() const { return log_.empty() ? 0 : log_.back().epoch; }

  // STONITH: the fencing device cut the power. The first event after that finds it off; from
  // then on nothing runs (timers are not re-armed) until a restart.
  bool go_dark_if_off(Context& ctx) {
    if (!powered_off()) return false;
    if (role_ != Role::None) {
      role_ = Role::None;
      ctx.trace_role(role_, epoch_);
      on_crash();
    }
    return true;
  }

  // STONITH in a two-site cluster: a primary that stops hearing the coordinator's site fears the
  // standby took over, and shoots it (after the tiebreaker delay). The coordinator does the same
  // to the primary: with no delay both shots land — the fence race of lesson 5.
  void maybe_shoot_peer(Context& ctx) {
    if (config_.prevention != Prevention::Stonith || role_ != Role::Primary || shot_peer_) return;
    if (ctx.now_local_us() - last_view_local_us_ <= config_.failover_timeout_us + config_.fence_delay_us) return;
    shot_peer_ = true;
    for (NodeId n = 0; n < topology_.db_nodes; ++n) {
      if (n == self_) continue;
      ctx.trace_note(kNoteFenceAsked, n, epoch_, 0, 0);
      ctx.send(topology_.fence_device, FenceRequest{n});
    }
  }

  // --- Heartbeats, views and roles (lesson 5 "heartbeat failure detection") --------------------

  void send_heartbeat(Context& ctx) {
    if (role_ == Role::Primary && config_.leased() && lease_until_local_us_ != kNoLease &&
        ctx.now_local_us() >= lease_until_local_us_) {
      ctx.trace_note(kNoteLeaseExpired, kNoNode, epoch_, 0, 0);
      step_down(ctx);
    }
    maybe_shoot_peer(ctx);
    const Heartbeat hb{ctx.now_local_us(), log_length(), applied_pos_, static_cast<int32_t>(epoch_), last_epoch(),
                       static_cast<uint8_t>(role_ == Role::Primary), static_cast<uint8_t>(draining_)};
    ctx.send(topology_.monitor, hb);
    if (topology_.witness != kNoNode) ctx.send(topology_.witness, hb);
    ctx.set_timer(kTimerHeartbeat, config_.heartbeat_interval_us);
  }

  void on_view(Context& ctx, const View& v) {
    if (v.epoch < epoch_) return;  // from before a promotion we already know about
    epoch_ = v.epoch;
    if (v.primary != self_) {
      if (role_ == Role::Primary) step_down(ctx);
      primary_ = v.primary;
      return;
    }
    if (role_ != Role::Primary) become_primary(ctx);
    if (v.lease_from_local_us >= 0)
      lease_until_local_us_ = std::max(lease_until_local_us_, v.lease_from_local_us + config_.lease_us());
    draining_ = v.drain != 0;
  }

  void become_primary(Context& ctx) {
    role_ = Role::Primary;
    primary_ = self_;
    last_view_local_us_ = ctx.now_local_us();
    shot_peer_ = false;
    ctx.trace_role(role_, epoch_);
    // Promotion replays what was received but not yet applied.
    apply_upto(log_length());
    lease_until_local_us_ = kNoLease;
    draining_ = false;
    pending_.clear();
    client_last_ = {};
    for (int64_t pos = 1; pos <= log_length(); ++pos) remember_write(entry(pos).write_id, pos);
    commit_pos_ = 0;
    // Like Raft's no-op at the start of a term (§8): reads wait until an entry of this epoch is
    // committed, so a new primary never serves a value a later failover could take back.
    epoch_start_pos_ = append_entry(ctx, AppendSource::Noop, -1, 0, 0);
    // Probe at the no-op: a secondary whose log matches up to it acknowledges at once; one that
    // does not answers with a conflict that moves base_pos down (Raft §5.3).
    for (Peer& p : peers_) p = Peer{epoch_start_pos_, 0, kLongAgoUs, epoch_start_pos_, kLongAgoUs};
    replicate_all(ctx);
    ctx.set_timer(kTimerReplicate, config_.heartbeat_interval_us);
    advance_commit(ctx);
  }

  void step_down(Context& ctx) {
    role_ = Role::Secondary;
    primary_ = kNoNode;
    ctx.trace_role(role_, epoch_);
    draining_ = false;
    lease_until_local_us_ = kNoLease;
    pending_.clear();  // their clients time out: the outcome is unknown to them
    ctx.cancel_timer(kTimerReplicate);
    apply_due(ctx);
  }

  bool lease_valid(const Context& ctx) const {
    return !config_.leased() || (lease_until_local_us_ != kNoLease && ctx.now_local_us() < lease_until_local_us_);
  }

  void reply(Context& ctx, NodeId client, int64_t op, Status status, int64_t value = 0, int64_t write_id = 0,
             int64_t pos = 0) {
    ctx.send(client, Reply{op, value, write_id, pos, epoch_, primary_, status});
  }

  // --- Client requests ---------------------------------------------------------------------------

  void on_write(Context& ctx, NodeId client, const WriteReq& w) {
    if (role_ != Role::Primary) return reply(ctx, client, w.op, Status::NotPrimary);
    if (draining_ || !lease_valid(ctx)) return reply(ctx, client, w.op, Status::Retry);
    const ClientLast& last = client_last_[client_slot(w.write_id)];
    if (w.write_id < last.write_id) return;  // a retry of an operation its client gave up on
    if (w.write_id == last.write_id) {       // a retry or duplicate: never apply twice
      if (last.pos <= commit_pos_) return reply(ctx, client, w.op, Status::Ok, w.value, w.write_id, last.pos);
      pending_.push_back(Pending{last.pos, client, w.op});
      return;
    }
    const int64_t pos = append_entry(ctx, AppendSource::ClientWrite, w.key, w.value, w.write_id);
    pending_.push_back(Pending{pos, client, w.op});
    replicate_all(ctx);
    advance_commit(ctx);
  }

  void on_read(Context& ctx, NodeId client, const ReadReq& r) {
    if (role_ == Role::Primary) {
      if (!lease_valid(ctx) || commit_pos_ < epoch_start_pos_) return reply(ctx, client, r.op, Status::Retry);
    } else if (r.primary_only != 0) {
      return reply(ctx, client, r.op, Status::NotPrimary);
    } else if (applied_pos_ < r.min_pos) {
      return reply(ctx, client, r.op, Status::Behind);
    }
    const Version& v = kv_[static_cast<size_t>(r.key)];
    reply(ctx, client, r.op, Status::Ok, v.value, v.write_id, applied_pos_);
  }

  static size_t client_slot(int64_t write_id) { return static_cast<size_t>((write_id >> 32) % kMaxNodes); }
  void remember_write(int64_t write_id, int64_t pos) {
    if (write_id != 0) client_last_[client_slot(write_id)] = ClientLast{write_id, pos};
  }

  int64_t append_entry(Context& ctx, AppendSource source, int32_t key, int64_t value, int64_t write_id) {
    log_.push_back(Entry{static_cast<int32_t>(epoch_), key, value, write_id, ctx.now_local_us()});
    const int64_t pos = log_length();
    remember_write(write_id, pos);
    ctx.trace_append(source, pos, static_cast<int32_t>(epoch_), key, value, write_id);
    return pos;
  }

  // --- Replication, primary side -----------------------------------------------------------------

  void send_window(Context& ctx, NodeId peer) {
    Peer& p = peers_[static_cast<size_t>(peer)];
    // In flight = beyond what the secondary is known to hold (acknowledged, or below base_pos).
    while (p.next_pos <= log_length() && p.next_pos - std::max(p.match_pos, p.base_pos - 1) <= kWindow) {
      const Entry& e = entry(p.next_pos);
      const int32_t prev_epoch = p.next_pos > 1 ? entry(p.next_pos - 1).epoch : 0;
      ctx.send(peer, Append{p.next_pos, e.value, e.write_id, static_cast<int32_t>(epoch_), e.epoch, prev_epoch, e.key});
      p.last_send_local_us = ctx.now_local_us();
      ++p.next_pos;
    }
  }

  void replicate_all(Context& ctx) {
    for (NodeId n = 0; n < topology_.db_nodes; ++n)
      if (n != self_) send_window(ctx, n);
  }

  // Lost appends are resent from the last acknowledged position (go-back-N), never from before
  // the point the secondary is known to hold.
  void retransmit(Context& ctx) {
    if (role_ != Role::Primary) return;
    for (NodeId n = 0; n < topology_.db_nodes; ++n) {
      Peer& p = peers_[static_cast<size_t>(n)];
      if (n == self_ || p.match_pos >= log_length() ||
          ctx.now_local_us() - p.last_send_local_us < config_.heartbeat_interval_us)
        continue;
      p.next_pos = std::max(p.match_pos + 1, p.base_pos);
      send_window(ctx, n);
    }
    ctx.set_timer(kTimerReplicate, config_.heartbeat_interval_us);
  }

  void on_append_reply(Context& ctx, NodeId from, const AppendReply& r) {
    if (r.result == AppendResult::Fenced) {
      if (role_ == Role::Primary && r.epoch > epoch_) {
        ctx.trace_note(kNoteFenced, from, r.epoch, 0, 0);
        epoch_ = r.epoch;
        step_down(ctx);
      }
      return;
    }
    if (role_ != Role::Primary || r.epoch != epoch_) return;  // answers an older stint
    Peer& p = peers_[static_cast<size_t>(from)];
    if (r.result == AppendResult::Ok) {
      p.match_pos = std::max(p.match_pos, r.pos);
      p.next_pos = std::max(p.next_pos, p.match_pos + 1);
      advance_commit(ctx);
    } else {
      // Several in-flight appends can report the same conflict: resend from there only once
      // per retransmission interval, or each report would trigger a whole window (a storm).
      const bool repeated = r.pos == p.base_pos &&
                            ctx.now_local_us() - p.rewind_local_us < config_.heartbeat_interval_us;
      if (repeated || r.pos <= p.match_pos) return;
      p.base_pos = std::max<int64_t>(1, r.pos);
      p.rewind_local_us = ctx.now_local_us();
      p.next_pos = p.base_pos;
    }
    send_window(ctx, from);
  }

  // Lesson 2: the acknowledgement mode decides how many secondaries must hold an entry.
  // With fencing tokens the storage (a replica) must accept a write before it counts: at least
  // semi-synchronous.
  int64_t commit_candidate() const {
    const AckMode mode = config_.prevention == Prevention::Tokens ? std::max(config_.ack_mode, AckMode::SemiSync)
                                                                 : config_.ack_mode;
    if (mode == AckMode::Async) return log_length();
    int64_t lowest = log_length(), highest = 0;
    for (NodeId n = 0; n < topology_.db_nodes; ++n) {
      if (n == self_) continue;
      lowest = std::min(lowest, peers_[static_cast<size_t>(n)].match_pos);
      highest = std::max(highest, peers_[static_cast<size_t>(n)].match_pos);
    }
    return mode == AckMode::Sync ? lowest : std::min(highest, log_length());
  }

  void advance_commit(Context& ctx) {
    const int64_t candidate = commit_candidate();
    if (candidate <= commit_pos_) return;
    commit_pos_ = candidate;
    apply_upto(commit_pos_);
    size_t kept = 0;
    for (const Pending& p : pending_) {
      if (p.pos > commit_pos_) {
        pending_[kept++] = p;
        continue;
      }
      const Entry& e = entry(p.pos);
      reply(ctx, p.client, p.op, Status::Ok, e.value, e.write_id, p.pos);
    }
    pending_.resize(kept);
  }

  // --- Replication, secondary side ---------------------------------------------------------------

  void on_append(Context& ctx, NodeId from, const Append& a) {
    if (a.epoch > epoch_) {  // a newer primary: follow it
      epoch_ = a.epoch;
      if (role_ == Role::Primary) step_down(ctx);
      primary_ = from;
      early_.clear();
    } else if (a.epoch < epoch_) {
      // Fencing tokens: the storage rejects the older token and tells the deposed primary.
      // Without them it simply hears nothing back.
      if (config_.checks_tokens()) {
        ctx.trace_note(kNoteTokenRejected, from, a.epoch, epoch_, 0);
        ctx.send(from, AppendReply{0, static_cast<int32_t>(epoch_), AppendResult::Fenced});
      }
      return;
    } else if (primary_ == kNoNode && role_ != Role::Primary) {
      primary_ = from;
    }
    if (from != primary_) return;
    if (a.pos > log_length() + 1) return hold_early(ctx, a);
    AppendReply reply = accept_entry(ctx, a);
    // Entries that overtook this one on the network can follow it now.
    for (auto next = find_early(); reply.result == AppendResult::Ok && next != early_.end(); next = find_early()) {
      const Append held = *next;
      early_.erase(next);
      reply = accept_entry(ctx, held);
    }
    ctx.send(from, reply);
  }

  // The network reorders datagrams; like TCP's out-of-order queue, keep entries that arrive
  // ahead of a gap (up to one window) instead of making the primary resend everything. A second
  // copy of a held entry means the primary is retransmitting and the gap will not fill by
  // itself: then (or when far ahead) say where this log ends.
  void hold_early(Context& ctx, const Append& a) {
    const bool again = std::any_of(early_.begin(), early_.end(), [&a](const Append& e) { return e.pos == a.pos; });
    if (!again && a.pos <= log_length() + kWindow && static_cast<int64_t>(early_.size()) < kWindow) {
      early_.push_back(a);
      return;
    }
    ctx.send(primary_, AppendReply{log_length() + 1, a.epoch, AppendResult::Conflict});
  }

  std::vector<Append>::iterator find_early() {
    return std::find_if(early_.begin(), early_.end(), [this](const Append& e) { return e.pos == log_length() + 1; });
  }

  // Raft's AppendEntries receiver rules (§5.3): the entry is taken only if the previous one
  // matches; otherwise the reply says where the primary should resend from.
  AppendReply accept_entry(Context& ctx, const Append& a) {
    const auto answer = [&a](AppendResult result, int64_t pos) { return AppendReply{pos, a.epoch, result}; };
    if (a.pos <= log_length()) {
      if (entry(a.pos).epoch == a.entry_epoch) return answer(AppendResult::Ok, a.pos);  // duplicate
      truncate_to(ctx, a.pos - 1);  // diverged: this node's suffix came from a deposed primary
    }
    if (a.pos > 1 && entry(a.pos - 1).epoch != a.prev_epoch) {
      int64_t start = a.pos - 1;  // skip the whole run of the conflicting epoch at once
      while (start > 1 && entry(start - 1).epoch == entry(a.pos - 1).epoch) --start;
      return answer(AppendResult::Conflict, start);
    }
    log_.push_back(Entry{a.entry_epoch, a.key, a.value, a.write_id, ctx.now_local_us()});
    ctx.trace_append(a.key < 0 ? AppendSource::Noop : AppendSource::Replicated, a.pos, a.entry_epoch, a.key,
                     a.value, a.write_id);
    apply_due(ctx);
    return answer(AppendResult::Ok, a.pos);
  }

  void truncate_to(Context& ctx, int64_t length) {
    const int64_t removed = log_length() - length;
    for (int64_t p = length + 1; p <= log_length(); ++p)
      if (entry(p).key >= 0) discarded_.push_back(Discarded{entry(p).write_id, entry(p).key, entry(p).epoch, p <= commit_pos_});
    log_.resize(static_cast<size_t>(length));
    ctx.trace_truncate(length, removed);
    if (applied_pos_ > length) rebuild_state(length);
  }

  // --- Applying entries to the key-value state ---------------------------------------------------

  void apply_one(int64_t pos) {
    const Entry& e = entry(pos);
    if (e.key >= 0) kv_[static_cast<size_t>(e.key)] = Version{e.value, e.write_id};
    applied_pos_ = pos;
  }

  void apply_upto(int64_t pos) {
    while (applied_pos_ < pos) apply_one(applied_pos_ + 1);
  }

  void rebuild_state(int64_t upto) {
    kv_ = {};
    applied_pos_ = 0;
    apply_upto(upto);
  }

  // A secondary applies each entry apply_delay_us after receiving it (replica apply lag).
  void apply_due(Context& ctx) {
    if (role_ == Role::Primary) return;  // the primary applies on commit
    while (applied_pos_ < log_length() && entry(applied_pos_ + 1).local_us + apply_delay_us_ <= ctx.now_local_us())
      apply_one(applied_pos_ + 1);
    if (applied_pos_ < log_length() && !apply_timer_armed_) {
      apply_timer_armed_ = true;
      ctx.set_timer(kTimerApply, entry(applied_pos_ + 1).local_us + apply_delay_us_ - ctx.now_local_us());
    }
  }

  const ReplicationConfig config_;
  const Topology topology_;
  TimeUs apply_delay_us_;
  PowerSwitch* power_;  // the scenario's
  NodeId self_ = kNoNode;
  // Durable: survives crashes.
  std::vector<Entry> log_;
  int64_t epoch_ = 1;
  std::vector<Discarded> discarded_;  // an observation for the divergence figure
  // Volatile.
  Role role_ = Role::None;
  NodeId primary_ = kNoNode;
  bool draining_ = false;
  bool apply_timer_armed_ = false;
  TimeUs lease_until_local_us_ = kNoLease;
  int64_t commit_pos_ = 0;
  int64_t applied_pos_ = 0;
  int64_t epoch_start_pos_ = 0;
  std::array<Version, kMaxKeys> kv_{};
  std::array<Peer, kMaxNodes> peers_{};
  std::array<ClientLast, kMaxNodes> client_last_{};
  std::vector<Pending> pending_;
  std::vector<Append> early_;  // arrived ahead of a gap, waiting for it (secondary)
  TimeUs last_view_local_us_ = 0;  // last word from the coordinator (STONITH's peer watch)
  bool shot_peer_ = false;
};

// ================================================================================================
// Failover coordinator (lesson 5: "health check detects primary failure, coordinator verifies,
// standby promoted, clients redirected")
// ================================================================================================

class Monitor : public Protocol {
 public:
  Monitor(const ReplicationConfig& config, const Topology& topology) : config_(config), topology_(topology) {}

  int64_t epoch() const { return epoch_; }

  void on_start(Context& ctx) override {
    ctx.trace_role(Role::Monitor, epoch_);
    // After a restart the coordinator knows nothing recent: everyone gets a full timeout of
    // grace, and any lease it may have granted before crashing is assumed still running.
    for (Member& m : members_) m = Member{ctx.now_local_us(), 0, 0};
    last_grant_local_us_ = ctx.now_local_us();
    ctx.set_timer(kTimerTick, config_.heartbeat_interval_us);
  }

  void on_crash() override {
    members_ = {};
    failover_ = Failover{};
    switchover_ = Switchover{};
  }

  void on_timer(Context& ctx, TimerId) override {
    tick(ctx);
    ctx.set_timer(kTimerTick, config_.heartbeat_interval_us);
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kHeartbeat: on_heartbeat(ctx, m.from, m.body_as<Heartbeat>()); break;
      case kRouteQuery: ctx.send(m.from, View{-1, static_cast<int32_t>(epoch_), primary_, 0}); break;
      case kOperator: on_operator(ctx, m.body_as<Operator>()); break;
      case kVote: on_vote(ctx, m.body_as<Vote>()); break;
      case kFenceDone: on_fence_done(ctx, m.body_as<FenceDone>()); break;
    }
  }

 private:
  struct Member {
    TimeUs last_heard_local_us = 0;
    int64_t log_length = 0;
    int32_t last_epoch = 0;
  };
  struct Failover {
    bool active = false;
    NodeId target = kNoNode;  // kNoNode: pick the most up-to-date reachable secondary
    uint8_t note = kNotePromoteAuto;
    TimeUs not_before_local_us = 0;
    bool approved = false;  // the witness voted yes, or the fencing device confirmed the power-off
    TimeUs asked_local_us = kLongAgoUs;  // last vote or fencing request
  };
  struct Switchover {
    bool active = false;
    NodeId target = kNoNode;
    int64_t final_length = -1;  // the drained primary's log length, once reported
    TimeUs drained_local_us = 0;  // when that report arrived
    TimeUs deadline_local_us = 0;
  };

  // A candidate must have been heard from within the last few heartbeats: a node silent for
  // longer may be down, and promoting it would leave the cluster without a primary.
  bool reachable(const Context& ctx, NodeId n) const {
    return ctx.now_local_us() - members_[static_cast<size_t>(n)].last_heard_local_us <= 3 * config_.heartbeat_interval_us;
  }

  void on_heartbeat(Context& ctx, NodeId from, const Heartbeat& hb) {
    members_[static_cast<size_t>(from)] = Member{ctx.now_local_us(), hb.log_length, hb.last_epoch};
    int64_t lease_from = -1;
    // No lease renewals once a failover is decided: the old lease must be allowed to run out.
    if (from == primary_ && !failover_.active) {
      lease_from = hb.sent_local_us;
      last_grant_local_us_ = ctx.now_local_us();
    }
    if (switchover_.active && from == primary_ && hb.draining != 0 && switchover_.final_length < 0) {
      switchover_.final_length = hb.log_length;
      switchover_.drained_local_us = ctx.now_local_us();
    }
    ctx.send(from, View{lease_from, static_cast<int32_t>(epoch_), primary_,
                        static_cast<uint8_t>(switchover_.active && from == primary_)});
  }

  void on_operator(Context& ctx, const Operator& op) {
    if (op.target == primary_ || failover_.active) return;
    if (op.action == Action::Promote) return begin_failover(ctx, op.target, kNotePromoteManual);
    if (op.action != Action::Switchover || switchover_.active) return;
    switchover_ = Switchover{true, op.target, -1, 0, ctx.now_local_us() + config_.switchover_timeout_us};
    ctx.trace_note(kNoteSwitchoverStart, op.target, epoch_, 0, 0);
    ctx.send(primary_, View{-1, static_cast<int32_t>(epoch_), primary_, 1});
  }

  void tick(Context& ctx) {
    const TimeUs silent_us = ctx.now_local_us() - members_[static_cast<size_t>(primary_)].last_heard_local_us;
    // With a witness, a failover it refused is called off once the primary is heard again.
    if (failover_.active && config_.prevention == Prevention::Witness && failover_.note == kNotePromoteAuto &&
        silent_us <= config_.failover_timeout_us) {
      ctx.trace_note(kNoteFailoverCalledOff, primary_, epoch_, 0, 0);
      failover_ = Failover{};
      return;
    }
    if (failover_.active) return try_promote(ctx);
    if (switchover_.active) return check_switchover(ctx);
    if (config_.auto_failover && silent_us > config_.failover_timeout_us) {
      ctx.trace_note(kNoteFailoverStart, primary_, silent_us, 0, 0);
      begin_failover(ctx, kNoNode, kNotePromoteAuto);
    }
  }

  void begin_failover(Context& ctx, NodeId target, uint8_t note) {
    // Fencing: wait until the old primary's lease has certainly expired (its lease began no
    // later than our last grant and lasts lease_us on a clock that runs at our rate).
    const TimeUs not_before = config_.leased() ? last_grant_local_us_ + config_.lease_us() : ctx.now_local_us();
    failover_ = Failover{true, target, note, not_before, false, kLongAgoUs};
    try_promote(ctx);
  }

  void check_switchover(Context& ctx) {
    const Member& t = members_[static_cast<size_t>(switchover_.target)];
    if (ctx.now_local_us() > switchover_.deadline_local_us) {
      ctx.trace_note(kNoteSwitchoverAbort, switchover_.target, epoch_, 0, 0);
      switchover_ = Switchover{};
      ctx.send(primary_, View{-1, static_cast<int32_t>(epoch_), primary_, 0});
      return;
    }
    // Lesson 5 "verify standby is caught up": a report sent after the drain shows the target
    // holds every entry of the drained primary, including this epoch's.
    if (switchover_.final_length >= 0 && t.last_heard_local_us > switchover_.drained_local_us &&
        t.log_length >= switchover_.final_length && t.last_epoch == epoch_)
      begin_failover(ctx, switchover_.target, kNotePromoteSwitchover);
  }

  // Lesson 5: promote the most up-to-date reachable secondary (newest last epoch, then longest
  // log; ties go to the lowest id).
  NodeId best_candidate(const Context& ctx) const {
    NodeId best = kNoNode;
    for (NodeId n = 0; n < topology_.db_nodes; ++n) {
      if (n == primary_ || !reachable(ctx, n)) continue;
      const Member& m = members_[static_cast<size_t>(n)];
      const Member* b = best == kNoNode ? nullptr : &members_[static_cast<size_t>(best)];
      if (b == nullptr || m.last_epoch > b->last_epoch || (m.last_epoch == b->last_epoch && m.log_length > b->log_length))
        best = n;
    }
    return best;
  }

  void try_promote(Context& ctx) {
    if (ctx.now_local_us() < failover_.not_before_local_us) return;
    const NodeId target = failover_.target != kNoNode ? failover_.target : best_candidate(ctx);
    if (target == kNoNode) {
      ctx.trace_note(kNoteNoCandidate, primary_, epoch_, 0, 0);
      return;
    }
    if (!failover_.approved && config_.prevention == Prevention::Witness) return ask(ctx, topology_.witness,
        VoteRequest{static_cast<int32_t>(epoch_ + 1), primary_, target}, kNoteVoteAsked, target);
    if (!failover_.approved && config_.prevention == Prevention::Stonith)
      return ask(ctx, topology_.fence_device, FenceRequest{primary_}, kNoteFenceAsked, primary_);
    ++epoch_;
    primary_ = target;
    ctx.trace_note(failover_.note, target, epoch_, 0, 0);
    failover_ = Failover{};
    switchover_ = Switchover{};
    members_[static_cast<size_t>(target)].last_heard_local_us = ctx.now_local_us();
    last_grant_local_us_ = ctx.now_local_us();
    // Tell everyone at once: the new primary, the other database nodes, and the clients'
    // routing (lesson 5 step 4, "DNS/load balancer updated to point to the new primary").
    const View v{-1, static_cast<int32_t>(epoch_), primary_, 0};
    for (NodeId n = 0; n < topology_.db_nodes; ++n) ctx.send(n, v);
    for (int c = 0; c < topology_.clients; ++c) ctx.send(topology_.first_client + c, v);
    if (topology_.witness != kNoNode) ctx.send(topology_.witness, v);
  }

  // Asks the witness for its vote or the fencing device for a power-off, again every few
  // heartbeats while unanswered (a refusal may turn into a yes; a request may be lost).
  template <class Request>
  void ask(Context& ctx, NodeId to, const Request& request, uint8_t note, NodeId about) {
    if (ctx.now_local_us() - failover_.asked_local_us < 5 * config_.heartbeat_interval_us) return;
    if (failover_.asked_local_us == kLongAgoUs) ctx.trace_note(note, about, epoch_, 0, 0);
    failover_.asked_local_us = ctx.now_local_us();
    ctx.send(to, request);
  }

  void on_vote(Context& ctx, const Vote& v) {
    if (!failover_.active || v.epoch != epoch_ + 1 || v.granted == 0) return;
    failover_.approved = true;
    try_promote(ctx);
  }

  // STONITH: only a confirmed power-off of the old primary lets the promotion go ahead.
  void on_fence_done(Context& ctx, const FenceDone& d) {
    if (!failover_.active || d.target != primary_) return;
    failover_.approved = true;
    try_promote(ctx);
  }

  const ReplicationConfig config_;
  const Topology topology_;
  // Durable: the cluster's epoch and primary never go backwards, even across a restart.
  int64_t epoch_ = 1;
  NodeId primary_ = 0;
  // Volatile.
  std::array<Member, kMaxNodes> members_{};
  TimeUs last_grant_local_us_ = 0;
  Failover failover_;
  Switchover switchover_;
};

// ================================================================================================
// Witness (lesson 5 "Witnesses and where to put them"): a voter with no data in a third site. It
// renews the primary's lease as the coordinator does, so the primary keeps writing while it
// reaches a majority (itself + coordinator or witness), and it approves a promotion only when it
// too has lost the primary — by then the leases it granted have run out.
// ================================================================================================

class WitnessNode : public Protocol {
 public:
  WitnessNode(const ReplicationConfig& config, const Topology& topology) : config_(config), topology_(topology) {}

  int64_t epoch() const { return epoch_; }

  void on_start(Context& ctx) override {
    ctx.trace_role(Role::Monitor, epoch_);
    last_heard_local_us_.fill(ctx.now_local_us());  // after a restart, everyone gets a full timeout
  }

  void on_crash() override { last_heard_local_us_ = {}; }
  void on_timer(Context&, TimerId) override {}

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kHeartbeat: {
        const Heartbeat hb = m.body_as<Heartbeat>();
        last_heard_local_us_[static_cast<size_t>(m.from)] = ctx.now_local_us();
        ctx.send(m.from, View{m.from == primary_ ? hb.sent_local_us : -1, static_cast<int32_t>(epoch_), primary_, 0});
        break;
      }
      case kVoteRequest: on_vote_request(ctx, m.from, m.body_as<VoteRequest>()); break;
      case kView: {
        const View v = m.body_as<View>();
        if (v.epoch > epoch_) {
          epoch_ = v.epoch;
          primary_ = v.primary;
        }
        break;
      }
    }
  }

 private:
  void on_vote_request(Context& ctx, NodeId from, const VoteRequest& r) {
    const TimeUs silent_us = ctx.now_local_us() - last_heard_local_us_[static_cast<size_t>(r.old_primary)];
    const bool granted = r.epoch > epoch_ && silent_us > config_.failover_timeout_us;
    if (granted) {
      epoch_ = r.epoch;  // from now on only the candidate gets leases from here
      primary_ = r.candidate;
      ctx.trace_note(kNoteVoteGranted, r.candidate, r.epoch, 0, 0);
    } else if (r.epoch != refused_epoch_) {
      refused_epoch_ = r.epoch;  // say it once per failover attempt
      ctx.trace_note(kNoteVoteRefused, r.old_primary, silent_us, 0, 0);
    }
    ctx.send(from, Vote{r.epoch, static_cast<uint8_t>(granted)});
  }

  const ReplicationConfig config_;
  const Topology topology_;
  // Durable: a vote is never taken back.
  int64_t epoch_ = 1;
  NodeId primary_ = 0;
  // Volatile.
  std::array<TimeUs, kMaxNodes> last_heard_local_us_{};
  int32_t refused_epoch_ = 0;
};

// ================================================================================================
// Fencing device (lesson 5 "Fencing and STONITH"): a power switch on a management network.
// It takes power_off_us to cut a node's power and then confirms to whoever asked.
// ================================================================================================

class FenceDevice : public Protocol {
 public:
  FenceDevice(const ReplicationConfig& config, PowerSwitch* power) : config_(config), power_(power) {}

  void on_start(Context& ctx) override { ctx.trace_role(Role::None, 0); }
  void on_crash() override { pending_.clear(); }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kFenceRequest) return;
    const NodeId target = m.body_as<FenceRequest>().target;
    if (power_->off[static_cast<size_t>(target)]) return ctx.send(m.from, FenceDone{target});
    for (const Pending& p : pending_)
      if (p.target == target && p.asker == m.from) return;
    pending_.push_back(Pending{target, m.from, ctx.now_local_us() + config_.power_off_us});
    if (pending_.size() == 1) ctx.set_timer(kTimerPower, config_.power_off_us);
  }

  // Requests complete in arrival order, each power_off_us after it came in.
  void on_timer(Context& ctx, TimerId) override {
    while (!pending_.empty() && pending_.front().done_local_us <= ctx.now_local_us()) {
      const Pending p = pending_.front();
      pending_.erase(pending_.begin());
      if (!power_->off[static_cast<size_t>(p.target)]) ctx.trace_note(kNotePoweredOff, p.target, p.asker, 0, 0);
      power_->off[static_cast<size_t>(p.target)] = true;
      ctx.send(p.asker, FenceDone{p.target});
    }
    if (!pending_.empty()) ctx.set_timer(kTimerPower, pending_.front().done_local_us - ctx.now_local_us());
  }

 private:
  struct Pending {
    NodeId target;
    NodeId asker;
    TimeUs done_local_us;
  };
  const ReplicationConfig config_;
  PowerSwitch* power_;  // the scenario's
  std::vector<Pending> pending_;
};

// ================================================================================================
// Client: the built-in workload plus manual operations, with session routing (lesson 2,
// "handling replication lag": read-your-writes, monotonic reads)
// ================================================================================================

class Client : public Protocol {
 public:
  Client(const ReplicationConfig& config, const Topology& topology, int index)
      : config_(config), topology_(topology), index_(index), rate_ops_per_s_(config.workload_ops_per_s) {}

  void set_rate(int ops_per_s) { rate_ops_per_s_ = ops_per_s; }

  void on_start(Context& ctx) override {
    primary_hint_ = 0;  // the static configuration every client boots with: n1
    hint_epoch_ = 0;
    schedule_next(ctx, /*first=*/true);
  }

  void on_crash() override {
    op_ = Op{};
    manual_.clear();
    last_write_pos_ = last_read_pos_ = 0;
    sticky_ = kNoNode;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    switch (timer) {
      case kTimerNextOp: start_next(ctx); break;
      case kTimerOpTimeout: time_out(ctx); break;
      case kTimerRetry: if (op_.active) send_attempt(ctx); break;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    switch (m.type) {
      case kReply: on_reply(ctx, m.from, m.body_as<Reply>()); break;
      case kView: on_route(ctx, m.body_as<View>()); break;
      case kOperator: on_operator(ctx, m.body_as<Operator>()); break;
    }
  }

 private:
  struct Op {
    bool active = false;
    OpKind kind = OpKind::Read;
    int32_t key = 0;
    int64_t value = 0;
    int64_t seq = 0;
    int64_t write_id = 0;
    int attempts = 0;
  };
  struct Manual {
    OpKind kind;
    int32_t key;
    int64_t value;
  };
  static constexpr int kMaxQuickRetries = 3;
  static constexpr TimeUs kRetryBackoffUs = 20 * kUsPerMs;
  static constexpr size_t kMaxManualQueue = 16;

  TimeUs mean_interval_us() const {
    return rate_ops_per_s_ <= 0 ? 0 : kUsPerS * topology_.clients / rate_ops_per_s_;
  }

  // Think time drawn uniformly in [mean/2, 3·mean/2]; the first op lands anywhere in one mean.
  void schedule_next(Context& ctx, bool first) {
    if (!manual_.empty()) return start_next(ctx);
    const TimeUs mean_us = mean_interval_us();
    if (mean_us == 0) return;
    ctx.set_timer(kTimerNextOp, first ? ctx.rng().below(mean_us + 1) : ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  void on_operator(Context& ctx, const Operator& o) {
    if (o.action == Action::Wake) {
      if (!op_.active) schedule_next(ctx, true);
      return;
    }
    if (manual_.size() >= kMaxManualQueue) return;
    manual_.push_back(Manual{o.action == Action::Write ? OpKind::Write : OpKind::Read, o.key, o.value});
    if (!op_.active) start_next(ctx);
  }

  void start_next(Context& ctx) {
    if (op_.active) return;
    ++seq_;
    Op op;
    op.active = true;
    op.seq = seq_;
    if (!manual_.empty()) {
      op.kind = manual_.front().kind;
      op.key = manual_.front().key;
      op.value = manual_.front().value;
      manual_.erase(manual_.begin());
    } else {
      op.kind = ctx.rng().below(100) < config_.write_percent ? OpKind::Write : OpKind::Read;
      op.key = static_cast<int32_t>(ctx.rng().below(config_.keys));
      op.value = seq_ * topology_.clients + index_ + 1;  // small and unique across clients
    }
    // Unique per run: client number in the high half, its durable sequence in the low half.
    op.write_id = op.kind == OpKind::Write ? (int64_t{index_ + 1} << 32) | seq_ : 0;
    op_ = op;
    ctx.trace_invoke(op.kind, op.key, op.seq, op.kind == OpKind::Write ? op.value : 0, op.write_id);
    ctx.set_timer(kTimerOpTimeout, config_.op_timeout_us);
    send_attempt(ctx);
  }

  NodeId random_db(Context& ctx) const { return static_cast<NodeId>(ctx.rng().below(topology_.db_nodes)); }

  void send_attempt(Context& ctx) {
    if (op_.kind == OpKind::Write) {
      ctx.send(primary_hint_, WriteReq{op_.seq, op_.write_id, op_.value, op_.key});
      return;
    }
    // A read that was refused once (replica behind, or not primary) goes to the primary.
    const bool fallback = op_.attempts > 0;
    switch (config_.read_routing) {
      case ReadRouting::Primary: return send_read(ctx, primary_hint_, 0, true);
      case ReadRouting::AnyReplica: return send_read(ctx, fallback ? primary_hint_ : random_db(ctx), 0, fallback);
      case ReadRouting::ReadYourWrites:
        return send_read(ctx, fallback ? primary_hint_ : random_db(ctx), last_write_pos_, fallback);
      case ReadRouting::MonotonicReads:
        if (sticky_ == kNoNode) sticky_ = random_db(ctx);
        return send_read(ctx, fallback ? primary_hint_ : sticky_, last_read_pos_, fallback);
    }
  }

  void send_read(Context& ctx, NodeId target, int64_t min_pos, bool primary_only) {
    ctx.send(target, ReadReq{op_.seq, min_pos, op_.key, static_cast<uint8_t>(primary_only)});
  }

  bool learn_primary(NodeId primary, int64_t epoch) {
    if (primary == kNoNode || epoch <= hint_epoch_) return false;
    primary_hint_ = primary;
    hint_epoch_ = epoch;
    return true;
  }

  // Lesson 5 "clients reconnect to the new primary": an operation in progress is resent at once
  // (a write keeps its id, so the new primary never applies it twice).
  void on_route(Context& ctx, const View& v) {
    if (learn_primary(v.primary, v.epoch) && op_.active) send_attempt(ctx);
  }

  void on_reply(Context& ctx, NodeId from, const Reply& r) {
    if (!op_.active || r.op != op_.seq) return;  // late or duplicate answer
    switch (r.status) {
      case Status::Ok: return complete(ctx, from, r);
      case Status::NotPrimary:
        learn_primary(r.hint_primary, r.hint_epoch);
        if (r.hint_primary == kNoNode) ctx.send(topology_.monitor, RouteQuery{0});
        break;
      case Status::Behind:
      case Status::Retry: break;
    }
    ++op_.attempts;
    if (r.status == Status::Behind || (r.status == Status::NotPrimary && op_.attempts <= kMaxQuickRetries))
      send_attempt(ctx);
    else
      ctx.set_timer(kTimerRetry, kRetryBackoffUs);
  }

  void complete(Context& ctx, NodeId from, const Reply& r) {
    const bool write = op_.kind == OpKind::Write;
    ctx.trace_complete(op_.kind, OpResult::Ok, from, op_.key, op_.seq, write ? op_.value : r.value,
                       write ? op_.write_id : r.write_id);
    if (write) last_write_pos_ = r.pos;
    else last_read_pos_ = std::max(last_read_pos_, r.pos);
    finish(ctx);
  }

  void time_out(Context& ctx) {
    ctx.trace_complete(op_.kind, OpResult::Timeout, kNoNode, op_.key, op_.seq, op_.value, op_.write_id);
    ctx.send(topology_.monitor, RouteQuery{0});  // maybe the primary moved
    finish(ctx);
  }

  void finish(Context& ctx) {
    op_.active = false;
    ctx.cancel_timer(kTimerOpTimeout);
    ctx.cancel_timer(kTimerRetry);
    schedule_next(ctx, false);
  }

  const ReplicationConfig config_;
  const Topology topology_;
  const int index_;
  // Durable: the client's configuration and its operation counter (write ids stay unique).
  int rate_ops_per_s_;
  int64_t seq_ = 0;
  // Volatile.
  NodeId primary_hint_ = 0;
  int64_t hint_epoch_ = 0;
  Op op_;
  std::vector<Manual> manual_;
  int64_t last_write_pos_ = 0;
  int64_t last_read_pos_ = 0;
  NodeId sticky_ = kNoNode;
};

// ================================================================================================
// Divergence (lesson 5: "when the network heals, someone has to reconcile two histories")
// ================================================================================================

// Client writes that database nodes other than `primary` hold (or threw away when they rejoined)
// and `primary`'s log lacks; keys that `primary` also wrote in a later epoch are conflicts.
Divergence divergence_of(const std::vector<const DbNode*>& db, NodeId primary, std::vector<Divergence>* per_node) {
  Divergence total;
  if (primary == kNoNode) return total;
  const DbNode& p = *db[static_cast<size_t>(primary)];
  std::vector<int64_t> kept;                          // write ids in the surviving history
  std::array<int32_t, kMaxKeys> newest_epoch_of_key{};  // latest epoch in which it wrote each key
  p.for_each_write_from(1, [&](int64_t id, int32_t key, int32_t epoch, bool) {
    kept.push_back(id);
    newest_epoch_of_key[static_cast<size_t>(key)] = std::max(newest_epoch_of_key[static_cast<size_t>(key)], epoch);
  });
  std::sort(kept.begin(), kept.end());
  for (size_t n = 0; n < db.size(); ++n) {
    Divergence d;
    std::array<bool, kMaxKeys> conflict{};
    const auto count = [&](int64_t id, int32_t key, int32_t epoch, bool acked) {
      if (std::binary_search(kept.begin(), kept.end(), id)) return;
      ++d.writes;
      d.acknowledged += acked ? 1 : 0;
      conflict[static_cast<size_t>(key)] = conflict[static_cast<size_t>(key)] || newest_epoch_of_key[static_cast<size_t>(key)] > epoch;
    };
    if (static_cast<NodeId>(n) != primary) {
      db[n]->for_each_write_from(1, count);
      for (const DbNode::Discarded& x : db[n]->discarded()) count(x.write_id, x.key, x.epoch, x.acked);
    }
    d.keys_both_sides = std::count(conflict.begin(), conflict.end(), true);
    total.writes += d.writes;
    total.acknowledged += d.acknowledged;
    total.keys_both_sides += d.keys_both_sides;
    if (per_node != nullptr) per_node->push_back(d);
  }
  return total;
}

// ================================================================================================
// The scenario: cast, commands, views
// ================================================================================================

class ReplicationScenario : public Scenario {
 public:
  explicit ReplicationScenario(const ReplicationConfig& config) : config_(config), topology_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < topology_.db_nodes; ++i) out.push_back("n" + std::to_string(i + 1));
    out.push_back("mon");
    for (int i = 0; i < topology_.clients; ++i) out.push_back("c" + std::to_string(i + 1));
    if (topology_.witness != kNoNode) out.push_back("wit");
    if (topology_.fence_device != kNoNode) out.push_back("pdu");
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (int i = 0; i < topology_.db_nodes; ++i) {
      auto node = std::make_unique<DbNode>(config_, topology_, &power_);
      db_.push_back(node.get());
      engine.add_node(n[static_cast<size_t>(i)], std::move(node));
    }
    auto monitor = std::make_unique<Monitor>(config_, topology_);
    monitor_ = monitor.get();
    engine.add_node("mon", std::move(monitor));
    for (int i = 0; i < topology_.clients; ++i) {
      auto client = std::make_unique<Client>(config_, topology_, i);
      clients_.push_back(client.get());
      engine.add_node(n[static_cast<size_t>(topology_.first_client + i)], std::move(client));
    }
    if (topology_.witness != kNoNode) {
      auto witness = std::make_unique<WitnessNode>(config_, topology_);
      witness_ = witness.get();
      engine.add_node("wit", std::move(witness));
    }
    if (topology_.fence_device != kNoNode) engine.add_node("pdu", std::make_unique<FenceDevice>(config_, &power_));
  }

  const Vocabulary& vocabulary() const override { return config_.sites ? kSiteVocabulary : kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    const auto fail = [error](const char* message) { *error = message; return false; };
    switch (c.verb) {
      case Verb::Write:
      case Verb::Read:
        if (!topology_.is_client(c.a)) return fail("reads and writes are issued by a client (c1, c2, ...)");
        if (c.b < 0 || c.b >= config_.keys) return fail("key out of range for this lab");
        return c.value >= 0 && c.value <= 1'000'000'000 ? true : fail("write value must be 0..1000000000");
      case Verb::Promote:
      case Verb::Switchover:
        return topology_.is_db(c.a) ? true : fail("only a database node (n1, n2, ...) can be promoted");
      case Verb::ApplyDelay:
        if (!topology_.is_db(c.a)) return fail("apply delay is set on a database node");
        return c.value >= 0 && c.value <= 60 * kUsPerS ? true : fail("apply delay must be 0..60 s");
      case Verb::Rate:
        return c.value >= 0 && c.value <= 10'000 ? true : fail("rate must be 0..10000 operations per second");
      case Verb::Act:
        return config_.sites ? true : fail("not a replication-lab command");
      default:
        return fail("not a replication-lab command");
    }
  }

  void apply(Engine& engine, const Command& c) override {
    const int32_t key = c.b;
    switch (c.verb) {
      case Verb::Write: engine.inject(c.a, Operator{c.value, key, kNoNode, Action::Write}); break;
      case Verb::Read: engine.inject(c.a, Operator{0, key, kNoNode, Action::Read}); break;
      case Verb::Promote: engine.inject(topology_.monitor, Operator{0, 0, c.a, Action::Promote}); break;
      case Verb::Switchover: engine.inject(topology_.monitor, Operator{0, 0, c.a, Action::Switchover}); break;
      case Verb::ApplyDelay: db_[static_cast<size_t>(c.a)]->set_apply_delay_us(c.value); break;
      case Verb::Rate:
        for (int i = 0; i < topology_.clients; ++i) {
          clients_[static_cast<size_t>(i)]->set_rate(static_cast<int>(c.value));
          engine.inject(topology_.first_client + i, Operator{0, 0, kNoNode, Action::Wake});
        }
        break;
      case Verb::Act: apply_site_action(engine, static_cast<SiteAction>(c.b)); break;
      default: break;
    }
  }

  // Site-level faults for the split-brain lab: the inter-site link, or the primary's whole site.
  void apply_site_action(Engine& engine, SiteAction action) const {
    const NodeId count = static_cast<NodeId>(names().size());
    for (NodeId a = 0; a < count; ++a) {
      if (!topology_.in_primary_site(a, config_)) continue;
      if (action == kSiteDown) {
        engine.crash(a);
        continue;
      }
      for (NodeId b = 0; b < count; ++b) {
        if (topology_.in_primary_site(b, config_) || b == topology_.fence_device ||
            (b == topology_.witness && !config_.witness_with_primary))
          continue;  // the witness's third site and the management network stay reachable
        engine.cut(a, b);
        engine.cut(b, a);
      }
    }
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    if (config_.sites) place(node, view);
    const bool crashed = engine.status(node) == NodeStatus::Crashed;
    if (node == topology_.monitor) {
      view.kind = "monitor";
      view.role = crashed ? Role::None : Role::Monitor;
      view.epoch = monitor_->epoch();
      return;
    }
    if (topology_.is_client(node)) {
      view.kind = "client";
      view.role = crashed ? Role::None : Role::Client;
      return;
    }
    if (node == topology_.witness) {
      view.kind = "witness";
      view.role = crashed ? Role::None : Role::Monitor;
      view.epoch = witness_->epoch();
      return;
    }
    if (node == topology_.fence_device) {
      view.kind = "fence";
      view.detail = "fencing device";
      return;
    }
    const DbNode& d = *db_[static_cast<size_t>(node)];
    view.kind = "db";
    if (d.powered_off()) {
      view.status = NodeStatus::Crashed;
      view.detail = "powered off";
    }
    view.role = d.role();
    view.epoch = d.epoch();
    view.log_length = d.log_length();
    view.applied_pos = d.applied_pos();
    view.draining = d.draining();
    const NodeId p = newest_primary(engine);
    if (p == kNoNode || p == node) return;
    const DbNode& primary = *db_[static_cast<size_t>(p)];
    view.lag_entries = std::max<int64_t>(0, primary.log_length() - d.applied_pos());
    if (view.lag_entries > 0)
      view.lag_us = engine.local_time_us(p) - primary.appended_local_us(d.applied_pos() + 1);
  }

  // Lesson 2 "Handling lag": read-your-writes and monotonic-reads violations on the timeline.
  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to,
                                                        const std::vector<std::string>& names) const override {
    return make_session_checkers(report_to, names);
  }

  std::vector<MetricSpec> metrics() const override {
    std::vector<MetricSpec> out;
    const std::vector<std::string> n = names();
    for (int i = 0; i < topology_.db_nodes; ++i) out.push_back({"lag " + n[static_cast<size_t>(i)], "ms"});
    return out;
  }

  // Replication lag per database node in milliseconds; -1 while the node is not up.
  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    for (NodeId n = 0; n < topology_.db_nodes; ++n) {
      if (engine.status(n) != NodeStatus::Up) {
        row.push_back(-1);
        continue;
      }
      NodeView v;
      describe(engine, n, v);
      row.push_back(v.lag_us / kUsPerMs);
    }
  }

  // The split-brain lab: what reconciling after the partition would cost (lesson 5's worked
  // example, GitHub's October 2018 incident).
  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    if (!config_.sites) return;
    std::vector<Divergence> per_node;
    const NodeId p = newest_primary(engine);
    const Divergence total = divergence_of(db_nodes(), p, &per_node);
    Figure& f = add_figure(out, Figure::Kind::Table, "Divergence: writes the surviving history lacks");
    f.columns = {"node", "only there", "acknowledged", "conflicting keys"};
    const std::vector<std::string> n = names();
    for (size_t i = 0; i < per_node.size(); ++i) {
      if (static_cast<NodeId>(i) == p) continue;
      const Divergence& d = per_node[i];
      const auto cell = [](int64_t v) { return FigureCell{std::to_string(v), v > 0 ? Tone::Bad : Tone::Good}; };
      f.rows.push_back({{n[i]}, cell(d.writes), cell(d.acknowledged), cell(d.keys_both_sides)});
    }
    if (p == kNoNode) {
      f.caption = "No primary is up: nothing to compare with.";
      return;
    }
    f.caption = "Compared with " + n[static_cast<size_t>(p)] + "'s history. " + std::to_string(total.acknowledged) +
                " acknowledged writes would be lost or merged by hand; " + std::to_string(total.keys_both_sides) +
                " keys were written on both sides (conflicting keys). GitHub, October 2018: a 43-second partition, writes on both "
                "coasts, about 24 hours of degraded service while they were reconciled.";
  }

 private:
  // The up primary with the newest epoch (ties: lowest id) — whom a freshly routed client reaches.
  NodeId newest_primary(const Engine& engine) const {
    NodeId best = kNoNode;
    for (NodeId n = 0; n < topology_.db_nodes; ++n) {
      const DbNode& d = *db_[static_cast<size_t>(n)];
      if (engine.status(n) != NodeStatus::Up || d.role() != Role::Primary || d.powered_off()) continue;
      if (best == kNoNode || d.epoch() > db_[static_cast<size_t>(best)]->epoch()) best = n;
    }
    return best;
  }

  // Sites for the split-brain lab: the primary's on the left, the standby's on the right, the
  // witness's third site at the top, the fencing device's management network at the bottom.
  void place(NodeId node, NodeView& view) const {
    const bool left = topology_.in_primary_site(node, config_);
    int row = 0, rows = 1;
    if (topology_.is_db(node) && node > 0) row = node - 1, rows = topology_.db_nodes;
    if (node == topology_.monitor) row = topology_.db_nodes - 1, rows = topology_.db_nodes;
    if (topology_.is_client(node) && node > topology_.first_client)
      row = node - topology_.first_client - 1, rows = topology_.clients - 1;
    const bool client = topology_.is_client(node);
    view.group = left ? "primary's site" : "standby's site";
    view.x = left ? (client ? 0.08f : 0.25f) : (client ? 0.92f : 0.75f);
    view.y = 0.2f + 0.6f * (static_cast<float>(row) + 0.5f) / static_cast<float>(rows);
    if (node == topology_.witness && !config_.witness_with_primary) {
      view.group = "third site";
      view.x = 0.5f;
      view.y = 0.12f;
    } else if (node == topology_.witness) {
      view.y = 0.2f;
    }
    if (node == topology_.fence_device) {
      view.group = "management network";
      view.x = 0.5f;
      view.y = 0.88f;
    }
  }

  std::vector<const DbNode*> db_nodes() const { return {db_.begin(), db_.end()}; }

  const ReplicationConfig config_;
  const Topology topology_;
  std::vector<DbNode*> db_;  // owned by the engine
  Monitor* monitor_ = nullptr;
  std::vector<Client*> clients_;
  WitnessNode* witness_ = nullptr;
  PowerSwitch power_;  // outlives the engine: the lab destroys its engine first
};

}  // namespace

bool ReplicationConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(secondaries >= 1 && secondaries <= 6, "secondaries must be 1..6") &&
         check(clients >= 1 && clients <= 4, "clients must be 1..4") &&
         check(keys >= 1 && keys <= kMaxKeys, "keys must be 1..8") &&
         check(write_percent >= 0 && write_percent <= 100, "write_percent must be 0..100") &&
         check(workload_ops_per_s >= 0 && workload_ops_per_s <= 10'000, "workload must be 0..10000 ops/s") &&
         check(heartbeat_interval_us >= kUsPerMs && heartbeat_interval_us <= 10 * kUsPerS,
               "heartbeat interval must be 1 ms..10 s") &&
         check(failover_timeout_us >= 4 * heartbeat_interval_us && failover_timeout_us <= 60 * kUsPerS,
               "failover timeout must be at least 4 heartbeat intervals (so a lease spans 2) and at most 60 s") &&
         check(apply_delay_us >= 0 && apply_delay_us <= 60 * kUsPerS, "apply delay must be 0..60 s") &&
         check(switchover_timeout_us >= heartbeat_interval_us && switchover_timeout_us <= 600 * kUsPerS,
               "switchover timeout must be 1 heartbeat..600 s") &&
         check(op_timeout_us >= kUsPerMs && op_timeout_us <= 60 * kUsPerS, "operation timeout must be 1 ms..60 s") &&
         check(fence_delay_us >= 0 && fence_delay_us <= 60 * kUsPerS, "fencing delay must be 0..60 s") &&
         check(power_off_us >= kUsPerMs && power_off_us <= 60 * kUsPerS, "power-off time must be 1 ms..60 s");
}

std::unique_ptr<Scenario> make_replication_scenario(const ReplicationConfig& config) {
  return std::make_unique<ReplicationScenario>(config);
}

Divergence replication_divergence(const Lab& lab) {
  std::vector<const DbNode*> db;
  for (NodeId n = 0; n < lab.engine().node_count(); ++n)
    if (const auto* d = dynamic_cast<const DbNode*>(&lab.engine().protocol(n))) db.push_back(d);
  return divergence_of(db, lab.primary(), nullptr);
}

}  // namespace sim
