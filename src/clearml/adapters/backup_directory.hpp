// A backup on local disk, DIR/<tenant id>/: the read-only facts the plan judges, then the writes,
// each file durable (temporary file, fsync, rename, fsync of the directory) and backup.json last,
// so a backup without backup.json is an interrupted one. Directories are created 0700 and files
// 0600: a backup holds the tenant's credentials and storage keys.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "clearml/adapters/durable_file.hpp"
#include "clearml/core/backup_index.hpp"
#include "clearml/core/backup_location.hpp"
#include "clearml/core/backup_records.hpp"
#include "clearml/core/sha256.hpp"

namespace mlflow_purge::clearml {

// Reads only: lstat, access, and backup.json if there is one.
BackupLocationFacts inspect_backup_location(const std::string &dir, const std::string &tenant_id);

class BackupJsonlFile;

class BackupDirectory {
public:
	// Creates DIR and DIR/<tenant id> if missing. The location is judged again here, because the
	// plan's facts may be stale: throws std::runtime_error with the refusal's message.
	BackupDirectory(const std::string &dir, const std::string &tenant_id, bool resuming);
	~BackupDirectory();
	const std::string &path() const { return path_; }
	BackupMode mode() const { return mode_; }

	// A .jsonl file. In merge mode the stored file's lines come first, and new records whose key is
	// already there are skipped: the file only grows.
	std::unique_ptr<BackupJsonlFile> open_jsonl(const std::string &name, BackupRecordKind kind);
	// A verbatim copy of one file, produced in chunks. In merge mode a copy already listed by the
	// stored backup.json is kept as it is and produce is not called.
	void write_copy(const std::string &name,
	                const std::function<void(const std::function<void(std::string_view)> &)> &produce);

	// Writes backup.json listing every file (merged with the stored one when resuming) and returns it.
	BackupIndex finish(const std::string &company_name, bool index_documents, bool file_contents);

private:
	friend class BackupJsonlFile;
	// Creates the parent folders of name below the tenant folder, 0700, refusing links.
	std::string prepare(const std::string &name);

	std::string path_;
	std::string tenant_id_;
	BackupMode mode_ = BackupMode::fresh;
	std::optional<BackupIndex> stored_;
	BackupIndex written_; // entries of the files this run wrote
};

class BackupJsonlFile {
public:
	BackupJsonlFile(BackupDirectory &directory, std::string name, BackupRecordKind kind);
	void add_record(const nlohmann::json &record);
	void add_mongo_line(const std::string &canonical_line); // from the driver, without a newline
	// Makes the file durable and records it for backup.json.
	void commit();

private:
	void append(const std::optional<std::string> &key, std::string_view line_with_newline);

	BackupDirectory &directory_;
	std::string name_;
	BackupRecordKind kind_;
	DurableFileWriter writer_;
	Sha256 hash_;
	std::set<std::string> keys_;
	BackupFileEntry entry_;
};

} // namespace mlflow_purge::clearml
