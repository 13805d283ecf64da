/*
 * What both drivers say when the transaction cannot write (docs/design.md section 3): a dry run there
 * is not audited, a real purge is refused at once with 25006. The extension raises these with
 * ereport (src/pg/purge_functions.cpp), mlflow-purge prints them (src/cli): one copy of the texts,
 * so the two drivers' messages stay equal (test/cli/equivalence.sh). Plain C, no PostgreSQL header.
 */
#ifndef MLFLOW_PURGE_READ_ONLY_MESSAGES_H
#define MLFLOW_PURGE_READ_ONLY_MESSAGES_H

#define MP_READ_ONLY_SQLSTATE "25006" /* read_only_sql_transaction */

/* errmsg of a real purge in a read-only transaction; %s is the function's name. */
static const char *const mp_read_only_refusal_message = "%s cannot purge in a read-only transaction";
static const char *const mp_read_only_refusal_hint =
	"Purge on the primary in a read-write transaction, or pass dry_run => true to see what would be purged.";

/* Why the transaction cannot write: the errdetail of the refusal and of the NOTICE below. */
static const char *const mp_read_only_reason_standby =
	"The server is a hot standby: it replays the primary's changes and accepts no writes.";
static const char *const mp_read_only_reason_transaction =
	"The transaction is read-only (SET TRANSACTION READ ONLY, or default_transaction_read_only is on).";

/* NOTICE of a dry run that cannot write its audit row. */
static const char *const mp_dry_run_not_audited_message =
	"this dry run is not audited: the transaction cannot write mlflow_purge.audit_log";

#endif /* MLFLOW_PURGE_READ_ONLY_MESSAGES_H */
