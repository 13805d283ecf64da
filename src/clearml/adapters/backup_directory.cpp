#include "clearml/adapters/backup_directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "clearml/adapters/manifest_file.hpp"
#include "clearml/core/backup_layout.hpp"

namespace fs = std::filesystem;

namespace mlflow_purge::clearml {

namespace {

struct EntryFacts {
	bool exists = false;
	bool is_symlink = false;
	bool is_directory = false;
};

EntryFacts
lstat_facts(const std::string &path) {
	struct stat info {};
	EntryFacts facts;
	if (::lstat(path.c_str(), &info) != 0)
		return facts;
	facts.exists = true;
	facts.is_symlink = S_ISLNK(info.st_mode);
	facts.is_directory = S_ISDIR(info.st_mode);
	return facts;
}

bool
can_write_in(const std::string &dir) {
	return ::access(dir.c_str(), W_OK | X_OK) == 0;
}

std::string
parent_of(const std::string &path) {
	std::string parent = fs::path(path).lexically_normal().parent_path().string();
	if (!parent.empty() && parent.size() > 1 && parent.back() == '/')
		parent.pop_back();
	return parent.empty() ? "." : parent;
}

// mkdir 0700, or an existing real directory; never through a link.
void
ensure_private_directory(const std::string &path) {
	if (::mkdir(path.c_str(), 0700) == 0) {
		fsync_directory(parent_of(path));
		return;
	}
	if (errno != EEXIST)
		throw std::runtime_error("backup: cannot create " + path + ": " + std::strerror(errno));
	const EntryFacts facts = lstat_facts(path);
	if (facts.is_symlink || !facts.is_directory) {
		throw std::runtime_error("backup: " + path + " is " +
		                         (facts.is_symlink ? "a symbolic link" : "not a directory"));
	}
}

std::string
read_whole_file(const std::string &path) {
	std::ifstream in(path, std::ios::binary);
	if (!in)
		throw std::runtime_error("cannot read it");
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

} // namespace

BackupLocationFacts
inspect_backup_location(const std::string &dir, const std::string &tenant_id) {
	BackupLocationFacts facts;
	facts.directory = dir;
	const EntryFacts base = lstat_facts(dir);
	facts.exists = base.exists;
	facts.is_symlink = base.is_symlink;
	facts.is_directory = base.is_directory;
	if (base.exists) {
		facts.writable = base.is_directory && can_write_in(dir);
	} else {
		const std::string parent = parent_of(dir);
		std::error_code ec;
		facts.parent_exists = fs::is_directory(parent, ec);
		facts.writable = facts.parent_exists && can_write_in(parent);
	}
	facts.tenant_directory = backup_tenant_directory(dir, tenant_id);
	if (!base.exists || base.is_symlink || !base.is_directory)
		return facts;
	const EntryFacts tenant = lstat_facts(facts.tenant_directory);
	facts.tenant_directory_exists = tenant.exists;
	facts.tenant_directory_is_symlink = tenant.is_symlink;
	facts.tenant_directory_is_directory = tenant.is_directory;
	facts.tenant_directory_writable = tenant.is_directory && can_write_in(facts.tenant_directory);
	if (!tenant.is_directory || tenant.is_symlink)
		return facts;
	const std::string index_path = facts.tenant_directory + "/" + kBackupIndexFile;
	const EntryFacts index = lstat_facts(index_path);
	if (!index.exists)
		return facts;
	try {
		if (index.is_symlink)
			throw std::runtime_error("it is a symbolic link");
		const auto json = nlohmann::json::parse(read_whole_file(index_path), nullptr, false);
		if (json.is_discarded())
			throw std::runtime_error("it is not valid JSON");
		facts.existing = backup_index_from_json(json);
	} catch (const std::exception &e) {
		facts.existing_error = e.what();
	}
	return facts;
}

BackupDirectory::BackupDirectory(const std::string &dir, const std::string &tenant_id, bool resuming)
	: path_(backup_tenant_directory(dir, tenant_id)), tenant_id_(tenant_id) {
	const BackupLocationFacts facts = inspect_backup_location(dir, tenant_id);
	const BackupDecision decision = judge_backup_location(facts, tenant_id, resuming);
	if (decision.refusal)
		throw std::runtime_error("backup refused: " + decision.refusal->message);
	mode_ = decision.mode;
	stored_ = facts.existing;
	if (!facts.exists)
		ensure_private_directory(dir);
	ensure_private_directory(path_);
	written_.tenant_id = tenant_id;
	written_.first_written = written_.last_written = utc_now_iso8601();
}

BackupDirectory::~BackupDirectory() = default;

std::string
BackupDirectory::prepare(const std::string &name) {
	const fs::path relative(name);
	std::string current = path_;
	for (const auto &part : relative.parent_path()) {
		current += "/" + part.string();
		ensure_private_directory(current);
	}
	return path_ + "/" + name;
}

std::unique_ptr<BackupJsonlFile>
BackupDirectory::open_jsonl(const std::string &name, BackupRecordKind kind) {
	return std::make_unique<BackupJsonlFile>(*this, name, kind);
}

void
BackupDirectory::write_copy(const std::string &name,
                            const std::function<void(const std::function<void(std::string_view)> &)> &produce) {
	if (mode_ == BackupMode::merge && stored_->files.count(name))
		return;
	DurableFileWriter writer(prepare(name));
	Sha256 hash;
	BackupFileEntry entry;
	entry.records = 1;
	produce([&](std::string_view chunk) {
		writer.write(chunk);
		hash.update(chunk);
		entry.bytes += static_cast<std::int64_t>(chunk.size());
	});
	writer.commit();
	entry.sha256 = hash.hex_digest();
	written_.files[name] = entry;
}

BackupIndex
BackupDirectory::finish(const std::string &company_name, bool index_documents, bool file_contents) {
	written_.company_name = company_name;
	written_.index_documents = index_documents;
	written_.file_contents = file_contents;
	written_.last_written = utc_now_iso8601();
	const BackupIndex index = mode_ == BackupMode::merge ? merge_backup_indexes(*stored_, written_) : written_;
	write_file_durably(path_ + "/" + kBackupIndexFile, backup_index_to_json(index).dump(2) + "\n");
	return index;
}

BackupJsonlFile::BackupJsonlFile(BackupDirectory &directory, std::string name, BackupRecordKind kind)
	: directory_(directory), name_(std::move(name)), kind_(kind), writer_(directory.prepare(name_)) {
	if (directory_.mode_ != BackupMode::merge || !directory_.stored_->files.count(name_))
		return;
	// The stored file first, as it is: a resumed run may find less than the first one did.
	std::ifstream in(directory_.path_ + "/" + name_, std::ios::binary);
	if (!in)
		throw std::runtime_error("backup: cannot read " + directory_.path_ + "/" + name_ + " to extend it");
	std::string line;
	while (std::getline(in, line)) {
		const auto parsed = nlohmann::json::parse(line, nullptr, false);
		append(parsed.is_discarded() ? std::nullopt : backup_record_key(kind_, parsed), line + "\n");
	}
}

void
BackupJsonlFile::add_record(const nlohmann::json &record) {
	append(backup_record_key(kind_, record), jsonl_line(record));
}

void
BackupJsonlFile::add_mongo_line(const std::string &canonical_line) {
	append(mongo_line_key(canonical_line), canonical_line + "\n");
}

void
BackupJsonlFile::append(const std::optional<std::string> &key, std::string_view line_with_newline) {
	if (key && !keys_.insert(*key).second)
		return; // already in the file
	writer_.write(line_with_newline);
	hash_.update(line_with_newline);
	++entry_.records;
	entry_.bytes += static_cast<std::int64_t>(line_with_newline.size());
}

void
BackupJsonlFile::commit() {
	writer_.commit();
	entry_.sha256 = hash_.hex_digest();
	directory_.written_.files[name_] = entry_;
}

} // namespace mlflow_purge::clearml
