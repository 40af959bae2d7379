// The web entry point: SDL2 + WebGL2 + Dear ImGui around CourseApp and the course shell.
// Frames are drawn only when something changes (input, arriving content, an animation); when
// idle the main loop pauses itself and web/app.js wakes it on the next input event.
#include <SDL.h>
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_sdl2.h>
#include <imgui_internal.h>

#include <cmath>
#include <optional>

#include "app/course_app.h"
#include "app/webgl_renderer.h"
#include "platform/platform.h"
#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/lab_host.h"
#include "ui/shell.h"
#include "ui/theme.h"

namespace {

// How many frames to keep drawing after the last event: ImGui settles hover and focus state
// over a couple of frames.
constexpr int kSettleFrames = 4;

struct Runtime {
  SDL_Window* window = nullptr;
  app::CourseApp course;
  ui::CourseShell shell;
  ui::LabHost labs;
  double last_frame_ms = 0;
  bool compact = false;     // ?embed=1: compact chrome for small frames
  int content_height = -1;  // reported to an embedding page for sizing its iframe
  ui::FontFiles font_files;
  int fonts_pending = 4;
  float font_ratio = 0, font_scale = 0;  // what the atlas was built for
  WebglRenderer renderer;
  int css_w = 0, css_h = 0;
  int theme_dark = -1;
  bool shown = false;
  bool renderer_checked = false;
  bool paused = false;
  int settle = kSettleFrames;
  uint64_t seen_changes = ~0ull;
};
Runtime* rt = nullptr;

// The stage's size in CSS pixels, as web/app.js's ResizeObserver last saw it.
EM_JS(void, stage_size, (int* w, int* h), {
  HEAP32[w >> 2] = DBC.stageSize[0];
  HEAP32[h >> 2] = DBC.stageSize[1];
});

EM_JS(void, dbc_js_set_items, (const char* json), { DBC.setItems(UTF8ToString(json)); });

// The page learns what is on screen after each drawn frame (only when it changed).
void publish_items() {
  static std::string last;
  std::string json = ui::items().to_json();
  if (json == last) return;
  last = json;
  dbc_js_set_items(json.c_str());
}

void follow_fonts();

void fetch_font(const char* name, std::string ui::FontFiles::*slot) {
  platform::fetch_text(std::string("font:") + name, [slot](const platform::FetchResult& r) {
    if (r.status == 200) rt->font_files.*slot = r.body;
    else platform::console_log("font " + r.error + "; using the built-in font");
    // The last font builds the atlas at once, not in the first lesson frame: that frame then
    // draws sooner (the atlas is about half of its work).
    if (--rt->fonts_pending == 0) follow_fonts();
  });
}

void follow_stage_size() {
  int w = 0, h = 0;
  stage_size(&w, &h);
  if (w != rt->css_w || h != rt->css_h) {
    rt->css_w = w;
    rt->css_h = h;
    SDL_SetWindowSize(rt->window, w, h);
  }
}

// Fonts are rasterised for the current device pixel ratio and text size; rebuilt when either
// changes (moving the window to another screen, browser zoom, the text size setting).
void follow_fonts() {
  const course::CourseSession* s = rt->course.session();
  float ratio = float(emscripten_get_device_pixel_ratio());
  float scale = s ? s->progress().prefs.text_scale_percent / 100.0f : 1.0f;
  if (std::fabs(ratio - rt->font_ratio) < 0.01f && std::fabs(scale - rt->font_scale) < 0.01f) return;
  rt->font_ratio = ratio;
  rt->font_scale = scale;
  ui::build_fonts(ImGui::GetIO().Fonts, rt->font_files, ratio, scale);
  rt->renderer.upload_fonts(ImGui::GetIO().Fonts);
}

void follow_theme() {
  const course::CourseSession* s = rt->course.session();
  course::Theme t = s ? s->progress().prefs.theme : course::Theme::system;
  int dark = t == course::Theme::dark || (t == course::Theme::system && platform::prefers_dark());
  if (dark != rt->theme_dark) {
    rt->theme_dark = dark;
    ui::apply_theme(dark);
  }
}

// A lab's run goes into the URL fragment (so the address bar is the link) and the clipboard.
void share_lab(const std::string& run) {
  platform::set_url_fragment(run);
  platform::clipboard_set(platform::page_url());
  rt->course.inform("Link to this run copied. Opening it replays exactly what you did, with the same seed.", false);
}

// A link with a lab run in its fragment opens that lab in its lesson, replayed.
void open_shared_lab() {
  std::string fragment = platform::url_fragment();
  if (fragment.empty()) return;
  std::string lab_id;
  std::string error = rt->labs.load_shared(fragment, &lab_id);
  if (!error.empty()) {
    rt->course.inform(error + " The lab starts from its defaults instead.", true);
    return;
  }
  rt->course.open_lab_lesson(lab_id);
}

// SDL normalises vertical wheel steps by deltaMode (pixels / 100, lines / 3) but passes the
// horizontal delta raw; bring it to the same steps so every browser scrolls the same distance.
// A finger drag scrolls the content under it (ImGui itself does not scroll on drag).
// Returns true when the event was consumed here.
bool adapt_touch_and_wheel(SDL_Event& e) {
  static float drag_total = 0;
  ImGuiIO& io = ImGui::GetIO();
  switch (e.type) {
    case SDL_MOUSEWHEEL:
      e.wheel.preciseX /= std::fabs(e.wheel.preciseX) > 3 ? 100.0f : 3.0f;
      return false;
    case SDL_FINGERDOWN:
      drag_total = 0;
      return false;
    case SDL_FINGERMOTION: {
      float dy_px = e.tfinger.dy * float(rt->css_h);
      drag_total += std::fabs(dy_px);
      // One wheel step scrolls about five lines of the UI font (ImGui's default step).
      if (drag_total > 6) io.AddMouseWheelEvent(0, dy_px / (5 * ImGui::GetFontSize()));
      return true;
    }
    default:
      return false;
  }
}

// Phones show their keyboard only for a focused DOM text field: mirror ImGui's wish for text.
EM_JS(void, dbc_js_text_input, (int on), { DBC.textInput(!!on); });
void follow_text_input() {
  static bool active = false;
  bool want = ImGui::GetCurrentContext() && ImGui::GetIO().WantTextInput;
  if (want != active) {
    active = want;
    dbc_js_text_input(want);
  }
}

const char* get_clipboard(void*) {
  static std::string text;
  text = platform::clipboard_get();
  return text.c_str();
}

EM_JS(void, dbc_js_frame_drawn, (), { DBC.drawnFrames++; });

void render() {
  ImGui::Render();
  dbc_js_frame_drawn();  // counted so tests and the benchmark can see that idle means no frames
  int fw = 0, fh = 0;
  SDL_GL_GetDrawableSize(rt->window, &fw, &fh);
  rt->renderer.render(ImGui::GetDrawData(), fw, fh, ImGui::ColorConvertU32ToFloat4(ui::palette().page));
}

void frame() {
  int events = 0;
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    if (!adapt_touch_and_wheel(e)) ImGui_ImplSDL2_ProcessEvent(&e);
    ++events;
  }
  follow_text_input();
  if (!rt->course.fatal().empty()) {
    platform::show_fatal(rt->course.fatal());
    emscripten_cancel_main_loop();
    return;
  }
  if (rt->fonts_pending > 0 || !rt->course.ready()) return;  // the loading screen is still up

