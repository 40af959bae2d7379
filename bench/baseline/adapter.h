// Force-included into the example's main.cpp only (bench/baseline/CMakeLists.txt), so the
// unmodified Debian source runs against the course's build of SDL2 and WebGL2:
#pragma once
#include <SDL.h>
#include "imgui_impl_opengl3.h"

// The course's libSDL2.a has no joystick subsystem (scripts/lib/deps.sh: -DSDL_JOYSTICK=OFF), so
// SDL_Init(... | SDL_INIT_GAMECONTROLLER) would fail and main() would return before drawing.
#undef SDL_INIT_GAMECONTROLLER
#define SDL_INIT_GAMECONTROLLER 0u

// With IMGUI_IMPL_OPENGL_ES3 defined (WebGL2, like the course) main.cpp takes its desktop branch
// and asks for "#version 130", which WebGL2 rejects; nullptr lets the backend pick "#version 300 es".
#define ImGui_ImplOpenGL3_Init(glsl_version) ImGui_ImplOpenGL3_Init(nullptr)
