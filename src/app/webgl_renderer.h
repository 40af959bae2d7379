// WebglRenderer: draws Dear ImGui's draw data with WebGL2. The course owns its GL context, so
// unlike ImGui's generic OpenGL3 backend it never saves and restores GL state: every
// glGetIntegerv there is a synchronous round trip to the GPU process in a browser (about 20 a
// frame), which dominated the course's start-up and a busy lab's frame time (issue #7).
//
//   WebglRenderer gl;  gl.init();              // after the GL context exists
//   gl.upload_fonts(ImGui::GetIO().Fonts);      // after every font atlas (re)build
//   gl.render(ImGui::GetDrawData(), fb_w, fb_h, clear_color);
#pragma once
#include <GLES3/gl3.h>
#include <imgui.h>

class WebglRenderer {
 public:
  bool init();
  void upload_fonts(ImFontAtlas* atlas);
  void render(const ImDrawData* data, int fb_w, int fb_h, ImVec4 clear_color);

 private:
  GLuint program_ = 0, vao_ = 0, vbo_ = 0, ibo_ = 0, font_texture_ = 0;
  GLint projection_ = -1;
  GLsizeiptr vbo_size_ = 0, ibo_size_ = 0;
};
