// Where an artifact URL points. Fileserver URLs become paths the purge deletes; external storage
// (S3, GS, Azure) is only reported: its credentials are not ours and deletion there is the
// operator's decision.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlflow_purge::clearml {

enum class StorageKind { fileserver, s3, gs, azure, other };

std::string_view storage_kind_name(StorageKind kind);

// fileserver_prefixes: e.g. "http://files.example.com:8081" (CLEARML_FILES_HOST); a URL whose
// scheme+host(+path) starts with one of them is a fileserver URL.
StorageKind classify_url(std::string_view url, const std::vector<std::string> &fileserver_prefixes);

// "http://files:8081/proj/task.abc/artifacts/x%20y/f.pkl" -> "proj/task.abc/artifacts/x y/f.pkl":
// strip the matching prefix, the query and fragment, and URL-unquote, as the fileserver does.
std::optional<std::string> fileserver_relative_path(std::string_view url,
                                                    const std::vector<std::string> &fileserver_prefixes);

std::string url_unquote(std::string_view text);

} // namespace mlflow_purge::clearml
