#include "sim/backup.h"

#include <algorithm>
#include <array>

#include "sim/command.h"

namespace sim {

// ================================================================================================
// Story time and the restore arithmetic
// ================================================================================================

namespace {

void append_2(std::string& out, int64_t v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

constexpr TimeUs kStoryHourUs = 3600 * kUsPerS;

}  // namespace

std::string format_clock(TimeUs story_us, bool with_day) {
  std::string out;
  if (story_us < 0) return "-";
  const int64_t s = story_us / kUsPerS;
  if (with_day) {
    append_int(out, s / 86400 + 1);
    out += "d ";
  }
  append_2(out, s / 3600 % 24);
  out.push_back(':');
  append_2(out, s / 60 % 60);
  out.push_back(':');
  append_2(out, s % 60);
  return out;
}

std::string format_duration(TimeUs story_us) {
  const int64_t s = std::max<int64_t>(0, story_us) / kUsPerS;
  std::string out;
  if (s >= 3600) {
    append_int(out, s / 3600);
    out += " h ";
    append_2(out, s / 60 % 60);
    return out + " min";
  }
  if (s >= 60) {
    append_int(out, s / 60);
    out += " min ";
    append_int(out, s % 60);
    return out + " s";
  }
  append_int(out, s);
  return out + " s";
}

RestorePlan plan_restore(const BackupConfig& config, const CopyContents& copy, int64_t fetch_mb_per_s,
                         TimeUs target_story_us, TimeUs incident_story_us, TimeUs local_wal_from_story_us) {
  RestorePlan plan;
  const auto base = std::upper_bound(copy.bases_story_us.begin(), copy.bases_story_us.end(), target_story_us);
  if (base == copy.bases_story_us.begin()) {
    plan.why = "no full backup at or before " + format_clock(target_story_us);
    return plan;
  }
  plan.possible = true;
  plan.base_story_us = *std::prev(base);
  // Replay segment after segment from the one the base backup started in.
  const TimeUs segment_us = config.archive_s * kUsPerS;
  plan.reached_story_us = target_story_us;
  for (int64_t k = plan.base_story_us / segment_us; k * segment_us <= target_story_us; ++k) {
    const bool archived = k < static_cast<int64_t>(copy.segments.size()) && copy.segments[static_cast<size_t>(k)] != 0;
    if (!archived && k * segment_us < local_wal_from_story_us) {
      plan.reached_story_us = std::max(plan.base_story_us, k * segment_us);
      break;
    }
  }
  plan.wal_mb = (plan.reached_story_us - plan.base_story_us) * config.wal_mb_per_h / kStoryHourUs;
  plan.rpo_story_us = std::max<TimeUs>(0, incident_story_us - plan.reached_story_us);
  plan.rto_story_us = (config.db_mb + plan.wal_mb) * kUsPerS / fetch_mb_per_s +
                      plan.wal_mb * kUsPerS / config.replay_mb_per_s;
  return plan;
}

bool BackupConfig::validate(std::string* error) const {
  const auto check = [error](bool ok, const char* message) {
    if (!ok) *error = message;
    return ok;
  };
  return check(archive_s >= 1 && archive_s <= 86'400, "the archive interval must be 1 s..24 h") &&
         check(base_every_h >= 1 && base_every_h <= 168, "full backups must come every 1..168 hours") &&
         check(base_every_h * 3600 % archive_s == 0,
               "the full-backup period must be a whole number of archive intervals") &&
         check(db_mb >= 1 && db_mb <= 100'000'000, "the database size must be 1 MB..100 TB") &&
         check(wal_mb_per_h >= 0 && wal_mb_per_h <= 1'000'000, "WAL volume must be 0..1000000 MB per hour") &&
         check(local_mb_per_s >= 1 && wan_mb_per_s >= 1 && replay_mb_per_s >= 1,
               "restore, WAN and replay throughputs must be at least 1 MB/s") &&
         check(local_mb_per_s <= 100'000 && wan_mb_per_s <= 100'000 && replay_mb_per_s <= 100'000,
               "throughputs must be at most 100000 MB/s") &&
         check(writes_per_min >= 0 && writes_per_min <= 600, "the workload must be 0..600 writes per minute");
}

namespace {

// ================================================================================================
// Wire format
// ================================================================================================

enum MsgType : uint16_t { kWrite = 1, kReply, kSegment, kBase, kOperator };

struct WriteReq {
  static constexpr uint16_t kType = kWrite;
  int64_t op;
  int64_t write_id;
  int64_t value;
  int32_t key;
  TraceArgs trace_args() const { return {key, value}; }
};

struct Reply {
  static constexpr uint16_t kType = kReply;
  int64_t op;
  uint8_t ok;
  TraceArgs trace_args() const { return {ok, 0}; }
};

struct Segment {  // WAL segment k was closed and is archived
  static constexpr uint16_t kType = kSegment;
  int64_t k;
  int64_t last_pos;
  TraceArgs trace_args() const { return {k, last_pos}; }
};

struct Base {  // a full backup, consistent as of its start
  static constexpr uint16_t kType = kBase;
  int64_t story_us;
  int64_t pos;
  TraceArgs trace_args() const { return {story_us / kUsPerS, pos}; }
};

enum class Action : uint8_t { DropTable, LoseStorage, Encrypt, Restore, DeleteSegment };

struct Operator {
  static constexpr uint16_t kType = kOperator;
  int64_t a;  // Restore: reached story µs; DeleteSegment: segment; LoseStorage: note code
  int64_t b;  // Restore: RTO, story µs
  int64_t rpo_story_us;  // Restore
  int32_t copy;          // Restore: copy node, kNoNode when no copy can restore
  Action action;
  TraceArgs trace_args() const { return {static_cast<int64_t>(action), a}; }
};

enum Timer : TimerId { kTimerArchive = 0, kTimerBase, kTimerRestore, kTimerNextOp, kTimerOpTimeout };

void label(uint16_t type, const TraceArgs& a, std::string& out) {
  switch (type) {
    case kWrite: out += "write k"; append_int(out, a.a); out += "="; append_int(out, a.b); return;
    case kReply: out += a.a != 0 ? "ok" : "error"; return;
    case kSegment: out += "WAL seg "; append_int(out, a.a); return;
    case kBase: out += "full backup "; out += format_clock(a.a * kUsPerS, false); return;
    case kOperator: {
      static const char* const kNames[] = {"op-drop", "op-lose", "op-encrypt", "op-restore", "op-delete-wal"};
      out += kNames[a.a];
      return;
    }
  }
  out += "type";
  append_int(out, type);
}

const char* timer_name(int32_t timer) {
  static const char* const kNames[] = {"archive", "base-backup", "restore-done", "next-op", "op-timeout"};
  return timer >= 0 && timer < 5 ? kNames[timer] : "?";
}

void note_text(const TraceEvent& e, const std::vector<std::string>& names, std::string& out) {
  switch (e.code) {
    case kNoteDropTable: out += "DROP TABLE by mistake at WAL #"; append_int(out, e.a); return;
    case kNoteDiskLost: out += "disk failed: live data and unarchived WAL gone"; return;
    case kNoteEncrypted: out += "ransomware encrypted this storage"; return;
    case kNoteSiteLost: out += "site lost"; return;
    case kNoteRestoreStart:
      out += "restore from ";
      out += node_name(names, e.peer == kNoPeer ? -1 : e.peer);
      out += " to " + format_clock(e.a) + ": RTO " + format_duration(e.b) + ", RPO " + format_duration(e.c);
      return;
    case kNoteRestoreDone: out += "restore done: "; append_int(out, e.a); out += " WAL records"; return;
    case kNoteNoRestore: out += "no surviving copy can restore"; return;
    case kNoteWalDeleted: out += "WAL segment "; append_int(out, e.a); out += " deleted from the archive"; return;
  }
  append_int(out, e.code);
}

// --- Actions (Verb::Act, Command::b indexes them) ----------------------------------------------

enum ActionIndex : int32_t { kActDrop = 0, kActLoseDisk, kActRansomware, kActLoseSite, kActDeleteWal, kActRestore };
constexpr int64_t kMaxStoryS = 7 * 86'400;

const Vocabulary kVocabulary{
    label, timer_name, note_text,
    {
        {"drop-table", "", "Drop a table by mistake", "a DROP TABLE runs on the primary and is written to the WAL"},
        {"lose-disk", "", "Lose the database disk", "the primary's disk fails: live data and WAL not archived yet are gone"},
        {"ransomware", "", "Ransomware attack",
         "encrypts the primary's disk and every online backup copy its credentials can write"},
        {"lose-site", "", "Lose the whole site", "fire or flood: the primary and the nas at the same site are gone"},
        {"delete-wal", "v", "Delete a WAL segment", "deletes the archived WAL segment covering this time (story seconds)", 0,
         kMaxStoryS},
        {"restore", "v", "Restore to this time",
         "point-in-time recovery from the best surviving copy to this time, at most the incident (story seconds since day 1 00:00)", 0,
         kMaxStoryS},
    }};

enum class Storage : uint8_t { Ok, Lost, Encrypted };
const char* storage_name(Storage s) { return s == Storage::Ok ? "ok" : s == Storage::Lost ? "lost" : "encrypted"; }

struct Cast {
  NodeId db = 0;
  NodeId nas = 1;
  NodeId cloud = kNoNode;
  NodeId app = 2;
  explicit Cast(const BackupConfig& c) {
    if (c.offsite != Offsite::None) {
      cloud = 2;
      app = 3;
    }
  }
  std::vector<NodeId> copies() const {
    std::vector<NodeId> out{nas};
    if (cloud != kNoNode) out.push_back(cloud);
    return out;
  }
};

// ================================================================================================
// The database: appends writes to its WAL, archives closed segments, takes full backups
// ================================================================================================

class DbNode : public Protocol {
 public:
  struct Entry {
    TimeUs story_us;
    int64_t write_id;
  };

  DbNode(const BackupConfig& config, const Cast& cast) : config_(config), cast_(cast) {}

  Storage storage() const { return storage_; }
  bool dropped() const { return drop_pos_ > 0; }
  bool restoring() const { return restoring_; }
  int64_t epoch() const { return epoch_; }
  int64_t log_length() const { return static_cast<int64_t>(log_.size()); }
  /// Story time from which the WAL is only on this disk (segments not archived yet).
  TimeUs unarchived_from_story_us() const { return next_segment_ * segment_us(); }
  /// Records written at or after `story_us` (what a restore to it discards).
  int64_t records_from(TimeUs story_us) const {
    return static_cast<int64_t>(log_.end() - std::lower_bound(log_.begin(), log_.end(), story_us,
                                                              [](const Entry& e, TimeUs t) { return e.story_us < t; }));
  }
  TimeUs drop_story_us() const { return drop_story_us_; }

  /// Disk failure or encryption; `ctx` is null when the node is down (nothing can be traced).
  void damage(const Operator& o, Context* ctx) {
    if (storage_ != Storage::Ok) return;
    storage_ = o.action == Action::Encrypt ? Storage::Encrypted : Storage::Lost;
    if (ctx != nullptr) ctx->trace_note(static_cast<uint8_t>(o.a), kNoNode, 0, 0, 0);
  }

  void on_start(Context& ctx) override {
    if (storage_ != Storage::Ok) return;  // nothing to boot from until a restore
    become_primary(ctx);
  }

  void on_crash() override { restoring_ = false; }

  void on_timer(Context& ctx, TimerId timer) override {
    switch (timer) {
      case kTimerArchive: archive(ctx); break;
      case kTimerBase: base_backup(ctx); break;
      case kTimerRestore: restoring_ = false; become_primary(ctx); ctx.trace_note(kNoteRestoreDone, kNoNode, log_length(), 0, 0); break;
    }
  }

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kWrite) on_write(ctx, m.from, m.body_as<WriteReq>());
    if (m.type == kOperator) on_operator(ctx, m.body_as<Operator>());
  }

 private:
  TimeUs segment_us() const { return config_.archive_s * kUsPerS; }
  TimeUs base_period_us() const { return config_.base_every_h * 3600 * kUsPerS; }
  bool serving() const { return storage_ == Storage::Ok && !restoring_ && !dropped(); }

  // Arms `timer` for the first multiple of `period_us` (story time) at or after `from_story_us`.
  static void arm_at_multiple(Context& ctx, TimerId timer, TimeUs from_story_us, TimeUs period_us) {
    const TimeUs at_story = (from_story_us + period_us - 1) / period_us * period_us;
    ctx.set_timer(timer, sim_us_at_story(at_story) - ctx.now_local_us());
  }

  void become_primary(Context& ctx) {
    ++epoch_;
    ctx.trace_role(Role::Primary, epoch_);
    const TimeUs now_story = story_us_of(ctx.now_local_us());
    // A (re)started server begins a new WAL segment and archives from there on.
    next_segment_ = now_story / segment_us();
    arm_at_multiple(ctx, kTimerArchive, (next_segment_ + 1) * segment_us(), segment_us());
    arm_at_multiple(ctx, kTimerBase, now_story, base_period_us());
  }

  void archive(Context& ctx) {
    const int64_t last_pos = log_length();
    for (NodeId copy : cast_.copies()) ctx.send(copy, Segment{next_segment_, last_pos});
    ++next_segment_;
    arm_at_multiple(ctx, kTimerArchive, (next_segment_ + 1) * segment_us(), segment_us());
  }

  void base_backup(Context& ctx) {
    const TimeUs now_story = story_us_of(ctx.now_local_us());
    for (NodeId copy : cast_.copies()) ctx.send(copy, Base{now_story, log_length()});
    arm_at_multiple(ctx, kTimerBase, now_story + 1, base_period_us());
  }

  void on_write(Context& ctx, NodeId client, const WriteReq& w) {
    if (!serving()) return ctx.send(client, Reply{w.op, 0});
    log_.push_back(Entry{story_us_of(ctx.now_local_us()), w.write_id});
    ctx.trace_append(AppendSource::ClientWrite, log_length(), static_cast<int32_t>(epoch_), w.key, w.value, w.write_id);
    ctx.send(client, Reply{w.op, 1});
  }

  void on_operator(Context& ctx, const Operator& o) {
    switch (o.action) {
      case Action::DropTable:
        if (!serving()) return;
        drop_pos_ = log_length();
        drop_story_us_ = story_us_of(ctx.now_local_us());
        ctx.trace_note(kNoteDropTable, kNoNode, drop_pos_, 0, 0);
        return;
      case Action::LoseStorage:
      case Action::Encrypt: return damage(o, &ctx);
      case Action::Restore: return restore(ctx, o);
      case Action::DeleteSegment: return;
    }
  }

  // Point-in-time recovery: the data directory is rebuilt from the base backup and the WAL up to
  // the reached point (everything after it is gone), then the server replays and opens.
  void restore(Context& ctx, const Operator& o) {
    if (o.copy == kNoNode) return ctx.trace_note(kNoteNoRestore, kNoNode, 0, 0, 0);
    const int64_t keep = log_length() - records_from(o.a);
    ctx.trace_note(kNoteRestoreStart, o.copy, o.a, o.b, o.rpo_story_us);
    ctx.trace_truncate(keep, log_length() - keep);
    log_.resize(static_cast<size_t>(keep));
    if (drop_story_us_ >= o.a) {  // a DROP before the reached point is replayed too
      drop_pos_ = 0;
      drop_story_us_ = -1;
    }
    storage_ = Storage::Ok;
    restoring_ = true;
    ctx.cancel_timer(kTimerArchive);
    ctx.cancel_timer(kTimerBase);
    ctx.set_timer(kTimerRestore, std::max<TimeUs>(1, sim_us_at_story(o.b)));
  }

  const BackupConfig config_;
  const Cast cast_;
  // Durable (the disk, as long as storage_ is Ok).
  std::vector<Entry> log_;
  Storage storage_ = Storage::Ok;
  int64_t epoch_ = 0;
  int64_t drop_pos_ = 0;
  TimeUs drop_story_us_ = -1;
  int64_t next_segment_ = 0;
  // Volatile.
  bool restoring_ = false;
};

// ================================================================================================
// A backup copy: full backups and archived WAL segments (metadata; the bytes are the db's)
// ================================================================================================

class CopyNode : public Protocol {
 public:
  explicit CopyNode(bool immutable) : immutable_(immutable) {}

