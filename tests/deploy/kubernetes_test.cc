// deploy/kubernetes, checked without a cluster: every manifest parses and is listed by the
// kustomization; the Deployment runs one replica with Recreate, non-root on a read-only root,
// probes /healthz and /readyz, outlives graceful_shutdown_timeout, is sized from measured RSS,
// mounts the config where the image reads it (as a directory, so reloads are seen) and the
// volume at data_dir; every credential the config refers to comes from the Secret; the Service
// and ServiceMonitor expose the metrics port; and the embedded config passes replicad validate.

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/load.h"
#include "streams/catalog.h"
#include "tests/support/process.h"

namespace replicad {
namespace {

namespace fs = std::filesystem;

const std::string kDirectory = std::string(REPLICAD_SOURCE_DIR) + "/deploy/kubernetes";
// Peak RSS of one stream replicating a 1,000,000-row transaction (README, bench/README.md).
constexpr double kMeasuredPeakBytes = 60e6;
const std::set<std::string> kOptional = {"servicemonitor.yaml"};  // needs the operator's CRDs

struct Manifest {
  std::string file;
  YAML::Node node;
};

const std::vector<Manifest>& Manifests() {
  static const std::vector<Manifest> manifests = [] {
    std::vector<Manifest> all;
    for (const fs::directory_entry& entry : fs::directory_iterator(kDirectory)) {
      const std::string file = entry.path().filename().string();
      if (entry.path().extension() != ".yaml" || file == "kustomization.yaml") {
        continue;
      }
      try {
        for (const YAML::Node& node : YAML::LoadAllFromFile(entry.path().string())) {
          all.push_back({file, node});
        }
      } catch (const YAML::Exception& error) {
        FAIL(file << ": " << error.what());
      }
    }
    return all;
  }();
  return manifests;
}

std::string Text(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : "";
}

YAML::Node One(const std::string& kind) {
  std::vector<YAML::Node> found;
  for (const Manifest& manifest : Manifests()) {
    if (Text(manifest.node["kind"]) == kind) {
      found.push_back(manifest.node);
    }
  }
  INFO("kind " << kind);
  REQUIRE(found.size() == 1);
  return found[0];
}

YAML::Node Container() {
  const YAML::Node containers = One("Deployment")["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 1);
  return containers[0];
}

// The config embedded in the ConfigMap, loaded as replicad would with the environment and
// files the Deployment provides (placeholders standing in for the secrets).
struct Mounts {
  std::map<std::string, std::string> secret_files;  // path in the container -> Secret key
  std::set<std::string> env;                        // variables set from the Secret
};

Mounts SecretMounts() {
  const YAML::Node pod = One("Deployment")["spec"]["template"]["spec"];
  const YAML::Node secret = One("Secret");
  const auto has_key = [&](const std::string& key) {
    return secret["stringData"][key] || secret["data"][key];
  };
  Mounts mounts;
  for (const YAML::Node& variable : Container()["env"]) {
    const YAML::Node ref = variable["valueFrom"]["secretKeyRef"];
    if (ref && Text(ref["name"]) == Text(secret["metadata"]["name"])) {
      INFO("env " << Text(variable["name"]) << " from Secret key " << Text(ref["key"]));
      CHECK(has_key(Text(ref["key"])));
      mounts.env.insert(Text(variable["name"]));
    }
  }
  for (const YAML::Node& volume : pod["volumes"]) {
    if (!volume["secret"] ||
        Text(volume["secret"]["secretName"]) != Text(secret["metadata"]["name"])) {
      continue;
    }
    for (const YAML::Node& mount : Container()["volumeMounts"]) {
      if (Text(mount["name"]) != Text(volume["name"])) {
        continue;
      }
      for (const YAML::Node& item : volume["secret"]["items"]) {
        INFO("Secret item " << Text(item["key"]));
        CHECK(has_key(Text(item["key"])));
        mounts.secret_files[Text(mount["mountPath"]) + "/" + Text(item["path"])] =
            Text(item["key"]);
      }
    }
  }
  return mounts;
}

std::string EmbeddedConfig() {
  const std::string text = Text(One("ConfigMap")["data"]["replicad.yaml"]);
  REQUIRE_FALSE(text.empty());
  return text;
}

const config::Config& LoadedConfig() {
  static const config::Config loaded = [] {
    const Mounts mounts = SecretMounts();
    config::Environment environment{
        .get_env = [&](const std::string& name) -> std::optional<std::string> {
          return mounts.env.contains(name) ? std::optional<std::string>("placeholder")
                                           : std::nullopt;
        },
        .read_file = [&](const std::string& path) -> Result<std::string> {
          if (mounts.secret_files.contains(path)) {
            return std::string("placeholder");
          }
          return Status::NotFound(path + " is not mounted from the Secret");
        }};
    config::Diagnostics diagnostics("configmap.yaml");
    std::optional<config::Config> config = config::LoadConfigText(
        EmbeddedConfig(), "configmap.yaml", streams::BuiltinCatalog(), environment, diagnostics);
    INFO(diagnostics.ToString());
    REQUIRE(config.has_value());
    return std::move(*config);
  }();
  return loaded;
}

// "512Mi", "1Gi", "64M", "250m" (CPU), "1".
double Quantity(const std::string& text) {
  static const std::map<std::string, double> kSuffixes = {{"", 1},
                                                          {"m", 1e-3},
                                                          {"k", 1e3},
                                                          {"M", 1e6},
                                                          {"G", 1e9},
                                                          {"Ki", 1024.0},
                                                          {"Mi", 1024.0 * 1024},
                                                          {"Gi", 1024.0 * 1024 * 1024}};
  std::smatch match;
  const std::regex pattern("([0-9.]+)([a-zA-Z]*)");
  REQUIRE(std::regex_match(text, match, pattern));
  REQUIRE(kSuffixes.contains(match[2].str()));
  return std::stod(match[1].str()) * kSuffixes.at(match[2].str());
}

// The container port a probe or Service names, by name or number.
int ContainerPort(const YAML::Node& port) {
  for (const YAML::Node& declared : Container()["ports"]) {
    if (Text(declared["name"]) == Text(port) || Text(declared["containerPort"]) == Text(port)) {
      return declared["containerPort"].as<int>();
    }
  }
  FAIL("no container port " << Text(port));
  return 0;
}

TEST_CASE("kubernetes: the manifests parse, are namespace-agnostic and listed by kustomize") {
  const YAML::Node kustomization = YAML::LoadFile(kDirectory + "/kustomization.yaml");
  std::set<std::string> listed;
  for (const YAML::Node& resource : kustomization["resources"]) {
    listed.insert(Text(resource));
    CHECK(fs::exists(kDirectory + "/" + Text(resource)));
  }
  REQUIRE_FALSE(Manifests().empty());
  for (const Manifest& manifest : Manifests()) {
    INFO(manifest.file);
    CHECK_FALSE(Text(manifest.node["apiVersion"]).empty());
    CHECK_FALSE(Text(manifest.node["kind"]).empty());
    CHECK_FALSE(Text(manifest.node["metadata"]["name"]).empty());
    CHECK_FALSE(manifest.node["metadata"]["namespace"]);
    CHECK((listed.contains(manifest.file) || kOptional.contains(manifest.file)));
  }
  CHECK(Text(kustomization["images"][0]["name"]) == Text(Container()["image"]));
}

TEST_CASE("kubernetes: one replica, Recreate, non-root, read-only root, probes, sized") {
  const YAML::Node deployment = One("Deployment");
  const YAML::Node pod = deployment["spec"]["template"]["spec"];
  CHECK(deployment["spec"]["replicas"].as<int>() == 1);
  CHECK(Text(deployment["spec"]["strategy"]["type"]) == "Recreate");
  for (const auto& label : deployment["spec"]["selector"]["matchLabels"]) {
    CHECK(Text(deployment["spec"]["template"]["metadata"]["labels"][Text(label.first)]) ==
          Text(label.second));
  }
  const auto grace = std::chrono::seconds(pod["terminationGracePeriodSeconds"].as<int>());
  CHECK(grace > LoadedConfig().service.graceful_shutdown_timeout);

  CHECK(pod["securityContext"]["runAsNonRoot"].as<bool>());
  CHECK(pod["securityContext"]["runAsUser"].as<int>() > 0);
  CHECK(pod["securityContext"]["fsGroup"]);  // the data volume is writable by that user
  const YAML::Node security = Container()["securityContext"];
  CHECK(security["readOnlyRootFilesystem"].as<bool>());
  bool tmp_writable = false;  // where large streamed PostgreSQL transactions are spooled
  for (const YAML::Node& mount : Container()["volumeMounts"]) {
    if (Text(mount["mountPath"]) != "/tmp") {
      continue;
    }
    CHECK_FALSE(mount["readOnly"]);
    for (const YAML::Node& volume : pod["volumes"]) {
      tmp_writable |= Text(volume["name"]) == Text(mount["name"]) && volume["emptyDir"];
    }
  }
  CHECK(tmp_writable);
  CHECK_FALSE(security["allowPrivilegeEscalation"].as<bool>());
  CHECK(Text(security["capabilities"]["drop"][0]) == "ALL");

  const YAML::Node liveness = Container()["livenessProbe"]["httpGet"];
  const YAML::Node readiness = Container()["readinessProbe"]["httpGet"];
  CHECK(Text(liveness["path"]) == "/healthz");
  CHECK(Text(readiness["path"]) == "/readyz");
  CHECK(ContainerPort(liveness["port"]) == LoadedConfig().service.health_port);
  CHECK(ContainerPort(readiness["port"]) == LoadedConfig().service.health_port);

  const YAML::Node resources = Container()["resources"];
  const double requested = Quantity(Text(resources["requests"]["memory"]));
  const double limit = Quantity(Text(resources["limits"]["memory"]));
  CHECK(requested >= kMeasuredPeakBytes);
  CHECK(limit >= 2 * kMeasuredPeakBytes);
  CHECK(limit >= requested);
  CHECK(Quantity(Text(resources["requests"]["cpu"])) > 0);
}

TEST_CASE("kubernetes: the config where the image reads it, the volume at data_dir") {
  const YAML::Node pod = One("Deployment")["spec"]["template"]["spec"];
  std::ifstream containerfile(std::string(REPLICAD_SOURCE_DIR) + "/deploy/container/Containerfile");
  std::stringstream text;
  text << containerfile.rdbuf();
  std::smatch match;
  const std::string file = text.str();
  const std::regex entrypoint(R"re("--config", "([^"]+)/([^"/]+)"\])re");
  REQUIRE(std::regex_search(file, match, entrypoint));
  const std::string config_directory = match[1].str();
  const std::string config_file = match[2].str();

  std::map<std::string, YAML::Node> volumes;
  for (const YAML::Node& volume : pod["volumes"]) {
    volumes[Text(volume["name"])] = volume;
  }
  bool config_mounted = false, data_mounted = false;
  for (const YAML::Node& mount : Container()["volumeMounts"]) {
    const YAML::Node volume = volumes[Text(mount["name"])];
    REQUIRE(volume);
    if (volume["configMap"]) {
      INFO("the ConfigMap is mounted as a directory: subPath mounts never see updates");
      CHECK(Text(mount["mountPath"]) == config_directory);
      CHECK_FALSE(mount["subPath"]);
      CHECK(Text(volume["configMap"]["name"]) == Text(One("ConfigMap")["metadata"]["name"]));
      CHECK(One("ConfigMap")["data"][config_file]);
      config_mounted = true;
    }
    if (volume["persistentVolumeClaim"]) {
      CHECK(Text(mount["mountPath"]) == LoadedConfig().service.data_dir);
      CHECK(Text(volume["persistentVolumeClaim"]["claimName"]) ==
            Text(One("PersistentVolumeClaim")["metadata"]["name"]));
      data_mounted = true;
    }
  }
  CHECK(config_mounted);
  CHECK(data_mounted);
  const YAML::Node claim = One("PersistentVolumeClaim")["spec"];
  CHECK(Text(claim["accessModes"][0]) == "ReadWriteOnce");
  CHECK(Quantity(Text(claim["resources"]["requests"]["storage"])) > 0);
}

TEST_CASE("kubernetes: every credential comes from the Secret, none is in the ConfigMap") {
  const std::string text = EmbeddedConfig();
  const Mounts mounts = SecretMounts();
  const std::regex reference(R"(\$\{(env:|file:)?([^}:]+)\})");
  int references = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), reference), end; it != end; ++it) {
    const std::string kind = (*it)[1].str(), name = (*it)[2].str();
    INFO((*it)[0].str());
    CHECK((kind == "file:" ? mounts.secret_files.contains(name) : mounts.env.contains(name)));
    ++references;
  }
  CHECK(references >= 2);
  for (const config::AuthenticationConfig& auth : LoadedConfig().authentication) {
    for (const auto& [key, value] : auth.settings) {
      if (key == "password" || key == "client_secret") {
        INFO(auth.id << "." << key << " must be a ${...} reference");
        CHECK(value == "placeholder");
      }
    }
  }
  CHECK(LoadedConfig().service.admin_token == "placeholder");
}

