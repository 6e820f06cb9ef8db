#include "drivers/mysql/binlog_event.h"

#include <array>
#include <bit>
#include <charconv>
#include <functional>

#include "drivers/mysql/binlog_values.h"

namespace replicad::drivers::mysql {

bool ByteReader::ReadUint(std::size_t bytes, std::uint64_t* out) {
  if (bytes > 8 || remaining() < bytes) {
    return false;
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    value |= std::uint64_t{data_[pos_ + i]} << (8 * i);
  }
  pos_ += bytes;
  *out = value;
  return true;
}

bool ByteReader::ReadBytes(std::size_t bytes, std::span<const std::uint8_t>* out) {
  if (remaining() < bytes) {
    return false;
  }
  *out = data_.subspan(pos_, bytes);
  pos_ += bytes;
  return true;
}

bool ByteReader::Skip(std::size_t bytes) {
  std::span<const std::uint8_t> ignored;
  return ReadBytes(bytes, &ignored);
}

bool ByteReader::ReadLengthEncoded(std::uint64_t* out) {
  const std::size_t start = pos_;
  std::uint64_t first = 0;
  if (!ReadUint(1, &first)) {
    return false;
  }
  if (first < 0xfb) {
    *out = first;
    return true;
  }
  const std::size_t width = first == 0xfc ? 2 : first == 0xfd ? 3 : first == 0xfe ? 8 : 0;
  if (width == 0 || !ReadUint(width, out)) {
    pos_ = start;
    return false;
  }
  return true;
}

namespace {

Status Truncated(std::string_view event) {
  return Status::Corruption(std::string(event) + " event is truncated");
}

constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    table[i] = crc;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = MakeCrcTable();

bool BitSet(std::span<const std::uint8_t> bitmap, std::size_t index) {
  return (bitmap[index / 8] >> (index % 8)) & 1;
}

// MySQL 5.6.1 and MariaDB 5.3 started writing the checksum algorithm into FORMAT_DESCRIPTION.
bool ChecksumAware(std::string_view version) {
  int parts[3] = {0, 0, 0};
  const char* at = version.data();
  const char* end = version.data() + version.size();
  for (int& part : parts) {
    const auto parsed = std::from_chars(at, end, part);
    at = parsed.ptr;
    if (at == end || *at != '.') {
      break;
    }
    ++at;
  }
  const int number = parts[0] * 10000 + parts[1] * 100 + parts[2];
  const bool mariadb = version.find("MariaDB") != std::string_view::npos;
  return number >= (mariadb ? 50300 : 50601);
}

bool IsNumeric(std::uint8_t type) {
  switch (type) {
    case field::kTiny:
    case field::kShort:
    case field::kInt24:
    case field::kLong:
    case field::kLongLong:
    case field::kNewDecimal:
    case field::kFloat:
    case field::kDouble:
      return true;
    default:
      return false;
  }
}

// The columns TABLE_MAP's charset lists cover (ENUM and SET have lists of their own).
bool IsCharacter(std::uint8_t type) {
  switch (type) {
    case field::kString:
    case field::kVarString:
    case field::kVarchar:
    case field::kTinyBlob:
    case field::kMediumBlob:
    case field::kLongBlob:
    case field::kBlob:
    case field::kGeometry:
      return true;
    default:
      return false;
  }
}

bool IsEnum(std::uint8_t type) { return type == field::kEnum; }
bool IsSet(std::uint8_t type) { return type == field::kSet; }
bool IsEnumOrSet(std::uint8_t type) { return IsEnum(type) || IsSet(type); }

// Bytes of per-column metadata in TABLE_MAP, or -1 for a type this decoder does not know.
int MetadataBytes(std::uint8_t type) {
  switch (type) {
    case field::kDecimal:
    case field::kTiny:
    case field::kShort:
    case field::kLong:
    case field::kNull:
    case field::kTimestamp:
    case field::kLongLong:
    case field::kInt24:
    case field::kDate:
    case field::kTime:
    case field::kDatetime:
    case field::kYear:
    case field::kNewDate:
      return 0;
    case field::kFloat:
    case field::kDouble:
    case field::kTimestamp2:
    case field::kDatetime2:
    case field::kTime2:
    case field::kJson:
    case field::kTinyBlob:
    case field::kMediumBlob:
    case field::kLongBlob:
    case field::kBlob:
    case field::kGeometry:
      return 1;
    case field::kVarchar:
    case field::kBit:
    case field::kNewDecimal:
    case field::kEnum:
    case field::kSet:
    case field::kVarString:
    case field::kString:
      return 2;
    default:
      return -1;
  }
}

Status ReadColumnTypes(ByteReader& in, std::vector<Column>& columns) {
  std::span<const std::uint8_t> types;
  std::uint64_t meta_length = 0;
  std::span<const std::uint8_t> meta;
  if (!in.ReadBytes(columns.size(), &types) || !in.ReadLengthEncoded(&meta_length) ||
      !in.ReadBytes(meta_length, &meta)) {
    return Truncated("TABLE_MAP");
  }
  std::size_t pos = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    Column& column = columns[i];
    column.type = types[i];
    const int bytes = MetadataBytes(column.type);
    if (bytes < 0) {
      return Status::Corruption("TABLE_MAP column " + std::to_string(i + 1) + " has unknown type " +
                                std::to_string(column.type));
    }
    if (pos + bytes > meta.size()) {
      return Status::Corruption("TABLE_MAP column metadata is shorter than its columns need");
    }
    const bool big_endian = column.type == field::kNewDecimal || column.type == field::kString ||
                            IsEnumOrSet(column.type);
    if (bytes == 1) {
      column.meta = meta[pos];
    } else if (bytes == 2) {
      column.meta =
          big_endian ? (meta[pos] << 8) | meta[pos + 1] : meta[pos] | (meta[pos + 1] << 8);
    }
    pos += bytes;
    // CHAR keeps its real type in the metadata's first byte, with two bits of a long
    // CHAR's length folded into bits 4-5.
    const std::uint8_t real_type = (column.meta >> 8) | 0x30;
    if (column.type == field::kString && IsEnumOrSet(real_type)) {
      column.type = real_type;
    }
  }
  if (pos != meta.size()) {
    return Status::Corruption("TABLE_MAP column metadata is longer than its columns need");
  }
  return Status::Ok();
}

std::vector<Column*> ColumnsWhere(std::vector<Column>& columns, bool (*predicate)(std::uint8_t)) {
  std::vector<Column*> selected;
  for (Column& column : columns) {
    if (predicate(column.type)) {
      selected.push_back(&column);
    }
  }
  return selected;
}

// DEFAULT_CHARSET (a collation, then exceptions as (index, collation) pairs) or
// COLUMN_CHARSET (one collation per column), over `targets` in order.
Status ReadCharsets(ByteReader in, bool with_default, const std::vector<Column*>& targets) {
  std::uint64_t collation = 0;
  if (with_default) {
    if (!in.ReadLengthEncoded(&collation)) {
      return Truncated("TABLE_MAP charset");
    }
    for (Column* column : targets) {
      column->charset = collation;
    }
    std::uint64_t index = 0;
    while (in.remaining() > 0) {
      if (!in.ReadLengthEncoded(&index) || !in.ReadLengthEncoded(&collation) ||
          index >= targets.size()) {
        return Status::Corruption("bad TABLE_MAP charset exception");
      }
      targets[index]->charset = collation;
    }
    return Status::Ok();
  }
  for (Column* column : targets) {
    if (!in.ReadLengthEncoded(&collation)) {
      return Truncated("TABLE_MAP column charset");
    }
    column->charset = collation;
  }
  return Status::Ok();
}

bool ReadString(ByteReader& in, std::string* out) {
  std::uint64_t length = 0;
  std::span<const std::uint8_t> bytes;
  if (!in.ReadLengthEncoded(&length) || !in.ReadBytes(length, &bytes)) {
    return false;
  }
  *out = AsText(bytes);
  return true;
}

Status ReadMemberNames(ByteReader in, const std::vector<Column*>& targets) {
  for (Column* column : targets) {
    std::uint64_t count = 0;
    if (!in.ReadLengthEncoded(&count) || count > in.remaining()) {
      return Truncated("TABLE_MAP enum/set strings");
    }
    column->enum_values.resize(count);
    for (std::string& name : column->enum_values) {
      if (!ReadString(in, &name)) {
        return Truncated("TABLE_MAP enum/set strings");
      }
    }
  }
  return Status::Ok();
}

Status ReadPrimaryKey(ByteReader in, bool with_prefix, TableMap& table) {
  std::uint64_t index = 0, prefix = 0;
  while (in.remaining() > 0) {
    if (!in.ReadLengthEncoded(&index) || index >= table.columns.size() ||
        (with_prefix && !in.ReadLengthEncoded(&prefix))) {
      return Status::Corruption("bad TABLE_MAP primary key");
    }
    table.primary_key.push_back(index);
  }
  return Status::Ok();
}

Status ReadOptionalMetadata(ByteReader& in, TableMap& table) {
  std::vector<Column*> numeric = ColumnsWhere(table.columns, IsNumeric);
  std::vector<Column*> character = ColumnsWhere(table.columns, IsCharacter);
  std::vector<Column*> enum_or_set = ColumnsWhere(table.columns, IsEnumOrSet);
  while (in.remaining() > 0) {
    std::uint64_t kind = 0, length = 0;
    std::span<const std::uint8_t> data;
    if (!in.ReadUint(1, &kind) || !in.ReadLengthEncoded(&length) || !in.ReadBytes(length, &data)) {
      return Truncated("TABLE_MAP optional metadata");
    }
    ByteReader field(data);
    switch (kind) {
      case 1:  // SIGNEDNESS: a bit per numeric column, most significant first; set = unsigned
        if (data.size() < (numeric.size() + 7) / 8) {
          return Truncated("TABLE_MAP signedness");
        }
        for (std::size_t i = 0; i < numeric.size(); ++i) {
          numeric[i]->is_unsigned = (data[i / 8] << (i % 8)) & 0x80;
        }
        break;
      case 2:  // DEFAULT_CHARSET
      case 3:  // COLUMN_CHARSET
        RETURN_IF_ERROR(ReadCharsets(field, kind == 2, character));
        break;
      case 4:  // COLUMN_NAME
        for (Column& column : table.columns) {
          if (!ReadString(field, &column.name)) {
            return Truncated("TABLE_MAP column names");
          }
        }
        break;
      case 5:  // SET_STR_VALUE
      case 6:  // ENUM_STR_VALUE
        RETURN_IF_ERROR(
            ReadMemberNames(field, ColumnsWhere(table.columns, kind == 5 ? IsSet : IsEnum)));
        break;
      case 8:  // SIMPLE_PRIMARY_KEY
      case 9:  // PRIMARY_KEY_WITH_PREFIX
        RETURN_IF_ERROR(ReadPrimaryKey(field, kind == 9, table));
        break;
      case 10:  // ENUM_AND_SET_DEFAULT_CHARSET
      case 11:  // ENUM_AND_SET_COLUMN_CHARSET
        RETURN_IF_ERROR(ReadCharsets(field, kind == 10, enum_or_set));
        break;
      default:  // GEOMETRY_TYPE, COLUMN_VISIBILITY and whatever comes later
        break;
    }
  }
  for (Column* column : enum_or_set) {
    for (std::string& name : column->enum_values) {
      ASSIGN_OR_RETURN(name, TextToUtf8(name, column->charset));
    }
  }
  return Status::Ok();
}

bool IsCompressedRows(std::uint8_t type) {
  return type >= binlog::kMariaWriteRowsCompressedV1 &&
         type <= binlog::kMariaDeleteRowsCompressedV1;
}

Result<boost::json::object> ReadImage(ByteReader& in, const TableMap& table,
                                      std::span<const std::uint8_t> present,
                                      const boost::json::storage_ptr& storage) {
  std::size_t present_count = 0;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    present_count += BitSet(present, i);
  }
  std::span<const std::uint8_t> nulls;
  if (!in.ReadBytes((present_count + 7) / 8, &nulls)) {
    return Truncated("rows");
  }
  boost::json::object image(storage);
  image.reserve(present_count);
  std::size_t present_index = 0;
  std::string unnamed;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (!BitSet(present, i)) {
      continue;
    }
    const Column& column = table.columns[i];
    if (column.name.empty()) {
      unnamed = "@" + std::to_string(i + 1);
    }
    const std::string& name = column.name.empty() ? unnamed : column.name;
    if (BitSet(nulls, present_index++)) {
      image[name] = nullptr;
      continue;
    }
    std::size_t size = 0;
    Result<boost::json::value> value = DecodeValue(column, in.rest(), &size);
    if (!value.ok()) {
      return value.status().Annotate("column " + name + " of " + table.database + "." +
                                     table.table);
    }
    in.Skip(size);
    image[name] = std::move(*value);
  }
  return image;
}

}  // namespace

