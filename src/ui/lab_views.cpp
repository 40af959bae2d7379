// The lab framework's panels: controls, settings, cluster view, timeline, charts, checkers and
// goals. Each reads a LabSession and appends LabIntents; none changes the simulation itself.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "sim/checkers.h"
#include "ui/fonts.h"
#include "ui/item_registry.h"
#include "ui/lab_host.h"
#include "ui/lab_view_kit.h"
#include "ui/rich_text.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace ui {

namespace {

using K = LabIntent::Kind;

ImU32 role_color(const sim::NodeView& n) {
  const Palette& p = palette();
  if (n.status == sim::NodeStatus::Crashed) return p.lock;
  switch (n.role) {
    case sim::Role::Primary:
    case sim::Role::Leader: return p.accent;
    case sim::Role::Candidate: return p.warning;
    case sim::Role::Monitor: return p.note;
    case sim::Role::Client: return p.tip;
    default: return p.text_muted;
  }
}

// Deterministic layout: database nodes on an arc, clients on the left, monitors on the right.
std::vector<ImVec2> layout_nodes(const std::vector<sim::NodeView>& nodes, ImVec2 origin, ImVec2 size, sim::Backdrop backdrop) {
  std::vector<ImVec2> pos(nodes.size());
  // Scenario-placed nodes (racks, regions on a map) keep their places.
  const bool placed = !nodes.empty() && std::all_of(nodes.begin(), nodes.end(), [](const sim::NodeView& n) { return n.x >= 0 && n.y >= 0; });
  if (placed) {
    for (size_t i = 0; i < nodes.size(); ++i)
      pos[i] = backdrop == sim::Backdrop::World ? world_position(nodes[i].x, nodes[i].y, origin, size)
                                                : ImVec2(origin.x + nodes[i].x * size.x, origin.y + nodes[i].y * size.y);
    return pos;
  }
  std::vector<size_t> dbs, clients, others;
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string kind = nodes[i].kind;
    (kind == "client" ? clients : kind == "db" ? dbs : others).push_back(i);
  }
  ImVec2 c(origin.x + size.x * 0.5f, origin.y + size.y * 0.5f);
  float rx = size.x * 0.26f, ry = size.y * 0.33f;
  for (size_t k = 0; k < dbs.size(); ++k) {
    float a = dbs.size() == 1 ? -kPi / 2 : -kPi / 2 + 2 * kPi * float(k) / float(dbs.size());
    pos[dbs[k]] = ImVec2(c.x + rx * std::cos(a), c.y + ry * std::sin(a) + (dbs.size() == 2 ? ry * 0.5f : 0));
  }
  for (size_t k = 0; k < clients.size(); ++k)
    pos[clients[k]] = ImVec2(origin.x + 52, origin.y + size.y * float(k + 1) / float(clients.size() + 1));
  for (size_t k = 0; k < others.size(); ++k)
    pos[others[k]] = ImVec2(origin.x + size.x - 56, origin.y + size.y * float(k + 1) / float(others.size() + 1));
  return pos;
}

// Nodes sharing a group (rack, zone, region) sit on one soft panel labelled with its name.
void draw_groups(ImDrawList* dl, const std::vector<sim::NodeView>& nodes, const std::vector<ImVec2>& pos,
                 const std::vector<ImVec2>& halves) {
  const Palette& p = palette();
  std::vector<std::string> groups;
  for (const sim::NodeView& n : nodes)
    if (!n.group.empty() && std::find(groups.begin(), groups.end(), n.group) == groups.end()) groups.push_back(n.group);
  ImFont* sf = fonts().small;
  for (const std::string& g : groups) {
    ImVec2 mn(FLT_MAX, FLT_MAX), mx(-FLT_MAX, -FLT_MAX);
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].group != g) continue;
      const ImVec2 h = halves[i];
      mn = ImVec2(std::min(mn.x, pos[i].x - h.x), std::min(mn.y, pos[i].y - h.y));
      mx = ImVec2(std::max(mx.x, pos[i].x + h.x), std::max(mx.y, pos[i].y + h.y));
    }
    mn = ImVec2(mn.x - 8, mn.y - 22);
    mx = ImVec2(mx.x + 8, mx.y + 8);
    dl->AddRectFilled(mn, mx, (p.accent_soft & 0x00FFFFFF) | 0x90000000, kRadius);
    dl->AddText(sf, sf->FontSize, ImVec2(mn.x + 8, mn.y + 4), p.text_muted, g.c_str());
  }
}

