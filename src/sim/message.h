// sim/message.h — a fixed-size message: header plus an inline protocol-defined body.
//
// Usage (inside a protocol):
//   struct Ping { static constexpr uint16_t kType = 7; int64_t sent_local_us;
//                 TraceArgs trace_args() const { return {sent_local_us, 0}; } };
//   ctx.send(peer, Ping{ctx.now_local_us()});          // engine wraps it in a Message
//   if (msg.type == Ping::kType) { Ping p = msg.body_as<Ping>(); ... }
//
// Why inline bodies: the engine moves millions of messages per second; a heap-allocated payload
// per message would dominate the cost. Bodies are trivially copyable structs of at most
// kMessageBodyBytes, copied with memcpy. Their byte layout never reaches the trace hash (the
// trace records explicit integer fields), so padding differences between platforms are harmless.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "sim/types.h"

namespace sim {

constexpr size_t kMessageBodyBytes = 48;

/// Two integers a message contributes to its trace records and its UI label
/// (e.g. an append's log position and epoch: "append #12 e1").
struct TraceArgs {
  int64_t a = 0;
  int64_t b = 0;
};

struct Message {
  uint32_t id = 0;         ///< Unique per run, assigned by the engine at send; copies share it.
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  uint16_t type = 0;       ///< Protocol-defined; the body's kType.
  TraceArgs args;          ///< Copied from the body at send, for traces and labels.
  alignas(8) unsigned char body[kMessageBodyBytes];

  template <class Body>
  static Message wrap(const Body& b) {
    static_assert(std::is_trivially_copyable<Body>::value, "message bodies are copied bytewise");
    static_assert(sizeof(Body) <= kMessageBodyBytes, "message body too large");
    Message m;
    m.type = Body::kType;
    m.args = b.trace_args();
    std::memset(m.body, 0, sizeof m.body);
    std::memcpy(m.body, &b, sizeof b);
    return m;
  }

  template <class Body>
  Body body_as() const {
    Body b;
    std::memcpy(&b, body, sizeof b);
    return b;
  }
};

}  // namespace sim
