#include "drivers/postgres/pg_setup.h"

#include <libpq-fe.h>

#include <cctype>
#include <set>

#include "streams/core/log.h"

namespace replicad::drivers::postgres {
namespace {

std::string Value(const PgResult& result, int row = 0, int column = 0) {
  return PQgetisnull(result.get(), row, column) ? "" : PQgetvalue(result.get(), row, column);
}

// "public.orders" -> ("public", "orders"); "orders" -> ("public", "orders").
std::pair<std::string, std::string> Split(const std::string& name) {
  const std::size_t dot = name.find('.');
  return dot == std::string::npos ? std::pair<std::string, std::string>{"public", name}
                                  : std::pair{name.substr(0, dot), name.substr(dot + 1)};
}

// The tables a collection_table filter matches now (globs become LIKE patterns).
Result<std::vector<std::string>> MatchTables(PgConnection& connection,
                                             const std::vector<std::string>& filters) {
  std::vector<std::string> tables;
  for (const std::string& filter : filters) {
    auto [schema, table] = Split(filter);
    auto like = [](std::string text) {
      std::string out;
      for (char c : text) {
        out += c == '*' ? '%' : c == '?' ? '_' : c;
      }
      return out;
    };
    ASSIGN_OR_RETURN(PgResult result,
                     connection.Execute("SELECT quote_ident(schemaname) || '.' || "
                                        "quote_ident(tablename) FROM pg_tables WHERE schemaname "
                                        "LIKE $1 AND tablename LIKE $2 ORDER BY 1",
                                        {like(schema).c_str(), like(table).c_str()}));
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      tables.push_back(Value(result, row));
    }
  }
  if (tables.empty()) {
    return Status::FailedPrecondition("collection_table matches no table on the source");
  }
  return tables;
}

}  // namespace

std::string DefaultSlotName(std::string_view stream_id) {
  // One-to-one, so distinct stream ids ("Orders", "orders", "orders-v1", "orders_v1") never
  // share a slot: anything but a-z and 0-9 is written as _ and two hex digits.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name = "replicad_";
  for (unsigned char c : stream_id) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      name += static_cast<char>(c);
    } else {
      name += '_';
      name += kHex[c >> 4];
      name += kHex[c & 15];
    }
  }
  if (name.size() <= 63) {
    return name;
  }
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a of the id
  for (unsigned char c : stream_id) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  name.resize(46);
  name += '_';
  for (int shift = 60; shift >= 0; shift -= 4) {
    name += kHex[(hash >> shift) & 15];
  }
  return name;
}

Status CheckServer(PgConnection& connection) {
  ASSIGN_OR_RETURN(PgResult result, connection.Execute("SHOW wal_level"));
  if (Value(result) != "logical") {
    return Status::FailedPrecondition("the source server has wal_level=" + Value(result) +
                                      "; logical replication needs wal_level=logical "
                                      "(ALTER SYSTEM SET wal_level = logical; then restart)");
  }
  return Status::Ok();
}

