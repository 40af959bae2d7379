#include "app/webgl_renderer.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "ui/widgets.h"

namespace {

// The atlas is a single-channel (alpha) texture: a quarter of RGBA's upload, and every pixel
// ImGui draws is a vertex colour times that alpha. Solid shapes point at the atlas's white
// pixel; they skip the texture read (frag_solid), which made a running lab's frames about 15%
// cheaper for a software GPU, where every filtered read is work on the CPU.
//
// No uniforms: the projection and the white pixel's uv are constant vertex attributes
// (glVertexAttrib*, attribute locations bound before linking), and the sampler keeps its
// default unit 0. Looking up a uniform's location, like asking for a compile or link status,
// is a synchronous round trip that waits for the GPU process, which at start-up is still busy
// with the page's first frames. The link status is read once, after the first frame (check()).
enum Attribute : GLuint { kPosition, kUv, kColor, kTransform, kWhiteUv };

const char* kVertexShader = R"(#version 300 es
in vec2 position;
in vec2 uv;
in vec4 color;
in vec4 transform;  // xy: scale, zw: offset, from ImGui's display rectangle to clip space
in vec2 white_uv;
out vec2 frag_uv;
out vec4 frag_color;
flat out int frag_solid;
void main() {
  frag_uv = uv;
  frag_color = color;
  frag_solid = uv == white_uv ? 1 : 0;
  gl_Position = vec4(position * transform.xy + transform.zw, 0.0, 1.0);
})";

const char* kFragmentShader = R"(#version 300 es
precision mediump float;
uniform sampler2D atlas;
in vec2 frag_uv;
in vec4 frag_color;
flat in int frag_solid;
out vec4 out_color;
void main() {
  out_color = frag_solid == 1 ? frag_color : vec4(frag_color.rgb, frag_color.a * texture(atlas, frag_uv).r);
})";

GLuint compile(GLenum kind, const char* source) {
  GLuint shader = glCreateShader(kind);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  return shader;
}

void log_shader(GLuint shader, const char* what) {
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok) return;
  char log[512] = {};
  glGetShaderInfoLog(shader, sizeof log, nullptr, log);
  std::fprintf(stderr, "%s shader: %s\n", what, log);
}

// ui::fill_rect's opaque regions: a scissored clear, edges rounded to the nearest pixel as the
// rasteriser rounds the triangles around them.
void clear_opaque_fill(const ImDrawCmd& cmd, ImVec2 clip_off, ImVec2 scale, int fb_h) {
  const int x1 = int(std::lround((cmd.ClipRect.x - clip_off.x) * scale.x)), y1 = int(std::lround((cmd.ClipRect.y - clip_off.y) * scale.y));
  const int x2 = int(std::lround((cmd.ClipRect.z - clip_off.x) * scale.x)), y2 = int(std::lround((cmd.ClipRect.w - clip_off.y) * scale.y));
  if (x2 <= x1 || y2 <= y1) return;
  const ImU32 c = static_cast<ImU32>(reinterpret_cast<uintptr_t>(cmd.UserCallbackData));
  glScissor(x1, fb_h - y2, x2 - x1, y2 - y1);
  glClearColor(float((c >> IM_COL32_R_SHIFT) & 0xFF) / 255.0f, float((c >> IM_COL32_G_SHIFT) & 0xFF) / 255.0f,
               float((c >> IM_COL32_B_SHIFT) & 0xFF) / 255.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}

}  // namespace