  const CopyContents& contents() const { return contents_; }
  Storage storage() const { return storage_; }
  bool immutable() const { return immutable_; }

  /// Loss (the contents are gone) or encryption (object lock refuses it); `ctx` is null when the
  /// node is down.
  void damage(const Operator& o, Context* ctx) {
    if (storage_ != Storage::Ok || (o.action == Action::Encrypt && immutable_)) return;
    storage_ = o.action == Action::Encrypt ? Storage::Encrypted : Storage::Lost;
    if (storage_ == Storage::Lost) contents_ = {};
    if (ctx != nullptr) ctx->trace_note(static_cast<uint8_t>(o.a), kNoNode, 0, 0, 0);
  }

  void on_start(Context&) override {
    if (storage_ == Storage::Lost) storage_ = Storage::Ok;  // a replacement server, empty
  }
  void on_crash() override {}
  void on_timer(Context&, TimerId) override {}

  void on_message(Context& ctx, const Message& m) override {
    if (m.type == kOperator) return on_operator(ctx, m.body_as<Operator>());
    if (storage_ != Storage::Ok) return;
    if (m.type == kSegment) {
      const size_t k = static_cast<size_t>(m.body_as<Segment>().k);
      if (contents_.segments.size() <= k) contents_.segments.resize(k + 1, 0);
      contents_.segments[k] = 1;
    } else if (m.type == kBase) {
      contents_.bases_story_us.push_back(m.body_as<Base>().story_us);
    }
  }

