#include "sim/engine.h"

#include <algorithm>
#include <cassert>

namespace sim {

namespace {

uint8_t id8(NodeId node) { return node == kNoNode ? kNoPeer : static_cast<uint8_t>(node); }

}  // namespace

// --- Context -------------------------------------------------------------------------------------

void Context::set_timer(TimerId id, TimeUs delay_us) { engine_->set_timer(self_, id, delay_us); }
void Context::cancel_timer(TimerId id) { engine_->cancel_timer(self_, id); }

void Context::trace_role(Role role, int64_t epoch) {
  engine_->record(TraceKind::Role, self_, kNoNode, static_cast<uint8_t>(role), 0, 0, epoch, 0, 0);
}

void Context::trace_invoke(OpKind kind, int32_t key, int64_t op, int64_t value, int64_t write_id) {
  engine_->record(TraceKind::Invoke, self_, kNoNode, static_cast<uint8_t>(kind), key, 0, op, value,
                  write_id);
}

void Context::trace_complete(OpKind kind, OpResult result, NodeId served_by, int32_t key,
                             int64_t op, int64_t value, int64_t write_id) {
  engine_->record(TraceKind::Complete, self_, served_by, static_cast<uint8_t>(result), key,
                  static_cast<int32_t>(kind), op, value, write_id);
}

void Context::trace_append(AppendSource source, int64_t pos, int32_t epoch, int32_t key,
                           int64_t value, int64_t write_id) {
  engine_->record(TraceKind::Append, self_, kNoNode, static_cast<uint8_t>(source), key, epoch, pos,
                  value, write_id);
}

void Context::trace_truncate(int64_t new_length, int64_t removed) {
  engine_->record(TraceKind::Truncate, self_, kNoNode, 0, 0, 0, new_length, removed, 0);
}

void Context::trace_note(uint8_t code, NodeId peer, int64_t a, int64_t b, int64_t c) {
  engine_->record(TraceKind::Note, self_, peer, code, 0, 0, a, b, c);
}

// --- Setup ---------------------------------------------------------------------------------------

Engine::Engine(const EngineConfig& config)
    : config_(config),
      net_rng_(derive_seed(config.seed, SeedStream::Network, 0)),
      trace_(config.keep_trace) {
  ctx_.engine_ = this;
  ctx_.outbox_ = &outbox_;
}

NodeId Engine::add_node(std::string name, std::unique_ptr<Protocol> protocol) {
  assert(!started_ && nodes_.size() < static_cast<size_t>(kMaxNodes));
  const NodeId id = static_cast<NodeId>(nodes_.size());
  NodeSlot slot;
  slot.protocol = std::move(protocol);
  slot.rng = Rng(derive_seed(config_.seed, SeedStream::Node, static_cast<uint64_t>(id)));
  nodes_.push_back(std::move(slot));
  names_.push_back(std::move(name));
  return id;
}

void Engine::start() {
  assert(!started_);
  started_ = true;
  network_.reset(node_count(), config_.network);
  timer_pos_.assign(nodes_.size() * kMaxTimers, -1);
  for (NodeId n = 0; n < node_count(); ++n)
    run_handler(n, [](Protocol& p, Context& ctx) { p.on_start(ctx); });
}

// --- Queue ---------------------------------------------------------------------------------------

uint32_t Engine::alloc_slot() {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  events_.emplace_back();
  return static_cast<uint32_t>(events_.size() - 1);
}

void Engine::push(TimeUs at_us, Phase phase, uint32_t slot) {
  queue_.push(QueueEntry{at_us, static_cast<uint64_t>(phase) << 56 | next_sequence_++, slot});
}

TimeUs Engine::next_event_us() const {
  const TimeUs timer_us = timers_.empty() ? kNever : timers_.top().time_us;
  return std::min(timer_us, queue_.empty() ? kNever : queue_.top().time_us);
}

bool Engine::step() {
  if (!timers_.empty() && (queue_.empty() || Later{}(queue_.top(), timers_.top()))) {
    now_us_ = timers_.top().time_us;
    ++events_processed_;
    fire_armed(timers_.top().timer);
    return true;
  }
  if (queue_.empty()) return false;
  const QueueEntry top = queue_.pop();
  now_us_ = top.time_us;
  ++events_processed_;
  switch (events_[top.slot].kind) {
    case EventKind::Deliver: deliver(top.slot); break;
    case EventKind::Timer: fire(top.slot); break;
    case EventKind::Host: {
      const uint32_t tag = events_[top.slot].host_tag;
      free_slots_.push_back(top.slot);
      if (host_ != nullptr) host_->on_host_event(tag);
      break;
    }
  }
  return true;
}

void Engine::run_until(TimeUs t_us) {
  while (next_event_us() <= t_us) step();
  now_us_ = std::max(now_us_, t_us);
}

void Engine::schedule_host(TimeUs at_us, Phase phase, uint32_t tag) {
  const uint32_t slot = alloc_slot();
  Event& e = events_[slot];
  e.kind = EventKind::Host;
  e.host_tag = tag;
  push(std::max(at_us, now_us_), phase, slot);
}

// --- Delivery ------------------------------------------------------------------------------------

template <class F>
void Engine::run_handler(NodeId node, F&& handler) {
  NodeSlot& s = nodes_[idx(node)];
  ctx_.self_ = node;
  ctx_.now_local_us_ = now_us_ + s.skew_us;
  ctx_.rng_ = &s.rng;
  handler(*s.protocol, ctx_);
  // Messages leave only after the handler returns (outbox pattern); transmit() never re-enters
  // a handler, so the outbox can be walked by index while it stays valid.
  for (size_t i = 0; i < outbox_.size(); ++i) transmit(outbox_[i]);
  outbox_.clear();
}

// Paused nodes keep their inputs until resume() (like a GC pause); crashed nodes lose them.
void Engine::hold_or_release(NodeId node, uint32_t slot) {
  NodeSlot& s = nodes_[idx(node)];
  if (s.status == NodeStatus::Paused) {
    s.held.push_back(slot);
    return;
  }
  if (events_[slot].kind == EventKind::Deliver)
    record_message(TraceKind::Drop, events_[slot].msg, static_cast<uint8_t>(DropReason::NodeDown));
  free_slots_.push_back(slot);
}

void Engine::deliver(uint32_t slot) {
  const Message& m = events_[slot].msg;
  if (nodes_[idx(m.to)].status != NodeStatus::Up) return hold_or_release(m.to, slot);
  // A cut made while the message was on the wire still stops it.
  if (m.from != m.to && network_.is_cut(m.from, m.to)) {
    record_message(TraceKind::Drop, m, static_cast<uint8_t>(DropReason::Cut));
    free_slots_.push_back(slot);
    return;
  }
  record_message(TraceKind::Deliver, m, 0);
  // The handler reads the message in place: its sends leave only after it returns (they may
  // grow events_, so the slot is freed, and `m` dropped, only then).
  run_handler(m.to, [this, slot](Protocol& p, Context& ctx) { p.on_message(ctx, events_[slot].msg); });
  free_slots_.push_back(slot);
}

void Engine::fire_armed(uint32_t timer) {
  const NodeId node = static_cast<NodeId>(timer / kMaxTimers);
  const TimerId id = static_cast<TimerId>(timer % kMaxTimers);
  disarm(timer);
  if (nodes_[idx(node)].status == NodeStatus::Paused) {  // held until resume(), like a message
    const uint32_t slot = alloc_slot();
    Event& e = events_[slot];
    e.kind = EventKind::Timer;
    e.node = node;
    e.timer = id;
    e.generation = nodes_[idx(node)].timer_generation[id];
    nodes_[idx(node)].held.push_back(slot);
    return;
  }
  record(TraceKind::Timer, node, kNoNode, 0, id, 0, 0, 0, 0);
  run_handler(node, [id](Protocol& p, Context& ctx) { p.on_timer(ctx, id); });
}

// A timer that was held by a pause and requeued by resume().
void Engine::fire(uint32_t slot) {
  const Event e = events_[slot];
  const NodeSlot& s = nodes_[idx(e.node)];
  if (e.generation != s.timer_generation[e.timer]) {  // re-armed, cancelled or crashed since
    free_slots_.push_back(slot);
    return;
  }
  if (s.status != NodeStatus::Up) return hold_or_release(e.node, slot);
  free_slots_.push_back(slot);
  record(TraceKind::Timer, e.node, kNoNode, 0, e.timer, 0, 0, 0, 0);
  run_handler(e.node, [&e](Protocol& p, Context& ctx) { p.on_timer(ctx, e.timer); });
}

// An event slot that will deliver `m`, sent now.
uint32_t Engine::delivery_slot(const Message& m) {
  const uint32_t slot = alloc_slot();
  Event& e = events_[slot];
  e.kind = EventKind::Deliver;
  e.node = m.to;
  e.sent_us = now_us_;
  e.msg = m;
  return slot;
}

void Engine::inject_message(Message m) {
  m.id = ++next_message_id_;
  deliver(delivery_slot(m));
}

void Engine::transmit(Message& m) {
  m.id = ++next_message_id_;
  record_message(TraceKind::Send, m, 0);
  const Network::Fate fate = network_.route(m.from, m.to, net_rng_);
  if (fate.dropped) {
    record_message(TraceKind::Drop, m, static_cast<uint8_t>(fate.reason));
    return;
  }
  for (int i = 0; i < fate.copies; ++i) {
    if (i > 0) record_message(TraceKind::Duplicate, m, 0);
    push(now_us_ + fate.delay_us[i], Phase::Node, delivery_slot(m));
  }
}

void Engine::set_timer(NodeId node, TimerId id, TimeUs delay_us) {
  assert(id >= 0 && id < kMaxTimers && delay_us >= 0);
  ++nodes_[idx(node)].timer_generation[id];  // a held firing of the old arming is now stale
  const uint32_t timer = static_cast<uint32_t>(node * kMaxTimers + id);
  disarm(timer);
  timers_.push(TimerEntry{now_us_ + delay_us, static_cast<uint64_t>(Phase::Node) << 56 | next_sequence_++, timer});
}

void Engine::cancel_timer(NodeId node, TimerId id) {
  ++nodes_[idx(node)].timer_generation[id];
  disarm(static_cast<uint32_t>(node * kMaxTimers + id));
}

void Engine::disarm(uint32_t timer) {
  const int32_t pos = timer_pos_[timer];
  if (pos < 0) return;
  timer_pos_[timer] = -1;
  timers_.erase(static_cast<size_t>(pos));
}

// --- Faults --------------------------------------------------------------------------------------

void Engine::drop_held(NodeId node) {
  NodeSlot& s = nodes_[idx(node)];
  const std::vector<uint32_t> held = std::move(s.held);
  s.held.clear();
  for (uint32_t slot : held) {
    if (events_[slot].kind == EventKind::Deliver)
      record_message(TraceKind::Drop, events_[slot].msg, static_cast<uint8_t>(DropReason::NodeDown));
    free_slots_.push_back(slot);
  }
}

void Engine::crash(NodeId node) {
  NodeSlot& s = nodes_[idx(node)];
  if (s.status == NodeStatus::Crashed) return;
  record(TraceKind::Crash, node, kNoNode, 0, 0, 0, 0, 0, 0);
  drop_held(node);
  s.status = NodeStatus::Crashed;
  for (TimerId id = 0; id < kMaxTimers; ++id) cancel_timer(node, id);  // volatile timers are gone
  s.protocol->on_crash();
}

void Engine::restart(NodeId node) {
  NodeSlot& s = nodes_[idx(node)];
  if (s.status != NodeStatus::Crashed) return;
  s.status = NodeStatus::Up;
  record(TraceKind::Restart, node, kNoNode, 0, 0, 0, 0, 0, 0);
  run_handler(node, [](Protocol& p, Context& ctx) { p.on_start(ctx); });
}

void Engine::pause(NodeId node) {
  NodeSlot& s = nodes_[idx(node)];
  if (s.status != NodeStatus::Up) return;
  s.status = NodeStatus::Paused;
  record(TraceKind::Pause, node, kNoNode, 0, 0, 0, 0, 0, 0);
}

void Engine::resume(NodeId node) {
  NodeSlot& s = nodes_[idx(node)];
  if (s.status != NodeStatus::Paused) return;
  s.status = NodeStatus::Up;
  record(TraceKind::Resume, node, kNoNode, 0, 0, 0, 0, 0, 0);
  // Everything that arrived during the pause runs now, in arrival order.
  const std::vector<uint32_t> held = std::move(s.held);
  s.held.clear();
  for (uint32_t slot : held) push(now_us_, Phase::Node, slot);
}

void Engine::set_skew(NodeId node, TimeUs skew_us) {
  nodes_[idx(node)].skew_us = skew_us;
  record(TraceKind::Skew, node, kNoNode, 0, 0, 0, skew_us, 0, 0);
}

void Engine::cut(NodeId from, NodeId to) {
  network_.set_cut(from, to, true);
  record(TraceKind::Net, from, to, static_cast<uint8_t>(NetChange::Cut), 0, 0, 0, 0, 0);
}

void Engine::uncut(NodeId from, NodeId to) {
  network_.set_cut(from, to, false);
  record(TraceKind::Net, from, to, static_cast<uint8_t>(NetChange::Uncut), 0, 0, 0, 0, 0);
}

void Engine::partition(uint32_t group) {
  network_.partition(group);
  record(TraceKind::Net, kNoNode, kNoNode, static_cast<uint8_t>(NetChange::Partition), 0, 0, group,
         0, 0);
}

void Engine::heal() {
  network_.heal();
  record(TraceKind::Net, kNoNode, kNoNode, static_cast<uint8_t>(NetChange::Heal), 0, 0, 0, 0, 0);
}

void Engine::set_latency(NodeId from, NodeId to, TimeUs latency_us) {
  network_.link(from, to).latency_us = latency_us;
  record(TraceKind::Net, from, to, static_cast<uint8_t>(NetChange::Latency), 0, 0, latency_us, 0, 0);
}

void Engine::trace_command(uint8_t verb, NodeId a, int32_t b, int64_t value) {
  record(TraceKind::Command, a, kNoNode, verb, b, 0, value, 0, 0);
}

// --- Trace and introspection ---------------------------------------------------------------------

void Engine::record(TraceKind kind, NodeId node, NodeId peer, uint8_t code, int32_t x, int32_t y,
                    int64_t a, int64_t b, int64_t c) {
  TraceEvent& e = trace_.append();
  e.time_us = now_us_;
  e.kind = kind;
  e.node = id8(node);
  e.peer = id8(peer);
  e.code = code;
  e.x = x;
  e.y = y;
  e.a = a;
  e.b = b;
  e.c = c;
  trace_.commit(e);
}

void Engine::record_message(TraceKind kind, const Message& m, uint8_t code) {
  const bool outgoing = kind == TraceKind::Send || kind == TraceKind::Duplicate;
  record(kind, outgoing ? m.from : m.to, outgoing ? m.to : m.from, code, m.type, 0, m.id, m.args.a,
         m.args.b);
}

std::vector<InFlight> Engine::in_flight() const {
  std::vector<std::pair<QueueEntry, InFlight>> items;
  auto add = [&](const QueueEntry& q) {
    const Event& e = events_[q.slot];
    if (e.kind != EventKind::Deliver) return;
    items.push_back({q, InFlight{e.msg.id, e.msg.from, e.msg.to, e.sent_us, q.time_us, e.msg.type, e.msg.args}});
  };
  for (const QueueEntry& q : queue_.entries()) add(q);
  for (const NodeSlot& s : nodes_)
    for (uint32_t slot : s.held) add(QueueEntry{kNever, 0, slot});
  std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) {
    return Later{}(y.first, x.first);
  });
  std::vector<InFlight> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(item.second);
  return out;
}

}  // namespace sim
