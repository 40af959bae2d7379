#include "sim/trace.h"

#include "sim/command.h"

namespace sim {

namespace {

const char* kKindNames[] = {"send", "deliver", "drop", "dup", "timer", "crash", "restart",
                            "pause", "resume", "skew", "net", "role", "invoke", "complete",
                            "append", "truncate", "cmd", "note"};
const char* kDropNames[] = {"cut", "loss", "node-down"};
const char* kNetNames[] = {"cut", "uncut", "partition", "heal", "latency"};
const char* kResultNames[] = {"ok", "timeout"};
const char* kSourceNames[] = {"client", "replicated", "noop"};

void append_time(std::string& out, TimeUs t_us) {
  append_int(out, t_us / kUsPerS);
  out.push_back('.');
  const std::string frac = std::to_string(1'000'000 + t_us % kUsPerS);
  out.append(frac, 1, 6);
}

void append_message(std::string& out, const TraceEvent& e, const Vocabulary& vocabulary) {
  if (vocabulary.message_label != nullptr) {
    vocabulary.message_label(static_cast<uint16_t>(e.x), TraceArgs{e.b, e.c}, out);
  } else {
    out += "type";
    append_int(out, e.x);
  }
  out += " m";
  append_int(out, e.a);
}

void append_op(std::string& out, OpKind kind, const TraceEvent& e) {
  out += kind == OpKind::Write ? "write k" : "read k";
  append_int(out, e.x);
  if (kind == OpKind::Write) {
    out.push_back('=');
    append_int(out, e.b);
  }
}

}  // namespace

uint64_t Trace::hash() const {
  for (; hashed_ < events_.size(); ++hashed_) hash_ = hash_event(hash_, events_[hashed_]);
  return hash_;
}

std::string hex64(uint64_t v) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<size_t>(i)] = kDigits[v & 15];
  return out;
}

std::string format_event(const TraceEvent& e, const std::vector<std::string>& names,
                         const Vocabulary& vocabulary) {
  std::string out;
  append_time(out, e.time_us);
  out.push_back(' ');
  out += e.kind == TraceKind::Command ? "user" : node_name(names, e.node);
  out.push_back(' ');
  out += kKindNames[static_cast<int>(e.kind)];
  out.push_back(' ');
  switch (e.kind) {
    case TraceKind::Send:
    case TraceKind::Duplicate:
      out += "->";
      out += node_name(names, e.peer);
      out.push_back(' ');
      append_message(out, e, vocabulary);
      break;
    case TraceKind::Deliver:
    case TraceKind::Drop:
      out += "<-";
      out += node_name(names, e.peer);
      out.push_back(' ');
      append_message(out, e, vocabulary);
      if (e.kind == TraceKind::Drop) {
        out += " (";
        out += kDropNames[e.code];
        out.push_back(')');
      }
      break;
    case TraceKind::Timer:
      if (vocabulary.timer_name != nullptr) out += vocabulary.timer_name(e.x);
      else append_int(out, e.x);
      break;
    case TraceKind::Crash:
    case TraceKind::Restart:
    case TraceKind::Pause:
    case TraceKind::Resume:
      out.pop_back();
      break;
    case TraceKind::Skew:
      append_int(out, e.a);
      out += " us";
      break;
    case TraceKind::Net:
      out += kNetNames[e.code];
      if (e.code != static_cast<uint8_t>(NetChange::Heal) && e.code != static_cast<uint8_t>(NetChange::Partition)) {
        out += " ->";
        out += node_name(names, e.peer);
      }
      if (e.code == static_cast<uint8_t>(NetChange::Latency) || e.code == static_cast<uint8_t>(NetChange::Partition)) {
        out.push_back(' ');
        append_int(out, e.a);
      }
      break;
    case TraceKind::Role:
      out += role_name(static_cast<Role>(e.code));
      out += " e";
      append_int(out, e.a);
      break;
    case TraceKind::Invoke:
      append_op(out, static_cast<OpKind>(e.code), e);
      out += " op";
      append_int(out, e.a);
      break;
    case TraceKind::Complete:
      append_op(out, static_cast<OpKind>(e.y), e);
      if (static_cast<OpKind>(e.y) == OpKind::Read && e.code == static_cast<uint8_t>(OpResult::Ok)) {
        out += " -> ";
        append_int(out, e.b);
      }
      out += " op";
      append_int(out, e.a);
      out.push_back(' ');
      out += kResultNames[e.code];
      if (e.peer != kNoPeer) {
        out += " via ";
        out += node_name(names, e.peer);
      }
      break;
    case TraceKind::Append:
      out.push_back('#');
      append_int(out, e.a);
      out += " e";
      append_int(out, e.y);
      if (static_cast<AppendSource>(e.code) != AppendSource::Noop) {
        out += " k";
        append_int(out, e.x);
        out.push_back('=');
        append_int(out, e.b);
      }
      out += " (";
      out += kSourceNames[e.code];
      out.push_back(')');
      break;
    case TraceKind::Truncate:
      out += "to #";
      append_int(out, e.a);
      out += " (-";
      append_int(out, e.b);
      out.push_back(')');
      break;
    case TraceKind::Command: {
      Command c;
      c.verb = static_cast<Verb>(e.code);
      c.a = e.node == kNoPeer ? kNoNode : e.node;
      c.b = e.x;
      c.value = e.a;
      out += describe_command(c, names, vocabulary.actions);
      break;
    }
    case TraceKind::Note:
      if (vocabulary.note_text != nullptr) vocabulary.note_text(e, names, out);
      else append_int(out, e.code);
      break;
  }
  return out;
}

}  // namespace sim