 private:
  void on_operator(Context& ctx, const Operator& o) {
    if (o.action == Action::DeleteSegment) return delete_segment(ctx, static_cast<size_t>(o.a));
    damage(o, &ctx);
  }

  void delete_segment(Context& ctx, size_t k) {
    if (immutable_ || storage_ != Storage::Ok || k >= contents_.segments.size() || contents_.segments[k] == 0) return;
    contents_.segments[k] = 0;
    ctx.trace_note(kNoteWalDeleted, kNoNode, static_cast<int64_t>(k), 0, 0);
  }

  const bool immutable_;
  CopyContents contents_;  // durable
  Storage storage_ = Storage::Ok;
};

// ================================================================================================
// The application: one write at a time, a new one every 60 / writes_per_min story seconds
// ================================================================================================

class App : public Protocol {
 public:
  App(const BackupConfig& config, NodeId db) : config_(config), db_(db) {}

  void on_start(Context& ctx) override { schedule(ctx); }
  void on_crash() override { active_ = false; }
  void on_timer(Context& ctx, TimerId timer) override {
    if (timer == kTimerNextOp) start(ctx);
    if (timer == kTimerOpTimeout) finish(ctx, false);
  }
  void on_message(Context& ctx, const Message& m) override {
    if (m.type != kReply) return;
    const Reply r = m.body_as<Reply>();
    if (active_ && r.op == seq_) finish(ctx, r.ok != 0);
  }

