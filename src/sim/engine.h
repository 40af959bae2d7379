// sim/engine.h — the deterministic discrete-event engine: one queue ordered by
// (time, phase, sequence), nodes running pluggable protocols, the network, faults and the trace.
//
// Usage:
//   sim::EngineConfig config;  config.seed = 42;
//   sim::Engine engine(config);
//   sim::NodeId a = engine.add_node("n1", std::make_unique<MyProtocol>());
//   engine.start();                       // calls on_start on every node at t = 0
//   engine.run_until(2 * sim::kUsPerS);   // host advances time (chips' kc85_exec style)
//   engine.crash(a);  engine.partition(0b011);  engine.heal();
//   uint64_t h = engine.trace().hash();
//
// A protocol never sees the engine: it gets one input (start, message or timer) and a Context,
// and writes messages to the outbox, arms timers and notes observations — the engine delivers
// (STYLE.md #1, etcd-io/raft raft.go send() only appends to msgs). Nothing here reads a wall
// clock, allocates per message, or iterates an unordered container.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/message.h"
#include "sim/network.h"
#include "sim/quad_heap.h"
#include "sim/rng.h"
#include "sim/trace.h"
#include "sim/types.h"

namespace sim {

using TimerId = int32_t;
constexpr int kMaxTimers = 8;

class Engine;

/// What a protocol may do while it handles one input.
class Context {
 public:
  NodeId self() const { return self_; }
  /// This node's clock: simulated time plus the node's skew. Protocols use it for timestamps and
  /// timeouts, so a skewed clock misleads them exactly as in production (lesson 5).
  TimeUs now_local_us() const { return now_local_us_; }
  /// This node's own random stream (derived from the run seed and the node id).
  Rng& rng() { return *rng_; }

  template <class Body>
  void send(NodeId to, const Body& body) {
    Message m = Message::wrap(body);
    m.from = self_;
    m.to = to;
    outbox_->push_back(m);
  }
  /// Arms (or re-arms) timer `id` to fire after `delay_us`; a re-arm cancels the earlier one.
  void set_timer(TimerId id, TimeUs delay_us);
  void cancel_timer(TimerId id);

  // Observations written to the trace; they never change the run.
  void trace_role(Role role, int64_t epoch);
  void trace_invoke(OpKind kind, int32_t key, int64_t op, int64_t value, int64_t write_id);
  void trace_complete(OpKind kind, OpResult result, NodeId served_by, int32_t key, int64_t op,
                      int64_t value, int64_t write_id);
  void trace_append(AppendSource source, int64_t pos, int32_t epoch, int32_t key, int64_t value,
                    int64_t write_id);
  void trace_truncate(int64_t new_length, int64_t removed);
  void trace_note(uint8_t code, NodeId peer, int64_t a, int64_t b, int64_t c);

