#pragma once

// PostgreSQL text-format values -> event JSON, by type OID (DESIGN.md "The change event"):
// integers and exact numerics stay numbers while they fit 2^53, larger ones and decimals
// become strings; floats are numbers (NaN and infinities strings); booleans are booleans;
// bytea is base64; json/jsonb are nested JSON; timestamptz is ISO-8601 UTC ("...Z");
// timestamp, date, time, uuid and every other type keep their text; arrays of the built-in
// types are JSON arrays of their elements (pg_arrays.h), other arrays keep their text.
// REQUIRES: the session ran with DateStyle=ISO and TimeZone=UTC.

#include <boost/json/value.hpp>
#include <cstdint>
#include <string_view>

#include "streams/core/status.h"

namespace replicad::drivers::postgres {

namespace oid {
inline constexpr std::uint32_t kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23,
                               kText = 25, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701,
                               kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083,
                               kTimestamp = 1114, kTimestampTz = 1184, kNumeric = 1700,
                               kUuid = 2950, kJsonb = 3802;
}  // namespace oid

// DataError when the text does not hold a value of that type. The value (except an array's
// elements) is allocated from `storage`.
Result<boost::json::value> TextToJson(std::uint32_t type, std::string_view text,
                                      const boost::json::storage_ptr& storage = {});

}  // namespace replicad::drivers::postgres