 private:
  void schedule(Context& ctx) {
    if (config_.writes_per_min == 0) return;
    const TimeUs mean_us = sim_us_at_story(60 * kUsPerS / config_.writes_per_min);
    ctx.set_timer(kTimerNextOp, ctx.rng().between(mean_us / 2, mean_us * 3 / 2));
  }

  void start(Context& ctx) {
    ++seq_;
    active_ = true;
    const int32_t key = static_cast<int32_t>(ctx.rng().below(8));
    const int64_t write_id = (int64_t{1} << 32) | seq_;
    ctx.trace_invoke(OpKind::Write, key, seq_, seq_, write_id);
    ctx.send(db_, WriteReq{seq_, write_id, seq_, key});
    ctx.set_timer(kTimerOpTimeout, sim_us_at_story(60 * kUsPerS));
    key_ = key;
  }

  // A refused or unanswered write failed: the application reports an error (Timeout result).
  void finish(Context& ctx, bool ok) {
    active_ = false;
    ctx.cancel_timer(kTimerOpTimeout);
    ctx.trace_complete(OpKind::Write, ok ? OpResult::Ok : OpResult::Timeout, ok ? db_ : kNoNode, key_, seq_, seq_,
                       (int64_t{1} << 32) | seq_);
    schedule(ctx);
  }

