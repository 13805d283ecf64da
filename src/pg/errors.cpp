/*
 * Turning door statuses and program diagnostics into PostgreSQL errors and notices. PG zone.
 */
#include "pg/pg_zone.h"

#include "core/status_sqlstate.h"

extern "C"
{
#include "utils/elog.h"
}

/* The table is shared with mlflow-purge (core/status_sqlstate.h). */
int
sqlstate_for_status(int status_kind)
{
	const char *code = mp_status_sqlstate(status_kind);

	return MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
}

void
raise_status(const MpStatus *status)
{
	ereport(ERROR, (errcode(sqlstate_for_status(status->kind)), errmsg_internal("%s", status->message),
					status->detail[0] ? errdetail_internal("%s", status->detail) : 0,
					status->hint[0] ? errhint("%s", status->hint) : 0));
	pg_unreachable();
}

/* The program's text with {count} and {sample} filled by the core (mp_fill_placeholders). */
static char *
fill_placeholders(const char *text, int64 count, const char *sample)
{
	size_t length = mp_fill_placeholders(text, count, sample, NULL, 0);
	char *out = (char *) palloc(length + 1);

	mp_fill_placeholders(text, count, sample, out, length + 1);
	return out;
}

void
raise_program_message(int elevel, const MpProgram *program, const MpMessage *message, int64 count, const char *sample)
{
	const char *msg = fill_placeholders(program->text + message->message, count, sample);
	const char *detail = fill_placeholders(program->text + message->detail, count, sample);
	const char *hint = fill_placeholders(program->text + message->hint, count, sample);

	ereport(elevel, (errcode(elevel >= ERROR ? sqlstate_for_status(message->kind) : ERRCODE_SUCCESSFUL_COMPLETION),
					 errmsg_internal("%s", msg), detail[0] ? errdetail_internal("%s", detail) : 0,
					 hint[0] ? errhint("%s", hint) : 0));
}
