#pragma once

// JSON text in and out without changing how numbers are written.
//
// Boost.JSON holds a number as int64, uint64 or double, so "1.50", "1e3" or an integer beyond
// 64 bits would come back spelt differently, or rounded. ParseExact keeps every number whose
// spelling Boost.JSON cannot reproduce as a *raw number*: a string value holding the byte 0xFF
// followed by the number exactly as written. 0xFF never occurs in UTF-8 and the parser rejects
// text that is not UTF-8, so no string of the input can pass for a raw number. The transform
// engine treats raw numbers as numbers, and SerializeExact writes them back as they came.
//
// Documents built elsewhere (the events of a stream) hold no raw numbers: there, numbers a
// double cannot hold exactly already travel as strings. All functions are thread-safe.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "streams/core/status.h"

namespace replicad::transform {

// One JSON document (surrounding whitespace allowed), its values in `storage`. InvalidArgument
// with Boost.JSON's reason if `text` is not exactly one valid UTF-8 JSON document.
Result<boost::json::value> ParseExact(std::string_view text, boost::json::storage_ptr storage = {});

// Compact JSON: object members in order, raw numbers as written, doubles in their shortest
// exact form. Always valid JSON (a non-finite double, which JSON cannot hold, is written null).
std::string SerializeExact(const boost::json::value& value);
void AppendExact(const boost::json::value& value, std::string& out);

// A raw number made by ParseExact; REQUIRES `lexeme` to be a valid JSON number.
boost::json::value MakeRawNumber(std::string_view lexeme);
bool IsRawNumber(const boost::json::value& value);
// True for int64, uint64, double and raw numbers.
bool IsNumber(const boost::json::value& value);
// A string that is not a raw number.
bool IsText(const boost::json::value& value);

// How a scalar reads as text: a string's contents, a number as written (or its shortest exact
// form), "true", "false", "null". Arrays and objects are written as compact JSON.
void AppendPlainText(const boost::json::value& value, std::string& out);

// True iff `text` is a number in JSON's grammar (no leading '+', no leading zeros, no "NaN").
bool IsJsonNumber(std::string_view text);

}  // namespace replicad::transform
