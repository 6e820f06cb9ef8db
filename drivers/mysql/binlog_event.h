#pragma once

// Decoding of MariaDB/MySQL binlog events (format v4), as libmariadb's mariadb_rpl hands them
// over or as they sit in a binlog file: a 19-byte common header, then the body. Callers check
// and strip the CRC32 checksum (when the server uses one) before decoding, except for
// FORMAT_DESCRIPTION, which says whether there is one; nothing here reads past the span it is
// given, and malformed bytes are Corruption, never a crash. Pure functions: any thread.
//
// Row images are decoded here rather than by mariadb_rpl_extract_rows (which fails on CHAR(n)
// and ignores the columns-present bitmap). Values become JSON as DESIGN.md asks:
//   TINYINT..BIGINT, YEAR         number (signedness from TABLE_MAP; beyond +-2^53: string)
//   DECIMAL                       string, exact ("12.340")
//   FLOAT, DOUBLE                 number
//   BIT(n)                        string of n '0'/'1' digits
//   CHAR, VARCHAR, TEXT, ENUM, SET string (UTF-8; latin1 converted; SET as "a,b")
//   BINARY, VARBINARY, BLOB, GEOMETRY  base64 string
//   DATE                          "YYYY-MM-DD"
//   TIME                          "[-]HH:MM:SS[.ffffff]"
//   DATETIME                      "YYYY-MM-DDTHH:MM:SS[.ffffff]" (no zone, as stored)
//   TIMESTAMP                     "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (UTC)
//   JSON (MySQL binary)           the JSON value; MariaDB's JSON is LONGTEXT: a string
//   zero or partly zero dates ('0000-00-00', '2024-00-10') and TIMESTAMP 0: null
// Fractional seconds are printed with the column's declared precision. YEAR 0000 is 0. BINARY(n)
// is given back zero-padded to n bytes, as the server stores it (the binlog strips the padding).
// JSON documents keep their integers exact (int64/uint64). Without binlog_row_metadata FULL:
// ENUM and SET are their index / bit mask as a number, and a character column of unknown
// charset is a string when it is valid UTF-8, else base64. Text that is not valid in its
// charset is DataError.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "streams/core/event.h"
#include "streams/core/status.h"

