#include "streams/core/log.h"

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace replicad::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<enum Format> g_format{Format::kJson};
std::mutex g_write_mutex;

std::string NowIso8601() {
  const auto now = std::chrono::system_clock::now();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis % 1000));
  return buffer;
}

std::string JsonString(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

bool NeedsQuotes(std::string_view text) {
  if (text.empty()) {
    return true;
  }
  for (char c : text) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string& out, const Field::Value& value, bool json) {
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    out += (json || NeedsQuotes(*text)) ? JsonString(*text) : std::string(*text);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*integer);
  } else if (const auto* real = std::get_if<double>(&value)) {
    out += boost::json::serialize(boost::json::value(*real));
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

}  // namespace

std::optional<Level> ParseLevel(std::string_view name) {
  if (name == "trace") return Level::kTrace;
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  return std::nullopt;
}

std::optional<enum Format> ParseFormat(std::string_view name) {
  if (name == "json") return Format::kJson;
  if (name == "text") return Format::kText;
  return std::nullopt;
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "unknown";
}

void Configure(Level level, enum Format format) {
  g_level.store(level);
  g_format.store(format);
}

bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

std::string Format(Level level, std::string_view message, Fields fields, enum Format format) {
  std::string out;
  out.reserve(96 + message.size());
  const bool json = format == Format::kJson;
  if (json) {
    out += "{\"ts\":\"" + NowIso8601() + "\",\"level\":\"";
    out += LevelName(level);
    out += "\",\"msg\":" + JsonString(message);
    for (const Field& field : fields) {
      out += ',' + JsonString(field.key()) + ':';
      AppendValue(out, field.value(), true);
    }
    out += '}';
  } else {
    out += NowIso8601() + ' ';
    for (char c : LevelName(level)) {
      out += static_cast<char>(c - 'a' + 'A');
    }
    out += ' ';
    for (char c : message) {  // one record, one line
      out += c == '\n' ? std::string("\\n") : std::string(1, c == '\r' ? ' ' : c);
    }
    for (const Field& field : fields) {
      out += ' ';
      out += field.key();
      out += '=';
      AppendValue(out, field.value(), false);
    }
  }
  out += '\n';
  return out;
}

void Write(Level level, std::string_view message, Fields fields) {
  if (!Enabled(level)) {
    return;
  }
  const std::string line = Format(level, message, fields, g_format.load());
  std::lock_guard<std::mutex> lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace replicad::log
