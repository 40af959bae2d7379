#include "sim/run.h"

#include "sim/lab.h"

namespace sim {

namespace {

constexpr size_t kMaxFields = 64;

bool fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

std::string quoted(std::string_view s) { return "'" + std::string(s.substr(0, 32)) + (s.size() > 32 ? "...'" : "'"); }

// What commands are written with: node names and the scenario's actions.
struct CommandWords {
  std::vector<std::string> names;
  std::vector<ActionSpec> actions;
};

CommandWords command_words(const LabInfo& info, const std::vector<int64_t>& settings, std::string* error) {
  NetworkConfig network;
  const std::unique_ptr<Scenario> scenario = info.make(settings, &network, error);
  if (scenario == nullptr) return {};
  return {scenario->names(), scenario->vocabulary().actions};
}

bool parse_setting(const SettingSpec& spec, std::string_view text, int64_t* out, std::string* error) {
  if (spec.choices != nullptr) {
    for (int64_t v = spec.min; v <= spec.max; ++v)
      if (text == spec.choices[v]) return *out = v, true;
    return fail(error, describe_setting(spec));
  }
  if (!parse_int(text, spec.max, out) || *out < spec.min) return fail(error, describe_setting(spec));
  return true;
}

bool parse_commands(std::string_view text, const CommandWords& words, RunSpec* run, std::string* error) {
  std::vector<std::string_view> parts;
  if (!split_bounded(text, ',', kMaxRunCommands, &parts))
    return fail(error, "too many commands (limit " + std::to_string(kMaxRunCommands) + ")");
  for (size_t i = 0; i < parts.size(); ++i) {
    Command c;
    std::string why;
    if (!decode_command(parts[i], words.names, &c, &why, words.actions))
      return fail(error, "command " + std::to_string(i + 1) + " " + quoted(parts[i]) + ": " + why);
    run->commands.push_back(c);
  }
  return true;
}

}  // namespace

std::string encode_run(const RunSpec& run) {
  std::string out = "v1;lab=" + run.lab + ";seed=";
  append_int(out, static_cast<int64_t>(run.seed));
  const LabInfo* info = find_lab(run.lab);
  if (info == nullptr) return out;
  for (size_t i = 0; i < info->settings.size() && i < run.settings.size(); ++i) {
    const SettingSpec& s = info->settings[i];
    if (run.settings[i] == s.def) continue;
    out += ";" + std::string(s.key) + "=";
    if (s.choices != nullptr) out += s.choices[run.settings[i]];
    else append_int(out, run.settings[i]);
  }
  if (run.commands.empty()) return out;
  std::string ignored;  // encode_run takes a run that validate_run accepted
  const CommandWords words = command_words(*info, run.settings, &ignored);
  out += ";cmds=";
  for (size_t i = 0; i < run.commands.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += encode_command(run.commands[i], words.names, words.actions);
  }
  return out;
}

bool decode_run(std::string_view text, RunSpec* out, std::string* error) {
  if (text.empty()) return fail(error, "empty run string");
  if (text.size() > kMaxRunChars)
    return fail(error, "run string too long (" + std::to_string(text.size()) + " characters, limit " +
                           std::to_string(kMaxRunChars) + ")");
  std::vector<std::string_view> fields;
  if (!split_bounded(text, ';', kMaxFields, &fields)) return fail(error, "too many fields");
  if (fields[0] != "v1") return fail(error, "unsupported format: a run starts with 'v1;'");
  if (fields.size() < 2 || fields[1].substr(0, 4) != "lab=") return fail(error, "missing 'lab=' after 'v1;'");
  const LabInfo* info = find_lab(fields[1].substr(4));
  if (info == nullptr) return fail(error, "unknown lab " + quoted(fields[1].substr(4)));
  RunSpec run = default_run(*info, 1);
  std::vector<std::string_view> seen;
  std::string_view commands;
  bool has_commands = false;
  for (size_t i = 2; i < fields.size(); ++i) {
    const size_t eq = fields[i].find('=');
    if (eq == std::string_view::npos) return fail(error, "field " + quoted(fields[i]) + " is not key=value");
    const std::string_view key = fields[i].substr(0, eq), value = fields[i].substr(eq + 1);
    for (std::string_view k : seen)
      if (k == key) return fail(error, "field " + quoted(key) + " appears twice");
    seen.push_back(key);
    if (key == "seed") {
      int64_t seed = 0;
      if (!parse_int(value, static_cast<int64_t>(kMaxSeed), &seed))
        return fail(error, "seed must be a number 0.." + std::to_string(kMaxSeed));
      run.seed = static_cast<uint64_t>(seed);
    } else if (key == "cmds") {
      if (value.empty()) return fail(error, "empty command list");
      commands = value;
      has_commands = true;
    } else {
      const int index = setting_index(*info, key);
      if (index < 0) return fail(error, "unknown setting " + quoted(key) + " for lab " + info->id);
      if (!parse_setting(info->settings[static_cast<size_t>(index)], value, &run.settings[static_cast<size_t>(index)], error))
        return false;
    }
  }
  if (has_commands) {
    const CommandWords words = command_words(*info, run.settings, error);
    if (words.names.empty() || !parse_commands(commands, words, &run, error)) return false;
  }
  if (!validate_run(run, error)) return false;
  *out = std::move(run);
  return true;
}

}  // namespace sim
