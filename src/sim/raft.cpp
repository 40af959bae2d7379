#include "sim/raft.h"

#include <algorithm>
#include <array>
#include <vector>

#include "sim/raft_checkers.h"

namespace sim {

namespace {

// ================================================================================================
// Wire format (one log entry per AppendEntries: bodies are fixed-size, see message.h)
// ================================================================================================

enum MsgType : uint16_t {
  kRequestVote = 1, kVoteReply, kAppendEntries, kAppendReply, kClientRequest, kClientReply, kOperator, kTimeoutNow
};

struct RequestVote {  // §3.4 figure 3.1; pre = §9.6 pre-vote (nobody changes state for it)
  static constexpr uint16_t kType = kRequestVote;
  int64_t term;
  int64_t last_index;
  int32_t last_term;
  uint8_t pre;
  TraceArgs trace_args() const { return {term, pre}; }
};

struct VoteReply {
  static constexpr uint16_t kType = kVoteReply;
  int64_t term;
  uint8_t granted;
  uint8_t pre;
  TraceArgs trace_args() const { return {term, granted + 2 * pre}; }
};

struct AppendEntries {  // §3.5 figure 3.1, with at most one entry
  static constexpr uint16_t kType = kAppendEntries;
  int64_t value;
  int64_t write_id;
  int32_t term;
  int32_t prev_index;
  int32_t prev_term;
  int32_t commit;
  int32_t entry_term;
  int32_t round;       // ReadIndex: the leader's heartbeat round, echoed back (§6.4)
  int16_t key;         // -1: a no-op entry
  uint8_t has_entry;   // 0: a heartbeat
  TraceArgs trace_args() const { return {has_entry ? prev_index + 1 : 0, term}; }
};

struct AppendReply {
  static constexpr uint16_t kType = kAppendReply;
  int64_t term;
  int32_t match;       // success: the last index known to match the leader's log
  int32_t hint;        // failure: the index the leader should try next (§5.3's optimisation)
  int32_t prev_index;  // the request's, so the leader can ignore answers to old probes
  int32_t round;
  uint8_t success;
  TraceArgs trace_args() const { return {success, success ? match : hint}; }
};

enum class ReplyStatus : uint8_t { Ok, NotLeader };

struct ClientRequest {
  static constexpr uint16_t kType = kClientRequest;
  int64_t op;
  int64_t write_id;  // 0 for a read; the same on every retry (§6.3)
  int64_t value;
  int32_t key;
  OpKind kind;
  TraceArgs trace_args() const { return {kind == OpKind::Write ? key : -1 - key, value}; }
};

struct ClientReply {
  static constexpr uint16_t kType = kClientReply;
  int64_t op;
  int64_t value;
  int64_t write_id;  // a read: the write whose value it returns (0 = initial)
  int32_t leader;    // NotLeader: who the server believes leads, or -1
  ReplyStatus status;
  TraceArgs trace_args() const { return {static_cast<int64_t>(status), leader}; }
};

struct TimeoutNow {  // §3.10: start an election at once, ignoring timers and pre-vote
  static constexpr uint16_t kType = kTimeoutNow;
  int64_t reserved;
  TraceArgs trace_args() const { return {}; }
};

// A local input from a command: a user at a client, an operator at a server.
enum class Action : uint8_t { Write, Read, Wake, DropNext };
const char* const kActionNames[] = {"op-write", "op-read", "op-wake", "op-drop"};

struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t value;
  int32_t key;
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), key}; }
};

enum Timer : TimerId { kTimerElection = 0, kTimerHeartbeat, kTimerNextOp, kTimerRetry, kTimerOpTimeout };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (type) {
    case kRequestVote: out += a.b ? "prevote? t" : "vote? t"; append_int(out, a.a); return;
    case kVoteReply: out += a.b & 1 ? "yes t" : "no t"; append_int(out, a.a); if (a.b & 2) out += " pre"; return;
    case kAppendEntries: if (a.a > 0) { num("append #", a.a); num(" t", a.b); } else num("heartbeat t", a.b); return;
    case kAppendReply: if (a.a) num("ok #", a.b); else num("no, try #", a.b); return;
    case kClientRequest: if (a.a >= 0) { num("write k", a.a); num("=", a.b); } else num("read k", -1 - a.a); return;
    case kClientReply: if (a.a == 0) out += "ok"; else if (a.b >= 0) num("not leader: s", a.b + 1); else out += "not leader"; return;
    case kTimeoutNow: out += "timeout now"; return;
    case kOperator: out += kActionNames[a.a]; return;
  }
  num("type", type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"election", "heartbeat", "next-op", "retry", "op-timeout"};
  return timer >= 0 && timer < 5 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& names, std::string& out) {
  const char* peer = node_name(names, e.peer == kNoPeer ? -1 : e.peer);
  auto num = [&out](const char* prefix, int64_t v) { out += prefix; append_int(out, v); };
  switch (e.code) {
    case kRaftNoteCommit: num("commit #", e.a); num(" -> #", e.b); return;
    case kRaftNoteSplitVote: num("election of term ", e.a); out += " ended without a majority"; return;
    case kRaftNoteDeposed: out += "deposed by "; out += peer; num("'s vote request for term ", e.a); return;
    case kRaftNoteDiscard: num("discard ", e.b); num(" uncommitted entries from #", e.a); num(" (", e.c); out += " client writes)"; return;
    case kRaftNoteDropped: out += "dropped a message from "; out += peer; out += " (operator)"; return;
    case kRaftNoteElected: num("elected leader of term ", e.a); num(" with ", e.b); out += " votes"; return;
    case kRaftNotePreVote: num("pre-vote for term ", e.a); return;
    case kRaftNoteTimeoutNow: num("told to stand for election now, term ", e.a); return;
  }
  num("note ", e.code);
}

