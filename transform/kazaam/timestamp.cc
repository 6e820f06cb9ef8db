// timestamp (kazaam.md §3): rewrites time strings from one Go layout to another, in place.
// "$unix" reads or writes epoch seconds (as a string), "$now" as the input writes the current
// time. Times are UTC wherever the reference would use the local zone (see go_time.h).

#include <charconv>
#include <chrono>
#include <vector>

#include "transform/exact_json.h"
#include "transform/kazaam/go_time.h"
#include "transform/kazaam/operation.h"

namespace replicad::transform::kazaam {

namespace json = boost::json;

namespace {

constexpr std::string_view kUnix = "$unix";
constexpr std::string_view kNow = "$now";

struct Entry {
  Path path;
  std::string input_text;
  std::string output_text;
  GoLayout input;
  GoLayout output;

  Result<std::string> Convert(std::string_view text) const {
    GoTime time;
    if (input_text == kUnix) {
      // Like Go's strconv.ParseInt: an optional sign, then decimal digits.
      const std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
      std::int64_t seconds = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
      if (error != std::errc() || end != digits.data() + digits.size() ||
          (text.starts_with('+') && digits.starts_with('-'))) {
        return Status::DataError("'" + std::string(text) + "' is not a number of seconds");
      }
      time = UtcTime(seconds);
    } else {
      Result<GoTime> parsed = input.Parse(text);
      if (!parsed.ok()) {
        return Status::DataError(parsed.status().message());
      }
      time = std::move(*parsed);
    }
    return Format(time);
  }

  std::string Format(const GoTime& time) const {
    return output_text == kUnix ? std::to_string(time.seconds) : output.Format(time);
  }
};

GoTime Now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  return UtcTime(seconds.count(), static_cast<std::int32_t>(
                                      std::chrono::nanoseconds(since_epoch - seconds).count()));
}

class Timestamp : public Operation {
 public:
  Timestamp(std::vector<Entry> entries, bool require)
      : entries_(std::move(entries)), require_(require) {}

  Status Apply(json::value& document) const override {
    for (const Entry& entry : entries_) {
      Status status =
          entry.input_text == kNow
              ? Write(document, entry.path, json::string(entry.Format(Now()), document.storage()))
          : entry.path.HasEach() ? ConvertEach(document, entry)
                                 : ConvertAt(document, entry);
      if (!status.ok()) {
        return status.Annotate("path '" + entry.path.text() + "'");
      }
    }
    return Status::Ok();
  }

 private:
  static Status ConvertInPlace(json::value& value, const Entry& entry) {
    if (!IsText(value)) {
      return Status::DataError("expected a time string, found " + SerializeExact(value));
    }
    const json::string& text = value.get_string();
    ASSIGN_OR_RETURN(std::string converted, entry.Convert({text.data(), text.size()}));
    value = json::string(converted, value.storage());
    return Status::Ok();
  }

  // A missing or null value is left alone; an array has each element converted.
  Status ConvertAt(json::value& document, const Entry& entry) const {
    json::value* value = FindMutable(document, entry.path);
    if (value == nullptr) {
      return require_ ? RequiredMissing(entry.path) : Status::Ok();
    }
    if (value->is_null()) {
      return Status::Ok();
    }
    if (json::array* array = value->if_array()) {
      for (json::value& element : *array) {
        RETURN_IF_ERROR(ConvertInPlace(element, entry));
      }
      return Status::Ok();
    }
    return ConvertInPlace(*value, entry);
  }

  // Element i of the values a [*] path reads is written back with [*] replaced by [i].
  Status ConvertEach(json::value& document, const Entry& entry) const {
    ASSIGN_OR_RETURN(Found found, Read(document, entry.path, require_));
    json::value values = std::move(found).Take(document.storage());
    json::array& array = values.get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      RETURN_IF_ERROR(ConvertInPlace(array[i], entry));
      RETURN_IF_ERROR(Write(document, entry.path.WithFirstEachAt(i), std::move(array[i])));
    }
    return Status::Ok();
  }

  std::vector<Entry> entries_;
  bool require_;
};

}  // namespace

std::unique_ptr<Operation> CompileTimestamp(const Context& context) {
  std::vector<Entry> entries;
  for (const config::MapEntry& item : context.spec()->entries) {
    const config::Node& formats = item.value;
    if (!formats.IsMap()) {
      context.Error(formats.mark, "the value of '" + item.key +
                                      "' must be a mapping with inputFormat and outputFormat");
      continue;
    }
    context.RejectUnknownKeys(formats, {"inputFormat", "outputFormat"}, "a timestamp spec");
    std::string texts[2];
    int index = 0;
    for (std::string_view key : {"inputFormat", "outputFormat"}) {
      const config::Node* format = formats.Find(key);
      if (format == nullptr || !IsString(*format)) {
        context.Error(format ? format->mark : formats.mark, "'" + item.key + "' needs '" +
                                                                std::string(key) + "' (a string)" +
                                                                (format ? QuoteHint(*format) : ""));
      } else {
        texts[index] = format->scalar;
      }
      ++index;
    }
    std::optional<Path> path = context.ParsePath(item.key, item.key_mark);
    if (path && !context.failed()) {
      entries.push_back(Entry{.path = std::move(*path),
                              .input_text = texts[0],
                              .output_text = texts[1],
                              .input = GoLayout(texts[0]),
                              .output = GoLayout(texts[1])});
    }
  }
  if (context.failed()) {
    return nullptr;
  }
  return std::make_unique<Timestamp>(std::move(entries), context.options().require);
}

}  // namespace replicad::transform::kazaam