// A small ✕ drawn with lines (the subset fonts have no such glyph).
void cross(ImDrawList* dl, ImVec2 c, float r, ImU32 color) {
  dl->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), color, 2);
  dl->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), color, 2);
}

float segment_distance(ImVec2 p, ImVec2 a, ImVec2 b) {
  ImVec2 ab(b.x - a.x, b.y - a.y), ap(p.x - a.x, p.y - a.y);
  float len2 = ab.x * ab.x + ab.y * ab.y;
  float t = len2 > 0 ? std::clamp((ap.x * ab.x + ap.y * ab.y) / len2, 0.0f, 1.0f) : 0;
  float dx = a.x + ab.x * t - p.x, dy = a.y + ab.y * t - p.y;
  return std::sqrt(dx * dx + dy * dy);
}

void arrow_head(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 color, float size) {
  float dx = to.x - from.x, dy = to.y - from.y, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1) return;
  dx /= len;
  dy /= len;
  dl->AddTriangleFilled(to, ImVec2(to.x - dx * size - dy * size * 0.5f, to.y - dy * size + dx * size * 0.5f),
                        ImVec2(to.x - dx * size + dy * size * 0.5f, to.y - dy * size - dx * size * 0.5f), color);
}

void node_menu(const LabSession& s, const std::vector<sim::NodeView>& nodes, std::vector<LabIntent>& out) {
  if (!ImGui::BeginPopup("node menu")) return;
  if (s.selected < 0 || s.selected >= int(nodes.size())) { ImGui::EndPopup(); return; }
  const sim::NodeView& n = nodes[size_t(s.selected)];
  const bool up = n.status == sim::NodeStatus::Up;
  ImGui::PushFont(fonts().ui_bold);
  ImGui::Text("%s \xC2\xB7 %s", n.name.c_str(), n.status == sim::NodeStatus::Up ? sim::role_name(n.role) : sim::status_name(n.status));
  ImGui::PopFont();
  ImGui::Separator();
  if (n.status == sim::NodeStatus::Crashed) {
    if (ImGui::MenuItem("Restart")) out.push_back(issue(sim::Verb::Restart, n.id));
  } else {
    if (ImGui::MenuItem("Crash (loses memory)")) out.push_back(issue(sim::Verb::Crash, n.id));
    if (up && ImGui::MenuItem("Pause (like a long GC pause)")) out.push_back(issue(sim::Verb::Pause, n.id));
    if (n.status == sim::NodeStatus::Paused && ImGui::MenuItem("Resume")) out.push_back(issue(sim::Verb::Resume, n.id));
  }
  // Only what this lab accepts for this node is offered.
  const sim::Lab& lab = *s.lab;
  const auto offer = [&](const char* label, const LabIntent& in) {
    if (lab.accepts(in.command) && ImGui::MenuItem(label)) out.push_back(in);
  };
  const bool leads = n.role == sim::Role::Primary || n.role == sim::Role::Leader;
  if (!leads) offer("Promote to primary (manual failover)", issue(sim::Verb::Promote, n.id));
  if (!leads) offer("Planned switchover to this node", issue(sim::Verb::Switchover, n.id));
  if (std::string(n.kind) != "client") offer("Isolate from everyone", issue(sim::Verb::Partition, sim::kNoNode, -1, int64_t(1) << n.id));
  // A fresh value per manual write, derived from the run so a replay writes the same values.
  offer("Write key 1", issue(sim::Verb::Write, n.id, 1, 100 + int64_t(lab.run().commands.size())));
  offer("Read key 1", issue(sim::Verb::Read, n.id, 1));
  draw_node_actions(s, n, out);
  if (ImGui::BeginMenu("Cut a link")) {
    for (const sim::NodeView& o : nodes) {
      if (o.id == n.id) continue;
      std::string out_label = n.name + " \xE2\x86\x92 " + o.name, in_label = o.name + " \xE2\x86\x92 " + n.name;
      if (ImGui::MenuItem(out_label.c_str())) out.push_back(issue(sim::Verb::Cut, n.id, o.id));
      if (ImGui::MenuItem(in_label.c_str())) out.push_back(issue(sim::Verb::Cut, o.id, n.id));
    }
    ImGui::EndMenu();
  }
  if (ImGui::MenuItem("Heal every link")) out.push_back(issue(sim::Verb::Heal));
  ImGui::EndPopup();
}