const std::vector<ActionSpec> kActions = {
    {"drop-next", "n", "Drop the next message to this server",
     "the next message this server receives is lost (RaftScope's drop)"},
    {"deafen", "n", "Cut every link into this server",
     "one-way: it can still send but hears nobody (a disruptive server)"},
};
enum ActionIndex : int32_t { kActDropNext = 0, kActDeafen = 1 };

const Vocabulary kVocabulary{label, timer_name, note_text, kActions};

// Client write ids: client number + 1 in the high half, its operation sequence in the low half.
int client_slot(int64_t write_id) { return static_cast<int>((write_id >> 32) % kMaxNodes); }
int64_t write_seq(int64_t write_id) { return write_id & 0xFFFFFFFF; }

// ================================================================================================
// Server
// ================================================================================================

struct Entry {
  int32_t term;
  int32_t key;  // -1: no-op
  int64_t value;
  int64_t write_id;
};

class Server : public Protocol {
 public:
  explicit Server(const RaftConfig& config) : config_(config) {}

  // Read-only state for views, figures and metrics.
  Role role() const { return role_; }
  int64_t term() const { return term_; }
  NodeId voted_for() const { return voted_for_; }
  NodeId leader() const { return leader_; }
  int64_t last_index() const { return static_cast<int64_t>(log_.size()); }
  int64_t commit() const { return commit_; }
  int64_t applied() const { return applied_; }
  const Entry& entry(int64_t index) const { return log_[static_cast<size_t>(index - 1)]; }
  /// This server's local time at which its election timer fires (kNever when none is armed).
  TimeUs election_deadline_local_us() const { return election_deadline_local_us_; }
  int64_t elections_started() const { return elections_started_; }
  int votes() const { return __builtin_popcount(votes_); }

  void on_start(Context& ctx) override {
    self_ = ctx.self();
    role_ = Role::Follower;
    ctx.trace_role(role_, term_);
    reset_election_timer(ctx);
  }