void WebglRenderer::init() {
  program_ = glCreateProgram();
  vertex_shader_ = compile(GL_VERTEX_SHADER, kVertexShader);
  fragment_shader_ = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  glAttachShader(program_, vertex_shader_);
  glAttachShader(program_, fragment_shader_);
  glBindAttribLocation(program_, kPosition, "position");
  glBindAttribLocation(program_, kUv, "uv");
  glBindAttribLocation(program_, kColor, "color");
  glBindAttribLocation(program_, kTransform, "transform");
  glBindAttribLocation(program_, kWhiteUv, "white_uv");
  // Linking runs in the GPU process while start-up goes on (fonts, lesson, first frame): nothing
  // here may wait for it. glUseProgram would, because the browser checks the link status before
  // it accepts a program, so it happens in render() (a software GPU links for ~100 ms).
  glLinkProgram(program_);

  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_);
  glGenBuffers(1, &ibo_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ibo_);
  glEnableVertexAttribArray(kPosition);
  glEnableVertexAttribArray(kUv);
  glEnableVertexAttribArray(kColor);
  const GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(kPosition, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(kUv, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(kColor, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glVertexAttrib2f(kWhiteUv, -1, -1);  // no atlas yet: nothing is solid

  // Fixed state: nothing else draws into this context.
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glActiveTexture(GL_TEXTURE0);
  ImGui::GetIO().BackendRendererName = "course_webgl2";
}

bool WebglRenderer::check() {
  GLint ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) {
    log_shader(vertex_shader_, "vertex");
    log_shader(fragment_shader_, "fragment");
    char log[512] = {};
    glGetProgramInfoLog(program_, sizeof log, nullptr, log);
    std::fprintf(stderr, "shader program: %s\n", log);
  }
  glDeleteShader(vertex_shader_);
  glDeleteShader(fragment_shader_);
  return ok != 0;
}

void WebglRenderer::upload_fonts(ImFontAtlas* atlas) {
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  atlas->GetTexDataAsAlpha8(&pixels, &w, &h);
  if (font_texture_ == 0) glGenTextures(1, &font_texture_);
  glBindTexture(GL_TEXTURE_2D, font_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, w, h, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  atlas->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(font_texture_)));
  glVertexAttrib2f(kWhiteUv, atlas->TexUvWhitePixel.x, atlas->TexUvWhitePixel.y);
  atlas->ClearTexData();  // the GPU has it; the CPU copy is megabytes
}

void WebglRenderer::render(const ImDrawData* data, int fb_w, int fb_h, ImVec4 clear_color) {
  glViewport(0, 0, fb_w, fb_h);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(clear_color.x, clear_color.y, clear_color.z, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  if (data == nullptr || data->CmdListsCount == 0 || fb_w <= 0 || fb_h <= 0) return;
  glEnable(GL_SCISSOR_TEST);
  const float l = data->DisplayPos.x, r = data->DisplayPos.x + data->DisplaySize.x;
  const float t = data->DisplayPos.y, b = data->DisplayPos.y + data->DisplaySize.y;
  glVertexAttrib4f(kTransform, 2.0f / (r - l), 2.0f / (t - b), (r + l) / (l - r), (t + b) / (b - t));
  glUseProgram(program_);  // not in init(): see there
  glBindVertexArray(vao_);
  const ImVec2 clip_off = data->DisplayPos, scale = data->FramebufferScale;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    const GLsizeiptr vsize = list->VtxBuffer.Size * GLsizeiptr(sizeof(ImDrawVert));
    const GLsizeiptr isize = list->IdxBuffer.Size * GLsizeiptr(sizeof(ImDrawIdx));
    // Grow by reallocation, otherwise overwrite in place.
    if (vsize > vbo_size_) glBufferData(GL_ARRAY_BUFFER, vbo_size_ = vsize + vsize / 2, nullptr, GL_STREAM_DRAW);
    if (isize > ibo_size_) glBufferData(GL_ELEMENT_ARRAY_BUFFER, ibo_size_ = isize + isize / 2, nullptr, GL_STREAM_DRAW);
    glBufferSubData(GL_ARRAY_BUFFER, 0, vsize, list->VtxBuffer.Data);
    glBufferSubData(GL_ELEMENT_ARRAY_BUFFER, 0, isize, list->IdxBuffer.Data);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback == ui::opaque_fill) {
        clear_opaque_fill(cmd, clip_off, scale, fb_h);
        continue;
      }
      if (cmd.UserCallback != nullptr) {
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      const float x1 = (cmd.ClipRect.x - clip_off.x) * scale.x, y1 = (cmd.ClipRect.y - clip_off.y) * scale.y;
      const float x2 = (cmd.ClipRect.z - clip_off.x) * scale.x, y2 = (cmd.ClipRect.w - clip_off.y) * scale.y;
      if (x2 <= x1 || y2 <= y1) continue;
      glScissor(GLint(x1), GLint(float(fb_h) - y2), GLsizei(x2 - x1), GLsizei(y2 - y1));
      glBindTexture(GL_TEXTURE_2D, GLuint(reinterpret_cast<intptr_t>(cmd.GetTexID())));
      glDrawElements(GL_TRIANGLES, GLsizei(cmd.ElemCount), sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     reinterpret_cast<void*>(intptr_t(cmd.IdxOffset * sizeof(ImDrawIdx))));
    }
  }
}