void link_menu(const std::vector<sim::NodeView>& nodes, std::vector<LabIntent>& out, int a, int b) {
  if (!ImGui::BeginPopup("link menu")) return;
  if (a < 0 || b < 0 || a >= int(nodes.size()) || b >= int(nodes.size())) { ImGui::EndPopup(); return; }
  const std::string& na = nodes[size_t(a)].name;
  const std::string& nb = nodes[size_t(b)].name;
  if (ImGui::MenuItem(("Cut " + na + " \xE2\x86\x92 " + nb).c_str())) out.push_back(issue(sim::Verb::Cut, a, b));
  if (ImGui::MenuItem(("Cut " + nb + " \xE2\x86\x92 " + na).c_str())) out.push_back(issue(sim::Verb::Cut, b, a));
  if (ImGui::MenuItem("Cut both ways")) {
    out.push_back(issue(sim::Verb::Cut, a, b));
    out.push_back(issue(sim::Verb::Cut, b, a));
  }
  if (ImGui::MenuItem("Heal this link")) {
    out.push_back(issue(sim::Verb::Uncut, a, b));
    out.push_back(issue(sim::Verb::Uncut, b, a));
  }
  ImGui::EndPopup();
}

// Moves overlapping cards apart (each by half the overlap, along the axis where it is smaller)
// and keeps them inside the view. Deterministic: pairs in index order, a fixed number of passes.
void separate_cards(std::vector<ImVec2>& pos, const std::vector<ImVec2>& halves, ImVec2 origin, ImVec2 size) {
  const float gap = 6, margin = 4;
  for (int pass = 0; pass < 8; ++pass) {
    bool moved = false;
    for (size_t i = 0; i < pos.size(); ++i)
      for (size_t j = i + 1; j < pos.size(); ++j) {
        const float dx = pos[j].x - pos[i].x, dy = pos[j].y - pos[i].y;
        const float over_x = halves[i].x + halves[j].x + gap - std::fabs(dx);
        const float over_y = halves[i].y + halves[j].y + gap - std::fabs(dy);
        if (over_x <= 0 || over_y <= 0) continue;
        moved = true;
        if (over_x < over_y) {
          const float push = (dx < 0 ? -over_x : over_x) * 0.5f;
          pos[i].x -= push;
          pos[j].x += push;
        } else {
          const float push = (dy < 0 ? -over_y : over_y) * 0.5f;
          pos[i].y -= push;
          pos[j].y += push;
        }
      }
    for (size_t i = 0; i < pos.size(); ++i) {
      const ImVec2 h = halves[i];
      pos[i].x = std::clamp(pos[i].x, origin.x + h.x + margin, std::max(origin.x + h.x + margin, origin.x + size.x - h.x - margin));
      pos[i].y = std::clamp(pos[i].y, origin.y + h.y + margin, std::max(origin.y + h.y + margin, origin.y + size.y - h.y - margin));
    }
    if (!moved) return;
  }
}

float text_width(ImFont* font, const std::string& text) {
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, text.c_str()).x;
}

// A node card's second line: the scenario's detail, else its role and epoch, else its state.
std::string card_line(const sim::NodeView& n) {
  const bool up = n.status == sim::NodeStatus::Up;
  if (!n.detail.empty() && up) return n.detail;
  const char* state = up ? sim::role_name(n.role) : sim::status_name(n.status);
  if (std::string(n.kind) != "client" && n.role != sim::Role::None) return std::string(state) + " e" + std::to_string(n.epoch);
  return state;
}

}  // namespace

void draw_lab_controls(const LabSession& s, float /*width*/, std::vector<LabIntent>& out) {
  const sim::Lab& lab = *s.lab;
  ImGui::Dummy(ImVec2(1, 6));
  if (button(s.playing ? "Pause" : "Play", ButtonKind::primary, 84)) out.push_back(intent(s.playing ? K::pause : K::play));
  ImGui::SameLine();
  if (button("Step", ButtonKind::secondary)) out.push_back(intent(K::step));
  ImGui::SameLine(0, 16);
  static const char* kSpeeds[] = {"0.1\xC3\x97", "0.25\xC3\x97", "1\xC3\x97", "4\xC3\x97"};  // ×
  static const double kSpeedValues[] = {0.1, 0.25, 1, 4};
  int current = 0;
  for (int i = 0; i < 4; ++i) if (std::fabs(s.speed - kSpeedValues[i]) < 1e-9) current = i;
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 3);
  int picked = segmented("Speed", kSpeeds, 4, current);
  if (picked >= 0) { LabIntent i = intent(K::speed); i.number = kSpeedValues[picked]; out.push_back(i); }
  ImGui::SameLine(0, 16);
  ImGui::PushFont(fonts().mono);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
  ImGui::Text("t = %s", seconds(lab.now_us()).c_str());
  ImGui::PopFont();
  ImGui::SameLine(0, 16);
  if (button("Reset", ButtonKind::quiet)) out.push_back(intent(K::reset));
  ImGui::SameLine();
  if (button("Copy link", ButtonKind::quiet)) out.push_back(intent(K::share));
}

