#include "transform/exact_json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <cmath>
#include <exception>

namespace replicad::transform {

namespace json = boost::json;

namespace {

constexpr char kRawNumberMark = '\xFF';

// Builds values like Boost.JSON's own parser, except for numbers it cannot spell back.
class ExactHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack stack;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  // Integers within 64 bits are spelt back exactly, except "-0".
  bool on_int64(std::int64_t i, json::string_view s, json::error_code&) {
    if (i == 0 && Lexeme(s).starts_with('-')) {
      PushRaw(s);
    } else {
      stack.push_int64(i);
    }
    number_.clear();
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    stack.push_uint64(u);
    number_.clear();
    return true;
  }
  // Fractions, exponents and integers beyond 64 bits: a double would respell or round them.
  bool on_double(double, json::string_view s, json::error_code&) {
    PushRaw(s);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::string_view Lexeme(json::string_view last_part) {
    if (number_.empty()) {
      return {last_part.data(), last_part.size()};
    }
    number_.append(last_part.data(), last_part.size());
    return number_;
  }
  void PushRaw(json::string_view last_part) {
    const std::string_view lexeme = Lexeme(last_part);
    stack.push_chars(json::string_view(&kRawNumberMark, 1));
    stack.push_string(json::string_view(lexeme.data(), lexeme.size()));
    number_.clear();
  }

  std::string number_;  // the parts of a number split across input buffers
};

void AppendEscaped(std::string_view text, std::string& out) {
  static constexpr std::string_view kEscaped = "\"\\\n\r\t\b\f";
  static constexpr std::string_view kLetters = "\"\\nrtbf";
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(text, plain_from, i - plain_from);
    plain_from = i + 1;
    out += '\\';
    if (const std::size_t letter = kEscaped.find(static_cast<char>(c));
        letter != std::string_view::npos) {
      out += kLetters[letter];
    } else {
      out += "u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  out.append(text, plain_from);
  out += '"';
}

template <class Number>
void AppendChars(Number number, std::string& out) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, result.ptr);
}

std::string_view View(const json::string& s) { return {s.data(), s.size()}; }

std::size_t DigitsAt(std::string_view text, std::size_t i) {
  std::size_t n = 0;
  while (i + n < text.size() && text[i + n] >= '0' && text[i + n] <= '9') {
    ++n;
  }
  return n;
}

}  // namespace

bool IsJsonNumber(std::string_view text) {
  std::size_t i = text.starts_with('-') ? 1 : 0;
  const std::size_t integer = DigitsAt(text, i);
  if (integer == 0 || (integer > 1 && text[i] == '0')) {
    return false;
  }
  i += integer;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = DigitsAt(text, i + 1);
    if (fraction == 0) {
      return false;
    }
    i += 1 + fraction;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    const std::size_t exponent = DigitsAt(text, i);
    if (exponent == 0) {
      return false;
    }
    i += exponent;
  }
  return i == text.size();
}

Result<json::value> ParseExact(std::string_view text, json::storage_ptr storage) {
  json::parse_options options;
  options.max_depth = 256;
  json::basic_parser<ExactHandler> parser(options);
  parser.handler().stack.reset(std::move(storage));
  json::error_code error;
  try {
    const std::size_t used = parser.write_some(false, text.data(), text.size(), error);
    if (!error && used < text.size()) {
      error = json::error::extra_data;
    }
    if (error) {
      return Status::InvalidArgument("invalid JSON: " + error.message());
    }
    return parser.handler().stack.release();
  } catch (const std::exception& e) {  // allocation failures and size limits
    return Status::InvalidArgument(std::string("cannot hold this JSON: ") + e.what());
  }
}

json::value MakeRawNumber(std::string_view lexeme) {
  json::string raw;
  raw.reserve(lexeme.size() + 1);
  raw.push_back(kRawNumberMark);
  raw.append(json::string_view(lexeme.data(), lexeme.size()));
  return json::value(std::move(raw));
}

bool IsRawNumber(const json::value& value) {
  const json::string* s = value.if_string();
  return s != nullptr && !s->empty() && (*s)[0] == kRawNumberMark &&
         IsJsonNumber(View(*s).substr(1));
}

bool IsNumber(const json::value& value) { return value.is_number() || IsRawNumber(value); }

bool IsText(const json::value& value) { return value.is_string() && !IsRawNumber(value); }

void AppendPlainText(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::string:
      out += IsRawNumber(value) ? View(value.get_string()).substr(1) : View(value.get_string());
      break;
    case json::kind::int64:
      AppendChars(value.get_int64(), out);
      break;
    case json::kind::uint64:
      AppendChars(value.get_uint64(), out);
      break;
    case json::kind::double_:
      if (std::isfinite(value.get_double())) {
        AppendChars(value.get_double(), out);
      } else {
        out += "null";
      }
      break;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      break;
    case json::kind::null:
      out += "null";
      break;
    case json::kind::array:
    case json::kind::object:
      AppendExact(value, out);
      break;
  }
}

void AppendExact(const json::value& value, std::string& out) {
  switch (value.kind()) {
    case json::kind::string:
      if (IsRawNumber(value)) {
        AppendPlainText(value, out);
      } else {
        AppendEscaped(View(value.get_string()), out);
      }
      break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& item : value.get_array()) {
        if (!first) {
          out += ',';
        }
        first = false;
        AppendExact(item, out);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const json::key_value_pair& member : value.get_object()) {
        if (!first) {
          out += ',';
        }
        first = false;
        AppendEscaped(std::string_view(member.key().data(), member.key().size()), out);
        out += ':';
        AppendExact(member.value(), out);
      }
      out += '}';
      break;
    }
    default:
      AppendPlainText(value, out);
  }
}

std::string SerializeExact(const json::value& value) {
  std::string out;
  AppendExact(value, out);
  return out;
}

}  // namespace replicad::transform