  const BackupConfig config_;
  const NodeId db_;
  int64_t seq_ = 0;
  int32_t key_ = 0;
  bool active_ = false;
};

// ================================================================================================
// The scenario
// ================================================================================================

const char* const kIncidentNames[] = {"none", "table dropped", "disk lost", "ransomware", "site lost"};

class BackupScenario : public Scenario {
 public:
  explicit BackupScenario(const BackupConfig& config) : config_(config), cast_(config) {}

  std::vector<std::string> names() const override {
    std::vector<std::string> out{"db", "nas"};
    if (cast_.cloud != kNoNode) out.push_back("cloud");
    out.push_back("app");
    return out;
  }

  void build(Engine& engine) override {
    auto db = std::make_unique<DbNode>(config_, cast_);
    db_ = db.get();
    engine.add_node("db", std::move(db));
    for (NodeId n : cast_.copies()) {
      const bool offsite = n == cast_.cloud;
      auto copy = std::make_unique<CopyNode>(offsite && config_.offsite == Offsite::Immutable);
      copies_.push_back(copy.get());
      engine.add_node(offsite ? "cloud" : "nas", std::move(copy));
    }
    engine.add_node("app", std::make_unique<App>(config_, cast_.db));
  }

  const Vocabulary& vocabulary() const override { return kVocabulary; }

  bool validate(const Command& c, std::string* error) const override {
    if (c.verb == Verb::Act) return true;  // ranges checked by the lab from the ActionSpecs
    *error = "this lab takes its own actions (drop-table, lose-disk, ransomware, lose-site, delete-wal, restore)";
    return false;
  }

