#pragma once

// Structured logging for the whole process.
//
// One line per record on stderr: JSON by default ({"ts","level","msg", then the fields}),
// or "TS LEVEL msg key=value ..." in text format. Safe to call from any thread. Callers
// never pass secrets: credentials are masked by config/ before anything can log them.
// Per-stream records carry a "stream" field.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace replicad::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };
enum class Format { kJson, kText };

std::optional<Level> ParseLevel(std::string_view name);
std::optional<Format> ParseFormat(std::string_view name);
std::string_view LevelName(Level level);

// Applies to every later record. Defaults: info, json.
void Configure(Level level, Format format);
bool Enabled(Level level);

class Field {
 public:
  using Value = std::variant<std::string_view, std::int64_t, double, bool>;

  Field(std::string_view key, std::string_view value) : key_(key), value_(value) {}
  Field(std::string_view key, const char* value) : key_(key), value_(std::string_view(value)) {}
  Field(std::string_view key, const std::string& value)
      : key_(key), value_(std::string_view(value)) {}
  Field(std::string_view key, std::int64_t value) : key_(key), value_(value) {}
  Field(std::string_view key, int value) : key_(key), value_(std::int64_t{value}) {}
  Field(std::string_view key, std::uint64_t value)
      : key_(key), value_(static_cast<std::int64_t>(value)) {}
  Field(std::string_view key, double value) : key_(key), value_(value) {}
  Field(std::string_view key, bool value) : key_(key), value_(value) {}

  std::string_view key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  std::string_view key_;
  Value value_;
};

using Fields = std::initializer_list<Field>;

void Write(Level level, std::string_view message, Fields fields);

// Renders one record without writing it (exposed for tests).
std::string Format(Level level, std::string_view message, Fields fields, enum Format format);

inline void Trace(std::string_view m, Fields f = {}) { Write(Level::kTrace, m, f); }
inline void Debug(std::string_view m, Fields f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, Fields f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, Fields f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, Fields f = {}) { Write(Level::kError, m, f); }

}  // namespace replicad::log