Result<EventHeader> ParseHeader(std::span<const std::uint8_t> event) {
  ByteReader in(event);
  std::uint64_t timestamp = 0, type = 0, server_id = 0, size = 0, next = 0, flags = 0;
  if (!in.ReadUint(4, &timestamp) || !in.ReadUint(1, &type) || !in.ReadUint(4, &server_id) ||
      !in.ReadUint(4, &size) || !in.ReadUint(4, &next) || !in.ReadUint(2, &flags)) {
    return Status::Corruption("binlog event shorter than its header");
  }
  if (size < binlog::kHeaderSize) {
    return Status::Corruption("binlog event header gives a size of " + std::to_string(size));
  }
  EventHeader header;
  header.timestamp = static_cast<std::uint32_t>(timestamp);
  header.type = static_cast<std::uint8_t>(type);
  header.server_id = static_cast<std::uint32_t>(server_id);
  header.event_size = static_cast<std::uint32_t>(size);
  header.next_position = static_cast<std::uint32_t>(next);
  header.flags = static_cast<std::uint16_t>(flags);
  return header;
}

bool ChecksumMatches(std::span<const std::uint8_t> event_with_checksum) {
  if (event_with_checksum.size() <= binlog::kChecksumSize) {
    return false;
  }
  const auto data = event_with_checksum.first(event_with_checksum.size() - binlog::kChecksumSize);
  std::uint32_t crc = 0xffffffffu;
  for (std::uint8_t byte : data) {
    crc = kCrcTable[(crc ^ byte) & 0xff] ^ (crc >> 8);
  }
  std::uint64_t stored = 0;
  ByteReader(event_with_checksum.last(binlog::kChecksumSize)).ReadUint(4, &stored);
  return ~crc == stored;
}

