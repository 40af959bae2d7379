// sim/figure.h — figures a scenario computes from its own state for the UI to draw: bars (keys
// per shard), tables (RPO/RTO per restore choice, a Raft server's log), and a hash ring. The
// numbers come from the model, never from the lesson text, so tests can check them and the UI
// only draws (STYLE.md #3: panels read state).
//
// Usage (in a Scenario):
//   void figures(const Engine& engine, std::vector<Figure>& out) const override {
//     Figure& f = add_figure(out, Figure::Kind::Bars, "Keys per shard", "keys");
//     f.bars.push_back({"s1", 1204, Tone::Neutral});
//     f.caption = "max/mean 1.31";
//   }
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sim {

/// How the UI colours a value: the palette decides the actual colours.
enum class Tone : uint8_t { Neutral, Good, Warn, Bad, Accent };

struct FigureBar {
  std::string label;
  int64_t value = 0;
  Tone tone = Tone::Neutral;
};

struct FigureCell {
  std::string text;
  Tone tone = Tone::Neutral;
};

/// One point on a hash ring: a server's token (virtual node) or a key.
struct RingMark {
  uint32_t position = 0;  ///< place on the ring, 0..2^32-1 clockwise from the top
  int owner = 0;          ///< index into Figure::owners (colour and name)
  bool token = true;      ///< true: a server's token; false: a key
  bool moved = false;     ///< a key that changed owner in the last resharding
};

struct Figure {
  enum class Kind : uint8_t { Bars, Table, Ring };
  Kind kind = Kind::Bars;
  std::string title;
  std::string caption;                        ///< one sentence with the figure's key numbers
  std::string unit;                           ///< Bars: unit of the values
  std::vector<FigureBar> bars;                ///< Bars
  std::vector<std::string> columns;           ///< Table: header
  std::vector<std::vector<FigureCell>> rows;  ///< Table: rows of cells
  std::vector<RingMark> ring;                 ///< Ring: tokens and keys
  std::vector<std::string> owners;            ///< Ring: server names by owner index
};

inline Figure& add_figure(std::vector<Figure>& out, Figure::Kind kind, std::string title, std::string unit = {}) {
  out.emplace_back();
  out.back().kind = kind;
  out.back().title = std::move(title);
  out.back().unit = std::move(unit);
  return out.back();
}

}  // namespace sim