  void apply(Engine& engine, const Command& c) override {
    const TimeUs now_story = story_us_of(engine.now_us());
    switch (c.b) {
      case kActDrop:
        if (db_serving(engine)) incident(now_story, 1);
        engine.inject(cast_.db, Operator{0, 0, 0, kNoNode, Action::DropTable});
        break;
      case kActLoseDisk:
        if (db_->storage() != Storage::Ok) break;
        incident(now_story, 2);
        damage(engine, cast_.db, Operator{kNoteDiskLost, 0, 0, kNoNode, Action::LoseStorage});
        break;
      case kActRansomware:
        incident(now_story, 3);
        for (NodeId n : {cast_.db, cast_.nas, cast_.cloud})
          if (n != kNoNode) damage(engine, n, Operator{kNoteEncrypted, 0, 0, kNoNode, Action::Encrypt});
        break;
      case kActLoseSite:
        incident(now_story, 4);
        for (NodeId n : {cast_.db, cast_.nas}) damage(engine, n, Operator{kNoteSiteLost, 0, 0, kNoNode, Action::LoseStorage});
        break;
      case kActDeleteWal:
        for (NodeId n : cast_.copies())
          if (engine.status(n) == NodeStatus::Up)
            engine.inject(n, Operator{c.value / config_.archive_s, 0, 0, kNoNode, Action::DeleteSegment});
        break;
      case kActRestore: restore(engine, c.value * kUsPerS); break;
      default: break;
    }
  }

  // Damages node n's storage (noted by the node when it is up, which then goes down with it).
  void damage(Engine& engine, NodeId n, const Operator& o) {
    const bool up = engine.status(n) == NodeStatus::Up;
    if (up) engine.inject(n, o);
    else if (n == cast_.db) db_->damage(o, nullptr);
    else copies_[n == cast_.nas ? 0 : 1]->damage(o, nullptr);
    if (up && (n == cast_.db || o.action == Action::LoseStorage)) engine.crash(n);
  }

  void describe(const Engine& engine, NodeId node, NodeView& view) const override {
    view.group = node == cast_.cloud ? "site B" : node == cast_.app ? "" : "site A";
    if (node == cast_.app) {
      view.kind = "client";
      view.role = Role::Client;
      view.detail = "writes " + std::to_string(config_.writes_per_min) + "/min";
      return;
    }
    if (node == cast_.db) {
      view.kind = "db";
      const bool up = engine.status(node) == NodeStatus::Up;
      view.role = up && !db_->restoring() && db_->storage() == Storage::Ok ? Role::Primary : Role::None;
      view.epoch = db_->epoch();
      view.log_length = db_->log_length();
      view.applied_pos = db_->log_length();
      view.detail = db_->restoring() ? "restoring" : db_->storage() != Storage::Ok ? std::string("disk ") + storage_name(db_->storage())
                    : db_->dropped() ? "table dropped" : "WAL #" + std::to_string(db_->log_length()) + ", archived to " +
                                                           format_clock(db_->unarchived_from_story_us(), false);
      return;
    }
    const CopyNode& copy = copy_of(node);
    view.kind = "backup";
    view.role = Role::Secondary;
    // What this copy alone holds: its newest base backup and the WAL archived after it.
    const TimeUs now_story = story_us_of(engine.now_us());
    const RestorePlan latest = plan_restore(config_, copy.contents(), 1, now_story, now_story, kNever);
    view.detail = copy.storage() != Storage::Ok ? storage_name(copy.storage())
                  : copy.contents().bases_story_us.empty() ? "empty"
                  : "base " + format_clock(copy.contents().bases_story_us.back(), false) + ", WAL to " +
                        format_clock(latest.reached_story_us, false);
  }

  std::vector<MetricSpec> metrics() const override { return {{"WAL only on the db disk", "story s"}}; }

  void sample(const Engine& engine, std::vector<int64_t>& row) const override {
    const bool exposed = engine.status(cast_.db) == NodeStatus::Up && db_->storage() == Storage::Ok;
    row.push_back(exposed ? (story_us_of(engine.now_us()) - db_->unarchived_from_story_us()) / kUsPerS : 0);
  }

  void figures(const Engine& engine, std::vector<Figure>& out) const override {
    restore_options_figure(engine, out);
    copies_figure(engine, out);
  }