Result<bool> FormatDescriptionHasChecksum(std::span<const std::uint8_t> body) {
  // binlog version (2), server version (50, NUL-padded), create time (4), header length (1),
  // one post-header length per event type, then the checksum algorithm and the checksum.
  constexpr std::size_t kFixed = 2 + 50 + 4 + 1;
  if (body.size() < kFixed) {
    return Truncated("FORMAT_DESCRIPTION");
  }
  std::string_view version = AsText(body.subspan(2, 50));
  version = version.substr(0, version.find('\0'));
  if (!ChecksumAware(version)) {
    return false;
  }
  if (body.size() < kFixed + 1 + binlog::kChecksumSize) {
    return Truncated("FORMAT_DESCRIPTION");
  }
  const std::uint8_t algorithm = body[body.size() - binlog::kChecksumSize - 1];
  if (algorithm == 0 || algorithm == 0xff) {  // off, or undefined (an old server)
    return false;
  }
  if (algorithm != 1) {
    return Status::Corruption("unknown binlog checksum algorithm " + std::to_string(algorithm));
  }
  return true;
}

Result<TableMap> ParseTableMap(std::span<const std::uint8_t> body) {
  ByteReader in(body);
  TableMap table;
  std::uint64_t length = 0, count = 0;
  std::span<const std::uint8_t> database, name, nullable;
  if (!in.ReadUint(6, &table.table_id) || !in.Skip(2) || !in.ReadUint(1, &length) ||
      !in.ReadBytes(length, &database) || !in.Skip(1) || !in.ReadUint(1, &length) ||
      !in.ReadBytes(length, &name) || !in.Skip(1) || !in.ReadLengthEncoded(&count) ||
      count > in.remaining()) {
    return Truncated("TABLE_MAP");
  }
  table.database = AsText(database);
  table.table = AsText(name);
  table.columns.resize(count);
  RETURN_IF_ERROR(ReadColumnTypes(in, table.columns));
  if (!in.ReadBytes((count + 7) / 8, &nullable)) {
    return Truncated("TABLE_MAP");
  }
  for (std::size_t i = 0; i < count; ++i) {
    table.columns[i].nullable = BitSet(nullable, i);
  }
  RETURN_IF_ERROR(ReadOptionalMetadata(in, table));
  return table;
}