  // §3.8 figure 3.1: currentTerm, votedFor and the log are persistent; the rest is lost.
  void on_crash() override {
    role_ = Role::None;
    leader_ = kNoNode;
    commit_ = applied_ = 0;
    kv_ = {};
    sessions_ = {};
    appended_ = {};
    votes_ = prevotes_ = 0;
    peers_ = {};
    round_ = 0;
    term_start_index_ = 0;
    pending_writes_.clear();
    pending_reads_.clear();
    last_leader_contact_local_us_ = kLongAgoUs;
    election_deadline_local_us_ = kNever;
    drop_next_ = 0;
  }

  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerElection) return on_election_timeout(ctx);
    if (timer == kTimerHeartbeat && role_ == Role::Leader) {
      broadcast(ctx);
      ctx.set_timer(kTimerHeartbeat, config_.heartbeat_us);
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kOperator) return on_operator(ctx, m.body_as<Operator>());
    if (drop_next_ > 0) {
      --drop_next_;
      ctx.trace_note(kRaftNoteDropped, m.from, m.type, 0, 0);
      return;
    }
    switch (m.type) {
      case kRequestVote: on_request_vote(ctx, m.from, m.body_as<RequestVote>()); break;
      case kVoteReply: on_vote_reply(ctx, m.from, m.body_as<VoteReply>()); break;
      case kAppendEntries: on_append_entries(ctx, m.from, m.body_as<AppendEntries>()); break;
      case kAppendReply: on_append_reply(ctx, m.from, m.body_as<AppendReply>()); break;
      case kClientRequest: on_client_request(ctx, m.from, m.body_as<ClientRequest>()); break;
      case kTimeoutNow: on_timeout_now(ctx); break;
    }
  }

 private:
  struct Peer {
    int64_t next = 1;   // nextIndex (§3.5)
    int64_t match = 0;  // matchIndex
    int32_t acked_round = 0;
  };
  struct PendingWrite {
    int64_t index;
    NodeId client;
    int64_t op;
  };
  struct PendingRead {
    NodeId client;
    int64_t op;
    int32_t key;
    int64_t read_index;
    int32_t round;
  };
  struct Version {
    int64_t value = 0;
    int64_t write_id = 0;
  };
  static constexpr TimeUs kLongAgoUs = -(TimeUs{1} << 60);

  int servers() const { return config_.servers; }
  int32_t term_at(int64_t index) const { return index == 0 ? 0 : entry(index).term; }
  int32_t last_term() const { return term_at(last_index()); }
  static uint32_t bit(NodeId n) { return uint32_t{1} << n; }
  bool majority(uint32_t mask) const { return __builtin_popcount(mask) >= config_.majority(); }

  // --- Terms and roles ---------------------------------------------------------------------------

  void reset_election_timer(Context& ctx) {
    const TimeUs delay_us = config_.election_min_us + ctx.rng().between(0, config_.election_spread_us);
    election_deadline_local_us_ = ctx.now_local_us() + delay_us;
    ctx.set_timer(kTimerElection, delay_us);
  }

  // §3.3: a server that sees a higher term adopts it and becomes a follower; a candidate that
  // hears from a leader of its own term does too (§3.4).
  void become_follower(Context& ctx, int64_t term) {
    const bool changed = term > term_ || role_ != Role::Follower;
    if (term > term_) {
      term_ = term;
      voted_for_ = kNoNode;
      leader_ = kNoNode;
    }
    if (role_ == Role::Leader) {
      ctx.cancel_timer(kTimerHeartbeat);
      pending_writes_.clear();  // their clients time out and retry at the new leader
      pending_reads_.clear();
      reset_election_timer(ctx);
    }
    role_ = Role::Follower;
    votes_ = prevotes_ = 0;
    if (changed) ctx.trace_role(role_, term_);
  }

  // §3.4: a follower that hears nothing for an election timeout stands for election. With
  // pre-vote (§9.6) it first asks whether it could win, without touching any term.
  void on_election_timeout(Context& ctx) {
    election_deadline_local_us_ = kNever;
    if (role_ == Role::Leader) return;
    if (role_ == Role::Candidate) ctx.trace_note(kRaftNoteSplitVote, kNoNode, term_, 0, 0);
    if (!config_.prevote) return start_election(ctx);
    if (role_ == Role::Candidate) become_follower(ctx, term_);
    prevotes_ = bit(self_);
    ctx.trace_note(kRaftNotePreVote, kNoNode, term_ + 1, 0, 0);
    for (NodeId n = 0; n < servers(); ++n)
      if (n != self_) ctx.send(n, RequestVote{term_ + 1, last_index(), last_term(), 1});
    reset_election_timer(ctx);
  }

  void start_election(Context& ctx) {
    ++term_;
    ++elections_started_;
    voted_for_ = self_;
    leader_ = kNoNode;
    role_ = Role::Candidate;
    votes_ = bit(self_);
    prevotes_ = 0;
    ctx.trace_role(role_, term_);
    for (NodeId n = 0; n < servers(); ++n)
      if (n != self_) ctx.send(n, RequestVote{term_, last_index(), last_term(), 0});
    reset_election_timer(ctx);
  }

  // §3.6.1: a vote goes only to a candidate whose log is at least as up-to-date: a later last
  // term, or the same last term and at least as long.
  bool up_to_date(const RequestVote& rv) const {
    return rv.last_term > last_term() || (rv.last_term == last_term() && rv.last_index >= last_index());
  }

  // §4.2.3: with pre-vote on, a follower that heard from a leader within the minimum election
  // timeout believes it is alive and neither grants votes nor adopts the candidate's term.
  bool leader_recently_heard(const Context& ctx) const {
    return config_.prevote && role_ == Role::Follower && leader_ != kNoNode &&
           ctx.now_local_us() - last_leader_contact_local_us_ < config_.election_min_us;
  }

  void on_request_vote(Context& ctx, NodeId from, const RequestVote& rv) {
    if (rv.pre) {
      const bool grant = rv.term > term_ && up_to_date(rv) && !leader_recently_heard(ctx) && role_ != Role::Leader;
      ctx.send(from, VoteReply{grant ? rv.term : term_, grant, 1});
      return;
    }
    if (rv.term > term_ && leader_recently_heard(ctx)) return;
    if (rv.term > term_) {
      if (role_ == Role::Leader) ctx.trace_note(kRaftNoteDeposed, from, rv.term, 0, 0);
      become_follower(ctx, rv.term);
    }
    const bool grant = rv.term == term_ && (voted_for_ == kNoNode || voted_for_ == from) && up_to_date(rv);
    if (grant) {
      voted_for_ = from;  // persisted before the reply leaves (figure 3.1)
      reset_election_timer(ctx);
    }
    ctx.send(from, VoteReply{term_, grant, 0});
  }

  void on_vote_reply(Context& ctx, NodeId from, const VoteReply& vr) {
    if (vr.term > term_ && !(vr.pre && vr.granted)) return become_follower(ctx, vr.term);
    if (vr.pre) {
      if (!vr.granted || vr.term != term_ + 1 || role_ != Role::Follower || prevotes_ == 0) return;
      prevotes_ |= bit(from);
      if (majority(prevotes_)) start_election(ctx);
      return;
    }
    if (role_ != Role::Candidate || vr.term != term_ || !vr.granted) return;
    votes_ |= bit(from);
    if (majority(votes_)) become_leader(ctx);
  }

  // §3.10 TimeoutNow: stand for election at once (pre-vote and timers skipped).
  void on_timeout_now(Context& ctx) {
    if (role_ == Role::Leader) return;
    ctx.trace_note(kRaftNoteTimeoutNow, kNoNode, term_ + 1, 0, 0);
    start_election(ctx);
  }

  // §3.4 + §6.4: the new leader appends a no-op of its term so that it learns what is committed.
  void become_leader(Context& ctx) {
    role_ = Role::Leader;
    leader_ = self_;
    ctx.trace_role(role_, term_);
    ctx.trace_note(kRaftNoteElected, kNoNode, term_, __builtin_popcount(votes_), 0);
    ctx.cancel_timer(kTimerElection);
    election_deadline_local_us_ = kNever;
    for (Peer& p : peers_) p = Peer{last_index() + 1, 0, 0};
    round_ = 0;
    append(ctx, AppendSource::Noop, -1, 0, 0);
    term_start_index_ = last_index();
    broadcast(ctx);
    ctx.set_timer(kTimerHeartbeat, config_.heartbeat_us);
  }

  // --- Log replication, leader side (§3.5) -------------------------------------------------------

  void append(Context& ctx, AppendSource source, int32_t key, int64_t value, int64_t write_id) {
    log_.push_back(Entry{static_cast<int32_t>(term_), key, value, write_id});
    ctx.trace_append(source, last_index(), static_cast<int32_t>(term_), key, value, write_id);
  }

  void send_append(Context& ctx, NodeId peer) {
    const Peer& p = peers_[static_cast<size_t>(peer)];
    AppendEntries ae{};
    ae.term = static_cast<int32_t>(term_);
    ae.prev_index = static_cast<int32_t>(p.next - 1);
    ae.prev_term = term_at(p.next - 1);
    ae.commit = static_cast<int32_t>(commit_);
    ae.round = round_;
    ae.key = -1;
    if (p.next <= last_index()) {
      const Entry& e = entry(p.next);
      ae.has_entry = 1;
      ae.entry_term = e.term;
      ae.key = static_cast<int16_t>(e.key);
      ae.value = e.value;
      ae.write_id = e.write_id;
    }
    ctx.send(peer, ae);
  }

  void broadcast(Context& ctx) {
    for (NodeId n = 0; n < servers(); ++n)
      if (n != self_) send_append(ctx, n);
  }

  // Answers to stale probes and duplicates change nothing and send nothing, so a duplicating
  // network cannot multiply the catch-up chains.
  void on_append_reply(Context& ctx, NodeId from, const AppendReply& r) {
    if (r.term > term_) return become_follower(ctx, r.term);
    if (role_ != Role::Leader || r.term != term_) return;
    Peer& p = peers_[static_cast<size_t>(from)];
    p.acked_round = std::max(p.acked_round, r.round);
    if (r.success && r.match > p.match) {
      p.match = r.match;
      p.next = p.match + 1;
      advance_commit(ctx);
      if (p.next <= last_index()) send_append(ctx, from);
    } else if (!r.success && r.prev_index == p.next - 1) {
      p.next = std::max(p.match + 1, std::min<int64_t>(r.hint, p.next - 1));
      send_append(ctx, from);
    }
    serve_reads(ctx);
  }

  // §3.6.2: only an entry of the leader's own term is committed by counting replicas; earlier
  // ones commit with it (figure 3.7 shows why counting old-term entries is unsafe).
  void advance_commit(Context& ctx) {
    for (int64_t n = last_index(); n > commit_ && entry(n).term == term_; --n) {
      int replicas = 1;
      for (NodeId s = 0; s < servers(); ++s) replicas += s != self_ && peers_[static_cast<size_t>(s)].match >= n;
      if (replicas >= config_.majority()) return commit_to(ctx, n);
    }
  }

  // --- Log replication, follower side (§3.5 figure 3.1 receiver rules) ---------------------------

  void on_append_entries(Context& ctx, NodeId from, const AppendEntries& ae) {
    const auto reply = [&](bool ok, int64_t match, int64_t hint) {
      ctx.send(from, AppendReply{term_, static_cast<int32_t>(match), static_cast<int32_t>(hint), ae.prev_index,
                                 ae.round, ok});
    };
    if (ae.term < term_) return reply(false, 0, 0);  // rule 1: a deposed leader learns the term
    if (ae.term > term_ || role_ != Role::Follower) become_follower(ctx, ae.term);
    leader_ = from;
    prevotes_ = 0;  // a live leader ends any pre-vote round
    last_leader_contact_local_us_ = ctx.now_local_us();
    reset_election_timer(ctx);
    // Rule 2: the log must hold prev_index with prev_term. The hint skips a whole conflicting
    // term at once (the optimisation at the end of §3.5).
    if (ae.prev_index > last_index()) return reply(false, 0, last_index() + 1);
    if (ae.prev_index > 0 && term_at(ae.prev_index) != ae.prev_term) {
      int64_t first = ae.prev_index;
      while (first > commit_ + 1 && term_at(first - 1) == term_at(ae.prev_index)) --first;
      return reply(false, 0, first);
    }
    const int64_t match = ae.prev_index + ae.has_entry;
    if (ae.has_entry) {
      if (match <= last_index() && term_at(match) != ae.entry_term) truncate(ctx, match - 1);  // rule 3
      if (match > last_index()) {  // rule 4
        log_.push_back(Entry{ae.entry_term, ae.key, ae.value, ae.write_id});
        ctx.trace_append(ae.key < 0 ? AppendSource::Noop : AppendSource::Replicated, match, ae.entry_term, ae.key,
                         ae.value, ae.write_id);
      }
    }
    // Rule 5: commit up to the leader's commit, but only through what this message verified.
    if (ae.commit > commit_) commit_to(ctx, std::min<int64_t>(ae.commit, match));
    reply(true, match, 0);
  }

  void truncate(Context& ctx, int64_t length) {
    int64_t writes = 0;
    for (int64_t i = length + 1; i <= last_index(); ++i) writes += entry(i).key >= 0;
    ctx.trace_note(kRaftNoteDiscard, kNoNode, length + 1, last_index() - length, writes);
    const int64_t removed = last_index() - length;
    log_.resize(static_cast<size_t>(length));
    ctx.trace_truncate(length, removed);
  }

  // --- Commitment and the state machine ------------------------------------------------------------

  void commit_to(Context& ctx, int64_t index) {
    if (index <= commit_) return;
    ctx.trace_note(kRaftNoteCommit, kNoNode, commit_, index, 0);
    commit_ = index;
    while (applied_ < commit_) apply(entry(++applied_));
    if (role_ != Role::Leader) return;
    size_t kept = 0;
    for (const PendingWrite& w : pending_writes_) {
      if (w.index > applied_) {
        pending_writes_[kept++] = w;
        continue;
      }
      const Entry& e = entry(w.index);
      ctx.send(w.client, ClientReply{w.op, e.value, e.write_id, self_, ReplyStatus::Ok});
    }
    pending_writes_.resize(kept);
    serve_reads(ctx);
  }

  // §6.3: the state machine remembers each client's latest applied write, so a write retried
  // after a lost answer (and so appended twice) takes effect once.
  void apply(const Entry& e) {
    if (e.key < 0) return;
    int64_t& last = sessions_[static_cast<size_t>(client_slot(e.write_id))];
    if (write_seq(e.write_id) <= last) return;
    last = write_seq(e.write_id);
    kv_[static_cast<size_t>(e.key)] = Version{e.value, e.write_id};
  }

  // --- Client requests (§6.2–6.4) ------------------------------------------------------------------

  void on_client_request(Context& ctx, NodeId client, const ClientRequest& req) {
    if (role_ != Role::Leader) {
      ctx.send(client, ClientReply{req.op, 0, 0, leader_, ReplyStatus::NotLeader});
      return;
    }
    if (req.kind == OpKind::Read) return start_read(ctx, client, req);
    if (write_seq(req.write_id) <= sessions_[static_cast<size_t>(client_slot(req.write_id))]) {
      ctx.send(client, ClientReply{req.op, req.value, req.write_id, self_, ReplyStatus::Ok});  // applied already
      return;
    }
    // A retry of a write still in the log waits for that copy rather than appending another.
    int64_t& at = appended_[static_cast<size_t>(client_slot(req.write_id))];
    if (at > 0 && at <= last_index() && entry(at).write_id == req.write_id) {
      const bool waiting = std::any_of(pending_writes_.begin(), pending_writes_.end(),
                                       [&](const PendingWrite& w) { return w.index == at && w.op == req.op; });
      if (!waiting) pending_writes_.push_back(PendingWrite{at, client, req.op});
      return;
    }
    append(ctx, AppendSource::ClientWrite, req.key, req.value, req.write_id);
    at = last_index();
    pending_writes_.push_back(PendingWrite{at, client, req.op});
    for (NodeId n = 0; n < servers(); ++n)  // followers that are caught up get it now
      if (n != self_ && peers_[static_cast<size_t>(n)].next == last_index()) send_append(ctx, n);
  }

  void reply_read(Context& ctx, NodeId client, int64_t op, int32_t key) {
    const Version& v = kv_[static_cast<size_t>(key)];
    ctx.send(client, ClientReply{op, v.value, v.write_id, self_, ReplyStatus::Ok});
  }

  // §6.4 ReadIndex: (1) the read index is the commit index, but at least this term's no-op;
  // (2) a heartbeat round confirms that a majority still follows this leader; (3) the answer
  // waits until the state machine has applied the read index.
  void start_read(Context& ctx, NodeId client, const ClientRequest& req) {
    if (config_.read_mode == RaftReadMode::Local) return reply_read(ctx, client, req.op, req.key);
    ++round_;
    pending_reads_.push_back(PendingRead{client, req.op, req.key, std::max(commit_, term_start_index_), round_});
    broadcast(ctx);
  }

  void serve_reads(Context& ctx) {
    size_t kept = 0;
    for (const PendingRead& r : pending_reads_) {
      uint32_t confirmed = bit(self_);
      for (NodeId n = 0; n < servers(); ++n)
        if (n != self_ && peers_[static_cast<size_t>(n)].acked_round >= r.round) confirmed |= bit(n);
      if (majority(confirmed) && applied_ >= r.read_index)
        reply_read(ctx, r.client, r.op, r.key);
      else
        pending_reads_[kept++] = r;
    }
    pending_reads_.resize(kept);
  }

  void on_operator(Context&, const Operator& o) {
    if (o.action == Action::DropNext) ++drop_next_;
  }

  const RaftConfig config_;
  NodeId self_ = kNoNode;
  // Persistent (§3.8 figure 3.1): survives crashes.
  int64_t term_ = 0;
  NodeId voted_for_ = kNoNode;
  std::vector<Entry> log_;
  int64_t elections_started_ = 0;  // a statistic for the views, not protocol state
  // Volatile.
  Role role_ = Role::None;
  NodeId leader_ = kNoNode;
  int64_t commit_ = 0;
  int64_t applied_ = 0;
  std::array<Version, kRaftKeys> kv_{};
  std::array<int64_t, kMaxNodes> sessions_{};  // client slot -> latest applied write sequence
  std::array<int64_t, kMaxNodes> appended_{};  // client slot -> index of its latest write in the log
  uint32_t votes_ = 0;
  uint32_t prevotes_ = 0;
  std::array<Peer, kRaftMaxServers> peers_{};
  int32_t round_ = 0;
  int64_t term_start_index_ = 0;
  std::vector<PendingWrite> pending_writes_;
  std::vector<PendingRead> pending_reads_;
  TimeUs last_leader_contact_local_us_ = kLongAgoUs;
  TimeUs election_deadline_local_us_ = kNever;
  int drop_next_ = 0;
};

