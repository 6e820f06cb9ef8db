#include "streams/core/redact.h"

#include <array>
#include <cctype>

namespace replicad {
namespace {

// A key is secret when it ends with one of these: password, sslpassword, client_secret, ...
constexpr std::array<std::string_view, 5> kSecretKeySuffixes = {"password", "passwd", "pwd",
                                                                "secret", "token"};

bool IsSecretKey(std::string_view key) {
  std::string lower;
  for (char c : key) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (std::string_view suffix : kSecretKeySuffixes) {
    if (lower.ends_with(suffix)) {
      return true;
    }
  }
  return false;
}

std::string RedactUserInfo(std::string_view text) {
  const std::size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(text);
  }
  const std::size_t start = scheme + 3;
  const std::size_t at = text.rfind('@', text.find_first_of("/?", start));
  if (at == std::string_view::npos || at < start) {
    return std::string(text);
  }
  const std::size_t colon = text.find(':', start);
  if (colon == std::string_view::npos || colon > at) {
    return std::string(text);
  }
  std::string out(text.substr(0, colon + 1));
  out += kMasked;
  out += text.substr(at);
  return out;
}

}  // namespace

std::string RedactCredentials(std::string_view input) {
  const std::string text = RedactUserInfo(input);
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t equals = text.find('=', i);
    if (equals == std::string::npos) {
      out += text.substr(i);
      break;
    }
    std::size_t key_start = equals;
    while (key_start > i && (std::isalnum(static_cast<unsigned char>(text[key_start - 1])) ||
                             text[key_start - 1] == '_')) {
      --key_start;
    }
    out += text.substr(i, equals + 1 - i);
    i = equals + 1;
    if (!IsSecretKey(std::string_view(text).substr(key_start, equals - key_start))) {
      continue;
    }
    std::size_t end = i;
    if (end < text.size() && text[end] == '\'') {
      end = text.find('\'', end + 1);
      end = end == std::string::npos ? text.size() : end + 1;
    } else {
      while (end < text.size() && text[end] != ' ' && text[end] != '&' && text[end] != ';') {
        ++end;
      }
    }
    out += kMasked;
    i = end;
  }
  return out;
}

}  // namespace replicad
