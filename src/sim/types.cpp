#include "sim/types.h"

namespace sim {

const char* role_name(Role role) {
  switch (role) {
    case Role::None: return "none";
    case Role::Primary: return "primary";
    case Role::Secondary: return "secondary";
    case Role::Monitor: return "monitor";
    case Role::Client: return "client";
    case Role::Leader: return "leader";
    case Role::Follower: return "follower";
    case Role::Candidate: return "candidate";
  }
  return "?";
}

const char* status_name(NodeStatus status) {
  switch (status) {
    case NodeStatus::Up: return "up";
    case NodeStatus::Crashed: return "crashed";
    case NodeStatus::Paused: return "paused";
  }
  return "?";
}

const char* node_name(const std::vector<std::string>& names, int id) {
  return id >= 0 && static_cast<size_t>(id) < names.size() ? names[static_cast<size_t>(id)].c_str() : "-";
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  int n = 0;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

std::string format_seconds(TimeUs t_us) {
  std::string out;
  if (t_us < 0) {
    out.push_back('-');
    t_us = -t_us;
  }
  append_int(out, t_us / kUsPerS);
  out.push_back('.');
  const int64_t ms = (t_us % kUsPerS) / kUsPerMs;
  out.push_back(static_cast<char>('0' + ms / 100));
  out.push_back(static_cast<char>('0' + ms / 10 % 10));
  out.push_back(static_cast<char>('0' + ms % 10));
  out += " s";
  return out;
}

}  // namespace sim
