#include "sim/linearizability.h"

#include <algorithm>
#include <unordered_set>

namespace sim {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Linearizable: return "linearizable";
    case Verdict::NotLinearizable: return "not linearizable";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

namespace {

// Call and return events of every operation in one doubly linked list, in time order.
// Index 0 is the head sentinel; an entry i >= 1 belongs to operation op[i].
class EntryList {
 public:
  explicit EntryList(const std::vector<RegisterOp>& ops) {
    struct Raw {
      TimeUs time_us;
      bool is_return;
      size_t op;
    };
    std::vector<Raw> raw;
    raw.reserve(ops.size() * 2);
    for (size_t i = 0; i < ops.size(); ++i) {
      raw.push_back({ops[i].invoke_us, false, i});
      raw.push_back({ops[i].complete_us, true, i});
    }
    // At equal times calls come first: operations that touch are treated as concurrent, which
    // can only accept more histories (no false alarms).
    std::sort(raw.begin(), raw.end(), [](const Raw& x, const Raw& y) {
      if (x.time_us != y.time_us) return x.time_us < y.time_us;
      if (x.is_return != y.is_return) return !x.is_return;
      return x.op < y.op;
    });
    const size_t n = raw.size() + 1;
    next_.resize(n + 1);
    prev_.resize(n + 1);
    op_.resize(n);
    is_return_.resize(n);
    match_.resize(n);
    std::vector<size_t> call_of(ops.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      const size_t e = i + 1;
      op_[e] = raw[i].op;
      is_return_[e] = raw[i].is_return;
      if (!raw[i].is_return) call_of[raw[i].op] = e;
      else match_[call_of[raw[i].op]] = e;
    }
    for (size_t e = 0; e < n; ++e) {
      next_[e] = e + 1;
      prev_[e + 1] = e;
    }
    end_ = n;
  }

  size_t first() const { return next_[0]; }
  size_t next(size_t e) const { return next_[e]; }
  bool empty() const { return next_[0] == end_; }
  size_t op(size_t e) const { return op_[e]; }
  bool is_return(size_t e) const { return is_return_[e] != 0; }

  /// Removes a call entry and its return (the operation is linearized).
  void lift(size_t call) {
    unlink(call);
    unlink(match_[call]);
  }
  /// Undoes lift(call).
  void unlift(size_t call) {
    relink(match_[call]);
    relink(call);
  }

 private:
  void unlink(size_t e) {
    next_[prev_[e]] = next_[e];
    prev_[next_[e]] = prev_[e];
  }
  void relink(size_t e) {
    next_[prev_[e]] = e;
    prev_[next_[e]] = e;
  }
  std::vector<size_t> next_, prev_, op_, match_;
  std::vector<uint8_t> is_return_;
  size_t end_ = 0;
};

// Memo key: which operations are linearized, plus the register's value.
struct Memo {
  std::vector<uint64_t> words;
  bool operator==(const Memo& o) const { return words == o.words; }
};
struct MemoHash {
  size_t operator()(const Memo& m) const {
    uint64_t h = 0xCBF29CE484222325ull;
    for (uint64_t w : m.words) h = (h ^ w) * 0x100000001B3ull + (h >> 29);
    return static_cast<size_t>(h);
  }
};

}  // namespace

LinearizabilityResult check_register(const std::vector<RegisterOp>& ops,
                                     const LinearizabilityLimits& limits) {
  LinearizabilityResult result;
  if (ops.size() > limits.max_ops) return result;
  EntryList list(ops);
  const size_t words = (ops.size() + 63) / 64;
  Memo linearized{std::vector<uint64_t>(words + 1, 0)};  // last word holds the register value
  // The memo table is only probed, never iterated, so its order cannot leak into the result.
  std::unordered_set<Memo, MemoHash> seen;
  struct Frame {
    size_t call;
    int64_t value_before;
  };
  std::vector<Frame> stack;
  int64_t value = 0;
  size_t deepest = 0;
  size_t entry = list.first();
  while (!list.empty()) {
    if (++result.steps > limits.max_steps) return result;
    const size_t op = list.op(entry);
    if (!list.is_return(entry)) {
      const RegisterOp& o = ops[op];
      const bool legal = o.kind == OpKind::Write || o.write_id == value;
      const int64_t after = o.kind == OpKind::Write ? o.write_id : value;
      if (legal) {
        linearized.words[op / 64] |= uint64_t{1} << (op % 64);
        linearized.words[words] = static_cast<uint64_t>(after);
        if (seen.insert(linearized).second) {
          stack.push_back({entry, value});
          value = after;
          list.lift(entry);
          entry = list.first();
          continue;
        }
        linearized.words[op / 64] &= ~(uint64_t{1} << (op % 64));
      }
      entry = list.next(entry);
      continue;
    }
    // A return: its operation must be linearized before anything later. Only pending
    // operations (no response) remain once the earliest return is an infinite one.
    if (ops[op].complete_us == kNever) break;
    if (stack.size() >= deepest) {
      deepest = stack.size();
      result.blocking_op = op;
    }
    if (stack.empty()) {
      result.verdict = Verdict::NotLinearizable;
      return result;
    }
    const Frame top = stack.back();
    stack.pop_back();
    const size_t undone = list.op(top.call);
    linearized.words[undone / 64] &= ~(uint64_t{1} << (undone % 64));
    value = top.value_before;
    list.unlift(top.call);
    entry = list.next(top.call);
  }
  result.verdict = Verdict::Linearizable;
  result.blocking_op = SIZE_MAX;
  return result;
}

}  // namespace sim