namespace replicad::drivers::mysql {

namespace binlog {
inline constexpr std::uint8_t kQuery = 2;
inline constexpr std::uint8_t kStop = 3;
inline constexpr std::uint8_t kRotate = 4;
inline constexpr std::uint8_t kFormatDescription = 15;
inline constexpr std::uint8_t kXid = 16;
inline constexpr std::uint8_t kTableMap = 19;
inline constexpr std::uint8_t kWriteRowsV1 = 23;
inline constexpr std::uint8_t kUpdateRowsV1 = 24;
inline constexpr std::uint8_t kDeleteRowsV1 = 25;
inline constexpr std::uint8_t kHeartbeat = 27;
inline constexpr std::uint8_t kWriteRowsV2 = 30;
inline constexpr std::uint8_t kUpdateRowsV2 = 31;
inline constexpr std::uint8_t kDeleteRowsV2 = 32;
inline constexpr std::uint8_t kMysqlGtid = 33;
inline constexpr std::uint8_t kMysqlAnonymousGtid = 34;
inline constexpr std::uint8_t kXaPrepare = 38;
inline constexpr std::uint8_t kMysqlPartialUpdateRows = 39;
inline constexpr std::uint8_t kMysqlTransactionPayload = 40;
inline constexpr std::uint8_t kMariaAnnotateRows = 160;
inline constexpr std::uint8_t kMariaBinlogCheckpoint = 161;
inline constexpr std::uint8_t kMariaGtid = 162;
inline constexpr std::uint8_t kMariaGtidList = 163;
inline constexpr std::uint8_t kMariaStartEncryption = 164;
inline constexpr std::uint8_t kMariaQueryCompressed = 165;
inline constexpr std::uint8_t kMariaWriteRowsCompressedV1 = 169;
inline constexpr std::uint8_t kMariaUpdateRowsCompressedV1 = 170;
inline constexpr std::uint8_t kMariaDeleteRowsCompressedV1 = 171;
inline constexpr std::size_t kHeaderSize = 19;
inline constexpr std::size_t kChecksumSize = 4;
}  // namespace binlog

// MYSQL_TYPE_* column types as TABLE_MAP carries them.
namespace field {
inline constexpr std::uint8_t kDecimal = 0, kTiny = 1, kShort = 2, kLong = 3, kFloat = 4,
                              kDouble = 5, kNull = 6, kTimestamp = 7, kLongLong = 8, kInt24 = 9,
                              kDate = 10, kTime = 11, kDatetime = 12, kYear = 13, kNewDate = 14,
                              kVarchar = 15, kBit = 16, kTimestamp2 = 17, kDatetime2 = 18,
                              kTime2 = 19, kJson = 245, kNewDecimal = 246, kEnum = 247, kSet = 248,
                              kTinyBlob = 249, kMediumBlob = 250, kLongBlob = 251, kBlob = 252,
                              kVarString = 253, kString = 254, kGeometry = 255;
}  // namespace field

struct EventHeader {
  std::uint32_t timestamp = 0;  // seconds since the epoch
  std::uint8_t type = 0;
  std::uint32_t server_id = 0;
  std::uint32_t event_size = 0;  // header + body (+ checksum)
  std::uint32_t next_position = 0;
  std::uint16_t flags = 0;
};

// The common header of `event` (which starts with it). Corruption when `event` is shorter
// than the header or the header's event_size is.
Result<EventHeader> ParseHeader(std::span<const std::uint8_t> event);

// True iff the last 4 bytes of `event_with_checksum` (little-endian) are the CRC-32 (zlib's)
// of the bytes before them. False when there are fewer than 5 bytes.
bool ChecksumMatches(std::span<const std::uint8_t> event_with_checksum);

// Whether a FORMAT_DESCRIPTION event says the events after it carry a CRC32 checksum. `body`
// is everything after the common header, including the event's own trailing checksum bytes
// (a checksum-aware server always writes the algorithm byte and those 4 bytes).
Result<bool> FormatDescriptionHasChecksum(std::span<const std::uint8_t> body);

struct Column {
  std::string name;       // empty unless binlog_row_metadata=FULL
  std::uint8_t type = 0;  // field::k*; for ENUM/SET stored as STRING, the real type
  // The server's per-type metadata: the 1-byte value for FLOAT, DOUBLE, BLOB, GEOMETRY, JSON
  // and the fractional precision of TIME2/DATETIME2/TIMESTAMP2; the 2 bytes little-endian for
  // VARCHAR and BIT (bits % 8, then bytes); big-endian for NEWDECIMAL (precision, scale) and
  // STRING/ENUM/SET (real type with CHAR length bits, then length or pack length).
  std::uint16_t meta = 0;
  bool nullable = true;
  bool is_unsigned = false;
  // Collation id (ENUM/SET: their members'); 63 = binary; 0 = not a character column, or
  // unknown without binlog_row_metadata.
  std::uint32_t charset = 0;
  std::vector<std::string> enum_values;  // ENUM and SET member names (UTF-8), in order
};

struct TableMap {
  std::uint64_t table_id = 0;
  std::string database;
  std::string table;
  std::vector<Column> columns;
  std::vector<std::size_t> primary_key;  // column indexes; empty when the table has none
  bool has_names() const { return columns.empty() || !columns.front().name.empty(); }
};

// A TABLE_MAP body, with its optional metadata (names, signedness, charsets, primary key,
// enum/set strings) when the server sent it; unknown metadata kinds are skipped. Corruption
// for a truncated body or a column type this decoder does not know.
Result<TableMap> ParseTableMap(std::span<const std::uint8_t> body);

struct RowChange {
  // Present columns only, by name (or "@1", "@2", ... when the map has no names).
  std::optional<boost::json::object> before;  // update and delete
  std::optional<boost::json::object> after;   // insert and update
};

struct RowsEvent {
  std::uint64_t table_id = 0;
  Operation operation = Operation::kInsert;  // kInsert, kUpdate or kDelete
  bool end_of_statement = false;
  std::vector<RowChange> rows;
};

// True for WRITE/UPDATE/DELETE_ROWS v1 and v2, and for MariaDB's compressed v1 rows events,
// which ParseRowsEvent refuses (FailedPrecondition: log_bin_compress is not supported) rather
// than a reader skipping them unseen.
bool IsRowsEvent(std::uint8_t type);

// The table id a rows event refers to (to find its TABLE_MAP before decoding it).
Result<std::uint64_t> RowsEventTableId(std::span<const std::uint8_t> body);

// WRITE/UPDATE/DELETE_ROWS v1 and v2. Columns missing from the columns-present bitmap
// (binlog_row_image MINIMAL or NOBLOB) are missing from the objects; SQL NULL is JSON null.
// A value that does not decode (bad length, invalid date) is Corruption naming the column.
// The images allocate from `storage` (a reader's arena).
// REQUIRES: `table` is the TABLE_MAP for RowsEventTableId(body).
Result<RowsEvent> ParseRowsEvent(std::uint8_t type, std::span<const std::uint8_t> body,
                                 const TableMap& table,
                                 const boost::json::storage_ptr& storage = {});

struct MariaGtid {
  std::uint64_t sequence = 0;
  std::uint32_t domain = 0;
  bool standalone = false;  // FL_STANDALONE: a single statement (DDL), no XID follows
  bool xa = false;          // FL_PREPARED_XA or FL_COMPLETED_XA: an XA PREPARE/COMMIT group
};
Result<MariaGtid> ParseMariaGtid(std::span<const std::uint8_t> body);

struct Rotate {
  std::uint64_t position = 0;
  std::string file;
};
Result<Rotate> ParseRotate(std::span<const std::uint8_t> body);

struct Query {
  std::string database;
  std::string sql;
};
Result<Query> ParseQuery(std::span<const std::uint8_t> body);

// The transaction id of an XID event (the COMMIT of a transactional engine's group).
Result<std::uint64_t> ParseXid(std::span<const std::uint8_t> body);

}  // namespace replicad::drivers::mysql
