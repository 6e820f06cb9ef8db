#include "drivers/postgres/pg_arrays.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "drivers/postgres/pg_values.h"
#include "streams/core/base64.h"

namespace replicad::drivers::postgres {
namespace {

constexpr int kMaxDimensions = 6;  // PostgreSQL's MAXDIM

struct ArrayType {
  std::uint32_t array, element;  // pg_type.oid and typelem
};
constexpr ArrayType kArrayTypes[] = {
    {1000, oid::kBool},        {1001, oid::kBytea},  {1005, oid::kInt2},
    {1007, oid::kInt4},        {1016, oid::kInt8},   {1009, oid::kText},
    {1028, oid::kOid},         {1014, oid::kBpchar}, {1015, oid::kVarchar},
    {1021, oid::kFloat4},      {1022, oid::kFloat8}, {1231, oid::kNumeric},
    {199, oid::kJson},         {3807, oid::kJsonb},  {2951, oid::kUuid},
    {1182, oid::kDate},        {1183, oid::kTime},   {1115, oid::kTimestamp},
    {1185, oid::kTimestampTz},
};

// array_in's notion of white space, which may surround elements and braces.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool IsNull(std::string_view element) {
  constexpr std::string_view kNull = "null";
  return element.size() == kNull.size() &&
         std::equal(element.begin(), element.end(), kNull.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// A recursive descent over array_in's grammar: '{' (element | array) {',' ...} '}'.
class ArrayReader {
 public:
  ArrayReader(std::uint32_t element_type, std::string_view text)
      : element_type_(element_type), text_(text) {}

  Result<boost::json::value> Read() {
    RETURN_IF_ERROR(SkipBounds());
    ASSIGN_OR_RETURN(boost::json::value array, ReadArray(1));
    SkipSpace();
    if (at_ != text_.size()) {
      return Malformed();
    }
    return array;
  }

 private:
  Status Malformed() const {
    return Status::DataError("cannot read '" + std::string(text_.substr(0, 64)) +
                             "' as an array of type " + std::to_string(element_type_));
  }

  bool AtEnd() const { return at_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[at_]; }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[at_])) {
      ++at_;
    }
  }

  // "[1:2][0:1]=" precedes the braces when a lower bound is not 1; the elements alone matter.
  Status SkipBounds() {
    SkipSpace();
    if (Peek() != '[') {
      return Status::Ok();
    }
    const std::size_t equals = text_.find('=', at_);
    if (equals == std::string_view::npos ||
        text_.substr(at_, equals - at_).find_first_not_of("[]:+-0123456789 ") !=
            std::string_view::npos) {
      return Malformed();
    }
    at_ = equals + 1;
    return Status::Ok();
  }

  // One "{...}" (of `dimension` dimensions so far) from the current position.
  Result<boost::json::value> ReadArray(int dimension) {
    SkipSpace();
    if (dimension > kMaxDimensions || Peek() != '{') {
      return Malformed();
    }
    ++at_;
    boost::json::array array;
    SkipSpace();
    if (Peek() == '}') {
      ++at_;
      return boost::json::value(std::move(array));
    }
    bool nested = false;
    while (true) {
      SkipSpace();
      const bool sub_array = Peek() == '{';
      if (!array.empty() && sub_array != nested) {
        return Malformed();  // sub-arrays and elements mixed on one level
      }
      nested = sub_array;
      if (sub_array) {
        ASSIGN_OR_RETURN(boost::json::value inner, ReadArray(dimension + 1));
        array.push_back(std::move(inner));
      } else {
        ASSIGN_OR_RETURN(boost::json::value element, ReadElement());
        array.push_back(std::move(element));
      }
      SkipSpace();
      const char next = Peek();
      ++at_;
      if (next == '}') {
        return boost::json::value(std::move(array));
      }
      if (next != ',') {
        return Malformed();
      }
    }
  }

