#include "app/webgl_renderer.h"

#include <cstddef>
#include <cstdio>

namespace {

// The atlas is a single-channel (alpha) texture: a quarter of RGBA's upload, and every pixel
// ImGui draws is a vertex colour times that alpha. Solid shapes point at the atlas's white
// pixel; they skip the texture read (frag_solid), which made a running lab's frames about 15%
// cheaper for a software GPU, where every filtered read is work on the CPU.
const char* kVertexShader = R"(#version 300 es
uniform mat4 projection;
uniform vec2 white_uv;
in vec2 position;
in vec2 uv;
in vec4 color;
out vec2 frag_uv;
out vec4 frag_color;
flat out int frag_solid;
void main() {
  frag_uv = uv;
  frag_color = color;
  frag_solid = uv == white_uv ? 1 : 0;
  gl_Position = projection * vec4(position, 0.0, 1.0);
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
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[512] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    std::fprintf(stderr, "shader compile failed: %s\n", log);
  }
  return shader;
}

}  // namespace

bool WebglRenderer::init() {
  program_ = glCreateProgram();
  const GLuint vs = compile(GL_VERTEX_SHADER, kVertexShader), fs = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  glAttachShader(program_, vs);
  glAttachShader(program_, fs);
  glBindAttribLocation(program_, 0, "position");
  glBindAttribLocation(program_, 1, "uv");
  glBindAttribLocation(program_, 2, "color");
  glLinkProgram(program_);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(program_, GL_LINK_STATUS, &ok);
  if (!ok) return false;
  projection_ = glGetUniformLocation(program_, "projection");
  glUseProgram(program_);
  glUniform1i(glGetUniformLocation(program_, "atlas"), 0);

  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_);
  glGenBuffers(1, &ibo_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ibo_);
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  const GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));

  // Fixed state: nothing else draws into this context.
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glActiveTexture(GL_TEXTURE0);
  ImGui::GetIO().BackendRendererName = "course_webgl2";
  return true;
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
  glUseProgram(program_);
  glUniform2f(glGetUniformLocation(program_, "white_uv"), atlas->TexUvWhitePixel.x, atlas->TexUvWhitePixel.y);
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
  const float projection[4][4] = {
      {2.0f / (r - l), 0, 0, 0}, {0, 2.0f / (t - b), 0, 0}, {0, 0, -1, 0}, {(r + l) / (l - r), (t + b) / (b - t), 0, 1}};
  glUseProgram(program_);
  glUniformMatrix4fv(projection_, 1, GL_FALSE, &projection[0][0]);
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
