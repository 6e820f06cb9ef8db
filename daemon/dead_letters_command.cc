#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <iomanip>
#include <iostream>

#include "daemon/commands.h"
#include "daemon/stream_builder.h"
#include "positions/data_dir.h"

namespace replicad::daemon {
namespace {

int Fail(const Status& status) {
  std::cerr << "replicad dlq: " << status.message() << "\n";
  return status.code() == StatusCode::kNotFound ? kExitInvalid : kExitRuntime;
}

std::optional<std::uint64_t> ParseNumber(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string EventSummary(const positions::DeadLetter& letter) {
  boost::system::error_code error;
  const boost::json::value event = boost::json::parse(letter.event, error);
  const boost::json::object* object = error ? nullptr : event.if_object();
  if (object == nullptr) {
    return "(unreadable event)";
  }
  auto field = [&](std::string_view name) -> std::string {
    const boost::json::value* value = object->if_contains(name);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
  };
  std::string table;
  if (const boost::json::value* source = object->if_contains("source");
      source && source->is_object()) {
    if (const boost::json::value* name = source->as_object().if_contains("table");
        name && name->is_string()) {
      table = name->as_string();
    }
  }
  return field("operation") + " " + table +
         " key=" + boost::json::serialize(object->contains("key") ? object->at("key") : nullptr);
}

int List(positions::DeadLetterStore& store, const std::string& stream, std::uint64_t limit) {
  Result<std::vector<positions::DeadLetter>> letters = store.List(stream, 0, limit);
  if (!letters.ok()) {
    return Fail(letters.status());
  }
  if (letters->empty()) {
    std::cout << "stream " << stream << ": no dead letters\n";
    return kExitOk;
  }
  std::cout << std::left << std::setw(8) << "ID" << std::setw(22) << "TIME" << std::setw(10)
            << "ATTEMPTS"
            << "EVENT / ERROR\n";
  for (const positions::DeadLetter& letter : *letters) {
    std::cout << std::setw(8) << letter.id << std::setw(22) << FormatTime(letter.time)
              << std::setw(10) << letter.attempts << EventSummary(letter) << "\n"
              << std::setw(40) << "" << letter.error << "\n";
  }
  return kExitOk;
}

int Show(positions::DeadLetterStore& store, const std::string& stream, std::uint64_t id) {
  Result<positions::DeadLetter> letter = store.Get(stream, id);
  if (!letter.ok()) {
    return Fail(letter.status());
  }
  std::cout << "dead letter " << letter->id << " of stream " << stream << "\n"
            << "  time:     " << FormatTime(letter->time) << "\n"
            << "  attempts: " << letter->attempts << "\n"
            << "  error:    " << letter->error << "\n"
            << "  event:    " << letter->event << "\n";
  return kExitOk;
}

// Writes each letter, oldest first, through the stream's destination, removing it once
// written; stops at the first that fails again.
Task<Status> Replay(drivers::Sink& sink, positions::DeadLetterStore& store,
                    const std::string& stream, std::vector<positions::DeadLetter> letters,
                    std::size_t& replayed) {
  CO_RETURN_IF_ERROR((co_await sink.Open()).Annotate("opening the destination"));
  Status status = Status::Ok();
  for (auto letter = letters.rbegin(); letter != letters.rend() && status.ok(); ++letter) {
    boost::system::error_code error;
    const boost::json::value envelope = boost::json::parse(letter->event, error);
    if (error || !envelope.is_object()) {
      status = Status::Corruption("dead letter " + std::to_string(letter->id) +
                                  " does not hold a change event");
      break;
    }
    Result<Event> event = EventFromJson(envelope.as_object());
    if (!event.ok()) {
      status = event.status().Annotate("dead letter " + std::to_string(letter->id));
      break;
    }
    drivers::WriteResult written = co_await sink.Write(std::span<const Event>(&*event, 1));
    status = written.status.ok()
                 ? store.Remove(stream, letter->id)
                 : written.status.Annotate("dead letter " + std::to_string(letter->id));
    replayed += status.ok() ? 1 : 0;
  }
  co_await sink.Close();
  co_return status;
}

int RunReplay(const config::Config& config, positions::DeadLetterStore& store,
              const std::string& stream_id, std::optional<std::uint64_t> only) {
  const config::StreamConfig* stream = config.FindStream(stream_id);
  if (stream == nullptr) {
    return Fail(Status::NotFound("the config has no stream '" + stream_id + "'"));
  }
  std::vector<positions::DeadLetter> letters;
  if (only) {
    Result<positions::DeadLetter> letter = store.Get(stream_id, *only);
    if (!letter.ok()) {
      return Fail(letter.status());
    }
    letters.push_back(std::move(*letter));
  } else {
    Result<std::vector<positions::DeadLetter>> all = store.List(stream_id, 0, SIZE_MAX);
    if (!all.ok()) {
      return Fail(all.status());
    }
    letters = std::move(*all);
  }
  boost::asio::io_context io;
  Result<std::unique_ptr<drivers::Sink>> sink = BuildSink(config, *stream, io.get_executor());
  if (!sink.ok()) {
    return Fail(sink.status());
  }
  const std::size_t total = letters.size();
  std::size_t replayed = 0;
  Status result = Status::Internal("replay did not finish");
  boost::asio::co_spawn(io, Replay(**sink, store, stream_id, std::move(letters), replayed),
                        [&](std::exception_ptr error, Status status) {
                          result = error ? Status::Internal("unexpected exception") : status;
                        });
  io.run();
  std::cout << "stream " << stream_id << ": replayed " << replayed << " of " << total
            << " dead letters\n";
  return result.ok() ? kExitOk : Fail(result);
}

int RunDeadLetters(const Args& args) {
  const Command command = DeadLettersCommand();
  const std::string& action = args.positional[0];
  if (action != "list" && action != "show" && action != "replay" && action != "purge") {
    return UsageError(command, "unknown action '" + action + "' (list, show, replay or purge)");
  }
  if (args.positional.size() < 2) {
    return UsageError(command, action + " needs a stream id");
  }
  const std::string& stream = args.positional[1];
  std::optional<std::uint64_t> letter_id;
  if (args.positional.size() == 3) {
    letter_id = ParseNumber(args.positional[2]);
    if (!letter_id || (action != "show" && action != "replay")) {
      return UsageError(command, "a dead letter id is taken by show and replay only");
    }
  } else if (action == "show") {
    return UsageError(command, "show needs a dead letter id");
  }
  std::optional<std::uint64_t> limit = ParseNumber(args.Has("limit") ? args.Get("limit") : "50");
  if (!limit) {
    return UsageError(command, "--limit needs a number");
  }
  if (action == "replay" && !args.Has("config")) {
    return UsageError(command, "replay needs --config FILE (it writes through the destination)");
  }
  if (action == "purge" && !args.Has("yes")) {
    std::cerr << "replicad dlq: purging deletes every dead letter of stream '" << stream
              << "' for good. Re-run with --yes to confirm.\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  std::optional<config::Config> config;
  std::optional<std::string> data_dir;
  if (action == "replay") {
    config = LoadConfigOrReport(args.Get("config"));
    if (!config) {
      return kExitInvalid;
    }
    data_dir = config->service.data_dir;
  } else {
    data_dir = ResolveDataDir(command, args, exit_code);
  }
  if (!data_dir) {
    return exit_code;
  }
  // Reading works beside a running daemon; replay and purge need the data dir to themselves.
  const bool writes = action == "replay" || action == "purge";
  Result<positions::DataDir> opened =
      writes ? positions::OpenDataDir(*data_dir) : positions::OpenDataDirReadOnly(*data_dir);
  if (!opened.ok()) {
    return Fail(opened.status().code() == StatusCode::kFailedPrecondition
                    ? opened.status().Annotate("stop the daemon before `dlq " + action + "`")
                    : opened.status());
  }
  positions::DeadLetterStore& store = *opened->dead_letters;
  if (action == "list") {
    return List(store, stream, *limit);
  }
  if (action == "show") {
    return Show(store, stream, *letter_id);
  }
  if (action == "replay") {
    return RunReplay(*config, store, stream, letter_id);
  }
  Result<std::uint64_t> purged = store.Purge(stream);
  if (!purged.ok()) {
    return Fail(purged.status());
  }
  std::cout << "stream " << stream << ": purged " << *purged << " dead letters\n";
  return kExitOk;
}

}  // namespace

Command DeadLettersCommand() {
  return Command{
      .name = "dlq",
      .summary = "List, show, replay or purge a stream's dead letters",
      .usage =
          "list ID | show ID LETTER | replay ID [LETTER] --config FILE | purge ID --yes\n"
          "       (--data-dir DIR | --config FILE) [--limit N]",
      .description =
          "Dead letters are the events a stream could not deliver (error_handling.on_error:\n"
          "dead_letter), kept in the data dir with the error and the attempt count.\n"
          "`list ID` prints the newest ones; `show ID LETTER` one in full; `replay ID\n"
          "[LETTER] --config FILE` writes them again, oldest first, through the stream's\n"
          "destination and removes each one written, stopping at the first that fails again;\n"
          "`purge ID --yes` deletes them all. list and show work beside a running daemon;\n"
          "replay and purge need it stopped. Exit codes: 0 ok, 1 no such letter or store,\n"
          "2 usage, 3 a failed replay or a store error.",
      .flags = {{"data-dir", "DIR", "The data dir (service.data_dir)."},
                {"config", "FILE", "The config (its data dir; the destination for replay)."},
                {"limit", "N", "Dead letters listed by `list` (default 50)."},
                {"yes", "", "Confirm a purge."}},
      .min_positional = 1,
      .max_positional = 3,
      .run = RunDeadLetters,
  };
}

}  // namespace replicad::daemon