 private:
  struct Outcome {
    bool done = false;        ///< a restore was started
    bool possible = false;    ///< some copy could do it
    int incident = 0;         ///< index into kIncidentNames of the incident it recovered from
    NodeId copy = kNoNode;
    RestorePlan plan;
    int64_t records_lost = 0;  ///< WAL records the restore discarded
  };
  bool db_serving(const Engine& engine) const {
    return engine.status(cast_.db) == NodeStatus::Up && db_->storage() == Storage::Ok && !db_->restoring() &&
           !db_->dropped();
  }

  const CopyNode& copy_of(NodeId n) const { return *copies_[n == cast_.nas ? 0 : 1]; }
  int64_t fetch_mb_per_s(NodeId n) const { return n == cast_.nas ? config_.local_mb_per_s : config_.wan_mb_per_s; }

  void incident(TimeUs now_story, int kind) {
    if (incident_ == 0) incident_story_us_ = now_story;
    incident_ = kind;
  }

  // Restoring from `copy` to `target` (story µs), with the db's surviving pg_wal if its disk is fine.
  RestorePlan plan_for(const CopyNode& copy, TimeUs target_story_us, TimeUs incident_story_us) const {
    const TimeUs local_from = db_->storage() == Storage::Ok ? db_->unarchived_from_story_us() : kNever;
    const NodeId n = &copy == copies_[0] ? cast_.nas : cast_.cloud;
    return plan_restore(config_, copy.contents(), fetch_mb_per_s(n), target_story_us, incident_story_us, local_from);
  }

  /// The target the options table shows: one second before the incident, or now.
  TimeUs default_target(const Engine& engine) const {
    return incident_ != 0 ? std::max<TimeUs>(0, incident_story_us_ - kUsPerS) : story_us_of(engine.now_us());
  }

  bool usable(const Engine& engine, NodeId n) const {
    return engine.status(n) == NodeStatus::Up && copy_of(n).storage() == Storage::Ok;
  }

  // The best surviving copy: the latest restore point, then the shortest restore.
  NodeId best_copy(const Engine& engine, TimeUs target_story_us, TimeUs incident_story_us, RestorePlan* best) const {
    NodeId chosen = kNoNode;
    for (NodeId n : cast_.copies()) {
      if (!usable(engine, n)) continue;
      const RestorePlan p = plan_for(copy_of(n), target_story_us, incident_story_us);
      if (!p.possible) continue;
      if (chosen == kNoNode || p.reached_story_us > best->reached_story_us ||
          (p.reached_story_us == best->reached_story_us && p.rto_story_us < best->rto_story_us)) {
        chosen = n;
        *best = p;
      }
    }
    return chosen;
  }

  void restore(Engine& engine, TimeUs target_story_us) {
    const TimeUs now_story = story_us_of(engine.now_us());
    const TimeUs incident_story_us = incident_ != 0 ? incident_story_us_ : now_story;
    target_story_us = std::min(target_story_us, incident_story_us);  // past the incident would replay it
    Outcome outcome;
    outcome.done = true;
    outcome.incident = incident_;
    outcome.copy = best_copy(engine, target_story_us, incident_story_us, &outcome.plan);
    outcome.possible = outcome.copy != kNoNode;
    engine.restart(cast_.db);  // a replacement server if the old one is gone
    last_restore_ = outcome;
    if (!outcome.possible) {
      engine.inject(cast_.db, Operator{0, 0, 0, kNoNode, Action::Restore});
      return;
    }
    last_restore_.records_lost = db_->records_from(outcome.plan.reached_story_us);
    const RestorePlan& p = outcome.plan;
    engine.inject(cast_.db, Operator{p.reached_story_us, p.rto_story_us, p.rpo_story_us, outcome.copy, Action::Restore});
    incident_ = 0;
  }

