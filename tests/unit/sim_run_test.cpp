// Run strings: exact round trips, and hostile input rejected with a sentence — never a crash,
// never unbounded memory (the URL fragment is attacker-controlled input).
#include <doctest/doctest.h>

#include <string>

#include "sim/fixture.h"
#include "sim/lab.h"
#include "sim/run.h"

namespace {

std::string decode_error(const std::string& text) {
  sim::RunSpec run;
  std::string error;
  CHECK_FALSE(sim::decode_run(text, &run, &error));
  CHECK_FALSE(error.empty());
  return error;
}

}  // namespace

TEST_CASE("every verb and every setting survives encode -> decode -> encode") {
  const sim::LabInfo& info = *sim::find_lab("split-brain");
  sim::RunSpec run = sim::default_run(info, 123456789);
  for (size_t i = 0; i < info.settings.size(); ++i) run.settings[i] = info.settings[i].max;
  run.settings[static_cast<size_t>(sim::setting_index(info, "timeout_ms"))] = 60'000;
  run.settings[static_cast<size_t>(sim::setting_index(info, "hb_ms"))] = 100;
  // 6 secondaries: n1..n7, mon = 7, c1..c4 = 8..11.
  run.commands = {
      {0, sim::Verb::Crash, 0},           {1, sim::Verb::Restart, 0},
      {2, sim::Verb::Pause, 7},           {3, sim::Verb::Resume, 7},
      {4, sim::Verb::Skew, 2, -1, -250'000}, {5, sim::Verb::Cut, 1, 7},
      {6, sim::Verb::Uncut, 1, 7},        {7, sim::Verb::Partition, sim::kNoNode, -1, 0b100000001001},
      {8, sim::Verb::Heal},               {9, sim::Verb::Latency, 3, 4, 80'000},
      {10, sim::Verb::Write, 8, 7, 99},   {11, sim::Verb::Read, 11, 0},
      {12, sim::Verb::Promote, 6},        {13, sim::Verb::Switchover, 5},
      {14, sim::Verb::ApplyDelay, 2, -1, 500'000}, {15'000'000, sim::Verb::Rate, sim::kNoNode, -1, 0},
  };
  std::string error;
  REQUIRE_MESSAGE(sim::validate_run(run, &error), error);
  const std::string text = sim::encode_run(run);
  sim::RunSpec back;
  REQUIRE_MESSAGE(sim::decode_run(text, &back, &error), error);
  CHECK(back == run);
  CHECK(sim::encode_run(back) == text);
  CHECK(text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.;=,-") == std::string::npos);
}

TEST_CASE("the encoded form is compact and readable") {
  sim::RunSpec run = sim::default_run(*sim::find_lab("replication-failover"), 42);
  run.settings[static_cast<size_t>(sim::setting_index(*sim::find_lab("replication-failover"), "mode"))] = 2;
  run.commands = {{1'204'000, sim::Verb::Crash, 0}, {2'500'000, sim::Verb::Partition, sim::kNoNode, -1, 0b10001}};
  CHECK(sim::encode_run(run) == "v1;lab=replication-failover;seed=42;mode=sync;cmds=1204000.crash.n1,2500000.part.n1-c1");
}

TEST_CASE("a lab's run, commands issued live included, replays to the same trace") {
  std::string error;
  std::unique_ptr<sim::Lab> live = sim::Lab::create(sim::default_run(*sim::find_lab("split-brain"), 7), &error);
  sim::Fixture f(*live);
  // Odd frame sizes, as a browser would produce.
  for (sim::TimeUs t = 0; t < 3 * sim::kUsPerS; t += 16'667) {
    live->advance_to(t);
    if (t == 16'667 * 40) f.partition({f.primary(), f.node("c1")});
    if (t == 16'667 * 150) f.heal();
    if (t == 16'667 * 160) f.write(f.node("c2"), 1, 77);
  }
  sim::RunSpec decoded;
  REQUIRE(sim::decode_run(sim::encode_run(live->run()), &decoded, &error));
  std::unique_ptr<sim::Lab> replay = sim::Lab::create(decoded, &error);
  replay->advance_to(live->now_us());
  CHECK(replay->trace().size() == live->trace().size());
  CHECK(replay->trace_hash() == live->trace_hash());
  CHECK(replay->metrics().series == live->metrics().series);
}

TEST_CASE("hostile run strings are rejected with a clear message") {
  CHECK(decode_error("") == "empty run string");
  CHECK(decode_error("v2;lab=split-brain") == "unsupported format: a run starts with 'v1;'");
  CHECK(decode_error("v1") == "missing 'lab=' after 'v1;'");
  CHECK(decode_error("v1;lab=nope") == "unknown lab 'nope'");
  CHECK(decode_error("v1;lab=split-brain;colour=red") == "unknown setting 'colour' for lab split-brain");
  CHECK(decode_error("v1;lab=split-brain;mode=fast") == "setting 'mode' must be async or semisync or sync");
  CHECK(decode_error("v1;lab=split-brain;secondaries=7") == "setting 'secondaries' must be 1..6");
  CHECK(decode_error("v1;lab=split-brain;seed=99999999999999999999999") == "seed must be a number 0..9007199254740991");
  CHECK(decode_error("v1;lab=split-brain;seed=-1") == "seed must be a number 0..9007199254740991");
  CHECK(decode_error("v1;lab=split-brain;seed=1;seed=2") == "field 'seed' appears twice");
  CHECK(decode_error("v1;lab=split-brain;garbage") == "field 'garbage' is not key=value");
  CHECK(decode_error("v1;lab=split-brain;hb_ms=1000;timeout_ms=1000").find("failover timeout") != std::string::npos);
  CHECK(decode_error("v1;lab=split-brain;cmds=") == "empty command list");
  CHECK(decode_error("v1;lab=split-brain;cmds=100.crash.n9") == "command 1 '100.crash.n9': unknown node 'n9'");
  CHECK(decode_error("v1;lab=split-brain;cmds=100.explode.n1") == "command 1 '100.explode.n1': unknown command 'explode'");
  CHECK(decode_error("v1;lab=split-brain;cmds=100.crash") == "command 1 '100.crash': command 'crash' takes 1 argument(s)");
  CHECK(decode_error("v1;lab=split-brain;cmds=100.crash.n1.n2") == "command 1 '100.crash.n1.n2': command 'crash' takes 1 argument(s)");
  CHECK(decode_error("v1;lab=split-brain;cmds=100.cut.n1.n1") == "command 1 (cut): a link joins two different nodes");
  CHECK(decode_error("v1;lab=split-brain;cmds=200.heal,100.heal") == "command 2 (heal): times must be non-decreasing");
  CHECK(decode_error("v1;lab=split-brain;cmds=99999999999999999999.heal").find("command time must be") != std::string::npos);
  CHECK(decode_error("v1;lab=split-brain;cmds=1.write.n1.0.5") ==
        "command 1 (write): reads and writes are issued by a client (c1, c2, ...)");
  CHECK(decode_error("v1;lab=split-brain;cmds=1.write.c1.7.5") == "command 1 (write): key out of range for this lab");
  CHECK(decode_error("v1;lab=split-brain;cmds=1.skew.n1.-99999999999") == "command 1 (skew): clock skew must be within one hour");
  CHECK(decode_error("v1;lab=split-brain;cmds=1.part.n1-n2-n3-mon-c1-c2").find("at least one node outside") != std::string::npos);
  CHECK(decode_error("v1;lab=split-brain;cmds=1.part.n1-").find("unknown node ''") != std::string::npos);
  CHECK(decode_error("v1;lab=split-brain;cmds=1.promote.c1") ==
        "command 1 (promote): only a database node (n1, n2, ...) can be promoted");
}

TEST_CASE("oversized and garbage input is rejected before any real work") {
  std::string huge(1 << 20, 'x');
  CHECK(decode_error(huge) == "run string too long (1048576 characters, limit 65536)");
  std::string many = "v1;lab=split-brain;cmds=";
  for (int i = 0; i < 2001; ++i) many += "1.heal,";
  many.pop_back();
  CHECK(decode_error(many) == "too many commands (limit 2000)");
  std::string fields = "v1;lab=split-brain";
  for (int i = 0; i < 100; ++i) fields += ";x=1";
  CHECK(decode_error(fields) == "too many fields");
  // Random bytes, truncations of a valid run: all rejected or accepted, never a crash.
  sim::Rng rng(99);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(static_cast<size_t>(rng.below(200)), ' ');
    for (char& c : junk) c = static_cast<char>(rng.below(256));
    sim::RunSpec run;
    std::string error;
    CHECK_FALSE(sim::decode_run(junk, &run, &error));
  }
  const std::string valid = "v1;lab=split-brain;seed=5;mode=sync;cmds=1204000.crash.n1,2500000.part.n1-c1,3000000.heal";
  for (size_t n = 0; n <= valid.size(); ++n) {
    sim::RunSpec run;
    std::string error;
    const bool ok = sim::decode_run(valid.substr(0, n), &run, &error);
    CHECK((ok || !error.empty()));
    if (ok) CHECK(sim::encode_run(run).size() <= valid.size() + 8);
  }
}

TEST_CASE("Lab::issue rejects invalid commands and keeps the log ordered") {
  std::string error;
  std::unique_ptr<sim::Lab> lab = sim::Lab::create(sim::default_run(*sim::find_lab("split-brain"), 1), &error);
  lab->advance_to(sim::kUsPerS);
  CHECK_FALSE(lab->issue({0, sim::Verb::Crash, 42}, &error));
  CHECK(error == "no such node");
  CHECK_FALSE(lab->issue({0, sim::Verb::Promote, 5}, &error));
  CHECK(lab->issue({0, sim::Verb::Crash, 0}, &error));
  CHECK(lab->run().commands.back().time_us == sim::kUsPerS);
  std::unique_ptr<sim::Lab> past = sim::Lab::create(lab->run(), &error);
  past->advance_to(sim::kUsPerS / 2);
  CHECK_FALSE(past->issue({0, sim::Verb::Heal}, &error));
  std::unique_ptr<sim::Lab> branch = sim::Lab::create(lab->run().truncated_after(sim::kUsPerS / 2), &error);
  branch->advance_to(sim::kUsPerS / 2);
  CHECK(branch->issue({0, sim::Verb::Heal}, &error));
}
