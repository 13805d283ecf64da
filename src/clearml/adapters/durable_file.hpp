// Files that survive a crash or power loss at any instant: the content goes to "<path>.tmp",
// which is fsynced, renamed over <path>, and the directory fsynced, so <path> holds either the
// old or the new content, never a torn one. Used by the manifest and by backups.
#pragma once

#include <string>
#include <string_view>

namespace mlflow_purge::clearml {

class DurableFileWriter {
public:
	// Creates <path>.tmp with this mode (an old one is replaced; a symbolic link there is refused).
	// Throws std::runtime_error naming the path and the system error.
	DurableFileWriter(std::string path, unsigned mode = 0600);
	~DurableFileWriter(); // without commit(): removes the temporary file, <path> is untouched
	DurableFileWriter(const DurableFileWriter &) = delete;
	DurableFileWriter &operator=(const DurableFileWriter &) = delete;

	void write(std::string_view data);
	void commit(); // fsync, close, rename over <path>, fsync the directory

private:
	std::string path_;
	std::string tmp_path_;
	int fd_ = -1;
};

void write_file_durably(const std::string &path, std::string_view data, unsigned mode = 0600);

// fsync of a directory: makes a rename or a new entry in it durable.
void fsync_directory(const std::string &dir);

} // namespace mlflow_purge::clearml