Status EnsurePublication(PgConnection& connection, const SourceSetup& setup) {
  ASSIGN_OR_RETURN(PgResult exists, connection.Execute("SELECT 1 FROM pg_publication WHERE "
                                                       "pubname = $1",
                                                       {setup.publication.c_str()}));
  if (PQntuples(exists.get()) == 0) {
    std::string sql = "CREATE PUBLICATION " + QuoteIdentifier(setup.publication);
    if (setup.tables.empty()) {
      sql += " FOR ALL TABLES";
    } else {
      ASSIGN_OR_RETURN(std::vector<std::string> tables, MatchTables(connection, setup.tables));
      std::string list;
      for (const std::string& table : tables) {
        list += (list.empty() ? "" : ", ") + table;
      }
      sql += " FOR TABLE " + list;
    }
    RETURN_IF_ERROR(connection.Execute(sql).status().Annotate("creating the publication"));
  } else if (!setup.tables.empty()) {
    // A configured table the publication lacks (added to collection_table, or dropped and
    // made again) would otherwise stream nothing, silently. Tables are only ever added.
    ASSIGN_OR_RETURN(std::vector<std::string> tables, MatchTables(connection, setup.tables));
    ASSIGN_OR_RETURN(PgResult published,
                     connection.Execute("SELECT quote_ident(schemaname) || '.' || "
                                        "quote_ident(tablename) FROM pg_publication_tables "
                                        "WHERE pubname = $1",
                                        {setup.publication.c_str()}));
    std::set<std::string> in_publication;
    for (int row = 0; row < PQntuples(published.get()); ++row) {
      in_publication.insert(Value(published, row));
    }
    for (const std::string& table : tables) {
      if (in_publication.contains(table)) {
        continue;
      }
      RETURN_IF_ERROR(connection
                          .Execute("ALTER PUBLICATION " + QuoteIdentifier(setup.publication) +
                                   " ADD TABLE " + table)
                          .status()
                          .Annotate("adding " + table + " to the publication"));
      log::Info("table added to the publication",
                {{"publication", setup.publication}, {"table", table}});
    }
  }
  // relreplident: d default (the primary key), n nothing, f full, i an index.
  ASSIGN_OR_RETURN(
      PgResult unusable,
      connection.Execute("SELECT quote_ident(p.schemaname) || '.' || quote_ident(p.tablename) "
                         "FROM pg_publication_tables p JOIN pg_namespace n ON n.nspname = "
                         "p.schemaname JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = "
                         "p.tablename WHERE p.pubname = $1 AND (c.relreplident = 'n' OR "
                         "(c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE "
                         "i.indrelid = c.oid AND i.indisprimary))) ORDER BY 1",
                         {setup.publication.c_str()}));
  if (PQntuples(unusable.get()) > 0) {
    std::string tables;
    for (int row = 0; row < PQntuples(unusable.get()); ++row) {
      tables += (tables.empty() ? "" : ", ") + Value(unusable, row);
    }
    return Status::FailedPrecondition(
        "table(s) " + tables +
        " have no primary key and no replica identity, so their updates and deletes cannot be "
        "replicated (and fail on the source once published); add a primary key, or run ALTER "
        "TABLE ... REPLICA IDENTITY FULL");
  }
  return Status::Ok();
}

Result<pgoutput::Lsn> EnsureSlot(PgConnection& connection, const SourceSetup& setup) {
  const char* slot = setup.slot.c_str();
  ASSIGN_OR_RETURN(PgResult found,
                   connection.Execute("SELECT plugin, confirmed_flush_lsn, wal_status FROM "
                                      "pg_replication_slots WHERE slot_name = $1",
                                      {slot}));
  if (PQntuples(found.get()) == 0) {
    if (!setup.create_slot) {
      return Status::FailedPrecondition("replication slot " + setup.slot +
                                        " does not exist and create_slot is false");
    }
    ASSIGN_OR_RETURN(PgResult created,
                     connection.Execute("SELECT lsn FROM pg_create_logical_replication_slot($1, "
                                        "'pgoutput')",
                                        {slot}));
    return pgoutput::ParseLsn(Value(created)).value_or(0);
  }
  if (Value(found, 0, 0) != "pgoutput") {
    return Status::FailedPrecondition("replication slot " + setup.slot + " uses plugin " +
                                      Value(found, 0, 0) + ", not pgoutput");
  }
  if (Value(found, 0, 2) == "lost") {
    return Status::FailedPrecondition("replication slot " + setup.slot +
                                      " was invalidated (its WAL was removed): changes are lost; "
                                      "drop the slot and reset the stream's position");
  }
  return pgoutput::ParseLsn(Value(found, 0, 1)).value_or(0);
}

Result<std::int64_t> RetainedWalBytes(PgConnection& connection, const std::string& slot) {
  ASSIGN_OR_RETURN(PgResult result,
                   connection.Execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                                      "restart_lsn)::int8 FROM pg_replication_slots WHERE "
                                      "slot_name = $1",
                                      {slot.c_str()}));
  if (PQntuples(result.get()) == 0) {
    return Status::NotFound("replication slot " + slot + " does not exist");
  }
  return std::stoll(Value(result).empty() ? "0" : Value(result));
}

}  // namespace replicad::drivers::postgres