void draw_lab_settings(const LabSession& s, float width, std::vector<LabIntent>& out) {
  const sim::LabInfo& info = s.lab->info();
  const sim::RunSpec& run = s.lab->run();
  ImGui::Dummy(ImVec2(1, 4));
  // Settings with named choices first (the lesson's concepts); numbers go under "More settings".
  for (size_t i = 0; i < info.settings.size(); ++i) {
    const sim::SettingSpec& spec = info.settings[i];
    if (!spec.choices) continue;
    ImGui::PushFont(fonts().small);
    ImGui::TextColored(col(palette().text_muted), "%s", spec.key);
    ImGui::PopFont();
    ImGui::SameLine(96);
    int v = segmented(spec.key, spec.choices, int(spec.max - spec.min + 1), int(run.settings[i] - spec.min));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", spec.doc);
    if (v >= 0 && v + spec.min != run.settings[i]) {
      LabIntent in = intent(K::setting);
      in.index = int(i);
      in.value = v + spec.min;
      out.push_back(in);
    }
  }
  ImGui::PushFont(fonts().small);
  bool open = ImGui::TreeNodeEx("More settings", ImGuiTreeNodeFlags_SpanAvailWidth);
  ImGui::PopFont();
  if (!open) return;
  for (size_t i = 0; i < info.settings.size(); ++i) {
    const sim::SettingSpec& spec = info.settings[i];
    if (spec.choices) continue;
    int64_t v = run.settings[i];
    ImGui::SetNextItemWidth(std::min(260.0f, width * 0.45f));
    ImGuiSliderFlags flags = ImGuiSliderFlags_AlwaysClamp | (spec.max > 1000 ? ImGuiSliderFlags_Logarithmic : 0);
    // Every change restarts the lab from t = 0 with the new value (cheap: nothing has happened yet).
    if (ImGui::SliderScalar(spec.key, ImGuiDataType_S64, &v, &spec.min, &spec.max, "%lld", flags) && v != run.settings[i]) {
      LabIntent in = intent(K::setting);
      in.index = int(i);
      in.value = v;
      out.push_back(in);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", spec.doc);
  }
  ImGui::TreePop();
}

void draw_cluster_view(const LabSession& s, float width, std::vector<LabIntent>& out) {
  const sim::Lab& lab = *s.lab;
  const Palette& p = palette();
  const std::vector<sim::NodeView> nodes = lab.nodes();
  const sim::Backdrop backdrop = lab.info().backdrop;
  const float height = backdrop == sim::Backdrop::World ? std::max(300.0f, width / 2.4f) : 300;
  ImGui::Dummy(ImVec2(1, 6));
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, origin, ImVec2(origin.x + width, origin.y + height), p.page, kRadius);
  dl->AddRect(origin, ImVec2(origin.x + width, origin.y + height), p.border, kRadius);
  if (backdrop == sim::Backdrop::World) draw_world_backdrop(dl, origin, ImVec2(width, height));
  std::vector<ImVec2> pos = layout_nodes(nodes, origin, ImVec2(width, height), backdrop);
  const bool crowded = std::count_if(nodes.begin(), nodes.end(), [](const sim::NodeView& n) { return std::string(n.kind) != "client"; }) > 8;
  // A card is wide enough for its two lines (a pooler's "pool 25/25, queue 574", a client's
  // "write 504 ms, read 2 ms"); cards that would overlap are moved apart, inside the view.
  std::vector<std::string> lines;
  std::vector<ImVec2> halves;
  for (const sim::NodeView& n : nodes) {
    lines.push_back(card_line(n));
    ImVec2 half = std::string(n.kind) == "client" ? ImVec2(30, 18) : crowded ? ImVec2(36, 24) : ImVec2(46, 28);
    half.x = std::max(half.x, std::max(text_width(fonts().ui_bold, n.name), text_width(fonts().small, lines.back())) * 0.5f + 8);
    halves.push_back(half);
  }
  separate_cards(pos, halves, origin, ImVec2(width, height));
  draw_groups(dl, nodes, pos, halves);

  // Background button: clicks on a link open its menu.
  ImGui::SetNextItemAllowOverlap();  // the node buttons drawn on top take their own clicks
  ImGui::InvisibleButton("cluster", ImVec2(width, height));
  std::vector<sim::LinkView> links = lab.links();
  auto is_cut = [&](int a, int b) {
    for (const sim::LinkView& l : links) if (l.from == a && l.to == b) return l.cut;
    return false;
  };
  // Links worth drawing: none between two clients; in a replication lab, only those touching a
  // database node (clients never talk to the monitor).
  auto drawn_link = [&](size_t a, size_t b) {
    std::string ka = nodes[a].kind, kb = nodes[b].kind;
    if (ka == "client" && kb == "client") return false;
    return ka == "db" || kb == "db" || (ka != "monitor" && kb != "monitor");
  };
  if (ImGui::IsItemClicked()) {
    ImVec2 m = ImGui::GetMousePos();
    float best = 8;
    LabIntent pick = intent(K::select_link);
    for (size_t a = 0; a < nodes.size(); ++a)
      for (size_t b = a + 1; b < nodes.size(); ++b)
        if (drawn_link(a, b) && segment_distance(m, pos[a], pos[b]) < best) {
          best = segment_distance(m, pos[a], pos[b]);
          pick.index = int(a);
          pick.value = int64_t(b);
        }
    if (best < 8) {
      out.push_back(pick);
      ImGui::OpenPopup("link menu");
    }
  }
  // Links: faint when healthy, red and dashed-looking with an arrow per cut direction.
  for (size_t a = 0; a < nodes.size(); ++a)
    for (size_t b = a + 1; b < nodes.size(); ++b) {
      if (!drawn_link(a, b)) continue;
      bool ab = is_cut(int(a), int(b)), ba = is_cut(int(b), int(a));
      if (!ab && !ba) {
        dl->AddLine(pos[a], pos[b], (p.border & 0x00FFFFFF) | 0xB0000000, 1.0f);
        continue;
      }
      dl->AddLine(pos[a], pos[b], p.danger, 2.0f);
      ImVec2 mid((pos[a].x + pos[b].x) * 0.5f, (pos[a].y + pos[b].y) * 0.5f);
      if (ab) arrow_head(dl, pos[a], ImVec2((mid.x + pos[b].x) * 0.5f, (mid.y + pos[b].y) * 0.5f), p.danger, 9);
      if (ba) arrow_head(dl, pos[b], ImVec2((mid.x + pos[a].x) * 0.5f, (mid.y + pos[a].y) * 0.5f), p.danger, 9);
      cross(dl, mid, 5, p.danger);
    }
  // Messages in flight, moving along their link.
  const sim::TimeUs now = lab.now_us();
  for (const sim::MessageView& m : lab.messages()) {
    if (m.from < 0 || m.to < 0 || size_t(m.from) >= pos.size() || size_t(m.to) >= pos.size()) continue;
    float f = m.deliver_us == sim::kNever || s.reduced_motion ? 0.5f
                                          : std::clamp(float(now - m.sent_us) / float(std::max<sim::TimeUs>(1, m.deliver_us - m.sent_us)), 0.0f, 1.0f);
    ImVec2 a = pos[size_t(m.from)], b = pos[size_t(m.to)];
    ImVec2 at(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f);
    dl->AddCircleFilled(at, 4.5f, p.accent, 12);
    dl->AddCircle(at, 4.5f, p.surface, 12, 1.5f);
  }
  // Nodes: clickable cards.
  ImVec2 after = ImGui::GetCursorScreenPos();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const sim::NodeView& n = nodes[i];
    bool db = std::string(n.kind) != "client";
    const ImVec2 half = halves[i];
    ImVec2 mn(pos[i].x - half.x, pos[i].y - half.y), mx(pos[i].x + half.x, pos[i].y + half.y);
    ImGui::SetCursorScreenPos(mn);
    ImGui::PushID(int(i));
    bool clicked = ImGui::InvisibleButton("node", ImVec2(mx.x - mn.x, mx.y - mn.y));
    std::string state = n.status == sim::NodeStatus::Up ? sim::role_name(n.role) : sim::status_name(n.status);
    annotate(Role::button, n.name + ", " + state);
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    if (clicked) {
      LabIntent sel = intent(K::select);
      sel.index = int(i);
      out.push_back(sel);
      ImGui::OpenPopup("node menu");
    }
    ImU32 accent = role_color(n);
    ImU32 fill = n.status == sim::NodeStatus::Crashed ? p.sidebar : p.surface;
    dl->AddRectFilled(mn, mx, fill, 8);
    dl->AddRect(mn, mx, hovered ? p.accent_text : accent, 8, 0, n.role == sim::Role::Primary || n.role == sim::Role::Leader ? 2.5f : 1.5f);
    if (n.status == sim::NodeStatus::Paused) dl->AddRectFilled(mn, mx, (p.warning & 0x00FFFFFF) | 0x40000000, 8);
    ImFont* f = fonts().ui_bold;
    dl->AddText(f, f->FontSize, ImVec2(pos[i].x - text_width(f, n.name) * 0.5f, mn.y + (db ? 5 : 2)), p.heading, n.name.c_str());
    ImFont* sf = fonts().small;
    dl->AddText(sf, sf->FontSize, ImVec2(pos[i].x - text_width(sf, lines[i]) * 0.5f, mn.y + (db ? (crowded ? 22 : 25) : 18)), accent,
                lines[i].c_str());
    if (db && n.status == sim::NodeStatus::Up && n.lag_entries > 0) {
      char lag[32];
      std::snprintf(lag, sizeof lag, "lag %lld", (long long)n.lag_entries);
      dl->AddText(sf, sf->FontSize, ImVec2(mn.x, mx.y + 3), p.warning, lag);
    }
  }
  ImGui::SetCursorScreenPos(after);
  node_menu(s, nodes, out);
  link_menu(nodes, out, s.link_a, s.link_b);
  ImGui::PushFont(fonts().small);
  ImGui::TextColored(col(p.text_muted), "Click a node to crash, pause, promote or isolate it; click a link to cut it in one or both directions.");
  ImGui::PopFont();
}