// ================================================================================================
// Client (§6.2: find the leader, retry elsewhere when it does not answer)
// ================================================================================================

class Client : public Protocol {
 public:
  Client(const RaftConfig& config, int index)
      : config_(config), index_(index), rate_ops_per_s_(config.workload_ops_per_s) {}

  void set_rate(int ops_per_s) { rate_ops_per_s_ = ops_per_s; }

  void on_start(Context& ctx) override {
    target_ = static_cast<NodeId>(index_ % config_.servers);
    schedule_next(ctx, /*first=*/true);
  }

  void on_crash() override {
    op_ = Op{};
    manual_.clear();
  }

  void on_timer(Context& ctx, TimerId timer) override {
    switch (timer) {
      case kTimerNextOp: start_next(ctx); break;
      case kTimerRetry: retry(ctx); break;
      case kTimerOpTimeout: time_out(ctx); break;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kClientReply) on_reply(ctx, m.from, m.body_as<ClientReply>());
    if (m.type == kOperator) on_operator(ctx, m.body_as<Operator>());
  }

 private:
  struct Op {
    bool active = false;
    OpKind kind = OpKind::Read;
    int32_t key = 0;
    int64_t value = 0;
    int64_t seq = 0;
    int64_t write_id = 0;
    int redirects = 0;
  };
  struct Manual {
    OpKind kind;
    int32_t key;
    int64_t value;
  };
  static constexpr size_t kMaxManualQueue = 16;
  static constexpr int kMaxQuickRedirects = 3;

