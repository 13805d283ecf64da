// A test hook at the moments a real crash would hurt most.
#pragma once

#include <string>

namespace mlflow_purge::clearml {

// Test-only: CLEARML_PURGE_TEST_CRASH_AFTER=<point> ends the process with _exit(70), as a kill -9
// would, at that point: a step name (after its work, before the manifest records it: the harshest
// moment), "mongo:<db>.<collection>" (inside the Mongo step, after that collection), "backup"
// (inside the manifest step, once the backup is complete and before anything is deleted) or
// "backup:mongo" (inside the backup, its Mongo files written, backup.json not yet). Unset in
// production; the code path is otherwise identical.
void crash_here_if_asked(const std::string &point);

} // namespace mlflow_purge::clearml
