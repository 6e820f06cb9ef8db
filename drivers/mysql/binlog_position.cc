#include "drivers/mysql/binlog_position.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

namespace replicad::drivers::mysql {
namespace {

constexpr std::string_view kPrefix = "mysql1:";

template <class T>
bool ParseNumber(std::string_view text, T& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string GtidState::ToString() const {
  std::string out;
  for (const auto& [domain, entry] : domains) {
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(domain) + '-' + std::to_string(entry.server_id) + '-' +
           std::to_string(entry.sequence);
  }
  return out;
}

Result<GtidState> GtidState::Parse(std::string_view text) {
  GtidState state;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\n')) {
      item.remove_prefix(1);
    }
    const std::size_t first = item.find('-');
    const std::size_t second = first == std::string_view::npos ? first : item.find('-', first + 1);
    std::uint32_t domain = 0;
    Entry entry;
    if (second == std::string_view::npos || !ParseNumber(item.substr(0, first), domain) ||
        !ParseNumber(item.substr(first + 1, second - first - 1), entry.server_id) ||
        !ParseNumber(item.substr(second + 1), entry.sequence)) {
      return Status::InvalidArgument("not a MariaDB GTID: '" + std::string(item) + "'");
    }
    state.domains[domain] = entry;
  }
  return state;
}

std::string BinlogPosition::Describe() const {
  const std::string at = file + ":" + std::to_string(offset);
  return use_gtid ? "gtid " + gtid.ToString() + " (" + at + ")" : at;
}

Position EncodePosition(const BinlogPosition& position) {
  boost::json::object out;
  out["server_id"] = position.server_id;
  if (!position.server_uuid.empty()) {
    out["server_uuid"] = position.server_uuid;
  }
  if (position.use_gtid) {
    out["gtid"] = position.gtid.ToString();
  }
  out["file"] = position.file;
  out["offset"] = position.offset;
  return Position{std::string(kPrefix) + boost::json::serialize(out)};
}

Result<BinlogPosition> DecodePosition(const Position& position) {
  const auto corrupt = [&](std::string_view why) {
    return Status::Corruption("not a mysql position (" + std::string(why) +
                              "); reset it with `replicad positions reset`");
  };
  if (!std::string_view(position.bytes).starts_with(kPrefix)) {
    return corrupt("unknown format or version");
  }
  boost::system::error_code error;
  const boost::json::value value =
      boost::json::parse(std::string_view(position.bytes).substr(kPrefix.size()), error);
  if (error || !value.is_object()) {
    return corrupt("not JSON");
  }
  const boost::json::object& object = value.get_object();
  BinlogPosition out;
  const boost::json::value* server_id = object.if_contains("server_id");
  const boost::json::value* file = object.if_contains("file");
  const boost::json::value* offset = object.if_contains("offset");
  if (server_id == nullptr || !server_id->is_number() || file == nullptr || !file->is_string() ||
      offset == nullptr || !offset->is_number()) {
    return corrupt("server_id, file or offset missing");
  }
  boost::system::error_code number_error;
  out.server_id = server_id->to_number<std::uint32_t>(number_error);
  if (!number_error) {
    out.offset = offset->to_number<std::uint64_t>(number_error);
  }
  if (number_error) {
    return corrupt("server_id or offset is not a whole number in range");
  }
  out.file = std::string(file->get_string());
  if (const boost::json::value* uuid = object.if_contains("server_uuid");
      uuid != nullptr && uuid->is_string()) {
    out.server_uuid = std::string(uuid->get_string());
  }
  if (const boost::json::value* gtid = object.if_contains("gtid"); gtid != nullptr) {
    if (!gtid->is_string()) {
      return corrupt("gtid is not a string");
    }
    Result<GtidState> state = GtidState::Parse(gtid->get_string());
    if (!state.ok()) {
      return corrupt(state.status().message());
    }
    out.use_gtid = true;
    out.gtid = std::move(*state);
  }
  return out;
}

}  // namespace replicad::drivers::mysql
