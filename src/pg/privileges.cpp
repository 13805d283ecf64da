/*
 * Finds, before anything runs, what the calling role may do to every table of the program (read,
 * delete, lock rows); the core decides whether that is enough and words the one error naming
 * every missing privilege (mp_check_privileges). PG zone. The purge runs with the caller's
 * rights (SECURITY INVOKER): this only makes the refusal clear.
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
}

static void
find_access(const char *table, Oid namespace_oid, Oid role, MpTableAccess *access)
{
	Oid relid = get_relname_relid(table, namespace_oid);
	AclMode granted;

	memset(access, 0, sizeof(*access));
	if (!OidIsValid(relid))
		return;
	granted = pg_class_aclmask(relid, role, ACL_SELECT | ACL_DELETE | ACL_UPDATE, ACLMASK_ALL);
	access->exists = 1;
	access->may_select = (granted & ACL_SELECT) != 0;
	access->may_delete = (granted & ACL_DELETE) != 0;
	access->may_lock = (granted & ACL_UPDATE) != 0 ||
					   pg_attribute_aclcheck_all(relid, role, ACL_UPDATE, ACLMASK_ANY) == ACLCHECK_OK;
}

/* What the role may do to each table of the program; the rule and its message are the core's. */
void
check_table_privileges(const MpProgram *program, Oid namespace_oid)
{
	Oid role = GetUserId();
	MpTableAccess *tables = (MpTableAccess *) palloc0(sizeof(MpTableAccess) * (program->ntables + 1));
	MpTableAccess *locks = (MpTableAccess *) palloc0(sizeof(MpTableAccess) * (program->nsteps + 1));
	MpStatus *status = (MpStatus *) palloc0(sizeof(MpStatus));

	for (int i = 0; i < program->ntables; i++)
		find_access(program->text + program->tables[i], namespace_oid, role, &tables[i]);
	for (int i = 0; i < program->nsteps; i++)
	{
		if (program->steps[i].kind == MP_STEP_LOCK && program->steps[i].locked_table != 0)
			find_access(program->text + program->steps[i].locked_table, namespace_oid, role, &locks[i]);
	}
	if (mp_check_privileges(program, GetUserNameFromId(role, false), tables, locks, status) != MP_OK)
		raise_status(status);
}