bool IsRowsEvent(std::uint8_t type) {
  return (type >= binlog::kWriteRowsV1 && type <= binlog::kDeleteRowsV1) ||
         (type >= binlog::kWriteRowsV2 && type <= binlog::kDeleteRowsV2) || IsCompressedRows(type);
}

Result<std::uint64_t> RowsEventTableId(std::span<const std::uint8_t> body) {
  std::uint64_t table_id = 0;
  if (!ByteReader(body).ReadUint(6, &table_id)) {
    return Truncated("rows");
  }
  return table_id;
}

Result<RowsEvent> ParseRowsEvent(std::uint8_t type, std::span<const std::uint8_t> body,
                                 const TableMap& table, const boost::json::storage_ptr& storage) {
  if (IsCompressedRows(type)) {
    return Status::FailedPrecondition(
        "compressed binlog rows events are not supported: set log_bin_compress=OFF");
  }
  if (!IsRowsEvent(type)) {
    return Status::InvalidArgument("event type " + std::to_string(type) + " is not a rows event");
  }
  const bool v2 = type >= binlog::kWriteRowsV2;
  const int kind =
      type - (v2 ? binlog::kWriteRowsV2 : binlog::kWriteRowsV1);  // write, update, delete
  RowsEvent event;
  event.operation = kind == 0   ? Operation::kInsert
                    : kind == 1 ? Operation::kUpdate
                                : Operation::kDelete;
  ByteReader in(body);
  std::uint64_t flags = 0, extra = 0, width = 0;
  std::span<const std::uint8_t> present, present_after;
  if (!in.ReadUint(6, &event.table_id) || !in.ReadUint(2, &flags) ||
      (v2 && (!in.ReadUint(2, &extra) || extra < 2 || !in.Skip(extra - 2))) ||
      !in.ReadLengthEncoded(&width)) {
    return Truncated("rows");
  }
  if (event.table_id != table.table_id || width != table.columns.size()) {
    return Status::Corruption("rows event for table " + std::to_string(event.table_id) + " with " +
                              std::to_string(width) + " columns does not match TABLE_MAP " +
                              table.database + "." + table.table);
  }
  if (!in.ReadBytes((width + 7) / 8, &present) ||
      !in.ReadBytes(kind == 1 ? (width + 7) / 8 : 0, &present_after)) {
    return Truncated("rows");
  }
  event.end_of_statement = flags & 1;
  while (in.remaining() > 0) {
    RowChange row;
    ASSIGN_OR_RETURN(boost::json::object image, ReadImage(in, table, present, storage));
    (kind == 0 ? row.after : row.before).emplace(std::move(image));
    if (kind == 1) {
      ASSIGN_OR_RETURN(image, ReadImage(in, table, present_after, storage));
      row.after.emplace(std::move(image));
    }
    event.rows.push_back(std::move(row));
  }
  return event;
}

