#include "course/inline_markup.h"

namespace course {

namespace {
struct InlineParser {
  const std::string& in;
  InlineParse out;
  std::string current;
  SpanStyle style = SpanStyle::plain;
  size_t opened_at = 0;

  void flush() {
    if (!current.empty()) out.spans.push_back({current, style});
    current.clear();
  }

  // Switches into `s` (or back to plain if already in it). Nesting is not supported: it would
  // need a stack and the course never needs bold inside italic.
  void toggle(SpanStyle s, size_t pos, const char* marker) {
    if (style == s) {
      if (current.empty()) out.error = std::string("empty ") + marker + marker + " at character " + std::to_string(pos);
      flush();
      style = SpanStyle::plain;
    } else if (style == SpanStyle::plain) {
      flush();
      style = s;
      opened_at = pos;
    } else {
      out.error = std::string("\"") + marker + "\" at character " + std::to_string(pos) + " inside another marker (nesting is not supported)";
    }
  }

  InlineParse run() {
    for (size_t i = 0; i < in.size() && out.error.empty(); ++i) {
      char c = in[i];
      if (c == '\\' && i + 1 < in.size() && (in[i + 1] == '*' || in[i + 1] == '`' || in[i + 1] == '\\')) {
        current += in[++i];
      } else if (style == SpanStyle::code && c != '`') {
        current += c;  // inside code everything is literal
      } else if (c == '`') {
        toggle(SpanStyle::code, i, "`");
      } else if (c == '*' && i + 1 < in.size() && in[i + 1] == '*') {
        toggle(SpanStyle::bold, i, "**");
        ++i;
      } else if (c == '*') {
        toggle(SpanStyle::italic, i, "*");
      } else {
        current += c;
      }
    }
    if (out.error.empty() && style != SpanStyle::plain)
      out.error = "marker opened at character " + std::to_string(opened_at) + " is never closed";
    flush();
    return std::move(out);
  }
};
}  // namespace

InlineParse parse_inline(const std::string& text) { return InlineParser{text, {}, {}, SpanStyle::plain, 0}.run(); }

std::string plain_text(const std::string& text) {
  std::string out;
  for (const Span& s : parse_inline(text).spans) out += s.text;
  return out;
}

}  // namespace course
