// Inline markup of lesson text: **bold**, *italic*, `code`, with \* and \` as literal escapes.
// The reader lays out spans word by word; content-lint rejects unbalanced markers.
//
//   InlineParse p = parse_inline("Use **quorums**, not `hope`.");
//   // p.spans: {"Use ", plain} {"quorums", bold} {", not ", plain} {"hope", code} {".", plain}
#pragma once
#include <string>
#include <vector>

namespace course {

enum class SpanStyle { plain, bold, italic, code };

struct Span {
  std::string text;
  SpanStyle style = SpanStyle::plain;
};

struct InlineParse {
  std::vector<Span> spans;
  std::string error;  // empty when the markup is well formed
};

InlineParse parse_inline(const std::string& text);

// The text without markup, for search, the accessibility mirror and the clipboard.
std::string plain_text(const std::string& text);

}  // namespace course
