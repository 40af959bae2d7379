// JsonReader: type-checked access to a parsed JSON document that records an error (file, JSON
// pointer, reason) instead of throwing. nlohmann_json is built with JSON_NOEXCEPTION (see
// cmake/third_party.cmake), so every access to content or saved state goes through here.
//
//   JsonReader r{"course.json", diagnostics};
//   JsonValue root = r.parse(text);                 // records "not valid JSON: ..." on failure
//   auto obj = root.object({"title", "lessons"});   // records unknown fields
//   std::string title = obj.string("title");        // records missing / wrong type
//   for (JsonValue item : obj.array("lessons")) ...
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "course/diagnostics.h"

namespace course {

class JsonValue;

// Where errors go. One per file being read.
struct JsonReader {
  std::string file;
  Diagnostics& diagnostics;

  // Parses without exceptions; an invalid document gives a null value and an error.
  JsonValue parse(const std::string& text, nlohmann::json& storage);
  void error(const std::string& path, const std::string& message) { diagnostics.error(file, path, message); }
};

// A JSON value with its pointer path. Accessors return a default and record an error when the
// value is missing or has the wrong type, so readers stay linear and never crash.
class JsonValue {
 public:
  JsonValue(JsonReader& reader, const nlohmann::json* value, std::string path)
      : reader_(&reader), value_(value), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool present() const { return value_ != nullptr; }
  bool is_object() const { return value_ && value_->is_object(); }
  bool is_array() const { return value_ && value_->is_array(); }
  bool is_string() const { return value_ && value_->is_string(); }

  // Checks this is an object whose keys are all among `allowed`; reports the first unknown key.
  JsonValue object(std::initializer_list<const char*> allowed) const;
  // A member; absent members give a value with present() == false (no error by themselves).
  JsonValue member(const char* key) const;
  bool has(const char* key) const { return member(key).present(); }

  // Required members of a type. Missing or mistyped: an error and the fallback.
  std::string string(const char* key, const std::string& fallback = "") const;
  int64_t integer(const char* key, int64_t min, int64_t max, int64_t fallback = 0) const;
  bool boolean(const char* key, bool fallback = false) const;
  std::vector<JsonValue> array(const char* key) const;
  std::vector<std::string> strings(const char* key) const;

  // Optional members: absent is fine, a wrong type is an error.
  std::optional<std::string> optional_string(const char* key) const;
  std::optional<bool> optional_boolean(const char* key) const;

  // This value itself as a type.
  std::string as_string(const std::string& fallback = "") const;
  std::vector<JsonValue> as_array() const;

  void error(const std::string& message) const { reader_->error(path_, message); }
  JsonReader& reader() const { return *reader_; }

 private:
  JsonValue require(const char* key, const char* type_name, bool (nlohmann::json::*test)() const noexcept) const;

  JsonReader* reader_;
  const nlohmann::json* value_;
  std::string path_;
};

}  // namespace course
