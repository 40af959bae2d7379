// Diagnostics: errors found while reading content or saved state, each naming where and why.
//
//   Diagnostics d;
//   d.error("lessons/01.json", "/blocks/3/type", "unknown block type \"quote\"");
//   if (!d.ok()) for (auto& e : d.errors()) puts(e.to_string().c_str());
#pragma once
#include <string>
#include <vector>

namespace course {

struct Diagnostic {
  std::string file;     // content file relative to content/, e.g. "quizzes/02-replication.json"
  std::string path;     // JSON pointer, e.g. "/questions/4/options"
  std::string message;  // why it is wrong, in plain words

  std::string to_string() const { return file + ": " + (path.empty() ? "/" : path) + ": " + message; }
};

class Diagnostics {
 public:
  void error(std::string file, std::string path, std::string message) {
    errors_.push_back({std::move(file), std::move(path), std::move(message)});
  }
  bool ok() const { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  void append(const Diagnostics& other) {
    errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  }

 private:
  std::vector<Diagnostic> errors_;
};

}  // namespace course
