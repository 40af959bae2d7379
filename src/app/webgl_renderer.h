// WebglRenderer: draws Dear ImGui's draw data with WebGL2. The course owns its GL context, so
// unlike ImGui's generic OpenGL3 backend it never saves and restores GL state: every
// glGetIntegerv there is a synchronous round trip to the GPU process in a browser (about 20 a
// frame), which dominated the course's start-up and a busy lab's frame time (issue #7).
//
//   WebglRenderer gl;  gl.init();              // after the GL context exists
//   gl.upload_fonts(ImGui::GetIO().Fonts);      // after every font atlas (re)build
//   gl.render(ImGui::GetDrawData(), fb_w, fb_h, clear_color);
//   if (!gl.check()) ...                        // once, after the first frame: did it link?
#pragma once
#include <GLES3/gl3.h>
#include <imgui.h>

class WebglRenderer {
 public:
  void init();
  /// Whether the shader program linked (logs why not). A synchronous query: call it once, after
  /// the first frame has been drawn, not during the start-up.
  bool check();
  void upload_fonts(ImFontAtlas* atlas);
  void render(const ImDrawData* data, int fb_w, int fb_h, ImVec4 clear_color);

 private:
  GLuint program_ = 0, vertex_shader_ = 0, fragment_shader_ = 0, vao_ = 0, vbo_ = 0, ibo_ = 0, font_texture_ = 0;
  GLsizeiptr vbo_size_ = 0, ibo_size_ = 0;
};
