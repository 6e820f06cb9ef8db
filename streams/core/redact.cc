#include "streams/core/redact.h"

#include <algorithm>
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

// "scheme://user:password@host": everything from the first ':' of the user info up to the
// last '@' is masked (a password may itself hold '/', '?' or '@').
std::string RedactUserInfo(std::string_view text) {
  const std::size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(text);
  }
  const std::size_t start = scheme + 3;
  const std::size_t at = text.rfind('@');
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

bool IsKeyChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The end of a value starting at `i`: in a URI query at '&' or '#'; in a key=value string
// at unescaped white space, or after a quoted value ('...' with backslash escapes).
std::size_t ValueEnd(std::string_view text, std::size_t i, bool uri) {
  if (uri) {
    const std::size_t end = text.find_first_of("&#", i);
    return end == std::string_view::npos ? text.size() : end;
  }
  if (i < text.size() && text[i] == '\'') {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '\'') {
        return i + 1;
      }
    }
    return text.size();
  }
  for (; i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])); ++i) {
    if (text[i] == '\\') {
      ++i;
    }
  }
  return std::min(i, text.size());
}

}  // namespace

std::string RedactCredentials(std::string_view input) {
  const std::string redacted = RedactUserInfo(input);
  const std::string_view text = redacted;
  const bool uri = text.find("://") != std::string_view::npos;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsKeyChar(text[i]) || (i > 0 && IsKeyChar(text[i - 1]))) {
      out += text[i++];
      continue;
    }
    std::size_t key_end = i;
    while (key_end < text.size() && IsKeyChar(text[key_end])) {
      ++key_end;
    }
    std::size_t equals = key_end;
    while (!uri && equals < text.size() && text[equals] == ' ') {
      ++equals;
    }
    if (equals >= text.size() || text[equals] != '=') {
      out += text.substr(i, key_end - i);
      i = key_end;
      continue;
    }
    std::size_t value = equals + 1;
    while (!uri && value < text.size() && text[value] == ' ') {
      ++value;
    }
    out += text.substr(i, value - i);
    const std::size_t end = ValueEnd(text, value, uri);
    out += IsSecretKey(text.substr(i, key_end - i)) ? std::string(kMasked)
                                                    : std::string(text.substr(value, end - value));
    i = end;
  }
  return out;
}

std::string RedactQuoted(std::string_view message, std::string_view connection_string) {
  std::string out(message);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  if (RedactCredentials(connection_string) == connection_string) {
    return out;
  }
  std::string masked;
  std::size_t i = 0;
  while (i < out.size()) {
    const std::size_t open = out.find('"', i);
    const std::size_t close = open == std::string::npos ? open : out.find('"', open + 1);
    if (close == std::string::npos) {
      masked += out.substr(i);
      break;
    }
    const std::string token = out.substr(open + 1, close - open - 1);
    const bool punctuation = std::none_of(token.begin(), token.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    masked += out.substr(i, open + 1 - i) + (punctuation ? token : std::string(kMasked)) + '"';
    i = close + 1;
  }
  return masked;
}

}  // namespace replicad
