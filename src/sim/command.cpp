#include "sim/command.h"

namespace sim {

const VerbInfo kVerbs[] = {
    {Verb::Crash, "crash", "n", "crash a node: volatile state lost, durable state kept"},
    {Verb::Restart, "restart", "n", "restart a crashed node"},
    {Verb::Pause, "pause", "n", "freeze a node (like a long GC pause): it holds messages and timers"},
    {Verb::Resume, "resume", "n", "unfreeze a paused node; held messages and timers run now"},
    {Verb::Skew, "skew", "nv", "set a node's clock offset from simulated time, in microseconds"},
    {Verb::Cut, "cut", "nn", "cut the link from the first node to the second (one way)"},
    {Verb::Uncut, "uncut", "nn", "restore the link from the first node to the second"},
    {Verb::Partition, "part", "g", "cut both ways between the group and every other node"},
    {Verb::Heal, "heal", "", "restore every link"},
    {Verb::Latency, "lat", "nnv", "set the base one-way latency from first to second node (us)"},
    {Verb::Write, "write", "nkv", "client writes key=value"},
    {Verb::Read, "read", "nk", "client reads key"},
    {Verb::Promote, "promote", "n", "manual failover: promote this node now"},
    {Verb::Switchover, "switch", "n", "planned switchover to this node: drain, catch up, promote"},
    {Verb::ApplyDelay, "apply", "nv", "set a replica's apply delay (us)"},
    {Verb::Rate, "rate", "v", "set the workload rate (operations per second, 0 stops it)"},
    {Verb::Act, "act", "", "a scenario action, named by the scenario"},
};
const int kVerbCount = static_cast<int>(sizeof kVerbs / sizeof kVerbs[0]);

const VerbInfo& verb_info(Verb verb) { return kVerbs[static_cast<int>(verb)]; }

bool parse_int(std::string_view text, int64_t max, int64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return false;
    const int digit = ch - '0';
    if (v > (max - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

bool split_bounded(std::string_view text, char sep, size_t max_parts, std::vector<std::string_view>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    if (out->size() == max_parts) return false;
    const size_t at = text.find(sep, start);
    out->push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return true;
    start = at + 1;
  }
}

namespace {

bool parse_signed(std::string_view text, int64_t max_abs, int64_t* out) {
  const bool negative = !text.empty() && text[0] == '-';
  if (!parse_int(negative ? text.substr(1) : text, max_abs, out)) return false;
  if (negative) *out = -*out;
  return true;
}

NodeId find_node(std::string_view name, const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<NodeId>(i);
  return kNoNode;
}

void append_group(std::string& out, int64_t mask, const std::vector<std::string>& names,
                  char separator) {
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if ((mask >> i & 1) == 0) continue;
    if (!first) out.push_back(separator);
    out += names[i];
    first = false;
  }
}

bool fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

bool parse_group(std::string_view text, const std::vector<std::string>& names, int64_t* mask,
                 std::string* error) {
  std::vector<std::string_view> parts;
  if (!split_bounded(text, '-', kMaxNodes, &parts)) return fail(error, "group has too many nodes");
  *mask = 0;
  for (std::string_view part : parts) {
    const NodeId id = find_node(part, names);
    if (id == kNoNode) return fail(error, "unknown node '" + std::string(part.substr(0, 16)) + "' in group");
    *mask |= int64_t{1} << id;
  }
  if (*mask == (int64_t{1} << names.size()) - 1)
    return fail(error, "a partition group must leave at least one node outside");
  return true;
}

bool parse_arg(char shape, std::string_view token, const std::vector<std::string>& names,
               bool first_node, Command* c, std::string* error) {
  int64_t v = 0;
  switch (shape) {
    case 'n': {
      const NodeId id = find_node(token, names);
      if (id == kNoNode) return fail(error, "unknown node '" + std::string(token) + "'");
      (first_node ? c->a : c->b) = id;
      return true;
    }
    case 'k':
      if (!parse_int(token, kMaxKey, &v)) return fail(error, "key must be 0.." + std::to_string(kMaxKey));
      c->b = static_cast<int32_t>(v);
      return true;
    case 'v':
      if (!parse_signed(token, kMaxCommandValue, &v)) return fail(error, "value out of range");
      c->value = v;
      return true;
    case 'g':
      return parse_group(token, names, &c->value, error);
  }
  return fail(error, "bad argument shape");
}

}  // namespace

const char* command_args(const Command& c, const std::vector<ActionSpec>& actions) {
  if (c.verb != Verb::Act) return verb_info(c.verb).args;
  return c.b >= 0 && static_cast<size_t>(c.b) < actions.size() ? actions[static_cast<size_t>(c.b)].args : "";
}

std::string encode_command(const Command& c, const std::vector<std::string>& names,
                           const std::vector<ActionSpec>& actions) {
  std::string out;
  append_int(out, c.time_us);
  out.push_back('.');
  out += verb_info(c.verb).name;
  if (c.verb == Verb::Act && c.b >= 0 && static_cast<size_t>(c.b) < actions.size()) {
    out.push_back('.');
    out += actions[static_cast<size_t>(c.b)].name;
  }
  bool first_node = true;
  for (const char* p = command_args(c, actions); *p != '\0'; ++p) {
    out.push_back('.');
    switch (*p) {
      case 'n': out += node_name(names, first_node ? c.a : c.b); first_node = false; break;
      case 'k': append_int(out, c.b); break;
      case 'v': append_int(out, c.value); break;
      case 'g': append_group(out, c.value, names, '-'); break;
    }
  }
  return out;
}

bool decode_command(std::string_view text, const std::vector<std::string>& names, Command* out,
                    std::string* error, const std::vector<ActionSpec>& actions) {
  constexpr size_t kMaxParts = 7;  // time, verb, action name and at most 4 arguments
  std::vector<std::string_view> parts;
  if (!split_bounded(text, '.', kMaxParts, &parts)) return fail(error, "command has too many parts");
  const int n = static_cast<int>(parts.size());
  if (n < 2) return fail(error, "a command needs a time and a verb");
  Command c;
  if (!parse_int(parts[0], kMaxCommandTimeUs, &c.time_us))
    return fail(error, "command time must be 0.." + std::to_string(kMaxCommandTimeUs) + " us");
  const VerbInfo* info = nullptr;
  for (int i = 0; i < kVerbCount; ++i)
    if (parts[1] == kVerbs[i].name) info = &kVerbs[i];
  if (info == nullptr) return fail(error, "unknown command '" + std::string(parts[1].substr(0, 16)) + "'");
  c.verb = info->verb;
  size_t first_arg = 2;
  const char* shape = info->args;
  std::string name = info->name;
  if (c.verb == Verb::Act) {
    if (n < 3) return fail(error, "an action needs a name");
    for (size_t i = 0; i < actions.size(); ++i)
      if (parts[2] == actions[i].name) c.b = static_cast<int32_t>(i);
    if (c.b < 0) return fail(error, "unknown action '" + std::string(parts[2].substr(0, 24)) + "' for this lab");
    shape = actions[static_cast<size_t>(c.b)].args;
    name = actions[static_cast<size_t>(c.b)].name;
    first_arg = 3;
  }
  const int arity = static_cast<int>(std::string_view(shape).size());
  if (n - static_cast<int>(first_arg) != arity)
    return fail(error, "command '" + name + "' takes " + std::to_string(arity) + " argument(s)");
  bool first_node = true;
  for (int i = 0; i < arity; ++i) {
    if (!parse_arg(shape[i], parts[first_arg + static_cast<size_t>(i)], names, first_node, &c, error)) return false;
    if (shape[i] == 'n') first_node = false;
  }
  *out = c;
  return true;
}

std::string describe_command(const Command& c, const std::vector<std::string>& names,
                             const std::vector<ActionSpec>& actions) {
  const bool action = c.verb == Verb::Act && c.b >= 0 && static_cast<size_t>(c.b) < actions.size();
  std::string out = action ? actions[static_cast<size_t>(c.b)].name : verb_info(c.verb).name;
  bool first_node = true;
  for (const char* p = command_args(c, actions); *p != '\0'; ++p) {
    out.push_back(*p == 'v' && c.verb == Verb::Write ? '=' : ' ');
    switch (*p) {
      case 'n': out += node_name(names, first_node ? c.a : c.b); first_node = false; break;
      case 'k': out.push_back('k'); append_int(out, c.b); break;
      case 'v': append_int(out, c.value); break;
      case 'g': out.push_back('{'); append_group(out, c.value, names, ','); out.push_back('}'); break;
    }
  }
  return out;
}

}  // namespace sim