  // A server that neither answers nor redirects within a heartbeat-and-a-bit is given up on.
  TimeUs retry_us() const { return config_.election_min_us; }

  TimeUs mean_interval_us() const {
    return rate_ops_per_s_ <= 0 ? 0 : kUsPerS * config_.clients / rate_ops_per_s_;
  }

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
      op.value = seq_ * config_.clients + index_ + 1;  // small and unique across clients
    }
    op.write_id = op.kind == OpKind::Write ? (int64_t{index_ + 1} << 32) | seq_ : 0;
    op_ = op;
    ctx.trace_invoke(op.kind, op.key, op.seq, op.kind == OpKind::Write ? op.value : 0, op.write_id);
    ctx.set_timer(kTimerOpTimeout, config_.op_timeout_us);
    send_attempt(ctx);
  }

  void rotate() { target_ = static_cast<NodeId>((target_ + 1) % config_.servers); }

  void send_attempt(Context& ctx) {
    redirected_ = false;
    ctx.send(target_, ClientRequest{op_.seq, op_.write_id, op_.value, op_.key, op_.kind});
    ctx.set_timer(kTimerRetry, retry_us());
  }

  // No answer at all: try the next server. Redirected but told to wait: try the named one.
  void retry(Context& ctx) {
    if (!op_.active) return;
    if (!redirected_) rotate();
    send_attempt(ctx);
  }

  void on_reply(Context& ctx, NodeId from, const ClientReply& r) {
    if (!op_.active || r.op != op_.seq) return;  // late or duplicate answer
    if (r.status == ReplyStatus::Ok) {
      const bool write = op_.kind == OpKind::Write;
      ctx.trace_complete(op_.kind, OpResult::Ok, from, op_.key, op_.seq, write ? op_.value : r.value,
                         write ? op_.write_id : r.write_id);
      return finish(ctx);
    }
    // Redirected: go to the named leader at once a few times, then wait for the retry timer
    // (two servers that each name the other as leader would otherwise ping-pong forever).
    if (from != target_) return;
    if (r.leader >= 0 && r.leader != from && op_.redirects++ < kMaxQuickRedirects) {
      target_ = r.leader;
      return send_attempt(ctx);
    }
    if (r.leader >= 0 && r.leader != from) target_ = r.leader;
    else rotate();
    redirected_ = true;
  }

  void time_out(Context& ctx) {
    ctx.trace_complete(op_.kind, OpResult::Timeout, kNoNode, op_.key, op_.seq, op_.value, op_.write_id);
    rotate();
    finish(ctx);
  }

  void finish(Context& ctx) {
    op_.active = false;
    ctx.cancel_timer(kTimerOpTimeout);
    ctx.cancel_timer(kTimerRetry);
    schedule_next(ctx, false);
  }

  const RaftConfig config_;
  const int index_;
  // Durable: the client's configuration and its operation counter (write ids stay unique).
  int rate_ops_per_s_;
  int64_t seq_ = 0;
  // Volatile.
  NodeId target_ = 0;
  bool redirected_ = false;
  Op op_;
  std::vector<Manual> manual_;
};