  follow_stage_size();
  follow_fonts();
  follow_theme();
  rt->course.tick(platform::now_ms());
  for (const std::string& command : platform::take_embed_commands()) {
    rt->course.embed_command(command);
    events++;
  }
  if (rt->course.change_count() != rt->seen_changes) {
    rt->seen_changes = rt->course.change_count();
    events++;
  }
  if (events > 0) rt->settle = kSettleFrames;
  if (rt->settle <= 0) {
    // Nothing moves: stop the loop until app.js reports input (dbc_wake).
    rt->paused = true;
    emscripten_pause_main_loop();
    return;
  }
  --rt->settle;

  ImGui_ImplSDL2_NewFrame();
  const double now_ms = platform::now_ms();
  rt->labs.set_reduced_motion(rt->course.session()->progress().prefs.reduced_motion);
  rt->labs.tick(rt->last_frame_ms > 0 ? now_ms - rt->last_frame_ms : 0);
  rt->last_frame_ms = now_ms;
  ui::activator().before_frame();
  if (ui::activator().busy()) rt->settle = kSettleFrames;
  ui::items().begin_frame();
  ImGui::NewFrame();
  ui::ShellOutput out;
  ui::ShellInput input = rt->course.shell_input();
  input.compact = rt->compact;
  rt->shell.draw(input, out, &rt->labs);
  if (out.content_height != rt->content_height) {
    rt->content_height = out.content_height;
    platform::report_content_height(out.content_height);
  }
  render();
  ui::items().mark_focus(GImGui->NavDisableHighlight ? 0 : GImGui->NavId);
  publish_items();
  rt->course.apply(out);
  if (!out.commands.empty() || out.dismissed_notice >= 0 || out.animating || rt->labs.animating()) rt->settle = kSettleFrames;
  if (std::optional<std::string> link = rt->labs.take_share_request()) share_lab(*link);

