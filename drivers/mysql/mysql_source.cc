#include "drivers/mysql/mysql_source.h"

#include <mysql.h>
// After mysql.h: mariadb_rpl.h uses its types without including it.
#include <mariadb_rpl.h>

#include <algorithm>
#include <atomic>
#include <boost/json/monotonic_resource.hpp>
#include <cctype>
#include <map>

#include "config/consistency.h"
#include "drivers/mysql/binlog_event.h"
#include "drivers/mysql/binlog_position.h"
#include "drivers/mysql/mysql_check.h"

namespace replicad::drivers::mysql {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kBehindInterval{5};
constexpr std::size_t kArenaBlock = 64 * 1024;  // first block of a read's arena

constexpr std::string_view kResetHint =
    "; to start over, stop replicad and run `replicad positions reset STREAM --data-dir DIR`";

struct RplDeleter {
  void operator()(MARIADB_RPL* rpl) const { mariadb_rpl_close(rpl); }
};
struct EventDeleter {
  void operator()(MARIADB_RPL_EVENT* event) const { mariadb_free_rpl_event(event); }
};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "TRUNCATE [TABLE] [`db`.]`name`" -> (db, name); nullopt for any other statement.
std::optional<std::pair<std::string, std::string>> TruncatedTable(std::string_view sql) {
  std::string_view rest = sql;
  auto skip_space = [&] {  // and /* comments */
    for (;;) {
      while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) {
        rest.remove_prefix(1);
      }
      if (!rest.starts_with("/*")) {
        return;
      }
      const std::size_t end = rest.find("*/");
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    }
  };
  auto keyword = [&](std::string_view word) {
    skip_space();
    if (rest.size() <= word.size() || Lower(rest.substr(0, word.size())) != word ||
        std::isalnum(static_cast<unsigned char>(rest[word.size()])) || rest[word.size()] == '_') {
      return false;
    }
    rest.remove_prefix(word.size());
    return true;
  };
  if (!keyword("truncate")) {
    return std::nullopt;
  }
  auto name = [&]() -> std::string {
    skip_space();
    std::string out;
    if (!rest.empty() && rest.front() == '`') {
      rest.remove_prefix(1);
      while (!rest.empty()) {
        if (rest.front() == '`') {
          rest.remove_prefix(1);
          if (rest.empty() || rest.front() != '`') {
            break;
          }
        }
        out += rest.front();
        rest.remove_prefix(1);
      }
      return out;
    }
    while (!rest.empty() && (std::isalnum(static_cast<unsigned char>(rest.front())) ||
                             rest.front() == '_' || rest.front() == '$')) {
      out += rest.front();
      rest.remove_prefix(1);
    }
    return out;
  };
  keyword("table");
  std::string first = name();
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    return std::pair{first, name()};
  }
  return std::pair{std::string(), first};
}