// ================================================================================================
// The scenario: cast, commands, views, figures
// ================================================================================================

class RaftScenario : public Scenario {
 public:
  explicit RaftScenario(const RaftConfig& config) : config_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (int i = 0; i < config_.servers; ++i) out.push_back("s" + std::to_string(i + 1));
    for (int i = 0; i < config_.clients; ++i) out.push_back("c" + std::to_string(i + 1));
    return out;
  }

  void build(Engine& engine) override {
    const std::vector<std::string> n = names();
    for (int i = 0; i < config_.servers; ++i) {
      auto server = std::make_unique<Server>(config_);
      servers_.push_back(server.get());
      engine.add_node(n[static_cast<size_t>(i)], std::move(server));
    }
    for (int i = 0; i < config_.clients; ++i) {
      auto client = std::make_unique<Client>(config_, i);
      clients_.push_back(client.get());
      engine.add_node(n[static_cast<size_t>(config_.servers + i)], std::move(client));
    }
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool is_server(NodeId n) const { return n >= 0 && n < config_.servers; }
  bool is_client(NodeId n) const { return n >= config_.servers && n < config_.servers + config_.clients; }

  bool validate(const Command& c, std::string* error) const override {
    const auto fail = [error](const char* message) { *error = message; return false; };
    switch (c.verb) {
      case Verb::Write:
      case Verb::Read:
        if (!is_client(c.a)) return fail("reads and writes are issued by a client (c1, c2, ...)");
        if (c.b < 0 || c.b >= kRaftKeys) return fail("key must be 0..7");
        return c.value >= 0 && c.value <= 1'000'000'000 ? true : fail("write value must be 0..1000000000");
      case Verb::Promote:
        return is_server(c.a) ? true : fail("only a server (s1, s2, ...) can stand for election");
      case Verb::Rate:
        return c.value >= 0 && c.value <= 10'000 ? true : fail("rate must be 0..10000 operations per second");
      case Verb::Act:
        return is_server(c.a) ? true : fail("drop and deafen act on a server (s1, s2, ...)");
      default:
        return fail("not a Raft-lab command (Raft has no switchover or apply delay; promote starts an election)");
    }
  }

  void apply(Engine& engine, const Command& c) override {
    switch (c.verb) {
      case Verb::Write: engine.inject(c.a, Operator{c.value, c.b, Action::Write}); break;
      case Verb::Read: engine.inject(c.a, Operator{0, c.b, Action::Read}); break;
      case Verb::Promote: engine.inject(c.a, TimeoutNow{0}); break;
      case Verb::Rate:
        for (int i = 0; i < config_.clients; ++i) {
          clients_[static_cast<size_t>(i)]->set_rate(static_cast<int>(c.value));
          engine.inject(config_.servers + i, Operator{0, 0, Action::Wake});
        }
        break;
      case Verb::Act:
        if (c.b == kActDropNext) engine.inject(c.a, Operator{0, 0, Action::DropNext});
        if (c.b == kActDeafen)
          for (NodeId n = 0; n < engine.node_count(); ++n)
            if (n != c.a) engine.cut(n, c.a);
        break;
      default: break;
    }
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    if (is_client(node)) {
      view.kind = "client";
      view.role = engine.status(node) == NodeStatus::Crashed ? Role::None : Role::Client;
      return;
    }
    const Server& s = server(node);
    view.kind = "db";
    view.role = s.role();
    view.epoch = s.term();
    view.log_length = s.last_index();
    view.applied_pos = s.applied();
    const NodeId leader = newest_leader(engine);
    if (leader != kNoNode) view.lag_entries = std::max<int64_t>(0, server(leader).last_index() - s.last_index());
    view.detail = detail(engine, node);
  }

  std::vector<MetricSpec> metrics() const override {
    return {{"term", "highest"}, {"committed", "entries"}, {"elections", "started"}};
  }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    int64_t term = 0, committed = 0, elections = 0;
    for (NodeId n = 0; n < config_.servers; ++n) {
      term = std::max(term, server(n).term());
      if (engine.status(n) != NodeStatus::Crashed) committed = std::max(committed, server(n).commit());
      elections += server(n).elections_started();
    }
    row.push_back(term);
    row.push_back(committed);
    row.push_back(elections);
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    logs_figure(engine, out);
    timers_figure(engine, out);
  }

  std::vector<std::unique_ptr<TraceSink>> make_checkers(Checkers& report_to,
                                                        const std::vector<std::string>& names) const override {
    std::vector<std::unique_ptr<TraceSink>> out;
    out.push_back(std::make_unique<RaftCheckers>(report_to, names));
    return out;
  }

 private:
  static constexpr int kLogColumns = 10;

  const Server& server(NodeId n) const { return *servers_[static_cast<size_t>(n)]; }

  // The up leader of the newest term (ties: lowest id), as Lab::primary() picks it.
  NodeId newest_leader(const Engine& engine) const {
    NodeId best = kNoNode;
    for (NodeId n = 0; n < config_.servers; ++n)
      if (engine.status(n) == NodeStatus::Up && server(n).role() == Role::Leader &&
          (best == kNoNode || server(n).term() > server(best).term()))
        best = n;
    return best;
  }

  // One short line under the node (it must fit between neighbours): the term, then what this
  // role is waiting for — a leader its commit index, a candidate its votes, a follower its vote
  // and election timer.
  std::string detail(const Engine& engine, NodeId node) const {
    const Server& s = server(node);
    std::string d = "term " + std::to_string(s.term());
    if (s.role() == Role::Leader) return d + " \xC2\xB7 commit " + std::to_string(s.commit());
    if (s.role() == Role::Candidate) d += " \xC2\xB7 " + std::to_string(s.votes()) + (s.votes() == 1 ? " vote" : " votes");
    else if (s.voted_for() != kNoNode) d += " \xC2\xB7 voted " + names()[static_cast<size_t>(s.voted_for())];
    const TimeUs left_us = timer_left_us(engine, node);
    if (left_us >= 0) d += " \xC2\xB7 " + std::to_string(left_us / kUsPerMs) + " ms";
    return d;
  }

  // Time left on a server's election timer; -1 when none runs (leader, crashed).
  TimeUs timer_left_us(const Engine& engine, NodeId n) const {
    const TimeUs deadline = server(n).election_deadline_local_us();
    if (engine.status(n) == NodeStatus::Crashed || deadline == kNever) return -1;
    return std::max<TimeUs>(0, deadline - engine.local_time_us(n));
  }

  std::string server_label(const Engine& engine, NodeId n) const {
    std::string s = names()[static_cast<size_t>(n)] + " ";
    s += engine.status(n) == NodeStatus::Up ? role_name(server(n).role()) : status_name(engine.status(n));
    return s;
  }

  // One row per server, one cell per log index (the last kLogColumns indices): the entry's term
  // and command; green once this server knows it is committed, red where it differs from the
  // newest leader's log (it will be overwritten), plain otherwise (RaftScope's log view).
  void logs_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "Logs");
    int64_t longest = 0;
    for (NodeId n = 0; n < config_.servers; ++n) longest = std::max(longest, server(n).last_index());
    const int64_t first = std::max<int64_t>(1, longest - kLogColumns + 1);
    f.columns.push_back("server");
    for (int64_t i = first; i <= std::max(first, longest); ++i) f.columns.push_back("#" + std::to_string(i));
    const NodeId leader = newest_leader(engine);
    int conflicting = 0;
    for (NodeId n = 0; n < config_.servers; ++n) {
      const Server& s = server(n);
      std::vector<FigureCell> row;
      row.push_back({server_label(engine, n), n == leader ? Tone::Accent : Tone::Neutral});
      for (int64_t i = first; i <= std::max(first, longest); ++i) {
        if (i > s.last_index()) {
          row.push_back({"", Tone::Neutral});
          continue;
        }
        const Entry& e = s.entry(i);
        std::string text = "t" + std::to_string(e.term);
        if (e.key >= 0) text += " k" + std::to_string(e.key) + "=" + std::to_string(e.value);
        Tone tone = i <= s.commit() ? Tone::Good : Tone::Neutral;
        if (leader != kNoNode && n != leader &&
            (i > server(leader).last_index() || server(leader).entry(i).term != e.term)) {
          tone = Tone::Bad;
          ++conflicting;
        }
        row.push_back({std::move(text), tone});
      }
      f.rows.push_back(std::move(row));
    }
    if (leader == kNoNode) {
      f.caption = "No leader right now: nothing new can commit.";
      return;
    }
    f.caption = names()[static_cast<size_t>(leader)] + " leads term " + std::to_string(server(leader).term()) +
                "; committed through #" + std::to_string(server(leader).commit()) + " (stored on a majority, " +
                std::to_string(config_.majority()) + " of " + std::to_string(config_.servers) + ")";
    if (conflicting > 0) f.caption += "; " + std::to_string(conflicting) + " entries elsewhere conflict and will be overwritten";
    f.caption += ".";
  }

  void timers_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Bars, "Election timer (ms left)", "ms");
    const TimeUs warn_us = config_.election_min_us / 3;
    for (NodeId n = 0; n < config_.servers; ++n) {
      const TimeUs left_us = timer_left_us(engine, n);
      std::string name = names()[static_cast<size_t>(n)];
      if (engine.status(n) == NodeStatus::Crashed) name += " (down)";
      else if (server(n).role() == Role::Leader) name += " (leader)";
      f.bars.push_back({std::move(name), std::max<TimeUs>(0, left_us) / kUsPerMs,
                        left_us < 0 ? Tone::Accent : left_us < warn_us ? Tone::Warn : Tone::Neutral});
    }
    f.caption = "Each follower waits a random " + std::to_string(config_.election_min_us / kUsPerMs) + "-" +
                std::to_string((config_.election_min_us + config_.election_spread_us) / kUsPerMs) +
                " ms after the last heartbeat; the first to run out stands for election.";
  }

  const RaftConfig config_;
  std::vector<Server*> servers_;  // owned by the engine
  std::vector<Client*> clients_;
};

}  // namespace