 private:
  friend class Engine;
  Engine* engine_ = nullptr;
  std::vector<Message>* outbox_ = nullptr;
  NodeId self_ = kNoNode;
  TimeUs now_local_us_ = 0;
  Rng* rng_ = nullptr;
};

/// A node's algorithm. Durable state lives in members that on_crash() keeps; volatile state is
/// what on_crash() clears (lesson 5: a crash loses memory, not disk).
class Protocol {
 public:
  virtual ~Protocol() = default;
  /// First boot and every restart.
  virtual void on_start(Context& ctx) = 0;
  virtual void on_message(Context& ctx, const Message& msg) = 0;
  virtual void on_timer(Context& ctx, TimerId timer) = 0;
  /// Power loss: drop volatile state. No context: a crashing node sends nothing.
  virtual void on_crash() = 0;
};

/// Receives host events (commands, metric samples) at their scheduled time.
class HostHandler {
 public:
  virtual ~HostHandler() = default;
  virtual void on_host_event(uint32_t tag) = 0;
};

/// Order among events at the same instant. Node events run first, then the user's commands,
/// then metric samples — so a command issued live at time t (after every event at t) replays
/// in exactly the same place when the run is rebuilt from its command log.
enum class Phase : uint8_t { Node = 0, Command = 1, Sample = 2 };

struct EngineConfig {
  /// Root of every random stream in the run.
  uint64_t seed = 1;
  /// Initial network (validated by the engine's owner, see NetworkConfig::validate).
  NetworkConfig network;
  /// Keep every trace record in memory (false: only the hash and the sinks, for long benches).
  bool keep_trace = true;
};

/// A message on the wire or held by a paused receiver, for the UI.
struct InFlight {
  uint32_t id = 0;
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  TimeUs sent_us = 0;
  TimeUs deliver_us = 0;  ///< kNever while held by a paused receiver
  uint16_t type = 0;
  TraceArgs args;
};

class Engine {
 public:
  explicit Engine(const EngineConfig& config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Adds a node (only before start()); ids are 0, 1, 2... in call order.
  NodeId add_node(std::string name, std::unique_ptr<Protocol> protocol);
  void start();

  // --- Time -----------------------------------------------------------------------------------
  TimeUs now_us() const { return now_us_; }
  /// Processes the next event; false when nothing is queued.
  bool step();
  /// Processes every event at or before t, then sets now to t.
  void run_until(TimeUs t_us);
  /// Time of the next queued event, or kNever.
  TimeUs next_event_us() const;
  uint64_t events_processed() const { return events_processed_; }

  // --- Faults (each traced) ---------------------------------------------------------------------
  void crash(NodeId node);
  void restart(NodeId node);
  void pause(NodeId node);
  void resume(NodeId node);
  void set_skew(NodeId node, TimeUs skew_us);
  void cut(NodeId from, NodeId to);
  void uncut(NodeId from, NodeId to);
  void partition(uint32_t group);
  void heal();
  void set_latency(NodeId from, NodeId to, TimeUs latency_us);

  // --- Host hooks -------------------------------------------------------------------------------
  void set_host(HostHandler* host) { host_ = host; }
  void schedule_host(TimeUs at_us, Phase phase, uint32_t tag);
  /// A local input to `node` now (an operator typing at it): runs like a delivery from itself.
  template <class Body>
  void inject(NodeId node, const Body& body) {
    Message m = Message::wrap(body);
    m.from = node;
    m.to = node;
    inject_message(m);
  }
  /// Notes a command in the trace (the lab calls it when applying one).
  void trace_command(uint8_t verb, NodeId a, int32_t b, int64_t value);

  // --- Introspection ----------------------------------------------------------------------------
  int node_count() const { return static_cast<int>(nodes_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  NodeStatus status(NodeId node) const { return nodes_[idx(node)].status; }
  TimeUs skew_us(NodeId node) const { return nodes_[idx(node)].skew_us; }
  TimeUs local_time_us(NodeId node) const { return now_us_ + skew_us(node); }
  Protocol& protocol(NodeId node) { return *nodes_[idx(node)].protocol; }
  const Protocol& protocol(NodeId node) const { return *nodes_[idx(node)].protocol; }
  const Network& network() const { return network_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  /// Messages on the wire and held at paused nodes, ordered by delivery time.
  std::vector<InFlight> in_flight() const;

 private:
  friend class Context;
  enum class EventKind : uint8_t { Deliver, Timer, Host };
  struct Event {
    EventKind kind = EventKind::Host;
    NodeId node = kNoNode;
    TimerId timer = 0;
    uint32_t generation = 0;
    uint32_t host_tag = 0;
    TimeUs sent_us = 0;
    Message msg;
  };
  struct QueueEntry {
    TimeUs time_us;
    uint64_t order;  // phase in the top 8 bits, then a global sequence number
    uint32_t slot;
  };
  struct NodeSlot {
    std::unique_ptr<Protocol> protocol;
    NodeStatus status = NodeStatus::Up;
    TimeUs skew_us = 0;
    Rng rng;
    uint32_t timer_generation[kMaxTimers] = {};
    std::vector<uint32_t> held;  // event slots waiting for resume(), in arrival order
  };
  // Armed timers live apart from the queue, in their own heap whose entries know their place:
  // at most kMaxTimers per node, re-armed and cancelled constantly (every client operation arms
  // a timeout), so keeping them in the main queue would fill it with dead entries. They share
  // the queue's sequence numbers, so the global order is the same as if they were queued.
  struct TimerEntry {
    TimeUs time_us;
    uint64_t order;
    uint32_t timer;  // node * kMaxTimers + timer id
  };
  struct TimerPositions {
    std::vector<int32_t>* pos;
    void operator()(const TimerEntry& e, size_t i) const { (*pos)[e.timer] = static_cast<int32_t>(i); }
  };

  static size_t idx(NodeId node) { return static_cast<size_t>(node); }
  uint32_t delivery_slot(const Message& m);
  uint32_t alloc_slot();
  void push(TimeUs at_us, Phase phase, uint32_t slot);
  void deliver(uint32_t slot);
  void fire(uint32_t slot);
  void hold_or_release(NodeId node, uint32_t slot);
  void inject_message(Message m);
  template <class F>
  void run_handler(NodeId node, F&& handler);
  /// Numbers `m`, routes it and queues its copies (the outbox entry is reused, not copied).
  void transmit(Message& m);
  void set_timer(NodeId node, TimerId id, TimeUs delay_us);
  void cancel_timer(NodeId node, TimerId id);
  void disarm(uint32_t timer);
  void fire_armed(uint32_t timer);
  void drop_held(NodeId node);
  void record(TraceKind kind, NodeId node, NodeId peer, uint8_t code, int32_t x, int32_t y,
              int64_t a, int64_t b, int64_t c);
  void record_message(TraceKind kind, const Message& m, uint8_t code);

  EngineConfig config_;
  Network network_;
  Rng net_rng_;
  Trace trace_;
  Context ctx_;
  HostHandler* host_ = nullptr;
  std::vector<NodeSlot> nodes_;
  std::vector<std::string> names_;
  std::vector<Event> events_;          // slab; queue entries point into it
  std::vector<uint32_t> free_slots_;
  QuadHeap<QueueEntry> queue_;
  std::vector<int32_t> timer_pos_;     // per node * kMaxTimers + timer id: heap position, -1 unarmed
  QuadHeap<TimerEntry, TimerPositions> timers_{TimerPositions{&timer_pos_}};
  std::vector<Message> outbox_;
  TimeUs now_us_ = 0;
  uint64_t next_sequence_ = 0;
  uint32_t next_message_id_ = 0;
  uint64_t events_processed_ = 0;
  bool started_ = false;
};

}  // namespace sim