  if (rt->shown && !rt->renderer_checked) {
    // Asked once the first lesson frame is on its way: the question waits for the GPU process.
    rt->renderer_checked = true;
    if (!rt->renderer.check()) {
      platform::show_fatal("The course could not set up WebGL2 drawing in this browser.");
      emscripten_cancel_main_loop();
      return;
    }
  }
  if (!rt->shown) {
    rt->shown = true;
    open_shared_lab();
    rt->shell.reader().scroll_to(rt->course.session()->current_lesson(), float(rt->course.restored_scroll()));
    rt->settle = kSettleFrames;
    platform::app_ready();
  }
}

void set_clipboard(void*, const char* text) { platform::clipboard_set(text ? text : ""); }

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void dbc_wake() {
  if (!rt) return;
  rt->settle = kSettleFrames;
  // The first lesson frame is drawn as soon as its last file has arrived (each delivery ends
  // with a wake), not at the next animation frame: while the GPU process is still busy with
  // the page's first frames, that comes 50-150 ms later (headless Chromium, software GPU).
  if (!rt->shown && rt->fonts_pending == 0 && rt->course.ready()) frame();
  if (rt->paused) {
    rt->paused = false;
    emscripten_resume_main_loop();
  }
}

// The accessibility mirror (or a test) activates a widget by id: web/a11y.js.
extern "C" EMSCRIPTEN_KEEPALIVE void dbc_activate(unsigned id) {
  ui::activator().request(id);
  dbc_wake();
}

int main() {
  rt = new Runtime();
  rt->compact = platform::url_query("embed") == "1";
  // No SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT: SDL then reads keys on the window, so they still
  // reach the course while the accessibility mirror (web/a11y.js) holds the DOM focus.
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    platform::show_fatal(std::string("The graphics system could not start: ") + SDL_GetError());
    return 1;
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  // ImGui draws 2D triangles: no depth, stencil, alpha or multisampling. web/app.js has already
  // created the canvas's context with exactly these attributes (createContextEarly).
  SDL_GL_SetAttribute(SDL_GL_ALPHA_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_MULTISAMPLEBUFFERS, 0);
  int w = 0, h = 0;
  stage_size(&w, &h);
  rt->window = SDL_CreateWindow("Distributed Databases & Failover", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
                                SDL_WINDOW_OPENGL | SDL_WINDOW_ALLOW_HIGHDPI);
  SDL_GLContext gl = rt->window ? SDL_GL_CreateContext(rt->window) : nullptr;
  if (!gl) {
    platform::show_fatal("WebGL 2 could not be started on this device. If hardware acceleration is off in your browser, turn it on.");
    return 1;
  }
  rt->css_w = w;
  rt->css_h = h;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is ours; nothing to persist
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  GImGui->TestEngineHookItems = true;  // feeds ui::items() (see ui/imconfig_course.h)
  ImGui_ImplSDL2_InitForOpenGL(rt->window, gl);
  rt->renderer.init();
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;

  fetch_font("regular", &ui::FontFiles::regular);
  fetch_font("italic", &ui::FontFiles::italic);
  fetch_font("semibold", &ui::FontFiles::semibold);
  fetch_font("mono", &ui::FontFiles::mono);
  rt->course.start();
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