Result<MariaGtid> ParseMariaGtid(std::span<const std::uint8_t> body) {
  ByteReader in(body);
  std::uint64_t domain = 0, flags = 0;
  MariaGtid gtid;
  if (!in.ReadUint(8, &gtid.sequence) || !in.ReadUint(4, &domain) || !in.ReadUint(1, &flags)) {
    return Truncated("GTID");
  }
  gtid.domain = static_cast<std::uint32_t>(domain);
  gtid.standalone = flags & 1;
  gtid.xa = (flags & (64 | 128)) != 0;
  return gtid;
}

Result<Rotate> ParseRotate(std::span<const std::uint8_t> body) {
  ByteReader in(body);
  Rotate rotate;
  if (!in.ReadUint(8, &rotate.position)) {
    return Truncated("ROTATE");
  }
  rotate.file = AsText(in.rest());
  return rotate;
}

Result<Query> ParseQuery(std::span<const std::uint8_t> body) {
  // thread id (4), execution time (4), database length (1), error code (2), status variables
  // length (2), status variables, database, NUL, statement.
  ByteReader in(body);
  std::uint64_t database_length = 0, status_length = 0;
  std::span<const std::uint8_t> database;
  if (!in.Skip(8) || !in.ReadUint(1, &database_length) || !in.Skip(2) ||
      !in.ReadUint(2, &status_length) || !in.Skip(status_length) ||
      !in.ReadBytes(database_length, &database) || !in.Skip(1)) {
    return Truncated("QUERY");
  }
  return Query{std::string(AsText(database)), std::string(AsText(in.rest()))};
}

Result<std::uint64_t> ParseXid(std::span<const std::uint8_t> body) {
  std::uint64_t xid = 0;
  if (!ByteReader(body).ReadUint(8, &xid)) {
    return Truncated("XID");
  }
  return xid;
}

}  // namespace replicad::drivers::mysql
