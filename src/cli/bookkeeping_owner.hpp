// Whether mlflow-purge may write its audit and outbox rows into the mlflow_purge schema it
// finds. Whoever owns those tables (or can add triggers, rules or a view in their place) runs
// code as the purge role on every call, so a schema pre-created by someone else is refused,
// never adopted (docs/mlflow-purge.md, docs/design.md section 8).
#pragma once

#include "cli/pg_session.hpp"

namespace mlflow_purge::cli {

// Throws SqlError 42501 naming the first object that fails, unless the schema mlflow_purge and
// its tables audit_log and artifact_outbox are
//   - with the extension installed: members of the extension, owned by the extension's owner;
//   - without it (created by `mlflow-purge setup`): owned by the current role, a superuser, the
//     database owner (the role docs/mlflow-purge.md runs setup as), or a role that is already a member of
//     the current role (it could act as this role anyway, so nothing it plants gains it more);
// and the tables are ordinary tables without triggers or rules (their definition has none).
void VerifyBookkeepingOwner(Session &session);

// CREATE SCHEMA mlflow_purge, never IF NOT EXISTS: a schema that already exists (without both
// tables) belongs to someone else's plan and is refused with SqlError 42P06 and what to do.
void CreateBookkeepingSchema(Session &session);

} // namespace mlflow_purge::cli
