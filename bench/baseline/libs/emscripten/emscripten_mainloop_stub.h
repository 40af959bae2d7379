// Stand-in for Dear ImGui's examples/libs/emscripten/emscripten_mainloop_stub.h, which the
// Debian source package (1.90.1+ds) leaves out. Same contract: the body between
// EMSCRIPTEN_MAINLOOP_BEGIN and EMSCRIPTEN_MAINLOOP_END becomes the browser's main loop
// (requestAnimationFrame, every frame).
#pragma once
#include <emscripten.h>
#include <functional>

static std::function<void()> MainLoopForEmscriptenP;
static void MainLoopForEmscripten() { MainLoopForEmscriptenP(); }
#define EMSCRIPTEN_MAINLOOP_BEGIN MainLoopForEmscriptenP = [&]()
#define EMSCRIPTEN_MAINLOOP_END ; emscripten_set_main_loop(MainLoopForEmscripten, 0, true)
