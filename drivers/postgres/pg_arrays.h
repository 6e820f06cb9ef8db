#pragma once

// PostgreSQL arrays in change events (DESIGN.md "The change event"): arrays of the built-in
// types travel as JSON arrays, a multi-dimensional array as nested JSON arrays, SQL NULL
// elements as null. Explicit lower bounds ("[2:3]={1,2}") are not kept. The destination turns
// such a JSON array back into an array literal for an array-typed column.

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "streams/core/status.h"

namespace replicad::drivers::postgres {

// The element type OID of a built-in array type that events carry as JSON arrays (int4[] ->
// int4), or 0 for any other type (those keep their text).
std::uint32_t ArrayElementType(std::uint32_t array_type);

// Reads an array's text output ("{1,NULL,\"a b\"}", "{{1,2},{3,4}}") as a JSON array whose
// elements are TextToJson(element_type, element text). DataError when the text is not an
// array literal or an element not a value of its type.
Result<boost::json::value> ArrayTextToJson(std::uint32_t element_type, std::string_view text);

// True iff `column_type` (pg_type.typname) names an array type ("_int4").
bool IsArrayType(std::string_view column_type);

// The array literal for `array` written to a column of array type `column_type` ("_int4").
// Nested JSON arrays are further dimensions, except for json/jsonb elements, where each
// element (array or not) is one JSON value. Strings are always quoted, so "NULL" stays a
// string; null is NULL, booleans t/f, objects their JSON text; bytea elements arrive base64
// (DataError otherwise) and are written as hex.
Result<std::string> JsonToArrayLiteral(const boost::json::array& array,
                                       std::string_view column_type);

}  // namespace replicad::drivers::postgres
