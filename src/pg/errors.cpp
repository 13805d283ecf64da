/*
 * Turning door statuses and program diagnostics into PostgreSQL errors and notices. PG zone.
 */
#include "pg/pg_zone.h"

#include "core/status_sqlstate.h"

extern "C" {
#include "lib/stringinfo.h"
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
	ereport(ERROR,
			(errcode(sqlstate_for_status(status->kind)),
			 errmsg_internal("%s", status->message),
			 status->detail[0] ? errdetail_internal("%s", status->detail) : 0,
			 status->hint[0] ? errhint("%s", status->hint) : 0));
	pg_unreachable();
}

/* Copies `text`, replacing {count} and {sample} with the step's figures. */
static char *
fill_placeholders(const char *text, int64 count, const char *sample)
{
	StringInfoData out;

	initStringInfo(&out);
	while (*text)
	{
		if (strncmp(text, "{count}", 7) == 0)
		{
			appendStringInfo(&out, INT64_FORMAT, count);
			text += 7;
		}
		else if (strncmp(text, "{sample}", 8) == 0)
		{
			appendStringInfoString(&out, sample ? sample : "");
			if (count > 10)
				appendStringInfoString(&out, ", ...");
			text += 8;
		}
		else
			appendStringInfoChar(&out, *text++);
	}
	return out.data;
}

void
raise_program_message(int elevel, const MpProgram *program, const MpMessage *message, int64 count,
					  const char *sample)
{
	const char *msg = fill_placeholders(program->text + message->message, count, sample);
	const char *detail = fill_placeholders(program->text + message->detail, count, sample);
	const char *hint = fill_placeholders(program->text + message->hint, count, sample);

	ereport(elevel,
			(errcode(elevel >= ERROR ? sqlstate_for_status(message->kind) : ERRCODE_SUCCESSFUL_COMPLETION),
			 errmsg_internal("%s", msg),
			 detail[0] ? errdetail_internal("%s", detail) : 0,
			 hint[0] ? errhint("%s", hint) : 0));
}
