#include "course/json_reader.h"

#include <cstring>

namespace course {

namespace {
// RFC 6901: "~" and "/" inside a key are escaped in a JSON pointer.
std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

const char* type_name(const nlohmann::json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  return "null";
}
}  // namespace

JsonValue JsonReader::parse(const std::string& text, nlohmann::json& storage) {
  storage = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (storage.is_discarded()) {
    error("", "not valid JSON (check for a missing comma, quote or bracket)");
    return JsonValue(*this, nullptr, "");
  }
  return JsonValue(*this, &storage, "");
}

JsonValue JsonValue::object(std::initializer_list<const char*> allowed) const {
  if (!value_) return *this;
  if (!value_->is_object()) {
    error(std::string("expected an object, found ") + type_name(*value_));
    return JsonValue(*reader_, nullptr, path_);
  }
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (!known) reader_->error(path_ + "/" + escape_pointer_token(it.key()), "unknown field \"" + it.key() + "\"");
  }
  return *this;
}

JsonValue JsonValue::member(const char* key) const {
  std::string child = path_ + "/" + escape_pointer_token(key);
  if (!value_ || !value_->is_object()) return JsonValue(*reader_, nullptr, child);
  auto it = value_->find(key);
  return JsonValue(*reader_, it == value_->end() ? nullptr : &*it, child);
}

JsonValue JsonValue::require(const char* key, const char* type, bool (nlohmann::json::*test)() const noexcept) const {
  JsonValue m = member(key);
  if (!value_ || !value_->is_object()) return JsonValue(*reader_, nullptr, m.path_);
  if (!m.value_) {
    reader_->error(m.path_, std::string("missing required field \"") + key + "\" (" + type + ")");
  } else if (!(m.value_->*test)()) {
    reader_->error(m.path_, std::string("expected ") + type + ", found " + type_name(*m.value_));
    return JsonValue(*reader_, nullptr, m.path_);
  }
  return m;
}

std::string JsonValue::string(const char* key, const std::string& fallback) const {
  JsonValue m = require(key, "a string", &nlohmann::json::is_string);
  return m.value_ ? m.value_->get_ref<const std::string&>() : fallback;
}

int64_t JsonValue::integer(const char* key, int64_t min, int64_t max, int64_t fallback) const {
  JsonValue m = require(key, "an integer", &nlohmann::json::is_number_integer);
  if (!m.value_) return fallback;
  // Unsigned values above INT64_MAX are out of every range we accept.
  if (m.value_->is_number_unsigned() && m.value_->get<uint64_t>() > uint64_t(INT64_MAX)) {
    m.error("must be between " + std::to_string(min) + " and " + std::to_string(max));
    return fallback;
  }
  int64_t v = m.value_->get<int64_t>();
  if (v < min || v > max) {
    m.error("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", found " + std::to_string(v));
    return fallback;
  }
  return v;
}

bool JsonValue::boolean(const char* key, bool fallback) const {
  JsonValue m = require(key, "a boolean", &nlohmann::json::is_boolean);
  return m.value_ ? m.value_->get<bool>() : fallback;
}

std::vector<JsonValue> JsonValue::array(const char* key) const {
  return require(key, "an array", &nlohmann::json::is_array).as_array();
}

std::vector<std::string> JsonValue::strings(const char* key) const {
  std::vector<std::string> out;
  for (const JsonValue& item : array(key)) out.push_back(item.as_string());
  return out;
}

std::optional<std::string> JsonValue::optional_string(const char* key) const {
  if (!member(key).present()) return std::nullopt;
  return string(key);
}

std::optional<bool> JsonValue::optional_boolean(const char* key) const {
  if (!member(key).present()) return std::nullopt;
  return boolean(key);
}

std::string JsonValue::as_string(const std::string& fallback) const {
  if (!value_) return fallback;
  if (!value_->is_string()) {
    error(std::string("expected a string, found ") + type_name(*value_));
    return fallback;
  }
  return value_->get_ref<const std::string&>();
}

std::vector<JsonValue> JsonValue::as_array() const {
  std::vector<JsonValue> out;
  if (!value_ || !value_->is_array()) return out;
  out.reserve(value_->size());
  for (size_t i = 0; i < value_->size(); ++i) out.emplace_back(*reader_, &(*value_)[i], path_ + "/" + std::to_string(i));
  return out;
}

}  // namespace course