bool RaftConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(servers >= 3 && servers <= kRaftMaxServers, "servers must be 3..7") &&
         check(clients >= 1 && clients <= 4, "clients must be 1..4") &&
         check(keys >= 1 && keys <= kRaftKeys, "keys must be 1..8") &&
         check(write_percent >= 0 && write_percent <= 100, "writes_pct must be 0..100") &&
         check(workload_ops_per_s >= 0 && workload_ops_per_s <= 10'000, "workload must be 0..10000 ops/s") &&
         check(heartbeat_us >= kUsPerMs && heartbeat_us <= 10 * kUsPerS, "heartbeat interval must be 1 ms..10 s") &&
         check(election_min_us >= 2 * heartbeat_us && election_min_us <= 60 * kUsPerS,
               "the election timeout must be at least 2 heartbeat intervals (Raft needs broadcast time << "
               "election timeout) and at most 60 s") &&
         check(election_spread_us >= 0 && election_spread_us <= 60 * kUsPerS, "timeout spread must be 0..60 s") &&
         check(op_timeout_us >= kUsPerMs && op_timeout_us <= 60 * kUsPerS, "operation timeout must be 1 ms..60 s");
}

std::unique_ptr<Scenario> make_raft_scenario(const RaftConfig& config) {
  return std::make_unique<RaftScenario>(config);
}

}  // namespace sim
