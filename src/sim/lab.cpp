#include "sim/lab.h"

namespace sim {

namespace {

constexpr uint32_t kSampleTag = 0xFFFFFFFFu;
constexpr TimeUs kMaxSkewUs = 3600 * kUsPerS;
constexpr TimeUs kMaxLatencyUs = 60 * kUsPerS;

bool fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

bool is_engine_verb(Verb v) { return static_cast<int>(v) <= static_cast<int>(Verb::Latency); }

// Argument checks every lab shares; scenario verbs are then checked by the scenario.
bool validate_command(const Scenario& scenario, int node_count, const Command& c, std::string* error) {
  const std::string_view shape = verb_info(c.verb).args;
  const auto valid_node = [node_count](NodeId n) { return n >= 0 && n < node_count; };
  if (shape.find('n') != std::string_view::npos && !valid_node(c.a)) return fail(error, "no such node");
  if (shape == "nn" || shape == "nnv") {
    if (!valid_node(c.b)) return fail(error, "no such node");
    if (c.a == c.b) return fail(error, "a link joins two different nodes");
  }
  if (shape == "g") {
    const int64_t all = (int64_t{1} << node_count) - 1;
    if (c.value <= 0 || (c.value & ~all) != 0 || c.value == all)
      return fail(error, "a partition group needs some but not all nodes");
  }
  if (c.verb == Verb::Skew && (c.value < -kMaxSkewUs || c.value > kMaxSkewUs))
    return fail(error, "clock skew must be within one hour");
  if (c.verb == Verb::Latency && (c.value < 0 || c.value > kMaxLatencyUs))
    return fail(error, "latency must be 0..60 s");
  if (c.verb == Verb::Act) {
    const std::vector<ActionSpec>& actions = scenario.vocabulary().actions;
    if (c.b < 0 || static_cast<size_t>(c.b) >= actions.size()) return fail(error, "no such action in this lab");
    const ActionSpec& action = actions[static_cast<size_t>(c.b)];
    const std::string_view args = action.args;
    if (args.find('n') != std::string_view::npos && !valid_node(c.a)) return fail(error, "no such node");
    if (args.find('v') != std::string_view::npos && (c.value < action.value_min || c.value > action.value_max))
      return fail(error, std::string(action.name) + " takes a value " + std::to_string(action.value_min) + ".." +
                             std::to_string(action.value_max));
  }
  return is_engine_verb(c.verb) || scenario.validate(c, error);
}

}  // namespace

std::string describe_setting(const SettingSpec& s) {
  std::string out = "setting '" + std::string(s.key) + "' must be ";
  if (s.choices == nullptr) return out + std::to_string(s.min) + ".." + std::to_string(s.max);
  for (int64_t v = s.min; v <= s.max; ++v) out += (v > s.min ? " or " : "") + std::string(s.choices[v]);
  return out;
}

// --- Registry --------------------------------------------------------------------------------

const std::vector<LabInfo>& labs() {
  static const std::vector<LabInfo> all = [] {
    std::vector<LabInfo> out;
    for (std::vector<LabInfo> (*family)() :
         {cluster_labs, replication_labs, conflict_labs, sharding_labs, quorum_labs, failure_detection_labs,
          raft_labs, region_labs, backup_labs, pooling_labs, caching_labs, migration_labs})
      for (LabInfo& info : family()) out.push_back(std::move(info));
    return out;
  }();
  return all;
}

const LabInfo* find_lab(std::string_view id) {
  for (const LabInfo& info : labs())
    if (id == info.id) return &info;
  return nullptr;
}

int setting_index(const LabInfo& info, std::string_view key) {
  for (size_t i = 0; i < info.settings.size(); ++i)
    if (key == info.settings[i].key) return static_cast<int>(i);
  return -1;
}

int64_t setting_value(const std::vector<SettingSpec>& schema, const std::vector<int64_t>& values, std::string_view key) {
  for (size_t i = 0; i < schema.size() && i < values.size(); ++i)
    if (key == schema[i].key) return values[i];
  return 0;
}

RunSpec default_run(const LabInfo& info, uint64_t seed) {
  RunSpec run;
  run.lab = info.id;
  run.seed = seed;
  for (const SettingSpec& s : info.settings) run.settings.push_back(s.def);
  return run;
}

bool validate_run(const RunSpec& run, std::string* error) {
  const LabInfo* info = find_lab(run.lab);
  if (info == nullptr) return fail(error, "unknown lab '" + run.lab.substr(0, 40) + "'");
  if (run.seed > kMaxSeed) return fail(error, "seed must be 0.." + std::to_string(kMaxSeed));
  if (run.settings.size() != info->settings.size()) return fail(error, "wrong number of settings");
  for (size_t i = 0; i < run.settings.size(); ++i)
    if (run.settings[i] < info->settings[i].min || run.settings[i] > info->settings[i].max)
      return fail(error, describe_setting(info->settings[i]));
  NetworkConfig network;
  const std::unique_ptr<Scenario> scenario = info->make(run.settings, &network, error);
  if (scenario == nullptr || !network.validate(error)) return false;
  if (run.commands.size() > kMaxRunCommands)
    return fail(error, "too many commands (limit " + std::to_string(kMaxRunCommands) + ")");
  const int node_count = static_cast<int>(scenario->names().size());
  TimeUs previous_us = 0;
  for (size_t i = 0; i < run.commands.size(); ++i) {
    const Command& c = run.commands[i];
    std::string why = "times must be non-decreasing";
    const bool ordered = c.time_us >= previous_us && c.time_us <= kMaxCommandTimeUs;
    if (!ordered || !validate_command(*scenario, node_count, c, &why))
      return fail(error, "command " + std::to_string(i + 1) + " (" + verb_info(c.verb).name + "): " + why);
    previous_us = c.time_us;
  }
  return true;
}

// --- Lab -------------------------------------------------------------------------------------

std::unique_ptr<Lab> Lab::create(const RunSpec& run, std::string* error, const LabOptions& options) {
  if (options.sample_interval_us <= 0) {
    *error = "sample interval must be positive";
    return nullptr;
  }
  if (!validate_run(run, error)) return nullptr;
  std::unique_ptr<Lab> lab(new Lab());
  lab->info_ = find_lab(run.lab);
  lab->run_ = run;
  lab->options_ = options;
  EngineConfig config;
  config.seed = run.seed;
  config.keep_trace = options.keep_trace;
  lab->scenario_ = lab->info_->make(run.settings, &config.network, error);
  lab->engine_ = std::make_unique<Engine>(config);
  Engine& engine = *lab->engine_;
  lab->scenario_->build(engine);
  lab->checkers_ = std::make_unique<Checkers>(engine.names());
  engine.trace().add_sink(lab->checkers_.get());
  lab->extra_checkers_ = lab->scenario_->make_checkers(*lab->checkers_, engine.names());
  for (const std::unique_ptr<TraceSink>& checker : lab->extra_checkers_) engine.trace().add_sink(checker.get());
  engine.set_host(lab.get());
  lab->metrics_.interval_us = options.sample_interval_us;
  if (lab->scenario_->traces_client_ops()) lab->metrics_.specs.push_back({"throughput", "ops/s"});
  lab->metrics_.specs.push_back({"findings", "count"});
  for (MetricSpec& m : lab->scenario_->metrics()) lab->metrics_.specs.push_back(std::move(m));
  lab->metrics_.series.resize(lab->metrics_.specs.size());
  engine.start();
  for (size_t i = 0; i < run.commands.size(); ++i)
    engine.schedule_host(run.commands[i].time_us, Phase::Command, static_cast<uint32_t>(i));
  engine.schedule_host(0, Phase::Sample, kSampleTag);
  return lab;
}

int64_t Lab::setting(std::string_view key) const {
  const int i = setting_index(*info_, key);
  return i < 0 ? 0 : run_.settings[static_cast<size_t>(i)];
}

bool Lab::issue(Command cmd, std::string* error) {
  cmd.time_us = now_us();
  if (!run_.commands.empty() && run_.commands.back().time_us > cmd.time_us)
    return fail(error, "the log has later commands: branch from run().truncated_after(now) first");
  if (run_.commands.size() >= kMaxRunCommands) return fail(error, "command log is full");
  if (!validate_command(*scenario_, engine_->node_count(), cmd, error)) return false;
  run_.commands.push_back(cmd);
  engine_->schedule_host(cmd.time_us, Phase::Command, static_cast<uint32_t>(run_.commands.size() - 1));
  engine_->run_until(cmd.time_us);  // takes effect now: views read right after show it
  return true;
}

bool Lab::accepts(const Command& cmd) const {
  std::string ignored;
  return validate_command(*scenario_, engine_->node_count(), cmd, &ignored);
}

void Lab::on_host_event(uint32_t tag) {
  if (tag == kSampleTag) {
    sample();
    engine_->schedule_host(now_us() + options_.sample_interval_us, Phase::Sample, kSampleTag);
    return;
  }
  apply(run_.commands[tag]);
}

void Lab::apply(const Command& c) {
  Engine& e = *engine_;
  e.trace_command(static_cast<uint8_t>(c.verb), c.a, c.b, c.value);
  switch (c.verb) {
    case Verb::Crash: e.crash(c.a); break;
    case Verb::Restart: e.restart(c.a); break;
    case Verb::Pause: e.pause(c.a); break;
    case Verb::Resume: e.resume(c.a); break;
    case Verb::Skew: e.set_skew(c.a, c.value); break;
    case Verb::Cut: e.cut(c.a, c.b); break;
    case Verb::Uncut: e.uncut(c.a, c.b); break;
    case Verb::Partition: e.partition(static_cast<uint32_t>(c.value)); break;
    case Verb::Heal: e.heal(); break;
    case Verb::Latency: e.set_latency(c.a, c.b, c.value); break;
    default: scenario_->apply(e, c); break;
  }
}

void Lab::sample() {
  std::vector<int64_t> row;
  if (scenario_->traces_client_ops()) {
    const CheckerStats& stats = checkers_->stats();
    const int64_t acked = stats.writes_acked + stats.reads_acked;
    row.push_back((acked - last_ops_acked_) * kUsPerS / options_.sample_interval_us);
    last_ops_acked_ = acked;
  }
  row.push_back(static_cast<int64_t>(findings().size()));
  scenario_->sample(*engine_, row);
  metrics_.times_us.push_back(now_us());
  for (size_t i = 0; i < row.size() && i < metrics_.series.size(); ++i) metrics_.series[i].push_back(row[i]);
}

std::vector<NodeView> Lab::nodes() const {
  std::vector<NodeView> out(static_cast<size_t>(engine_->node_count()));
  for (NodeId n = 0; n < engine_->node_count(); ++n) {
    NodeView& v = out[static_cast<size_t>(n)];
    v.id = n;
    v.name = engine_->names()[static_cast<size_t>(n)];
    v.status = engine_->status(n);
    v.skew_us = engine_->skew_us(n);
    scenario_->describe(*engine_, n, v);
  }
  return out;
}

NodeId Lab::primary() const {
  NodeId best = kNoNode;
  int64_t best_epoch = -1;
  for (const NodeView& v : nodes()) {
    const bool leads = v.role == Role::Primary || v.role == Role::Leader;
    if (leads && v.status == NodeStatus::Up && v.epoch > best_epoch) {
      best = v.id;
      best_epoch = v.epoch;
    }
  }
  return best;
}

std::vector<LinkView> Lab::links() const {
  std::vector<LinkView> out;
  for (NodeId a = 0; a < engine_->node_count(); ++a)
    for (NodeId b = 0; b < engine_->node_count(); ++b)
      if (a != b) out.push_back(LinkView{a, b, engine_->network().is_cut(a, b)});
  return out;
}

std::vector<MessageView> Lab::messages() const {
  std::vector<MessageView> out;
  for (const InFlight& m : engine_->in_flight()) {
    MessageView v{m.id, m.from, m.to, m.sent_us, m.deliver_us, {}};
    scenario_->vocabulary().message_label(m.type, m.args, v.label);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<GoalStatus> Lab::goals() const {
  std::vector<GoalStatus> out;
  for (const GoalSpec& g : info_->goals) out.push_back(GoalStatus{g.id, g.title, g.hint, g.met(*this)});
  return out;
}

std::vector<Figure> Lab::figures() const {
  std::vector<Figure> out;
  scenario_->figures(*engine_, out);
  return out;
}

std::string Lab::describe(const Command& c) const {
  return describe_command(c, engine_->names(), scenario_->vocabulary().actions);
}

std::string Lab::trace_line(const TraceEvent& e) const {
  return format_event(e, engine_->names(), scenario_->vocabulary());
}

std::string Lab::trace_text() const {
  std::string out;
  for (const TraceEvent& e : trace()) {
    out += trace_line(e);
    out.push_back('\n');
  }
  return out;
}

RunSpec RunSpec::truncated_after(TimeUs t_us) const {
  RunSpec out = *this;
  while (!out.commands.empty() && out.commands.back().time_us > t_us) out.commands.pop_back();
  return out;
}

}  // namespace sim
