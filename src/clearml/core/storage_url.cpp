#include "clearml/core/storage_url.hpp"

#include "clearml/core/path_guard.hpp"
#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

namespace {
bool
starts_with(std::string_view text, std::string_view prefix) {
	return text.substr(0, prefix.size()) == prefix;
}

std::string
trim_trailing_slash(std::string text) {
	while (!text.empty() && text.back() == '/')
		text.pop_back();
	return text;
}

std::optional<std::string_view>
strip_prefix(std::string_view url, const std::vector<std::string> &prefixes) {
	for (const auto &raw : prefixes) {
		const std::string prefix = trim_trailing_slash(raw);
		if (prefix.empty())
			continue;
		if (url.size() > prefix.size() && lower_case(url.substr(0, prefix.size())) == lower_case(prefix) &&
		    url[prefix.size()] == '/') {
			return url.substr(prefix.size() + 1);
		}
	}
	return std::nullopt;
}

int
hex_value(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
} // namespace

std::string_view
storage_kind_name(StorageKind kind) {
	switch (kind) {
	case StorageKind::fileserver:
		return "fileserver";
	case StorageKind::s3:
		return "s3";
	case StorageKind::gs:
		return "gs";
	case StorageKind::azure:
		return "azure";
	case StorageKind::other:
		return "other";
	}
	return "other";
}

StorageKind
classify_url(std::string_view url, const std::vector<std::string> &fileserver_prefixes) {
	const std::string lower = lower_case(url);
	if (starts_with(lower, "s3://"))
		return StorageKind::s3;
	if (starts_with(lower, "gs://"))
		return StorageKind::gs;
	if (starts_with(lower, "azure://"))
		return StorageKind::azure;
	if (strip_prefix(url, fileserver_prefixes))
		return StorageKind::fileserver;
	return StorageKind::other;
}

std::string
url_unquote(std::string_view text) {
	std::string out;
	out.reserve(text.size());
	for (std::size_t i = 0; i < text.size(); ++i) {
		if (text[i] == '%' && i + 2 < text.size()) {
			const int hi = hex_value(text[i + 1]);
			const int lo = hex_value(text[i + 2]);
			if (hi >= 0 && lo >= 0) {
				out += static_cast<char>(hi * 16 + lo);
				i += 2;
				continue;
			}
		}
		out += text[i];
	}
	return out;
}

std::optional<std::string>
fileserver_relative_path(std::string_view url, const std::vector<std::string> &fileserver_prefixes) {
	auto rest = strip_prefix(url, fileserver_prefixes);
	if (!rest)
		return std::nullopt;
	std::string_view path = *rest;
	const auto cut = path.find_first_of("?#");
	if (cut != std::string_view::npos)
		path = path.substr(0, cut);
	return normalize_relative_path(url_unquote(path));
}

} // namespace mlflow_purge::clearml
