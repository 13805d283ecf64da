/*
 * Checks, before anything runs, that the calling role may read (dry run) or read and delete
 * (purge) every table of the program, and names all missing privileges in one error. PG zone.
 * The purge runs with the caller's rights (SECURITY INVOKER): this only makes the refusal clear.
 */
#include "pg/pg_zone.h"

extern "C" {
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
}

void
check_table_privileges(const MpProgram *program, Oid namespace_oid)
{
	AclMode		needed = program->dry_run ? ACL_SELECT : (ACL_SELECT | ACL_DELETE);
	Oid			role = GetUserId();
	StringInfoData missing;

	initStringInfo(&missing);
	for (int i = 0; i < program->ntables; i++)
	{
		const char *table = program->text + program->tables[i];
		Oid			relid = get_relname_relid(table, namespace_oid);
		AclMode		granted;

		if (!OidIsValid(relid))
			continue;			/* dropped meanwhile: the statement itself will say so */
		granted = pg_class_aclmask(relid, role, needed, ACLMASK_ALL);
		if ((granted & needed) == needed)
			continue;
		appendStringInfo(&missing, "%s%s (%s)", missing.len ? ", " : "", table,
						 (granted & ACL_SELECT) ? "DELETE" : (program->dry_run ? "SELECT" : "SELECT, DELETE"));
	}
	/* Row locks (SELECT ... FOR UPDATE) need UPDATE on the table or on one of its columns. */
	Oid		   *lock_checked = (Oid *) palloc0(sizeof(Oid) * (program->nsteps + 1));
	int			nlock_checked = 0;

	for (int i = 0; i < program->nsteps; i++)
	{
		const MpStep *step = &program->steps[i];
		const char *table;
		Oid			relid;
		bool		seen = false;

		if (step->kind != MP_STEP_LOCK || step->locked_table == 0)
			continue;
		table = program->text + step->locked_table;
		relid = get_relname_relid(table, namespace_oid);
		for (int j = 0; j < nlock_checked; j++)
			seen = seen || lock_checked[j] == relid;
		if (!OidIsValid(relid) || seen)
			continue;
		lock_checked[nlock_checked++] = relid;
		if (pg_class_aclcheck(relid, role, ACL_UPDATE) == ACLCHECK_OK ||
			pg_attribute_aclcheck_all(relid, role, ACL_UPDATE, ACLMASK_ANY) == ACLCHECK_OK)
			continue;
		appendStringInfo(&missing, "%s%s (UPDATE on any column, for its row locks)", missing.len ? ", " : "", table);
	}
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for the MLflow tables this purge %s",
						program->dry_run ? "reads" : "deletes from"),
				 errdetail("Role \"%s\" lacks: %s.", GetUserNameFromId(role, false), missing.data),
				 errhint("Grant %s, or run the purge as the MLflow schema owner.",
						 program->dry_run ? "SELECT on those tables"
						 : "SELECT and DELETE on those tables and UPDATE on one column of the locked ones")));
}