void draw_timeline(const LabSession& s, float width, std::vector<LabIntent>& out) {
  const sim::Lab& lab = *s.lab;
  const Palette& p = palette();
  const std::vector<sim::NodeView> nodes = lab.nodes();
  const float lane_h = 22, label_w = 44;
  const float height = lane_h * float(nodes.size()) + 24;
  const sim::TimeUs t1 = std::max<sim::TimeUs>(lab.now_us(), sim::TimeUs(s.timeline_window_s * 1e6f));
  const sim::TimeUs t0 = t1 - sim::TimeUs(s.timeline_window_s * 1e6f);
  ImGui::Dummy(ImVec2(1, 4));
  section_label("MESSAGE TIMELINE");
  // Zoom: how much simulated time the chart spans (the scrubber below moves through it).
  static const char* kWindows[] = {"0.25 s", "1 s", "4 s", "15 s"};
  static const float kWindowSeconds[] = {0.25f, 1, 4, 15};
  int zoom = 0;
  for (int i = 0; i < 4; ++i) if (std::fabs(s.timeline_window_s - kWindowSeconds[i]) < 1e-3f) zoom = i;
  ImGui::SameLine(width - 250);
  int picked = segmented("Timeline span", kWindows, 4, zoom);
  if (picked >= 0) {
    LabIntent z = intent(K::zoom);
    z.number = kWindowSeconds[picked];
    out.push_back(z);
  }
  ImVec2 o = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  fill_rect(dl, o, ImVec2(o.x + width, o.y + height), p.surface, 6);
  const float x0 = o.x + label_w, x1 = o.x + width - 8;
  auto x_of = [&](sim::TimeUs t) { return x0 + (x1 - x0) * float(double(t - t0) / double(t1 - t0)); };
  auto y_of = [&](int node) { return o.y + 8 + lane_h * (float(node) + 0.5f); };
  for (size_t i = 0; i < nodes.size(); ++i) {
    float y = y_of(int(i));
    dl->AddLine(ImVec2(x0, y), ImVec2(x1, y), p.border);
    dl->AddText(fonts().small, fonts().small->FontSize, ImVec2(o.x + 8, y - 8), role_color(nodes[i]), nodes[i].name.c_str());
  }
  // Arrows for deliveries inside the window (sends looked up from their message id), ops as bars.
  const sim::TraceLog& trace = lab.trace();
  const sim::TimeUs look_back = 2 * sim::kUsPerS;
  auto first = std::lower_bound(trace.begin(), trace.end(), t0 - look_back,
                                [](const sim::TraceEvent& e, sim::TimeUs t) { return e.time_us < t; });
  std::map<int64_t, sim::TimeUs> sent;
  std::map<int64_t, sim::TimeUs> invoked;
  ImGui::PushClipRect(ImVec2(x0, o.y), ImVec2(x1, o.y + height), true);
  int drawn = 0;
  for (auto it = first; it != trace.end() && it->time_us <= t1 && drawn < 600; ++it) {
    const sim::TraceEvent& e = *it;
    switch (e.kind) {
      case sim::TraceKind::Send: sent[e.a] = e.time_us; break;
      case sim::TraceKind::Deliver:
      case sim::TraceKind::Drop: {
        auto sit = sent.find(e.a);
        if (sit == sent.end() || e.time_us < t0) break;
        bool drop = e.kind == sim::TraceKind::Drop;
        ImVec2 a(x_of(sit->second), y_of(e.peer)), b(x_of(e.time_us), y_of(e.node));
        dl->AddLine(a, b, drop ? p.danger : (p.accent & 0x00FFFFFF) | 0x90000000, 1.0f);
        if (!drop) arrow_head(dl, a, b, (p.accent & 0x00FFFFFF) | 0xC0000000, 5);
        else cross(dl, b, 3, p.danger);
        ++drawn;
        break;
      }
      case sim::TraceKind::Invoke: invoked[e.a] = e.time_us; break;
      case sim::TraceKind::Complete: {
        auto iit = invoked.find(e.a);
        sim::TimeUs start = iit == invoked.end() ? t0 : iit->second;
        float y = y_of(e.node);
        ImU32 c = e.code == 0 ? p.success : p.warning;
        dl->AddRectFilled(ImVec2(x_of(start), y - 4), ImVec2(std::max(x_of(start) + 2, x_of(e.time_us)), y + 4), c, 3);
        break;
      }
      case sim::TraceKind::Role:
      case sim::TraceKind::Crash:
      case sim::TraceKind::Restart: {
        float x = x_of(e.time_us), y = y_of(e.node);
        dl->AddCircleFilled(ImVec2(x, y), 5, e.kind == sim::TraceKind::Crash ? p.danger : p.note, 12);
        break;
      }
      default: break;
    }
  }
  for (const sim::Finding& f : lab.findings())
    if (f.time_us >= t0 && f.time_us <= t1) dl->AddLine(ImVec2(x_of(f.time_us), o.y + 2), ImVec2(x_of(f.time_us), o.y + height - 18), p.danger, 2);
  ImGui::PopClipRect();
  dl->AddLine(ImVec2(x_of(lab.now_us()), o.y), ImVec2(x_of(lab.now_us()), o.y + height - 16), p.heading, 1.5f);
  char l0[32], l1[32];
  std::snprintf(l0, sizeof l0, "%.2f s", double(t0) / 1e6);
  std::snprintf(l1, sizeof l1, "%.2f s", double(t1) / 1e6);
  dl->AddText(fonts().small, fonts().small->FontSize, ImVec2(x0, o.y + height - 17), p.text_muted, l0);
  ImVec2 l1s = fonts().small->CalcTextSizeA(fonts().small->FontSize, FLT_MAX, 0, l1);
  dl->AddText(fonts().small, fonts().small->FontSize, ImVec2(x1 - l1s.x, o.y + height - 17), p.text_muted, l1);
  ImGui::Dummy(ImVec2(width, height));

  // The scrubber: dragging re-runs the lab to that time (rewind = re-run).
  float t = float(double(lab.now_us()) / 1e6), horizon = float(double(std::max<sim::TimeUs>(s.horizon_us, 1)) / 1e6);
  ImGui::SetNextItemWidth(width);
  if (ImGui::SliderFloat("##time", &t, 0, horizon, "time %.3f s")) {
    LabIntent i = intent(K::seek);
    i.number = double(t) * 1e6;
    out.push_back(i);
  }
  annotate(Role::slider, "Simulated time", false, t);
}

