#include "drivers/postgres/pgoutput.h"

#include <charconv>
#include <cstdio>

namespace replicad::drivers::postgres::pgoutput {
namespace {

// Reads big-endian fields; any overrun marks the reader failed instead of crashing.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  template <class T>
  T Int() {
    if (bytes_.size() < sizeof(T)) {
      failed_ = true;
      bytes_ = {};
      return T{};
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      value = (value << 8) | static_cast<std::uint8_t>(bytes_[i]);
    }
    bytes_.remove_prefix(sizeof(T));
    return static_cast<T>(value);
  }

  char Byte() { return static_cast<char>(Int<std::uint8_t>()); }

  std::string CString() {
    const std::size_t end = bytes_.find('\0');
    if (end == std::string_view::npos) {
      failed_ = true;
      bytes_ = {};
      return {};
    }
    std::string text(bytes_.substr(0, end));
    bytes_.remove_prefix(end + 1);
    return text;
  }

  std::string_view Bytes(std::size_t length) {
    if (bytes_.size() < length) {
      failed_ = true;
      bytes_ = {};
      return {};
    }
    const std::string_view data = bytes_.substr(0, length);
    bytes_.remove_prefix(length);
    return data;
  }

  Tuple ReadTuple() {
    const std::int16_t count = Int<std::int16_t>();
    Tuple tuple;
    for (std::int16_t i = 0; i < count && !failed_; ++i) {
      Value value;
      switch (Byte()) {
        case 'n':
          value.kind = Value::Kind::kNull;
          break;
        case 'u':
          value.kind = Value::Kind::kUnchangedToast;
          break;
        case 't':
          value.kind = Value::Kind::kText;
          value.data = Bytes(Int<std::uint32_t>());
          break;
        case 'b':
          value.kind = Value::Kind::kBinary;
          value.data = Bytes(Int<std::uint32_t>());
          break;
        default:
          failed_ = true;
      }
      tuple.push_back(std::move(value));
    }
    return tuple;
  }

  bool ok() const { return !failed_; }
  bool done() const { return bytes_.empty(); }

 private:
  std::string_view bytes_;
  bool failed_ = false;
};

Relation ReadRelation(Reader& in) {
  Relation relation;
  relation.id = in.Int<Oid>();
  relation.schema = in.CString();
  relation.name = in.CString();
  relation.replica_identity = in.Byte();
  const std::int16_t count = in.Int<std::int16_t>();
  for (std::int16_t i = 0; i < count && in.ok(); ++i) {
    Column column;
    column.key = (in.Int<std::uint8_t>() & 1) != 0;
    column.name = in.CString();
    column.type = in.Int<Oid>();
    column.type_modifier = in.Int<std::int32_t>();
    relation.columns.push_back(std::move(column));
  }
  return relation;
}

Commit ReadCommit(Reader& in) {
  Commit commit;
  commit.flags = in.Int<std::uint8_t>();
  commit.commit_lsn = in.Int<Lsn>();
  commit.end_lsn = in.Int<Lsn>();
  commit.commit_time = in.Int<PgTime>();
  return commit;
}

Update ReadUpdate(Reader& in) {
  Update update;
  update.relation = in.Int<Oid>();
  char kind = in.Byte();
  if (kind == 'K' || kind == 'O') {
    update.old_kind = kind;
    update.old_tuple = in.ReadTuple();
    kind = in.Byte();
  }
  if (kind != 'N') {
    return Update{.relation = 0};
  }
  update.new_tuple = in.ReadTuple();
  return update;
}

}  // namespace

