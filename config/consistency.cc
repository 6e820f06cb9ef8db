#include "config/consistency.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "config/duration.h"

namespace replicad::config {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

namespace {

const std::vector<Node> kNoItems;

const std::vector<Node>& Items(const Node& root, std::string_view key) {
  const Node* list = root.Find(key);
  return list != nullptr && list->IsSequence() ? list->items : kNoItems;
}

bool ValidStreamId(std::string_view id) {
  if (id.empty() || id.size() > 63 || !std::isalnum(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// Collects ids of one list, reporting duplicates; returns the set of ids.
std::set<std::string, std::less<>> CollectIds(const std::vector<Node>& items, std::string_view what,
                                              Diagnostics& diagnostics) {
  std::map<std::string, int, std::less<>> first_line;
  for (const Node& item : items) {
    const Node* id = item.Find("id");
    if (id == nullptr || !id->IsScalar() || id->scalar.empty()) {
      continue;
    }
    auto [it, inserted] = first_line.emplace(id->scalar, id->mark.line);
    if (!inserted) {
      diagnostics.Add(id->mark, "duplicate " + std::string(what) + " id '" + id->scalar +
                                    "' (first at line " + std::to_string(it->second) + ")");
    }
  }
  std::set<std::string, std::less<>> ids;
  for (const auto& [id, line] : first_line) {
    ids.insert(id);
  }
  return ids;
}

void CheckReference(const Node& owner, std::string_view key, std::string_view what,
                    const std::set<std::string, std::less<>>& ids, Diagnostics& diagnostics) {
  const Node* ref = owner.Find(key);
  if (ref == nullptr || !ref->IsScalar() || ref->scalar.empty() || ids.contains(ref->scalar)) {
    return;
  }
  std::vector<std::string_view> known(ids.begin(), ids.end());
  const std::string closest = ClosestMatch(ref->scalar, known);
  const std::string shown = ref->interpolated ? "***" : ref->scalar;
  diagnostics.Add(
      ref->mark,
      std::string(key) + " '" + shown + "' names no " + std::string(what) +
          (closest.empty() || ref->interpolated ? "" : "; did you mean '" + closest + "'?"));
}

// A qualified name split at its last dot; an empty schema means "any/default".
struct TableName {
  std::string schema;
  std::string table;
};

TableName SplitTable(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) {
    return {"", std::string(name)};
  }
  return {std::string(name.substr(0, dot)), std::string(name.substr(dot + 1))};
}

// Can some name match both parts? Literal parts are matched exactly; two globs are assumed
// to overlap (the conservative answer for cycle detection).
bool PartsOverlap(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    return true;
  }
  const bool a_glob = a.find_first_of("*?") != std::string_view::npos;
  const bool b_glob = b.find_first_of("*?") != std::string_view::npos;
  if (!a_glob) {
    return GlobMatch(b, a);
  }
  if (!b_glob) {
    return GlobMatch(a, b);
  }
  return true;
}

struct StreamTables {
  std::string id;
  Mark mark;
  std::optional<Endpoint> source;
  std::optional<Endpoint> destination;
  std::vector<TableName> reads;  // patterns
  TableName writes;              // template; "{table}"/"{schema}" copy the source's part
};

// The names a stream writes, as patterns: its template applied to each pattern it reads.
std::vector<TableName> Written(const StreamTables& stream) {
  std::vector<TableName> written;
  for (const TableName& read : stream.reads) {
    TableName out = stream.writes;
    if (out.table.find("{table}") != std::string::npos) {
      out.table = out.table == "{table}" ? read.table : "*";
    }
    if (out.schema == "{schema}" || out.schema.empty()) {
      out.schema = read.schema;
    } else if (out.schema.find('{') != std::string::npos) {
      out.schema = "*";
    }
    written.push_back(out);
  }
  return written;
}

bool Feeds(const StreamTables& from, const StreamTables& to) {
  if (!from.destination || !to.source || !from.destination->SameServer(*to.source)) {
    return false;
  }
  for (const TableName& written : Written(from)) {
    for (const TableName& read : to.reads) {
      if (PartsOverlap(written.schema, read.schema) && PartsOverlap(written.table, read.table)) {
        return true;
      }
    }
  }
  return false;
}

bool HasPlaceholder(std::string_view part) { return part.find('{') != std::string_view::npos; }

// Does some table matched by `read` get written to itself through `target`? (Both have
// their schema filled in: unqualified names live in their server's default schema.)
bool MapsOntoItself(const TableName& read, const TableName& target) {
  const bool same_table = target.table == "{table}" ||
                          (!HasPlaceholder(target.table) && PartsOverlap(target.table, read.table));
  const bool same_schema =
      target.schema == "{schema}" ||
      (!HasPlaceholder(target.schema) && PartsOverlap(target.schema, read.schema));
  return same_table && same_schema;
}

bool WritesWhatItReads(const StreamTables& stream) {
  if (!stream.source || !stream.destination || !stream.source->SameServer(*stream.destination)) {
    return false;
  }
  return std::any_of(stream.reads.begin(), stream.reads.end(),
                     [&](const TableName& read) { return MapsOntoItself(read, stream.writes); });
}

std::optional<Endpoint> CheckEndpoint(const Node& endpoint, bool as_source, const Catalog& catalog,
                                      Diagnostics& diagnostics) {
  const DriverDescriptor* driver = catalog.FindDriver(endpoint.GetScalar("type"));
  if (driver == nullptr) {
    return std::nullopt;
  }
  if ((as_source ? driver->source_options : driver->sink_options) == nullptr) {
    diagnostics.Add(endpoint.Find("type")->mark, "driver '" + std::string(driver->type) +
                                                     "' cannot be used as a " +
                                                     (as_source ? "source" : "destination"));
  }
  const Node* connection = endpoint.Find("connection_string");
  if (connection == nullptr || !connection->IsScalar() || connection->scalar.empty()) {
    return std::nullopt;
  }
  Result<Endpoint> parsed = driver->parse_connection_string(connection->scalar);
  if (!parsed.ok()) {
    diagnostics.Add(connection->mark, "invalid connection_string for " + std::string(driver->type) +
                                          ": " + parsed.status().message());
    return std::nullopt;
  }
  Endpoint result = *parsed;
  result.family = std::string(driver->family);
  for (char& c : result.host) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (const std::string_view database = endpoint.GetScalar("database"); !database.empty()) {
    (driver->database_is_schema ? result.default_schema : result.database) = database;
  }
  return result;
}

StreamTables CheckStreamEndpoints(const Node& stream, const Catalog& catalog,
                                  Diagnostics& diagnostics) {
  StreamTables tables;
  tables.id = std::string(stream.GetScalar("id"));
  tables.mark = stream.mark;
  const Node* source = stream.Find("source");
  const Node* destination = stream.Find("destination");
  if (source == nullptr || !source->IsMap() || destination == nullptr || !destination->IsMap()) {
    return tables;
  }
  tables.source = CheckEndpoint(*source, true, catalog, diagnostics);
  tables.destination = CheckEndpoint(*destination, false, catalog, diagnostics);
  if (const Node* filter = source->Find("collection_table"); filter && filter->IsScalar()) {
    tables.reads.push_back(SplitTable(filter->scalar));
  } else if (filter && filter->IsSequence()) {
    for (const Node& item : filter->items) {
      tables.reads.push_back(SplitTable(item.scalar));
    }
  }
  if (tables.reads.empty()) {
    tables.reads.push_back({"", "*"});
  }
  tables.writes = SplitTable(destination->GetScalar("collection_table"));
  // Unqualified names live in their server's default schema.
  for (TableName& read : tables.reads) {
    if (read.schema.empty() && tables.source) {
      read.schema = tables.source->default_schema;
    }
  }
  if (tables.writes.schema.empty() && tables.destination) {
    tables.writes.schema = tables.destination->default_schema;
  }
  if (WritesWhatItReads(tables)) {
    diagnostics.Add(destination->KeyMark("collection_table"),
                    "stream '" + tables.id +
                        "' would write the same table it reads (same database, same table)");
  }
  return tables;
}

void CheckCycles(const std::vector<StreamTables>& streams, Diagnostics& diagnostics) {
  const std::size_t n = streams.size();
  std::vector<int> color(n, 0);  // 0 new, 1 on the current path, 2 done
  std::vector<std::size_t> path;
  std::set<std::set<std::size_t>> reported;
  auto visit = [&](auto&& self, std::size_t at) -> void {
    color[at] = 1;
    path.push_back(at);
    for (std::size_t next = 0; next < n; ++next) {
      if (next == at || !Feeds(streams[at], streams[next])) {
        continue;
      }
      if (color[next] == 1) {
        auto begin = std::find(path.begin(), path.end(), next);
        std::set<std::size_t> members(begin, path.end());
        if (reported.insert(members).second) {
          std::string chain;
          for (auto it = begin; it != path.end(); ++it) {
            chain += streams[*it].id + " -> ";
          }
          chain += streams[next].id;
          diagnostics.Add(streams[next].mark,
                          "streams form a cycle (each writes what the next "
                          "reads): " +
                              chain);
        }
      } else if (color[next] == 0) {
        self(self, next);
      }
    }
    path.pop_back();
    color[at] = 2;
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (color[i] == 0) {
      visit(visit, i);
    }
  }
}

void CheckRetryPolicy(const Node& stream, Diagnostics& diagnostics) {
  const Node* policy = stream.Find("retry_policy");
  if (policy == nullptr) {
    return;
  }
  Result<Duration> initial = ParseDuration(policy->GetScalar("initial_delay"));
  Result<Duration> max = ParseDuration(policy->GetScalar("max_delay"));
  if (initial.ok() && max.ok() && *max < *initial) {
    diagnostics.Add(policy->Find("max_delay")->mark,
                    "max_delay must not be shorter than initial_delay");
  }
}

void CheckDeadLetterDestination(const Node& owner,
                                const std::set<std::string, std::less<>>& stream_ids,
                                Diagnostics& diagnostics) {
  const Node* handling = owner.Find("error_handling");
  if (handling == nullptr || handling->GetScalar("on_error") != "dead_letter") {
    return;
  }
  const Node* destination = handling->Find("dead_letter_destination");
  if (destination == nullptr || destination->IsNull() || destination->scalar.empty()) {
    diagnostics.Add(handling->Find("on_error")->mark,
                    "on_error: dead_letter needs dead_letter_destination (local, or a stream id)");
  } else if (destination->scalar != "local" && !stream_ids.contains(destination->scalar)) {
    diagnostics.Add(destination->mark, "dead_letter_destination '" + destination->scalar +
                                           "' is neither 'local' nor a stream id");
  }
}

}  // namespace

void CheckConsistency(const Node& root, const Catalog& catalog, Diagnostics& diagnostics) {
  const std::vector<Node>& streams = Items(root, "streams");
  if (const Node* list = root.Find("streams");
      list != nullptr && (list->IsNull() || list->IsSequence()) && streams.empty()) {
    diagnostics.Add(root.KeyMark("streams"), "at least one stream is required");
  }
  const auto auth_ids = CollectIds(Items(root, "authentication"), "authentication", diagnostics);
  const auto transform_ids =
      CollectIds(Items(root, "transformations"), "transformation", diagnostics);
  const auto stream_ids = CollectIds(streams, "stream", diagnostics);

  for (const Node& transformation : Items(root, "transformations")) {
    CheckDeadLetterDestination(transformation, stream_ids, diagnostics);
  }
  std::vector<StreamTables> tables;
  for (const Node& stream : streams) {
    if (const Node* id = stream.Find("id"); id && id->IsScalar() && !ValidStreamId(id->scalar)) {
      diagnostics.Add(id->mark, "stream id '" + id->scalar +
                                    "' must be 1-63 letters, digits, '_', '-' or '.', starting "
                                    "with a letter or digit");
    }
    CheckReference(stream, "transformation_id", "transformation", transform_ids, diagnostics);
    for (std::string_view side : {"source", "destination"}) {
      if (const Node* endpoint = stream.Find(side); endpoint && endpoint->IsMap()) {
        CheckReference(*endpoint, "auth_id", "authentication entry", auth_ids, diagnostics);
      }
    }
    CheckRetryPolicy(stream, diagnostics);
    CheckDeadLetterDestination(stream, stream_ids, diagnostics);
    tables.push_back(CheckStreamEndpoints(stream, catalog, diagnostics));
  }
  CheckCycles(tables, diagnostics);
}

}  // namespace replicad::config
