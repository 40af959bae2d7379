// Force-included into the example's main.cpp only (bench/baseline/CMakeLists.txt), so the
// unmodified Debian source runs against the course's build of SDL2 and WebGL2:
#pragma once
#include <SDL.h>
#include "imgui_impl_opengl3.h"

// The course's libSDL2.a has no joystick subsystem (scripts/lib/deps.sh: -DSDL_JOYSTICK=OFF), so
// SDL_Init(... | SDL_INIT_GAMECONTROLLER) would fail and main() would return before drawing.
#undef SDL_INIT_GAMECONTROLLER
#define SDL_INIT_GAMECONTROLLER 0u

// With IMGUI_IMPL_OPENGL_ES3 defined (WebGL2, like the course) main.cpp takes its desktop branch:
// - it asks SDL for a core-profile 3.0 context, which SDL's EGL path on emscripten cannot create
//   (eglBindAPI(EGL_OPENGL_API) fails); an ES 3.0 context is what the course asks for (WebGL2);
// - it asks the backend for "#version 130" shaders, which WebGL2 rejects; nullptr lets the backend
//   pick "#version 300 es", as the course's does.
#define SDL_GL_CONTEXT_PROFILE_CORE SDL_GL_CONTEXT_PROFILE_ES
#define ImGui_ImplOpenGL3_Init(glsl_version) ImGui_ImplOpenGL3_Init(nullptr)
