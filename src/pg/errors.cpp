/*
 * Turning door statuses and program diagnostics into PostgreSQL errors and notices. PG zone.
 */
#include "pg/pg_zone.h"

extern "C" {
#include "lib/stringinfo.h"
#include "utils/elog.h"
}

int
sqlstate_for_status(int status_kind)
{
	switch (status_kind)
	{
		case MP_NULL_VALUE:
			return ERRCODE_NULL_VALUE_NOT_ALLOWED;
		case MP_INVALID_PARAMETER:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case MP_NOT_FOUND:
			return ERRCODE_NO_DATA_FOUND;
		case MP_NOT_DELETED:
			return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
		case MP_DEPENDENT_OBJECTS:
			return ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST;
		case MP_UNDEFINED_TABLE:
			return ERRCODE_UNDEFINED_TABLE;
		case MP_UNDEFINED_COLUMN:
			return ERRCODE_UNDEFINED_COLUMN;
		case MP_DATATYPE_MISMATCH:
			return ERRCODE_DATATYPE_MISMATCH;
		case MP_INVALID_FOREIGN_KEY:
			return ERRCODE_INVALID_FOREIGN_KEY;
		case MP_INSUFFICIENT_PRIVILEGE:
			return ERRCODE_INSUFFICIENT_PRIVILEGE;
		case MP_OUT_OF_MEMORY:
			return ERRCODE_OUT_OF_MEMORY;
		default:
			return ERRCODE_INTERNAL_ERROR;
	}
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
