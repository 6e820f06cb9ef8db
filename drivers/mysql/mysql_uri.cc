#include "drivers/mysql/mysql_uri.h"

#include <charconv>

namespace replicad::drivers::mysql {
namespace {

Result<std::string> PercentDecode(std::string_view text, std::string_view what) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) {
      return Status::InvalidArgument("bad percent-encoding in the " + std::string(what));
    }
    const auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc() || end != text.data() + i + 3) {
      return Status::InvalidArgument("bad percent-encoding in the " + std::string(what));
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

}  // namespace

Result<MysqlUri> ParseMysqlUri(std::string_view uri) {
  std::string_view rest = uri;
  if (rest.starts_with("mysql://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("mariadb://")) {
    rest.remove_prefix(10);
  } else {
    return Status::InvalidArgument("expected a URI starting with mysql:// or mariadb://");
  }
  MysqlUri parsed;
  const std::size_t query = rest.find('?');
  std::string_view query_text = query == std::string_view::npos ? "" : rest.substr(query + 1);
  rest = rest.substr(0, query);
  const std::size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    ASSIGN_OR_RETURN(parsed.database, PercentDecode(rest.substr(slash + 1), "database"));
    rest = rest.substr(0, slash);
  }
  const std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view user_info = rest.substr(0, at);
    const std::size_t colon = user_info.find(':');
    ASSIGN_OR_RETURN(parsed.user, PercentDecode(user_info.substr(0, colon), "user name"));
    if (colon != std::string_view::npos) {
      ASSIGN_OR_RETURN(parsed.password, PercentDecode(user_info.substr(colon + 1), "password"));
    }
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest;
  if (host.starts_with('[')) {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unterminated IPv6 address");
    }
    parsed.host = std::string(host.substr(1, close - 1));
    host = host.substr(close + 1);
  } else {
    const std::size_t colon = host.find(':');
    parsed.host = std::string(host.substr(0, colon));
    host = colon == std::string_view::npos ? "" : host.substr(colon);
  }
  if (!host.empty()) {
    if (host[0] != ':') {
      return Status::InvalidArgument("unexpected text after the host");
    }
    const std::string_view port = host.substr(1);
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), parsed.port);
    if (error != std::errc() || end != port.data() + port.size() || parsed.port < 1 ||
        parsed.port > 65535) {
      return Status::InvalidArgument("port must be a number from 1 to 65535");
    }
  }
  if (parsed.host.empty()) {
    return Status::InvalidArgument("missing host");
  }
  while (!query_text.empty()) {
    const std::size_t amp = query_text.find('&');
    const std::string_view pair = query_text.substr(0, amp);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Status::InvalidArgument("query parameters must be key=value");
    }
    ASSIGN_OR_RETURN(std::string value, PercentDecode(pair.substr(equals + 1), "parameters"));
    parsed.parameters.emplace_back(std::string(pair.substr(0, equals)), std::move(value));
    query_text = amp == std::string_view::npos ? "" : query_text.substr(amp + 1);
  }
  return parsed;
}

}  // namespace replicad::drivers::mysql