  Result<boost::json::value> ReadElement() {
    std::string element;
    if (Peek() == '"') {
      ++at_;
      while (!AtEnd() && text_[at_] != '"') {
        if (text_[at_] == '\\') {
          ++at_;
        }
        if (AtEnd()) {
          return Malformed();
        }
        element += text_[at_++];
      }
      if (AtEnd()) {
        return Malformed();
      }
      ++at_;
      return TextToJson(element_type_, element);
    }
    // Unquoted: up to ',' or '}', trailing white space dropped, NULL (any case) is SQL NULL
    // unless some of it was escaped.
    std::size_t kept = 0;
    bool escaped = false;
    while (!AtEnd() && text_[at_] != ',' && text_[at_] != '}') {
      char c = text_[at_++];
      if (c == '{' || c == '"') {
        return Malformed();
      }
      if (c == '\\') {
        if (AtEnd()) {
          return Malformed();
        }
        c = text_[at_++];
        escaped = true;
        element += c;
        kept = element.size();
        continue;
      }
      element += c;
      if (!IsSpace(c)) {
        kept = element.size();
      }
    }
    element.resize(kept);
    if (element.empty() && !escaped) {
      return Malformed();
    }
    if (!escaped && IsNull(element)) {
      return boost::json::value(nullptr);
    }
    return TextToJson(element_type_, element);
  }

  std::uint32_t element_type_;
  std::string_view text_;
  std::size_t at_ = 0;
};

void AppendQuoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
}

Status AppendElement(std::string& out, const boost::json::value& value,
                     std::string_view element_type) {
  if (value.is_null()) {
    out += "NULL";
    return Status::Ok();
  }
  if (element_type == "json" || element_type == "jsonb") {
    AppendQuoted(out, boost::json::serialize(value));
    return Status::Ok();
  }
  switch (value.kind()) {
    case boost::json::kind::bool_:
      out += value.get_bool() ? 't' : 'f';
      return Status::Ok();
    case boost::json::kind::string: {
      if (element_type != "bytea") {
        AppendQuoted(out, value.get_string());
        return Status::Ok();
      }
      const std::optional<std::string> bytes = Base64Decode(value.get_string());
      if (!bytes) {
        return Status::DataError("a bytea array element is not base64");
      }
      static constexpr char kHex[] = "0123456789abcdef";
      std::string hex = "\\x";
      for (unsigned char c : *bytes) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      AppendQuoted(out, hex);
      return Status::Ok();
    }
    case boost::json::kind::object:
      AppendQuoted(out, boost::json::serialize(value));
      return Status::Ok();
    default:  // numbers; arrays are handled by AppendArray
      out += boost::json::serialize(value);
      return Status::Ok();
  }
}

Status AppendArray(std::string& out, const boost::json::array& array,
                   std::string_view element_type) {
  const bool json_elements = element_type == "json" || element_type == "jsonb";
  out += '{';
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    if (array[i].is_array() && !json_elements) {
      RETURN_IF_ERROR(AppendArray(out, array[i].get_array(), element_type));
    } else {
      RETURN_IF_ERROR(AppendElement(out, array[i], element_type));
    }
  }
  out += '}';
  return Status::Ok();
}

}  // namespace

std::uint32_t ArrayElementType(std::uint32_t array_type) {
  for (const auto [array, element] : kArrayTypes) {
    if (array == array_type) {
      return element;
    }
  }
  return 0;
}

Result<boost::json::value> ArrayTextToJson(std::uint32_t element_type, std::string_view text) {
  return ArrayReader(element_type, text).Read();
}

bool IsArrayType(std::string_view column_type) { return column_type.starts_with('_'); }

Result<std::string> JsonToArrayLiteral(const boost::json::array& array,
                                       std::string_view column_type) {
  std::string literal;
  RETURN_IF_ERROR(AppendArray(literal, array, column_type.substr(1)));
  return literal;
}

}  // namespace replicad::drivers::postgres