void draw_lab_charts(const LabSession& s, float width) {
  const sim::Metrics& m = s.lab->metrics();
  if (m.times_us.size() < 2) return;
  const Palette& p = palette();
  const ImU32 series_colors[] = {p.accent, p.warning, p.tip, p.note, p.danger, p.text_muted};
  std::map<std::string, std::vector<size_t>> by_unit;
  for (size_t i = 0; i < m.specs.size(); ++i) by_unit[m.specs[i].unit].push_back(i);
  const size_t n = m.times_us.size(), window = std::min<size_t>(n, 300);
  for (const auto& [unit, idx] : by_unit) {
    ImGui::Dummy(ImVec2(1, 4));
    std::string title;
    for (size_t i : idx) title += (title.empty() ? "" : " \xC2\xB7 ") + m.specs[i].name;
    section_label((title + " (" + unit + ")").c_str());
    ImVec2 o = ImGui::GetCursorScreenPos();
    const float h = 80;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    fill_rect(dl, o, ImVec2(o.x + width, o.y + h), p.surface, 6);
    int64_t vmax = 1;
    for (size_t i : idx)
      for (size_t k = n - window; k < n; ++k) vmax = std::max(vmax, m.series[i][k]);
    int c = 0;
    for (size_t i : idx) {
      ImU32 color = series_colors[c++ % 6];
      for (size_t k = n - window + 1; k < n; ++k) {
        auto pt = [&](size_t kk) {
          return ImVec2(o.x + 6 + (width - 12) * float(kk - (n - window)) / float(window - 1),
                        o.y + h - 6 - (h - 16) * float(double(m.series[i][kk]) / double(vmax)));
        };
        dl->AddLine(pt(k - 1), pt(k), color, 1.5f);
      }
    }
    char top[32];
    std::snprintf(top, sizeof top, "%lld", (long long)vmax);
    dl->AddText(fonts().small, fonts().small->FontSize, ImVec2(o.x + 8, o.y + 4), p.text_muted, top);
    ImGui::Dummy(ImVec2(width, h));
  }
}