  void restore_options_figure(const Engine& engine, std::vector<Figure>& out) const {
    const bool restored = last_restore_.done && incident_ == 0;
    const TimeUs target = restored ? last_restore_.plan.reached_story_us : default_target(engine);
    const TimeUs incident_story_us = incident_ != 0 ? incident_story_us_ : story_us_of(engine.now_us());
    Figure& f = add_figure(out, Figure::Kind::Table, "Restore options to " + format_clock(target));
    f.columns = {"copy", "full backup", "WAL replayed", "restore point", "RPO (data lost)", "RTO (time to restore)"};
    for (NodeId n : cast_.copies()) {
      const CopyNode& copy = copy_of(n);
      std::vector<FigureCell> row{{engine.names()[static_cast<size_t>(n)], Tone::Neutral}};
      if (!usable(engine, n)) {
        row.push_back({std::string("copy ") + (engine.status(n) != NodeStatus::Up ? "lost" : storage_name(copy.storage())), Tone::Bad});
        for (int i = 0; i < 4; ++i) row.push_back({"-", Tone::Neutral});
      } else {
        const RestorePlan p = plan_for(copy, target, incident_story_us);
        if (!p.possible) {
          row.push_back({p.why, Tone::Bad});
          for (int i = 0; i < 4; ++i) row.push_back({"-", Tone::Neutral});
        } else {
          row.push_back({format_clock(p.base_story_us), Tone::Neutral});
          row.push_back({format_duration(p.reached_story_us - p.base_story_us) + " (" + std::to_string(p.wal_mb) + " MB)",
                         Tone::Neutral});
          row.push_back({format_clock(p.reached_story_us), p.reached_story_us < target ? Tone::Warn : Tone::Good});
          row.push_back({format_duration(p.rpo_story_us), p.rpo_story_us <= kUsPerS ? Tone::Good : Tone::Warn});
          row.push_back({format_duration(p.rto_story_us), Tone::Neutral});
        }
      }
      f.rows.push_back(std::move(row));
    }
    f.caption = caption(engine);
  }

  std::string caption(const Engine& engine) const {
    if (last_restore_.done && !last_restore_.possible) return "Restore failed: no surviving copy holds a usable backup.";
    if (last_restore_.done && incident_ == 0) {
      const RestorePlan& p = last_restore_.plan;
      return "Restored from " + engine.names()[static_cast<size_t>(last_restore_.copy)] + " to " +
             format_clock(p.reached_story_us) + ": RPO " + format_duration(p.rpo_story_us) + " (" +
             std::to_string(last_restore_.records_lost) + " WAL records lost), RTO " + format_duration(p.rto_story_us) + ".";
    }
    if (incident_ != 0)
      return std::string("Incident: ") + kIncidentNames[incident_] + " at " + format_clock(incident_story_us_) +
             ". Lab time runs 3600x: 1 s on the clock is 1 hour.";
    return "Full backup every " + std::to_string(config_.base_every_h) + " h, WAL archived every " +
           std::to_string(config_.archive_s) + " s. Lab time runs 3600x: 1 s on the clock is 1 hour.";
  }

  void copies_figure(const Engine& engine, std::vector<Figure>& out) const {
    Figure& f = add_figure(out, Figure::Kind::Table, "Copies of the data (3-2-1)");
    f.columns = {"copy", "site", "kind", "state"};
    const bool db_up = engine.status(cast_.db) == NodeStatus::Up || db_->storage() == Storage::Ok;
    const Storage db_storage = db_->storage();
    f.rows.push_back({{"db disk", Tone::Neutral}, {"A", Tone::Neutral}, {"production, online", Tone::Neutral},
                      {storage_name(db_storage), db_storage == Storage::Ok && db_up ? Tone::Good : Tone::Bad}});
    for (NodeId n : cast_.copies()) {
      const CopyNode& copy = copy_of(n);
      const bool offsite = n == cast_.cloud;
      const char* kind = !offsite ? "backup server, online" : copy.immutable() ? "object storage, immutable" : "object storage, online";
      const Storage s = copy.storage();
      f.rows.push_back({{engine.names()[static_cast<size_t>(n)], Tone::Neutral},
                        {offsite ? "B" : "A", Tone::Neutral},
                        {kind, Tone::Neutral},
                        {storage_name(s), s == Storage::Ok ? Tone::Good : Tone::Bad}});
    }
    int surviving = 0;
    for (NodeId n : cast_.copies()) surviving += usable(engine, n) ? 1 : 0;
    f.caption = std::to_string(surviving) + " of " + std::to_string(cast_.copies().size()) +
                " backup copies can still restore. 3-2-1: three copies, two media, one offsite; "
                "only an immutable copy survives ransomware.";
  }

  const BackupConfig config_;
  const Cast cast_;
  DbNode* db_ = nullptr;              // owned by the engine
  std::vector<CopyNode*> copies_;     // nas, then cloud
  int incident_ = 0;                  // kIncidentNames index of the incident not restored yet
  TimeUs incident_story_us_ = 0;      // when it began
  Outcome last_restore_;
};

}  // namespace

std::unique_ptr<Scenario> make_backup_scenario(const BackupConfig& config) {
  return std::make_unique<BackupScenario>(config);
}

}  // namespace sim