// binlog.999999 comes before binlog.1000000: longer names are later.
bool BinlogBefore(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

class MysqlSource final : public Source {
 public:
  MysqlSource(Executor executor, MysqlSourceOptions options)
      : executor_(std::move(executor)), options_(std::move(options)) {
    if (options_.server_id == 0) {
      options_.server_id = DefaultServerId(options_.stream_id);
    }
    database_ = options_.connect.database.empty() ? options_.connect.uri.database
                                                  : options_.connect.database;
  }

  ~MysqlSource() override { Disconnect(); }

  Task<Status> Open(std::optional<Position> resume) override {
    co_return co_await RunBlocking([&] { return Connect(resume); });
  }

  Task<Result<ReadResult>> Read(std::size_t max_events, std::chrono::milliseconds linger) override {
    const Clock::time_point deadline = Clock::now() + linger;
    co_return co_await RunBlocking([&] { return Fetch(max_events, deadline); });
  }

  Task<Status> Ack(Position) override { co_return Status::Ok(); }

  std::optional<std::int64_t> BytesBehind() const override {
    const std::int64_t behind = bytes_behind_;
    return behind < 0 ? std::nullopt : std::optional<std::int64_t>(behind);
  }

  Task<void> Close() override {
    co_await RunBlocking([&] { Disconnect(); });
  }

 private:
  struct PendingGtid {
    std::uint32_t domain = 0;
    std::uint32_t server_id = 0;
    std::uint64_t sequence = 0;
    bool standalone = false;
    std::string text;  // "domain-server-sequence", made once for every row of the group
  };

  void Disconnect() {
    event_.reset();
    rpl_.reset();
    replication_.reset();
    control_.reset();
    tables_.clear();
  }

  Status Connect(const std::optional<Position>& resume) {
    Disconnect();
    MysqlConnectOptions control_options = options_.connect;
    control_options.read_timeout_seconds = 10;
    ASSIGN_OR_RETURN(std::unique_ptr<MysqlConnection> control,
                     MysqlConnection::Connect(control_options));
    ASSIGN_OR_RETURN(ServerSettings server, ReadServerSettings(*control));
    RETURN_IF_ERROR(RequireReplicationSettings(server));
    use_gtid_ =
        options_.gtid == GtidMode::kOn || (options_.gtid == GtidMode::kAuto && server.mariadb);
    if (use_gtid_ && !server.mariadb) {
      return Status::FailedPrecondition(
          "mysql source: gtid: on needs MariaDB (MySQL GTIDs are not supported; use gtid: off)");
    }
    if (options_.server_id == server.server_id) {
      ++options_.server_id;  // a replica may not share the server's own id
    }
    if (resume) {
      ASSIGN_OR_RETURN(position_, DecodePosition(*resume));
      RETURN_IF_ERROR(CheckSameServer(server));
      if (position_.use_gtid != use_gtid_) {
        return Status::FailedPrecondition("mysql source: the checkpoint was taken with gtid " +
                                          std::string(position_.use_gtid ? "on" : "off") +
                                          " and the stream now has it " +
                                          (use_gtid_ ? "on" : "off") + std::string(kResetHint));
      }
      if (!use_gtid_) {
        RETURN_IF_ERROR(CheckFileRetained(*control));
      }
    } else {
      ASSIGN_OR_RETURN(position_, StartPosition(*control, server));
    }
    // Every event we are sent carries a CRC32 when the server writes them (the library sets
    // its own flag only after the first FORMAT_DESCRIPTION, and a ROTATE comes before it).
    ASSIGN_OR_RETURN(std::vector<Row> checksum, control->Query("SELECT @@global.binlog_checksum"));
    checksums_ = !checksum.empty() && checksum[0][0] && *checksum[0][0] != "NONE";
    // The server sends a heartbeat after `heartbeat` of silence, so a read that waits far
    // longer means the connection is dead: fail it (Unavailable) and let the stream reconnect.
    MysqlConnectOptions replication = options_.connect;
    replication.read_timeout_seconds = 30;
    ASSIGN_OR_RETURN(replication_, MysqlConnection::Connect(replication));
    std::string setup =
        "SET @master_binlog_checksum=@@global.binlog_checksum; "
        "SET @mariadb_slave_capability=4; SET @master_heartbeat_period=" +
        std::to_string(std::chrono::nanoseconds(options_.heartbeat).count());
    if (use_gtid_) {
      setup += "; SET @slave_connect_state=" + replication_->Literal(position_.gtid.ToString()) +
               "; SET @slave_gtid_strict_mode=1; SET @slave_gtid_ignore_duplicates=0";
    }
    RETURN_IF_ERROR(replication_->Execute(setup));
    rpl_.reset(mariadb_rpl_init(replication_->raw()));
    if (!rpl_) {
      return Status::Internal("mariadb_rpl_init failed");
    }
    const std::string file = use_gtid_ ? std::string() : position_.file;
    const unsigned long start = use_gtid_ ? 4 : static_cast<unsigned long>(position_.offset);
    const unsigned int server_id = options_.server_id;
    const unsigned int verify = 0;  // Fetch checks every event's CRC32 itself
    mariadb_rpl_optionsv(rpl_.get(), MARIADB_RPL_SERVER_ID, server_id);
    mariadb_rpl_optionsv(rpl_.get(), MARIADB_RPL_FILENAME, file.c_str(), file.size());
    mariadb_rpl_optionsv(rpl_.get(), MARIADB_RPL_START, start);
    mariadb_rpl_optionsv(rpl_.get(), MARIADB_RPL_VERIFY_CHECKSUM, verify);
    mariadb_rpl_optionsv(rpl_.get(), MARIADB_RPL_FLAGS, static_cast<unsigned int>(0));
    if (mariadb_rpl_open(rpl_.get()) != 0) {
      return StreamError("starting the binlog stream at " + position_.Describe());
    }
    control_ = std::move(control);
    in_transaction_ = false;
    close_pending_ = false;
    pending_ = {};
    group_rows_ = 0;
    // A first start records where it began at once, so that a crash before the first change
    // resumes there rather than at a later end of the binlog.
    offer_start_ = !resume.has_value();
    return Status::Ok();
  }

  Status CheckSameServer(const ServerSettings& server) const {
    const bool same = position_.server_id == server.server_id &&
                      (position_.server_uuid.empty() || position_.server_uuid == server.uuid);
    if (same) {
      return Status::Ok();
    }
    return Status::FailedPrecondition(
        "mysql source: the checkpoint (" + position_.Describe() + ") belongs to server id " +
        std::to_string(position_.server_id) + ", but this server has id " +
        std::to_string(server.server_id) + std::string(kResetHint));
  }

  Status CheckFileRetained(MysqlConnection& control) const {
    ASSIGN_OR_RETURN(std::vector<Row> logs, control.Query("SHOW BINARY LOGS"));
    for (const Row& log : logs) {
      if (log.size() >= 2 && log[0] == position_.file) {
        if (log[1] && std::stoull(*log[1]) < position_.offset) {
          break;  // the file is shorter than the checkpoint: not the binlog we read
        }
        return Status::Ok();
      }
    }
    return Status::FailedPrecondition(
        "mysql source: the binlog of the checkpoint (" + position_.Describe() +
        ") is no longer on the server (purged?)" + std::string(kResetHint));
  }

  Result<BinlogPosition> StartPosition(MysqlConnection& control, const ServerSettings& server) {
    BinlogPosition start;
    start.server_id = server.server_id;
    start.server_uuid = server.uuid;
    start.use_gtid = use_gtid_;
    if (options_.start_earliest) {
      ASSIGN_OR_RETURN(std::vector<Row> logs, control.Query("SHOW BINARY LOGS"));
      if (logs.empty() || !logs[0][0]) {
        return Status::FailedPrecondition("mysql source: the server lists no binary logs");
      }
      start.file = *logs[0][0];
      if (use_gtid_) {
        // The state the oldest file starts from (its GTID list): an empty state finds no file
        // once any binlog was purged.
        ASSIGN_OR_RETURN(
            std::vector<Row> gtid,
            control.Query("SELECT BINLOG_GTID_POS(" + control.Literal(start.file) + ", 4)"));
        ASSIGN_OR_RETURN(start.gtid, GtidState::Parse(gtid.at(0).at(0).value_or("")));
      }
      return start;  // the start of the oldest binlog
    }
    ASSIGN_OR_RETURN(std::vector<Row> status, control.Query("SHOW MASTER STATUS"));
    if (status.empty() || !status[0][0] || !status[0][1]) {
      return Status::FailedPrecondition("mysql source: SHOW MASTER STATUS is empty (log_bin off?)");
    }
    start.file = *status[0][0];
    start.offset = std::stoull(*status[0][1]);
    if (use_gtid_) {
      ASSIGN_OR_RETURN(std::vector<Row> gtid, control.Query("SELECT @@global.gtid_binlog_pos"));
      ASSIGN_OR_RETURN(start.gtid, GtidState::Parse(gtid.at(0).at(0).value_or("")));
    }
    return start;
  }

  // Binlog bytes not read yet: the rest of the current file and every later one. Best
  // effort, every few seconds: a failed look leaves the last value.
  void RefreshBytesBehind() {
    if (!control_ || Clock::now() - last_behind_ < kBehindInterval) {
      return;
    }
    last_behind_ = Clock::now();
    Result<std::vector<Row>> logs = control_->Query("SHOW BINARY LOGS");
    if (!logs.ok()) {
      bytes_behind_ = -1;  // unknown rather than stale
      return;
    }
    std::int64_t behind = 0;
    for (const Row& log : *logs) {
      if (log.size() < 2 || !log[0] || !log[1] || BinlogBefore(*log[0], position_.file)) {
        continue;
      }
      const std::int64_t size = std::stoll(*log[1]);
      behind += *log[0] == position_.file
                    ? std::max<std::int64_t>(0, size - static_cast<std::int64_t>(position_.offset))
                    : size;
    }
    bytes_behind_ = behind;
  }

  Status StreamError(std::string_view context) const {
    const unsigned number = mysql_errno(replication_->raw());
    if (number == 1236) {
      return Status(StatusCode::kFailedPrecondition,
                    "mysql source: the server cannot send the binlog from " + position_.Describe() +
                        ": " + mysql_error(replication_->raw()) + std::string(kResetHint))
          .WithNativeCode("1236");
    }
    if (number == 0) {
      return Status::Unavailable(std::string(context) + ": " + mariadb_rpl_error(rpl_.get()));
    }
    return replication_->LastError(context);
  }

  Result<ReadResult> Fetch(std::size_t max_events, Clock::time_point deadline) {
    RefreshBytesBehind();
    ReadResult out;
    if (offer_start_) {
      offer_start_ = false;
      out.checkpoint = EncodePosition(position_);
      return out;
    }
    out.events.reserve(max_events);
    // This read's events share one arena (see Event).
    arena_ = std::make_shared<boost::json::monotonic_resource>(kArenaBlock);
    // One rows event may carry many rows: stop before the next would likely overshoot
    // max_events, so that a read fills one destination batch rather than one and a sliver.
    while (out.events.empty() || out.events.size() + rows_per_event_ <= max_events) {
      MARIADB_RPL_EVENT* fetched = mariadb_rpl_fetch(rpl_.get(), event_.get());
      if (fetched == nullptr) {
        event_.reset();
        return StreamError("reading the binlog at " + position_.Describe());
      }
      if (event_.get() != fetched) {
        event_.release();
        event_.reset(fetched);
      }
      std::size_t size = fetched->raw_data_size;
      const std::uint8_t* bytes = fetched->raw_data;
      if (size < 1 + binlog::kHeaderSize) {
        return Status::Corruption("mysql source: a binlog event of " + std::to_string(size) +
                                  " bytes at " + position_.Describe());
      }
      ++bytes;  // the packet's OK byte
      --size;
      ASSIGN_OR_RETURN(EventHeader header, ParseHeader({bytes, size}));
      if (header.event_size > size || header.event_size < binlog::kHeaderSize) {
        return Status::Corruption("mysql source: a binlog event says it has " +
                                  std::to_string(header.event_size) + " bytes, the packet " +
                                  std::to_string(size) + ", at " + position_.Describe());
      }
      size = header.event_size;
      if (header.type == binlog::kFormatDescription) {
        // Each binlog file says for itself whether its events carry a CRC32.
        ASSIGN_OR_RETURN(checksums_, FormatDescriptionHasChecksum({bytes + binlog::kHeaderSize,
                                                                   size - binlog::kHeaderSize}));
      }
      if (checksums_) {
        if (size < binlog::kHeaderSize + binlog::kChecksumSize || !ChecksumMatches({bytes, size})) {
          return Status::Corruption("mysql source: a binlog event (type " +
                                    std::to_string(header.type) + ") at " + position_.Describe() +
                                    " fails its CRC32 checksum");
        }
        size -= binlog::kChecksumSize;
      }
      const std::span<const std::uint8_t> body(bytes + binlog::kHeaderSize,
                                               size - binlog::kHeaderSize);
      Result<bool> heartbeat = Handle(header, body, out);
      if (!heartbeat.ok()) {
        return heartbeat.status().Annotate("mysql source at " + position_.Describe());
      }
      if (*heartbeat || Clock::now() >= deadline) {
        break;
      }
    }
    return out;
  }

  // Returns true for a heartbeat (the server had nothing to send).
  Result<bool> Handle(const EventHeader& header, std::span<const std::uint8_t> body,
                      ReadResult& out) {
    const bool artificial = (header.flags & 0x20) != 0;
    const bool starts_group = header.type == binlog::kMariaGtid ||
                              header.type == binlog::kMysqlGtid ||
                              header.type == binlog::kMysqlAnonymousGtid;
    if (close_pending_ &&
        (starts_group || header.type == binlog::kHeartbeat || header.type == binlog::kRotate)) {
      // A standalone group (DDL) ends where the next group, a rotation or the binlog's end
      // begins: only then is it known that no rows of it follow.
      Commit(out);
    }
    if (header.next_position != 0 && !artificial) {
      event_offset_ = position_.offset;
      position_.offset = header.next_position;
    }
    switch (header.type) {
      case binlog::kHeartbeat:
        return true;
      case binlog::kRotate: {
        ASSIGN_OR_RETURN(Rotate rotate, ParseRotate(body));
        position_.file = rotate.file;
        position_.offset = rotate.position;
        if (!artificial && !in_transaction_) {
          // Between transactions the new file is a place to resume: an idle stream's
          // checkpoint must not stay in a file that may be purged.
          out.checkpoint = EncodePosition(position_);
        }
        return false;
      }
      case binlog::kMariaGtid: {
        ASSIGN_OR_RETURN(MariaGtid gtid, ParseMariaGtid(body));
        if (gtid.xa) {
          return Status::FailedPrecondition(
              "an XA transaction (XA PREPARE/COMMIT) is in the binlog; its rows could be rolled "
              "back after PREPARE, and replicad does not replicate XA transactions");
        }
        pending_ = {gtid.domain, header.server_id, gtid.sequence, gtid.standalone,
                    std::to_string(gtid.domain) + "-" + std::to_string(header.server_id) + "-" +
                        std::to_string(gtid.sequence)};
        group_rows_ = 0;
        in_transaction_ = true;
        transaction_timestamp_ = header.timestamp;
        row_index_ = 0;
        return false;
      }
      case binlog::kMysqlGtid:
      case binlog::kMysqlAnonymousGtid:
        pending_ = {};
        group_rows_ = 0;
        in_transaction_ = true;
        transaction_timestamp_ = header.timestamp;
        row_index_ = 0;
        return false;
      case binlog::kTableMap: {
        ASSIGN_OR_RETURN(TableMap map, ParseTableMap(body));
        if (!map.has_names()) {
          return Status::FailedPrecondition(
              "the binlog carries no column names; set binlog_row_metadata=FULL on the server");
        }
        const bool captured = Captured(map.database, map.table);
        if (captured && map.primary_key.empty()) {
          return Status::FailedPrecondition(
              "table " + map.database + "." + map.table +
              " has no primary key, so its updates and deletes could not be applied by key; add "
              "one (ALTER TABLE ... ADD PRIMARY KEY (...)) or leave the table out of "
              "collection_table");
        }
        const std::uint64_t id = map.table_id;
        tables_[id] = {captured, std::move(map)};
        return false;
      }
      case binlog::kXid:
        Commit(out);
        return false;
      case binlog::kQuery: {
        ASSIGN_OR_RETURN(Query query, ParseQuery(body));
        if (query.sql == "BEGIN") {
          return false;
        }
        if (query.sql == "ROLLBACK" || query.sql.starts_with("ROLLBACK TO")) {
          // Logged only when non-transactional tables were changed: their changes stay, the
          // transactional ones are undone, and the rows events do not say which were which.
          if (group_rows_ > 0) {
            return Status::FailedPrecondition(
                "a transaction that changed captured tables ended in " + query.sql +
                " (it mixed transactional and non-transactional tables); its rows cannot be "
                "told apart, so replicad stops rather than apply changes that were undone");
          }
          if (query.sql == "ROLLBACK") {
            Commit(out);
          }
          return false;
        }
        if (auto truncated = TruncatedTable(query.sql)) {
          const std::string database = truncated->first.empty() ? query.database : truncated->first;
          if (Captured(database, truncated->second)) {
            Event event = NewEvent(Operation::kTruncate, database, truncated->second);
            out.events.push_back(std::move(event));
            ++group_rows_;
          }
        }
        if (query.sql == "COMMIT" || !in_transaction_) {
          Commit(out);
        } else if (pending_.standalone) {
          close_pending_ = true;
        }
        return false;
      }
      case binlog::kXaPrepare:
        return Status::FailedPrecondition(
            "an XA PREPARE is in the binlog; replicad does not replicate XA transactions");
      case binlog::kMysqlPartialUpdateRows:
        return Status::FailedPrecondition(
            "the binlog holds partial JSON updates; set binlog_row_value_options='' on the "
            "server");
      case binlog::kMysqlTransactionPayload:
      case binlog::kMariaQueryCompressed:
        return Status::FailedPrecondition(
            "the binlog is compressed (type " + std::to_string(header.type) +
            "); turn binlog_transaction_compression / log_bin_compress off on the server");
      default:
        if (IsRowsEvent(header.type)) {
          if (!in_transaction_ && !close_pending_) {
            return Status::Corruption("a rows event outside any transaction");
          }
          RETURN_IF_ERROR(AddRows(header.type, body, out));
        }
        return false;
    }
  }

  bool Captured(const std::string& database, const std::string& table) const {
    if (options_.tables.empty()) {
      if (!database_.empty()) {
        return database == database_;
      }
      return database != "mysql" && database != "sys" && database != "performance_schema" &&
             database != "information_schema";
    }
    const std::string qualified = database + "." + table;
    for (const std::string& filter : options_.tables) {
      const bool has_schema = filter.find('.') != std::string::npos;
      if (has_schema ? config::GlobMatch(filter, qualified)
                     : database == database_ && config::GlobMatch(filter, table)) {
        return true;
      }
    }
    return false;
  }

  Event NewEvent(Operation operation, const std::string& database, const std::string& table) {
    Event event(arena_);
    event.stream_id = options_.stream_id;
    event.operation = operation;
    event.event_id =
        position_.file + ":" + std::to_string(event_offset_) + ":" + std::to_string(row_index_++);
    event.timestamp =
        std::chrono::system_clock::time_point(std::chrono::seconds(transaction_timestamp_));
    event.source = {"mysql", database, database, table};
    event.metadata = {{"binlog_file", position_.file}, {"binlog_offset", event_offset_}};
    if (use_gtid_ && !pending_.text.empty()) {
      event.metadata["gtid"] = pending_.text;
    }
    return event;
  }

  Status AddRows(std::uint8_t type, std::span<const std::uint8_t> body, ReadResult& out) {
    ASSIGN_OR_RETURN(std::uint64_t table_id, RowsEventTableId(body));
    const auto found = tables_.find(table_id);
    if (found == tables_.end()) {
      return Status::Corruption("rows event for table id " + std::to_string(table_id) +
                                " before its TABLE_MAP");
    }
    const auto& [captured, map] = found->second;
    if (!captured) {
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(RowsEvent rows,
                     ParseRowsEvent(type, body, map, boost::json::storage_ptr(arena_.get())));
    rows_per_event_ = std::max<std::size_t>(1, rows.rows.size());
    for (RowChange& row : rows.rows) {
      // A session may still log MINIMAL or NOBLOB images: a row without all its columns
      // cannot be upserted faithfully (defaults, keys), so stop rather than guess.
      if ((row.after && row.after->size() != map.columns.size()) ||
          (row.before && row.before->size() != map.columns.size())) {
        return Status::FailedPrecondition(
            "a partial row image of " + map.database + "." + map.table +
            " (binlog_row_image is not FULL in some session); set binlog_row_image=FULL "
            "globally and in every writing session");
      }
      ++group_rows_;
      Event event = NewEvent(rows.operation, map.database, map.table);
      const boost::json::object* image = row.after ? &*row.after : &*row.before;
      for (std::size_t index : map.primary_key) {
        const std::string& name = map.columns.at(index).name;
        if (const boost::json::value* value = image->if_contains(name)) {
          event.key[name] = *value;
        }
      }
      if (row.before) {
        event.before = std::move(*row.before);
      }
      if (row.after) {
        event.after = std::move(*row.after);
      }
      out.events.push_back(std::move(event));
    }
    return Status::Ok();
  }

  void Commit(ReadResult& out) {
    if (use_gtid_ && pending_.sequence != 0) {
      position_.gtid.Advance(pending_.domain, pending_.server_id, pending_.sequence);
    }
    pending_ = {};
    in_transaction_ = false;
    close_pending_ = false;
    group_rows_ = 0;
    tables_.clear();  // every group maps its tables again; ids change with DDL and FLUSH
    const Position position = EncodePosition(position_);
    if (!out.events.empty() && !out.events.back().transaction_end) {
      out.events.back().transaction_end = true;
      out.events.back().position = position;
    }
    out.checkpoint = position;
  }

  Executor executor_;
  MysqlSourceOptions options_;
  std::string database_;
  bool use_gtid_ = false;
  bool checksums_ = false;
  BinlogPosition position_;
  std::uint64_t event_offset_ = 0;  // where the event being handled starts
  PendingGtid pending_;
  bool in_transaction_ = false;
  bool offer_start_ = false;
  bool close_pending_ = false;      // a standalone group awaits its end (see Handle)
  std::size_t group_rows_ = 0;      // rows of captured tables emitted in the current group
  std::size_t rows_per_event_ = 1;  // in the last rows event
  std::uint32_t transaction_timestamp_ = 0;
  std::uint64_t row_index_ = 0;
  std::map<std::uint64_t, std::pair<bool, TableMap>> tables_;  // id -> (captured, map)
  std::shared_ptr<boost::json::monotonic_resource> arena_;     // of the current Fetch
  std::unique_ptr<MysqlConnection> control_;                   // queries beside the stream
  Clock::time_point last_behind_;
  std::atomic<std::int64_t> bytes_behind_{-1};  // -1: not known yet
  std::unique_ptr<MysqlConnection> replication_;
  std::unique_ptr<MARIADB_RPL, RplDeleter> rpl_;
  std::unique_ptr<MARIADB_RPL_EVENT, EventDeleter> event_;
};

}  // namespace

std::uint32_t DefaultServerId(std::string_view stream_id) {
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (unsigned char c : stream_id) {
    hash = (hash ^ c) * 16777619u;
  }
  return (hash | 0x10000000u);
}

std::unique_ptr<Source> NewMysqlSource(Executor executor, MysqlSourceOptions options) {
  return std::make_unique<MysqlSource>(std::move(executor), std::move(options));
}

}  // namespace replicad::drivers::mysql
