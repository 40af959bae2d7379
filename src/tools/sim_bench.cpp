// sim_bench — engine throughput, lab re-run times, and trace hashes for determinism checks.
//
// Usage:
//   sim_bench          table: events/s on a busy scenario; ms to re-run 60 s of each lab
//   sim_bench --busy   only the busy-scenario row (for profiling the engine)
//   sim_bench --rerun LAB   only that lab's re-run row, repeated 20 times (for profiling a lab)
//   sim_bench --hash   one line per lab and seed 1..3: "trace-hash <lab> <seed> <16 hex>",
//                      to diff native against wasm (the same lines must come out everywhere)
//
// Timing is printed, never asserted (the machine is shared).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "sim/fixture.h"
#include "sim/lab.h"

namespace {

constexpr sim::TimeUs kMinute = 60 * sim::kUsPerS;
constexpr sim::TimeUs kBusyRunUs = 5 * kMinute;

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::unique_ptr<sim::Lab> open(const std::string& text, const sim::LabOptions& options = {}) {
  sim::RunSpec run;
  std::string error;
  if (!sim::decode_run(text, &run, &error)) {
    std::fprintf(stderr, "bad run %s: %s\n", text.c_str(), error.c_str());
    std::exit(1);
  }
  return sim::Lab::create(run, &error, options);
}

// The busiest configuration the settings allow, with faults, without keeping trace records.
// Best of ten runs (about 3 s): the machine is shared, and the fastest run is the least disturbed
// one. With five the figure still moved between 3.4 and 5.1 M events/s from one minute to the
// next, because a neighbour's burst outlasts a second.
void bench_throughput() {
  sim::LabOptions options;
  options.keep_trace = false;
  std::unique_ptr<sim::Lab> probe =
      open("v1;lab=replication-failover;seed=1;secondaries=6;clients=4;rate=10000;loss_ppm=1000;dup_ppm=1000");
  sim::RunSpec run = probe->run();
  run.commands = sim::random_faults(*probe, 1, sim::kUsPerS, kBusyRunUs);
  double best_ms = 1e9, events = 0, records = 0;
  for (int round = 0; round < 10; ++round) {
    std::string error;
    std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error, options);
    const auto start = std::chrono::steady_clock::now();
    lab->advance_to(kBusyRunUs);
    best_ms = std::min(best_ms, ms_since(start));
    records = static_cast<double>(lab->engine().trace().count());
    events = static_cast<double>(lab->engine().events_processed());
  }
  std::printf("%-44s %12.0f %12.0f %10.1f %10.2f %10.2f\n", "busy: 7 db nodes, 4 clients, faults, 5 min", events,
              records, best_ms, events / best_ms / 1000.0, records / best_ms / 1000.0);
}

// What scrubbing costs: rebuild a lab from its run and replay one simulated minute. Best of ten:
// on a shared machine single runs of the same work vary by up to 1.6x.
void bench_rerun(const sim::LabInfo& info) {
  double best_ms = 1e9;
  size_t records = 0;
  for (int round = 0; round < 10; ++round) {
    const auto start = std::chrono::steady_clock::now();
    std::string error;
    std::unique_ptr<sim::Lab> lab = sim::Lab::create(sim::default_run(info, 1), &error);
    lab->advance_to(kMinute);
    best_ms = std::min(best_ms, ms_since(start));
    records = lab->trace().size();
  }
  std::printf("%-44s %12s %12zu %10.2f\n", (std::string("re-run 60 s: ") + info.id).c_str(), "-", records, best_ms);
}

// Default settings plus random faults: a run that visits failover, truncation and fencing paths.
void print_hashes() {
  for (const sim::LabInfo& info : sim::labs()) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::string error;
      std::unique_ptr<sim::Lab> probe = sim::Lab::create(sim::default_run(info, seed), &error);
      sim::RunSpec run = probe->run();
      run.commands = sim::random_faults(*probe, seed, sim::kUsPerS, 15 * sim::kUsPerS);
      std::unique_ptr<sim::Lab> lab = sim::Lab::create(run, &error);
      if (lab == nullptr) {  // random_faults must only make commands every lab accepts
        std::fprintf(stderr, "%s seed %llu: %s\n", info.id, static_cast<unsigned long long>(seed), error.c_str());
        std::exit(1);
      }
      lab->advance_to(20 * sim::kUsPerS);
      std::printf("trace-hash %s %llu %s\n", info.id, static_cast<unsigned long long>(seed),
                  sim::hex64(lab->trace_hash()).c_str());
    }
  }
}

// A page in the browser keeps its wasm memory once grown; glibc instead hands freed memory back to
// the system and faults it in again, zeroed, on the next run (14% of a native re-run was the
// kernel clearing pages). Keep it, so native runs measure the simulation as the browser runs it.
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();
  if (argc > 1 && std::strcmp(argv[1], "--hash") == 0) {
    print_hashes();
    return 0;
  }
  const bool busy_only = argc == 2 && std::strcmp(argv[1], "--busy") == 0;
  const bool one_lab = argc == 3 && std::strcmp(argv[1], "--rerun") == 0;
  if (argc > 1 && !busy_only && !one_lab) {
    std::fprintf(stderr, "usage: sim_bench [--busy | --rerun LAB | --hash]\n");
    return 2;
  }
  std::printf("%-44s %12s %12s %10s %10s %10s\n", "scenario", "events", "records", "wall ms", "M ev/s", "M rec/s");
  if (one_lab) {
    const sim::LabInfo* info = sim::find_lab(argv[2]);
    if (info == nullptr) {
      std::fprintf(stderr, "no lab '%s'\n", argv[2]);
      return 2;
    }
    for (int i = 0; i < 20; ++i) bench_rerun(*info);
    return 0;
  }
  bench_throughput();
  if (busy_only) return 0;
  for (const sim::LabInfo& info : sim::labs()) bench_rerun(info);
  return 0;
}
