/*
 * Progress of a running purge, visible from another session in pg_stat_activity.query. PG zone.
 *
 * A DBA watching a long purge needs to know it is alive and where it is: the backend's activity
 * text becomes "mlflow_purge: batch 3: deleting from metrics, 120000 rows so far | <the call>"
 * while the purge runs, and the call's own text again when it ends. pg_stat_activity shows it
 * to the same role and to members of pg_read_all_stats, as it shows any query. Nothing is
 * shared between backends and nothing needs shared_preload_libraries.
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "lib/stringinfo.h"
#include "access/xact.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
}

/* Set by the batched procedure while it runs (0: a single call). Tied to the statement that
 * set it, so a procedure that ended in an error leaves no batch number to a later call. */
static int current_batch = 0;
static TimestampTz batch_statement_start = 0;

static int
batch_number(void)
{
	return batch_statement_start == GetCurrentStatementStartTimestamp() ? current_batch : 0;
}

/* The text of the statement the client sent (the CALL or SELECT), shown after the progress. */
static const char *
call_text(void)
{
	return debug_query_string ? debug_query_string : "";
}

static void
report(const char *what)
{
	StringInfoData text;

	initStringInfo(&text);
	appendStringInfoString(&text, "mlflow_purge: ");
	if (batch_number() > 0)
		appendStringInfo(&text, "batch %d: ", batch_number());
	appendStringInfo(&text, "%s | %s", what, call_text());
	pgstat_report_activity(STATE_RUNNING, text.data);
	pfree(text.data);
}

void
progress_set_batch(int batch)
{
	current_batch = batch;
	batch_statement_start = GetCurrentStatementStartTimestamp();
}

void
progress_table(const char *table, int64 rows_so_far)
{
	char what[NAMEDATALEN + 64];

	snprintf(what, sizeof(what), "deleting from %s, " INT64_FORMAT " rows so far", table, rows_so_far);
	report(what);
}

void
progress_state(const char *what)
{
	report(what);
}

void
progress_done(void)
{
	if (batch_number() > 0)
		return; /* the procedure reports between batches and restores at its end */
	pgstat_report_activity(STATE_RUNNING, call_text());
}

void
progress_end_batches(void)
{
	current_batch = 0;
	pgstat_report_activity(STATE_RUNNING, call_text());
}