void draw_checkers(const LabSession& s, float width) {
  const Palette& p = palette();
  const std::vector<sim::Finding>& findings = s.lab->findings();
  ImGui::Dummy(ImVec2(1, 4));
  section_label("CHECKERS (they read the trace; they never steer the protocol)");
  int counts[sim::kFindingKinds] = {};
  for (const sim::Finding& f : findings) counts[int(f.kind)]++;
  const std::vector<sim::FindingKind>& checks = s.lab->info().checks;
  for (size_t i = 0; i < checks.size(); ++i) {
    const int count = counts[int(checks[i])];
    ImGui::PushFont(fonts().ui_bold);
    ImGui::TextColored(col(count > 0 ? p.danger : p.success), count > 0 ? "\xE2\x9C\x97" : "\xE2\x9C\x93");  // ✗ ✓
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::Text("%s: %d", sim::finding_kind_title(checks[i]), count);
    if (i % 2 == 0 && i + 1 < checks.size()) ImGui::SameLine(width * 0.5f);
  }
  int shown = 0;
  for (auto it = findings.rbegin(); it != findings.rend() && shown < 3; ++it, ++shown)
    rich_text(sim::format_seconds(it->time_us) + ": " + it->text, width, ui_style(p.danger));
}

void draw_goals(const LabSession& s, float width, std::vector<LabIntent>& out) {
  const Palette& p = palette();
  std::vector<sim::GoalStatus> goals = s.lab->goals();
  if (goals.empty()) return;
  ImGui::Dummy(ImVec2(1, 6));
  section_label("GUIDED GOALS");
  for (size_t i = 0; i < goals.size(); ++i) {
    sim::GoalStatus g = goals[i];
    g.met = g.met || s.goals_achieved.count(g.id) > 0;  // achieved once in this session: stays checked
    ImGui::PushID(int(i));
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 c(pos.x + 10, pos.y + 12);
    if (g.met) {
      dl->AddCircleFilled(c, 9, p.success, 20);
      dl->AddLine(ImVec2(c.x - 4, c.y), ImVec2(c.x - 1, c.y + 3), p.on_accent, 2);
      dl->AddLine(ImVec2(c.x - 1, c.y + 3), ImVec2(c.x + 4, c.y - 3), p.on_accent, 2);
    } else {
      dl->AddCircle(c, 9, p.text_muted, 20, 1.5f);
    }
    // The mark as an item, so assistive technology and tests read whether the goal is met.
    ImGui::SetCursorScreenPos(ImVec2(c.x - 10, c.y - 10));
    ImGui::InvisibleButton("met", ImVec2(20, 20));
    annotate(Role::checkbox, "Goal: " + g.title, g.met);
    ImGui::SetCursorScreenPos(ImVec2(pos.x + 28, pos.y));
    ImGui::BeginGroup();
    TextStyle ts = ui_style(p.text);
    ts.regular = fonts().ui_bold;
    rich_text(g.title, width - 28 - 100, ts);
    rich_text(g.hint, width - 28 - 100, ui_style(p.text_muted));
    ImGui::EndGroup();
    ImVec2 end = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(pos.x + width - 92, pos.y));
    if (button(("Show me##" + g.id).c_str(), ButtonKind::secondary, 92)) {
      LabIntent d = intent(K::demo);
      d.index = int(i);
      out.push_back(d);
    }
    annotate(Role::button, "Show me: " + g.title);
    ImGui::SetCursorScreenPos(end);
    ImGui::PopID();
  }
}

}  // namespace ui
