#include "sim/crdt.h"

#include <algorithm>

namespace sim {

// --- Version vectors ---------------------------------------------------------------------------

void VersionVector::merge(const VersionVector& other) {
  if (counts_.size() < other.counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (size_t i = 0; i < other.counts_.size(); ++i) counts_[i] = std::max(counts_[i], other.counts_[i]);
}

std::string VersionVector::format(const std::vector<std::string>& names) const {
  std::string out = "{";
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (i > 0) out += ", ";
    out += i < names.size() ? names[i] : "?";
    out += ':';
    append_int(out, counts_[i]);
  }
  return out + "}";
}

Causality compare(const VersionVector& a, const VersionVector& b) {
  bool a_less = false, b_less = false;
  const int n = std::max(a.size(), b.size());
  for (int i = 0; i < n; ++i) {
    const int64_t x = i < a.size() ? a.at(i) : 0, y = i < b.size() ? b.at(i) : 0;
    a_less |= x < y;
    b_less |= y < x;
  }
  if (a_less && b_less) return Causality::Concurrent;
  if (a_less) return Causality::Before;
  return b_less ? Causality::After : Causality::Equal;
}

// --- Last write wins ---------------------------------------------------------------------------

int64_t LwwRegister::merge(const LwwRegister& o) {
  if (o.write_id == write_id) return 0;
  if (loses_to(o)) {
    const int64_t lost = write_id;
    *this = o;
    return lost;
  }
  return o.write_id;
}

// --- Siblings ------------------------------------------------------------------------------------

VersionVector SiblingSet::context() const {
  VersionVector v(replicas_);
  for (const Sibling& s : siblings_) v.merge(s.version);
  return v;
}

void SiblingSet::write(int replica, int64_t value, int64_t write_id) {
  VersionVector v = context();
  v.bump(replica);
  siblings_.clear();
  siblings_.push_back(Sibling{value, write_id, v});
}

// Keeps `s` unless a sibling supersedes (or equals) it; drops the siblings it supersedes.
void SiblingSet::add(const Sibling& s) {
  for (const Sibling& have : siblings_) {
    const Causality c = compare(s.version, have.version);
    if (c == Causality::Before || c == Causality::Equal) return;
  }
  siblings_.erase(std::remove_if(siblings_.begin(), siblings_.end(),
                                 [&s](const Sibling& have) { return compare(have.version, s.version) == Causality::Before; }),
                  siblings_.end());
  const auto at = std::lower_bound(siblings_.begin(), siblings_.end(), s,
                                   [](const Sibling& a, const Sibling& b) { return a.write_id < b.write_id; });
  siblings_.insert(at, s);
}

void SiblingSet::merge(const SiblingSet& other) {
  replicas_ = std::max(replicas_, other.replicas_);
  for (const Sibling& s : other.siblings_) add(s);
}

bool SiblingSet::operator==(const SiblingSet& o) const {
  if (siblings_.size() != o.siblings_.size()) return false;
  for (size_t i = 0; i < siblings_.size(); ++i)
    if (siblings_[i].write_id != o.siblings_[i].write_id || !(siblings_[i].version == o.siblings_[i].version)) return false;
  return true;
}

// --- Counters ------------------------------------------------------------------------------------

int64_t GCounter::value() const {
  int64_t sum = 0;
  for (int64_t s : slots_) sum += s;
  return sum;
}

void GCounter::merge(const GCounter& other) {
  if (slots_.size() < other.slots_.size()) slots_.resize(other.slots_.size(), 0);
  for (size_t i = 0; i < other.slots_.size(); ++i) slots_[i] = std::max(slots_[i], other.slots_[i]);
}

void PNCounter::add(int replica, int64_t by) {
  if (by >= 0) p_.increment(replica, by);
  else n_.increment(replica, -by);
}

void PNCounter::merge(const PNCounter& other) {
  p_.merge(other.p_);
  n_.merge(other.n_);
}

// --- OR-Set ----------------------------------------------------------------------------------------

void OrSet::insert_sorted(std::vector<Entry>& into, const Entry& e) {
  const auto at = std::lower_bound(into.begin(), into.end(), e);
  if (at == into.end() || !(*at == e)) into.insert(at, e);
}

void OrSet::add(int64_t element, OrTag tag) { insert_sorted(adds_, Entry{element, tag}); }

bool OrSet::remove(int64_t element) {
  bool observed = false;
  for (const Entry& e : adds_) {
    if (e.element != element || std::binary_search(removed_.begin(), removed_.end(), e)) continue;
    insert_sorted(removed_, e);
    observed = true;
  }
  return observed;
}

bool OrSet::contains(int64_t element) const {
  for (const Entry& e : adds_)
    if (e.element == element && !std::binary_search(removed_.begin(), removed_.end(), e)) return true;
  return false;
}

std::vector<int64_t> OrSet::elements() const {
  std::vector<int64_t> out;
  for (const Entry& e : adds_)
    if ((out.empty() || out.back() != e.element) && contains(e.element)) out.push_back(e.element);
  return out;
}

void OrSet::merge(const OrSet& other) {
  for (const Entry& e : other.adds_) insert_sorted(adds_, e);
  for (const Entry& e : other.removed_) insert_sorted(removed_, e);
}

}  // namespace sim
