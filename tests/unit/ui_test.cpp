// The interface against a headless Dear ImGui (no renderer): every lesson, its quiz, the
// completion screen and the replication lab are drawn under ASan/UBSan, and what they publish
// through the item hooks is checked.
#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "course/session.h"
#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/lab_host.h"
#include "ui/shell.h"
#include "ui/theme.h"

namespace {

std::string read(const std::string& rel) {
  std::ifstream in(std::string(DBC_CONTENT_DIR) + "/" + rel, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct HeadlessImGui {
  HeadlessImGui() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.0f / 60.0f;
    ui::build_fonts(io.Fonts, ui::FontFiles{}, 1.0f, 1.0f);  // built-in font: no files natively
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    GImGui->TestEngineHookItems = true;
    ui::apply_theme(false);
  }
  ~HeadlessImGui() { ImGui::DestroyContext(); }
  void frame(const std::function<void()>& draw) {
    ui::items().begin_frame();
    ImGui::NewFrame();
    draw();
    ImGui::Render();
  }
};

course::CourseSession load_course() {
  course::Diagnostics d;
  course::Course c = course::parse_course(read("course.json"), d);
  course::CourseSession s(c);
  for (int i = 0; i < int(c.lessons.size()); ++i)
    s.set_lesson_content(i, course::parse_lesson(read(c.lessons[size_t(i)].file), c.lessons[size_t(i)].file, c, d),
                         course::parse_quiz(read(c.lessons[size_t(i)].quiz), c.lessons[size_t(i)].quiz, c, d));
  REQUIRE(d.ok());
  return s;
}

bool has_item(const std::string& label) {
  for (const ui::Item& it : ui::items().all())
    if (it.label == label) return true;
  return false;
}

// Every lesson passed, or all but the last (so every lesson is open and the course not done).
course::Progress passed(const course::Course& c, bool including_last) {
  course::Progress p;
  for (size_t i = 0; i < c.lessons.size(); ++i)
    if (including_last || i + 1 < c.lessons.size()) p.lessons[c.lessons[i].id] = course::LessonProgress{true, 1, 3, true};
  p.current_lesson = c.lessons.back().id;
  return p;
}

}  // namespace

TEST_CASE("every lesson and its quiz draw, and the quiz publishes its controls") {
  HeadlessImGui gui;
  course::CourseSession s = load_course();
  s.restore(passed(s.course(), false));
  ui::CourseShell shell;
  for (int k = 0; k < int(s.course().lessons.size()); ++k) {
    REQUIRE(s.apply(course::cmd::OpenLesson{k}).applied);
    ui::ShellInput in;
    in.session = &s;
    ui::ShellOutput out;
    for (int f = 0; f < 3; ++f) gui.frame([&] { shell.draw(in, out, nullptr); });
    CAPTURE(k);
    CHECK(has_item("Submit answers"));       // named even when scrolled out of view
    CHECK(has_item("Settings"));
    if (k + 1 < int(s.course().lessons.size())) CHECK(has_item(s.course().lessons[size_t(k)].title + ", passed"));
  }
}

TEST_CASE("locked lessons are announced as locked in the lesson list") {
  HeadlessImGui gui;
  course::CourseSession s = load_course();
  ui::CourseShell shell;
  ui::ShellInput in;
  in.session = &s;
  ui::ShellOutput out;
  gui.frame([&] { shell.draw(in, out, nullptr); });
  CHECK(has_item("Replication Strategies, locked"));
  CHECK_FALSE(has_item("Replication Strategies"));
}

TEST_CASE("the replication lab draws in its slot and advances only while playing") {
  HeadlessImGui gui;
  ui::LabHost labs;
  ui::LabSession* lab = labs.session("replication-failover");
  REQUIRE(lab != nullptr);
  REQUIRE(lab->lab != nullptr);
  gui.frame([&] {
    ImGui::Begin("lab");
    CHECK(labs.draw("replication-failover", 680));
    ImGui::End();
  });
  CHECK(has_item("Play"));
  bool node_published = false;
  for (const ui::Item& it : ui::items().all()) node_published = node_published || it.label.rfind("n1, ", 0) == 0;
  CHECK(node_published);
  labs.tick(50);
  CHECK(lab->lab->now_us() == 0);  // paused: time does not move
  lab->playing = true;
  gui.frame([&] { ImGui::Begin("lab"); labs.draw("replication-failover", 680); ImGui::End(); });
  labs.tick(50);
  CHECK(lab->lab->now_us() == 50 * 1000);
  CHECK(labs.animating());
  CHECK_FALSE(labs.draw("no-such-lab", 680));
}

TEST_CASE("a shared run replays; a hostile one is refused with a sentence") {
  ui::LabHost labs;
  std::string id;
  CHECK(labs.load_shared("v1;lab=replication-failover;seed=7;cmds=2000000.crash.n1", &id).empty());
  CHECK(id == "replication-failover");
  CHECK(labs.session(id)->lab->now_us() >= 2000000);
  std::string error = labs.load_shared("v1;lab=replication-failover;cmds=" + std::string(100000, 'x'), &id);
  CHECK(error.rfind("The lab link could not be opened", 0) == 0);
}

TEST_CASE("the completion screen appears once the last quiz is passed") {
  HeadlessImGui gui;
  course::CourseSession s = load_course();
  s.restore(passed(s.course(), true));
  ui::CourseShell shell;
  ui::ShellInput in;
  in.session = &s;
  ui::ShellOutput out;
  gui.frame([&] { shell.draw(in, out, nullptr); });
  CHECK(has_item("Review lesson 1"));
}
