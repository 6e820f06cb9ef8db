// uuid (kazaam.md §3): writes a UUID: version 4 random, or version 3 (MD5) / 5 (SHA-1) of a
// namespace and names read from the document, chained: u = namespace; u = v(u, name) for
// each name.

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <vector>

#include "transform/exact_json.h"
#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

using Uuid = std::array<unsigned char, 16>;

struct Name {
  Path path;
  std::optional<std::string> fallback;  // `default`: used when the path is missing
};

struct Entry {
  Path target;
  int version = 4;
  Uuid space{};
  std::vector<Name> names;
};

Uuid Stamp(Uuid id, int version) {
  id[6] = static_cast<unsigned char>((id[6] & 0x0F) | (version << 4));
  id[8] = static_cast<unsigned char>((id[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

Result<Uuid> Hashed(const Uuid& space, std::string_view name, int version) {
  std::string data(space.begin(), space.end());
  data += name;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, version == 3 ? EVP_md5() : EVP_sha1(),
                 nullptr) != 1 ||
      size < 16) {
    return Status::Internal("OpenSSL could not compute the digest of a UUID name");
  }
  Uuid id;
  std::copy(digest, digest + 16, id.begin());
  return Stamp(id, version);
}

std::string Text(const Uuid& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += kHex[id[i] >> 4];
    out += kHex[id[i] & 0xF];
  }
  return out;
}

// DNS, URL, OID, X500, or a UUID as text: canonical, in braces, with "urn:uuid:", or 32 hex
// digits; either case.
std::optional<Uuid> ParseNamespace(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"DNS", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
      {"URL", "6ba7b811-9dad-11d1-80b4-00c04fd430c8"},
      {"OID", "6ba7b812-9dad-11d1-80b4-00c04fd430c8"},
      {"X500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8"}};
  for (const auto& [name, uuid] : kNamed) {
    if (text == name) {
      text = uuid;
    }
  }
  if (text.starts_with("urn:uuid:")) {
    text.remove_prefix(9);
  } else if (text.starts_with('{') && text.ends_with('}')) {
    text = text.substr(1, text.size() - 2);
  }
  const bool hyphens = text.size() == 36;
  if (!hyphens && text.size() != 32) {
    return std::nullopt;
  }
  auto nibble = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  Uuid id;
  std::size_t at = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (hyphens && (i == 4 || i == 6 || i == 8 || i == 10) && text[at++] != '-') {
      return std::nullopt;
    }
    const int high = nibble(text[at]);
    const int low = nibble(text[at + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    id[i] = static_cast<unsigned char>(high << 4 | low);
    at += 2;
  }
  return id;
}

class UuidOperation : public Operation {
 public:
  explicit UuidOperation(std::vector<Entry> entries) : entries_(std::move(entries)) {}

  Status Apply(json::value& document) const override {
    for (const Entry& entry : entries_) {
      Uuid id = entry.space;
      if (entry.version == 4) {
        if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
          return Status::Internal("OpenSSL could not produce random bytes for a UUID");
        }
        id = Stamp(id, 4);
      }
      for (const Name& name : entry.names) {
        ASSIGN_OR_RETURN(std::string text, NameText(document, name));
        ASSIGN_OR_RETURN(id, Hashed(id, text, entry.version));
      }
      RETURN_IF_ERROR(Write(document, entry.target, json::string(Text(id), document.storage())));
    }
    return Status::Ok();
  }

 private:
  // The value's text; "" when the lookup fails otherwise than by a missing path.
  static Result<std::string> NameText(const json::value& document, const Name& name) {
    bool failed = false;
    ASSIGN_OR_RETURN(Found found, ReadLenient(document, name.path, false, &failed));
    std::string text;
    if (failed) {
      return text;
    }
    if (found.missing()) {
      if (!name.fallback) {
        return Status::DataError("uuid name path '" + name.path.text() +
                                 "' does not exist and has no default");
      }
      return *name.fallback;
    }
    AppendPlainText(found.value(), text);
    return text;
  }

  std::vector<Entry> entries_;
};

std::optional<Name> CompileName(const Context& context, const config::Node& node) {
  if (!node.IsMap()) {
    context.Error(node.mark, "each of 'names' must be a mapping with 'path' (and 'default')");
    return std::nullopt;
  }
  context.RejectUnknownKeys(node, {"path", "default"}, "a uuid name");
  const config::Node* path = node.Find("path");
  if (path == nullptr) {
    context.Error(node.mark, "a uuid name needs 'path'");
    return std::nullopt;
  }
  std::optional<Path> parsed = context.PathOf(*path, "a name's 'path'");
  Name name{.path = parsed ? std::move(*parsed) : Path()};
  if (const config::Node* fallback = node.Find("default")) {
    if (IsString(*fallback)) {
      name.fallback = fallback->scalar;
    } else {
      context.Error(fallback->mark, "a name's 'default' must be a string" + QuoteHint(*fallback));
    }
  }
  return name;
}

void CompileHashed(const Context& context, const config::Node& settings, Entry& entry) {
  const config::Node* space = settings.Find("namespace");
  if (space == nullptr || !IsString(*space)) {
    context.Error(space ? space->mark : settings.mark,
                  "version 3 and 5 need 'namespace': DNS, URL, OID, X500 or a UUID");
  } else if (std::optional<Uuid> parsed = ParseNamespace(space->scalar)) {
    entry.space = *parsed;
  } else {
    context.Error(space->mark,
                  "'namespace' must be DNS, URL, OID, X500 or a UUID, not '" + space->scalar + "'");
  }
  if (const config::Node* names = context.ListAt(settings, "names")) {
    for (const config::Node& item : names->items) {
      if (std::optional<Name> name = CompileName(context, item)) {
        entry.names.push_back(std::move(*name));
      }
    }
  }
}

}  // namespace

std::unique_ptr<Operation> CompileUuid(const Context& context) {
  std::vector<Entry> entries;
  for (const config::MapEntry& item : context.spec()->entries) {
    const config::Node& settings = item.value;
    if (!settings.IsMap()) {
      context.Error(settings.mark,
                    "the value of '" + item.key + "' must be a mapping with 'version' (3, 4 or 5)");
      continue;
    }
    context.RejectUnknownKeys(settings, {"version", "namespace", "names"}, "a uuid spec");
    Entry entry;
    const config::Node* version = settings.Find("version");
    if (version == nullptr || IsString(*version) || !version->IsScalar() ||
        (version->scalar != "3" && version->scalar != "4" && version->scalar != "5")) {
      context.Error(version ? version->mark : settings.mark, "'version' must be 3, 4 or 5");
      continue;
    }
    entry.version = version->scalar[0] - '0';
    if (entry.version != 4) {
      CompileHashed(context, settings, entry);
    }
    if (std::optional<Path> target = context.ParsePath(item.key, item.key_mark)) {
      entry.target = std::move(*target);
      entries.push_back(std::move(entry));
    }
  }
  if (context.failed()) {
    return nullptr;
  }
  return std::make_unique<UuidOperation>(std::move(entries));
}

}  // namespace replicad::transform::kazaam
