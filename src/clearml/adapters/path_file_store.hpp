// FileStore on a mounted fileserver volume (the fileserver pod's /mnt/fileserver, or the host's
// ${CLEARML_ROOT}/data/fileserver). Never follows a symbolic link; deletes only below the root.
#pragma once

#include <filesystem>

#include "clearml/adapters/file_store.hpp"

namespace mlflow_purge::clearml {

class PathFileStore : public FileStore {
public:
	explicit PathFileStore(std::filesystem::path root);

	std::string describe() const override;
	std::vector<FileTarget> find(const FileSelection &selection) override;
	void remove(const FileSelection &selection, const std::vector<std::string> &targets) override;
	bool can_verify() const override { return true; }
	bool can_read_files() const override { return true; }
	void for_each_file(const FileSelection &selection, const std::vector<std::string> &targets,
	                   const std::function<void(const std::string &path, std::int64_t bytes)> &visit) override;
	void read_file(const std::string &path, const std::function<void(std::string_view chunk)> &consume) override;

private:
	// The canonical root, checked to exist and be a directory.
	std::filesystem::path canonical_root() const;
	// Refuses (GuardRefusal) unless every component of root/relative below the root is a real
	// directory or the final entry, none of them a symbolic link. Returns false if it is missing.
	bool check_inside_root(const std::filesystem::path &root, const std::string &relative) const;
	// Files and bytes below root/relative, without the kept paths.
	FileTarget measure(const std::filesystem::path &root, const std::string &relative,
	                   const std::set<std::string> &kept) const;
	// remove_all of root/relative, except the kept paths below it (and the folders leading to them).
	void remove_except(const std::filesystem::path &root, const std::string &relative,
	                   const std::set<std::string> &kept) const;

	std::filesystem::path root_;
};

} // namespace mlflow_purge::clearml