TEST_CASE("kubernetes: the Service and ServiceMonitor expose /metrics to Prometheus") {
  const YAML::Node service = One("Service");
  const YAML::Node annotations = service["metadata"]["annotations"];
  CHECK(Text(annotations["prometheus.io/scrape"]) == "true");
  CHECK(Text(annotations["prometheus.io/path"]) == "/metrics");
  CHECK(Text(annotations["prometheus.io/port"]) ==
        std::to_string(LoadedConfig().service.metrics_port));
  CHECK(service["spec"]["publishNotReadyAddresses"].as<bool>());
  const YAML::Node labels = One("Deployment")["spec"]["template"]["metadata"]["labels"];
  for (const auto& selector : service["spec"]["selector"]) {
    CHECK(Text(labels[Text(selector.first)]) == Text(selector.second));
  }
  REQUIRE(service["spec"]["ports"].size() == 1);
  const YAML::Node port = service["spec"]["ports"][0];
  CHECK(ContainerPort(port["targetPort"]) == LoadedConfig().service.metrics_port);

  const YAML::Node monitor = One("ServiceMonitor");
  for (const auto& selector : monitor["spec"]["selector"]["matchLabels"]) {
    CHECK(Text(service["metadata"]["labels"][Text(selector.first)]) == Text(selector.second));
  }
  CHECK(Text(monitor["spec"]["endpoints"][0]["port"]) == Text(port["name"]));
  CHECK(Text(monitor["spec"]["endpoints"][0]["path"]) == "/metrics");
}

TEST_CASE("kubernetes: the ConfigMap's config passes replicad validate") {
  // The Secret's files are written under a temporary directory standing in for the mounts.
  testing::TempDir dir;
  std::string text = EmbeddedConfig();
  const Mounts mounts = SecretMounts();
  for (const auto& [path, key] : mounts.secret_files) {
    const std::string local = dir.path() + path;
    fs::create_directories(fs::path(local).parent_path());
    std::ofstream(local) << "placeholder-" << key << "\n";
    const std::string reference = "${file:" + path + "}";
    for (std::size_t at = text.find(reference); at != std::string::npos;
         at = text.find(reference, at)) {
      text.replace(at, reference.size(), "${file:" + local + "}");
    }
  }
  std::map<std::string, std::string> environment;
  for (const std::string& name : mounts.env) {
    environment[name] = "placeholder";
  }
  const std::string config = dir.File("replicad.yaml", text);
  const testing::ProcessResult result =
      testing::RunProcess({REPLICAD_BINARY, "validate", "--config", config}, "", environment);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
}

}  // namespace
}  // namespace replicad
