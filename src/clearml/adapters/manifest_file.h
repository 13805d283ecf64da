// Reads and writes the manifest so that it survives a crash or power loss at any instant:
// write a temporary file, fsync it, rename it over the old one, fsync the directory.
#pragma once

#include <optional>
#include <string>

#include "core/manifest.h"

namespace clearml_purge {

class ManifestFile {
 public:
  explicit ManifestFile(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  std::optional<Manifest> load() const;  // nullopt when there is none; throws when unreadable
  void save(const Manifest& manifest) const;

 private:
  std::string path_;
};

std::string utc_now_iso8601();

}  // namespace clearml_purge