Result<Message> Decode(std::string_view bytes) {
  if (bytes.empty()) {
    return Status::Corruption("empty pgoutput message");
  }
  const char tag = bytes[0];
  Reader in(bytes.substr(1));
  Message message;
  switch (tag) {
    case 'B':
      message = Begin{in.Int<Lsn>(), in.Int<PgTime>(), in.Int<std::uint32_t>()};
      break;
    case 'C':
      message = ReadCommit(in);
      break;
    case 'O': {
      Origin origin;
      origin.commit_lsn = in.Int<Lsn>();
      origin.name = in.CString();
      message = std::move(origin);
      break;
    }
    case 'R':
      message = ReadRelation(in);
      break;
    case 'Y': {
      Type type;
      type.id = in.Int<Oid>();
      type.schema = in.CString();
      type.name = in.CString();
      message = std::move(type);
      break;
    }
    case 'I': {
      Insert insert;
      insert.relation = in.Int<Oid>();
      if (in.Byte() != 'N') {
        return Status::Corruption("pgoutput INSERT without a new tuple");
      }
      insert.new_tuple = in.ReadTuple();
      message = std::move(insert);
      break;
    }
    case 'U': {
      Update update = ReadUpdate(in);
      if (update.relation == 0) {
        return Status::Corruption("pgoutput UPDATE without a new tuple");
      }
      message = std::move(update);
      break;
    }
    case 'D': {
      Delete deletion;
      deletion.relation = in.Int<Oid>();
      deletion.old_kind = in.Byte();
      if (deletion.old_kind != 'K' && deletion.old_kind != 'O') {
        return Status::Corruption("pgoutput DELETE without an old tuple");
      }
      deletion.old_tuple = in.ReadTuple();
      message = std::move(deletion);
      break;
    }
    case 'T': {
      Truncate truncate;
      const std::uint32_t count = in.Int<std::uint32_t>();
      const std::uint8_t options = in.Int<std::uint8_t>();
      truncate.cascade = (options & 1) != 0;
      truncate.restart_identity = (options & 2) != 0;
      for (std::uint32_t i = 0; i < count && in.ok(); ++i) {
        truncate.relations.push_back(in.Int<Oid>());
      }
      message = std::move(truncate);
      break;
    }
    case 'M': {
      LogicalMessage logical;
      logical.transactional = (in.Int<std::uint8_t>() & 1) != 0;
      logical.lsn = in.Int<Lsn>();
      logical.prefix = in.CString();
      logical.content = std::string(in.Bytes(in.Int<std::uint32_t>()));
      message = std::move(logical);
      break;
    }
    case 'S':
      message = StreamStart{in.Int<std::uint32_t>(), in.Int<std::uint8_t>() == 1};
      break;
    case 'E':
      message = StreamStop{};
      break;
    case 'c': {
      StreamCommit commit;
      commit.xid = in.Int<std::uint32_t>();
      commit.commit = ReadCommit(in);
      message = commit;
      break;
    }
    case 'A': {
      StreamAbort abort;
      abort.xid = in.Int<std::uint32_t>();
      abort.subxid = in.Int<std::uint32_t>();
      message = abort;
      break;
    }
    default:
      return Status::Corruption(std::string("unknown pgoutput message type '") + tag + "'");
  }
  if (!in.ok() || !in.done()) {
    return Status::Corruption(std::string("malformed pgoutput message of type '") + tag + "'");
  }
  return message;
}

Result<std::optional<StreamedChange>> SplitStreamedChange(std::string_view bytes) {
  if (bytes.empty()) {
    return Status::Corruption("empty pgoutput message");
  }
  if (std::string_view("RYIUDTM").find(bytes[0]) == std::string_view::npos) {
    return std::optional<StreamedChange>();
  }
  Reader in(bytes.substr(1, 4));
  const std::uint32_t xid = in.Int<std::uint32_t>();
  if (!in.ok()) {
    return Status::Corruption(std::string("streamed pgoutput message of type '") + bytes[0] +
                              "' without its transaction id");
  }
  return std::optional<StreamedChange>(StreamedChange{xid, bytes[0], bytes.substr(5)});
}

std::string FormatLsn(Lsn lsn) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xFFFFFFFF));
  return buffer;
}

std::optional<Lsn> ParseLsn(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return std::nullopt;
  }
  std::uint32_t high = 0, low = 0;
  const char* mid = text.data() + slash;
  const char* end = text.data() + text.size();
  const auto a = std::from_chars(text.data(), mid, high, 16);
  const auto b = std::from_chars(mid + 1, end, low, 16);
  if (a.ec != std::errc() || a.ptr != mid || b.ec != std::errc() || b.ptr != end) {
    return std::nullopt;
  }
  return (static_cast<Lsn>(high) << 32) | low;
}

}  // namespace replicad::drivers::postgres::pgoutput
