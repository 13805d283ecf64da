#include "adapters/manifest_file.h"

#include "adapters/durable_file.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace clearml_purge {

std::optional<Manifest> ManifestFile::load() const {
  std::ifstream in(path_);
  if (!in) {
    if (!std::filesystem::exists(path_)) return std::nullopt;
    throw std::runtime_error("manifest: cannot read " + path_);
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded()) throw std::runtime_error("manifest: " + path_ + " is not valid JSON");
  return manifest_from_json(json);
}

void ManifestFile::save(const Manifest& manifest) const {
  try {
    write_file_durably(path_, manifest_to_json(manifest).dump(2) + "\n");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("manifest: ") + e.what());
  }
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace clearml_purge
