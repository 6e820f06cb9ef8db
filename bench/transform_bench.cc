// Kazaam transform throughput on one core, against the cost of copying the same documents
// through Boost.JSON (parse + serialize), measured in the same run. See bench/README.md.
//
// Usage: transform_bench [--docs N] [--seconds S] [--rounds R]
//                        [--only baseline|apply|arena|cli]
// (--only runs one measurement, e.g. under perf)

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/node.h"
#include "transform/exact_json.h"
#include "transform/kazaam/kazaam.h"

namespace replicad::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// A change event as a source driver would emit it, about 1 KB, every document different.
std::string Document(int i) {
  char head[640];
  std::snprintf(
      head, sizeof head,
      R"({"op":"u","ts_ms":%lld,"source":{"db":"shop","schema":"public","table":"orders",)"
      R"("lsn":"0/%X","txid":%d},"before":null,"after":{"id":%d,"customer_id":%d,)"
      R"("first_name":"Ann%d","last_name":"Example","email":"ann%d@example.com",)"
      R"("amount":"%d.%02d","currency":"EUR","status":"shipped","items":%d,)"
      R"("created_at":"2024-03-%02dT10:%02d:00Z","updated_at":"2024-04-01T08:00:00Z",)"
      R"("address":{"street":"%d Long Road","city":"Springfield","zip":"%05d",)"
      R"("country":"DE"},"tags":["priority","gift","repeat-%d"],"notes":")",
      1711958400000LL + i, 0x16B3748 + i, 900000 + i, i, i % 5000, i, i, i % 1000, i % 100,
      1 + i % 7, 1 + i % 28, i % 60, i % 300, i % 100000, i % 10);
  std::string document = head;
  document.append(1000 - std::min<std::size_t>(document.size(), 990), 'n');
  document += R"("}})";
  return document;
}

constexpr std::string_view kSpec = R"(
- operation: shift
  spec:
    id: after.id
    customer.id: after.customer_id
    customer.first_name: after.first_name
    customer.last_name: after.last_name
    customer.email: after.email
    order.amount: after.amount
    order.currency: after.currency
    order.status: after.status
    order.created_at: after.created_at
    shipping.city: after.address.city
- operation: default
  spec: {source_system: shop, schema_version: 2}
- operation: concat
  spec:
    sources: [{path: customer.first_name}, {path: customer.last_name}]
    targetPath: customer.name
    delim: " "
)";

struct Measurement {
  std::string name;
  double docs_per_second = 0;
};

// Runs `round` (which handles all documents once and returns how many it handled) until
// `seconds` have passed, `rounds` times; keeps the best rate (the least disturbed round).
double Rate(double seconds, int rounds, const std::function<std::size_t(Clock::duration&)>& round) {
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    Clock::duration timed{};
    std::size_t done = 0;
    while (std::chrono::duration<double>(timed).count() < seconds) {
      done += round(timed);
    }
    best = std::max(best, static_cast<double>(done) / std::chrono::duration<double>(timed).count());
  }
  return best;
}

int Main(int argc, char** argv) {
  int docs = 2000;
  double seconds = 1.0;
  int rounds = 3;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--docs") {
      docs = std::atoi(argv[i + 1]);
    } else if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (flag == "--rounds") {
      rounds = std::atoi(argv[i + 1]);
    } else if (flag == "--only") {
      only = argv[i + 1];
    } else {
      std::cerr << "usage: transform_bench [--docs N] [--seconds S] [--rounds R] "
                   "[--only baseline|apply|arena|cli]\n";
      return 2;
    }
  }
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (int i = 0; i < docs; ++i) {
    texts.push_back(Document(i));
    bytes += texts.back().size();
  }
  config::Diagnostics diagnostics("bench spec");
  const std::optional<config::Node> spec =
      config::ParseYaml(kSpec, config::Environment::Process(), diagnostics);
  const std::unique_ptr<transform::Transform> transform =
      spec ? transform::kazaam::Compile(*spec, diagnostics) : nullptr;
  if (transform == nullptr) {
    std::cerr << diagnostics.ToString();
    return 1;
  }
  std::vector<json::value> parsed;
  for (const std::string& text : texts) {
    parsed.push_back(*transform::ParseExact(text));
  }
  std::size_t checksum = 0;  // keeps the compiler from dropping the work
  std::vector<Measurement> results;

  auto measure = [&](std::string key, std::string name,
                     const std::function<std::size_t(Clock::duration&)>& round) {
    if (only.empty() || only == key) {
      results.push_back({std::move(name), Rate(seconds, rounds, round)});
    }
  };
  measure("baseline", "baseline: Boost.JSON parse + serialize", [&](Clock::duration& t) {
    const Clock::time_point start = Clock::now();
    for (const std::string& text : texts) {
      checksum += json::serialize(json::parse(text)).size();
    }
    t += Clock::now() - start;
    return texts.size();
  });
  measure("apply", "transform only (Apply on parsed documents)", [&](Clock::duration& t) {
    std::vector<json::value> copies = parsed;  // not timed: Apply consumes its document
    const Clock::time_point start = Clock::now();
    for (json::value& document : copies) {
      checksum += (*transform->Apply(std::move(document)))->is_object();
    }
    t += Clock::now() - start;
    return copies.size();
  });
  // A pipeline would keep a batch's documents in an arena reused from batch to batch.
  std::vector<unsigned char> batch_buffer(static_cast<std::size_t>(docs) * 8 * 1024);
  measure("arena", "transform only, documents in an arena", [&](Clock::duration& t) {
    json::monotonic_resource arena(batch_buffer.data(), batch_buffer.size());
    std::vector<json::value> copies;
    copies.reserve(parsed.size());
    for (const json::value& document : parsed) {  // not timed
      copies.emplace_back(document, json::storage_ptr(&arena));
    }
    const Clock::time_point start = Clock::now();
    for (json::value& document : copies) {
      checksum += (*transform->Apply(std::move(document)))->is_object();
    }
    t += Clock::now() - start;
    return copies.size();
  });
  // What `replicad transform` does with each line: an arena per line, in a reused buffer.
  std::vector<unsigned char> buffer(64 * 1024);
  measure("cli", "parse + transform + serialize (as the CLI)", [&](Clock::duration& t) {
    const Clock::time_point start = Clock::now();
    std::string out;
    for (const std::string& text : texts) {
      json::monotonic_resource arena(buffer.data(), buffer.size());
      auto result = transform->Apply(*transform::ParseExact(text, json::storage_ptr(&arena)));
      out.clear();
      transform::AppendExact(**result, out);
      checksum += out.size();
    }
    t += Clock::now() - start;
    return texts.size();
  });

  std::printf("%d documents, %.0f bytes each on average; best of %d rounds of %.1f s\n", docs,
              static_cast<double>(bytes) / docs, rounds, seconds);
  std::printf("%-46s %14s %22s\n", "measurement", "docs/s", "ratio to baseline");
  for (const Measurement& m : results) {
    std::printf("%-46s %14.0f %22.2f\n", m.name.c_str(), m.docs_per_second,
                only.empty() ? m.docs_per_second / results[0].docs_per_second : 0.0);
  }
  std::printf("(checksum %zu)\n", checksum);
  return 0;
}

}  // namespace
}  // namespace replicad::bench

int main(int argc, char** argv) { return replicad::bench::Main(argc, argv); }
