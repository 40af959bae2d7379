// The figures panel: bars, tables and hash rings a scenario computes from its model
// (sim/figure.h), and the world map behind a multi-region lab's nodes. Drawing only: every
// number shown was computed by the simulation.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "ui/fonts.h"
#include "ui/lab_host.h"
#include "ui/lab_view_kit.h"
#include "ui/rich_text.h"
#include "ui/theme.h"

namespace ui {

namespace {

// Land at 10-degree resolution, latitude 90 (top) to -60, longitude -180 to 180; drawn as a dot
// matrix. Coarse on purpose: the map places regions, it does not navigate.
constexpr int kMapColumns = 36, kMapRows = 15;
constexpr float kMapTopLat = 90, kMapBottomLat = -60;
const char* const kLand[kMapRows] = {
    "..........##.##.....................",  // 90..80
    "..##.######.####...##..#...########.",  // 80..70
    ".########.##.##.#.##################",  // 70..60
    "...#.########....###############.#..",  // 60..50
    ".....#######.....##############.#...",  // 50..40
    "......#####......################...",  // 40..30
    ".......###......#####.#########.....",  // 30..20
    "........##......########.#.##.#.....",  // 20..10
    "..........###...########....###.....",  // 10..0
    "..........#####...####......######..",  // 0..-10
    "..........#####....####.......###...",  // -10..-20
    "..........####.....###.......#####..",  // -20..-30
    "..........###......##........####...",  // -30..-40
    "..........##....................#.##",  // -40..-50
    "..........##........................",  // -50..-60
};

std::string number(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld", (long long)v);
  return buf;
}

void draw_bars(const sim::Figure& f, float width) {
  const Palette& p = palette();
  int64_t vmax = 1;
  float label_w = 40;
  ImFont* small = fonts().small;
  for (const sim::FigureBar& b : f.bars) {
    vmax = std::max(vmax, b.value);
    label_w = std::max(label_w, small->CalcTextSizeA(small->FontSize, FLT_MAX, 0, b.label.c_str()).x);
  }
  label_w = std::min(label_w + 10, width * 0.3f);
  const float row_h = 20, value_w = 90;
  const float bar_w = std::max(40.0f, width - label_w - value_w);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  for (size_t i = 0; i < f.bars.size(); ++i) {
    const sim::FigureBar& b = f.bars[i];
    const float y = o.y + float(i) * row_h;
    dl->AddText(small, small->FontSize, ImVec2(o.x, y + 3), p.text_muted, b.label.c_str());
    const float w = bar_w * float(double(std::max<int64_t>(0, b.value)) / double(vmax));
    const ImU32 fill = b.tone == sim::Tone::Neutral ? p.accent : tone_color(b.tone);
    dl->AddRectFilled(ImVec2(o.x + label_w, y + 3), ImVec2(o.x + label_w + bar_w, y + row_h - 3), p.surface, 3);
    if (w > 0) dl->AddRectFilled(ImVec2(o.x + label_w, y + 3), ImVec2(o.x + label_w + std::max(2.0f, w), y + row_h - 3), fill, 3);
    const std::string text = number(b.value) + (f.unit.empty() ? "" : " " + f.unit);
    dl->AddText(small, small->FontSize, ImVec2(o.x + label_w + bar_w + 8, y + 3), p.text, text.c_str());
  }
  ImGui::Dummy(ImVec2(width, row_h * float(f.bars.size())));
}

void draw_table(const sim::Figure& f, float width) {
  const Palette& p = palette();
  const int columns = int(f.columns.size());
  if (columns == 0) return;
  ImGui::PushFont(fonts().small);
  ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt, col((p.border & 0x00FFFFFF) | 0x30000000));
  ImGui::PushStyleColor(ImGuiCol_TableBorderLight, col(p.border));
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(8, 4));
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable(f.title.c_str(), columns, flags, ImVec2(width, 0))) {
    // Each column's share of the width follows its longest text, so no header is clipped while
    // a wide first column takes the room (stretch weights, not first-frame guesses).
    for (int c = 0; c < columns; ++c) {
      float longest = ImGui::CalcTextSize(f.columns[size_t(c)].c_str()).x * 1.08f;  // headers are bold
      for (const std::vector<sim::FigureCell>& row : f.rows)
        if (c < int(row.size())) longest = std::max(longest, ImGui::CalcTextSize(row[size_t(c)].text.c_str()).x);
      ImGui::TableSetupColumn(f.columns[size_t(c)].c_str(), ImGuiTableColumnFlags_WidthStretch, longest + 8);
    }
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < columns; ++c) {
      ImGui::TableSetColumnIndex(c);
      ImGui::PushFont(fonts().ui_bold);
      ImGui::TextColored(col(p.text_muted), "%s", f.columns[size_t(c)].c_str());
      ImGui::PopFont();
    }
    for (const std::vector<sim::FigureCell>& row : f.rows) {
      ImGui::TableNextRow();
      for (int c = 0; c < columns && c < int(row.size()); ++c) {
        ImGui::TableSetColumnIndex(c);
        const sim::FigureCell& cell = row[size_t(c)];
        if (cell.tone == sim::Tone::Bad || cell.tone == sim::Tone::Good) ImGui::PushFont(fonts().ui_bold);
        ImGui::TextColored(col(tone_color(cell.tone)), "%s", cell.text.c_str());
        if (cell.tone == sim::Tone::Bad || cell.tone == sim::Tone::Good) ImGui::PopFont();
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(2);
  ImGui::PopFont();
}

// A hash ring: each server's tokens as ticks on the circle, keys as dots inside it in their
// owner's colour; keys that moved in the last resharding are ringed.
void draw_ring(const sim::Figure& f, float width) {
  const Palette& p = palette();
  const float size = std::min(width, 300.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const ImVec2 c(o.x + size * 0.5f, o.y + size * 0.5f);
  const float r = size * 0.5f - 14;
  dl->AddCircle(c, r, p.border, 96, 2.0f);
  const auto at = [&](uint32_t position, float radius) {
    const float a = -kPi / 2 + 2 * kPi * float(double(position) / 4294967296.0);
    return ImVec2(c.x + radius * std::cos(a), c.y + radius * std::sin(a));
  };
  for (const sim::RingMark& m : f.ring) {
    const ImU32 color = category_color(m.owner);
    if (m.token) {
      dl->AddLine(at(m.position, r - 7), at(m.position, r + 7), color, 3.0f);
    } else {
      const ImVec2 k = at(m.position, r - 20);
      dl->AddCircleFilled(k, m.moved ? 4.0f : 3.0f, color, 10);
      if (m.moved) dl->AddCircle(k, 7.0f, p.heading, 12, 1.5f);
    }
  }
  // Legend to the right of the ring.
  ImFont* small = fonts().small;
  for (size_t i = 0; i < f.owners.size(); ++i) {
    const ImVec2 l(o.x + size + 16, o.y + 8 + float(i) * 20);
    dl->AddRectFilled(ImVec2(l.x, l.y + 3), ImVec2(l.x + 12, l.y + 15), category_color(int(i)), 3);
    dl->AddText(small, small->FontSize, ImVec2(l.x + 18, l.y), p.text, f.owners[i].c_str());
  }
  ImGui::Dummy(ImVec2(width, size));
}

}  // namespace

void draw_figures(const LabSession& s, float width) {
  const std::vector<sim::Figure> figures = s.lab->figures();
  const Palette& p = palette();
  for (const sim::Figure& f : figures) {
    ImGui::Dummy(ImVec2(1, 6));
    section_label(f.title.c_str());
    switch (f.kind) {
      case sim::Figure::Kind::Bars: draw_bars(f, width); break;
      case sim::Figure::Kind::Table: draw_table(f, width); break;
      case sim::Figure::Kind::Ring: draw_ring(f, width); break;
    }
    if (!f.caption.empty()) rich_text(f.caption, width, ui_style(p.text_muted));
  }
}

ImVec2 world_position(float x, float y, ImVec2 origin, ImVec2 size) {
  const float lat = 90 - y * 180;
  const float v = (kMapTopLat - lat) / (kMapTopLat - kMapBottomLat);
  return ImVec2(origin.x + x * size.x, origin.y + std::clamp(v, 0.0f, 1.0f) * size.y);
}

void draw_world_backdrop(ImDrawList* dl, ImVec2 origin, ImVec2 size) {
  const Palette& p = palette();
  const ImU32 land = (p.text_muted & 0x00FFFFFF) | 0x55000000;
  // Each 10-degree cell as 2 x 2 dots.
  const float dx = size.x / float(kMapColumns * 2), dy = size.y / float(kMapRows * 2);
  const float radius = std::max(1.2f, std::min(dx, dy) * 0.28f);
  for (int r = 0; r < kMapRows; ++r)
    for (int c = 0; c < kMapColumns; ++c) {
      if (kLand[r][c] != '#') continue;
      for (int sy = 0; sy < 2; ++sy)
        for (int sx = 0; sx < 2; ++sx)
          dl->AddCircleFilled(ImVec2(origin.x + (float(c * 2 + sx) + 0.5f) * dx, origin.y + (float(r * 2 + sy) + 0.5f) * dy),
                              radius, land, 6);
    }
}

}  // namespace ui
