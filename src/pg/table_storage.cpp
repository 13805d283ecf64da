/*
 * Whether a table has any storage at all: the cheap proof that a statement over it would find no
 * row, used to spare statements whose only work is to find none. PG zone.
 *
 * A table without a single block holds no row any snapshot could see: every insert, including
 * one this transaction made earlier and has not committed, extends the table by a block before
 * the row exists, and only TRUNCATE or a rewrite takes blocks away (under an ACCESS EXCLUSIVE
 * lock, which the ACCESS SHARE lock taken here, the one the spared statement would take, waits
 * for). Only an ordinary table without inheritance children is proven empty that way: a
 * statement over a partitioned table or an inheritance parent reads other tables' blocks too.
 * In a fresh backend this costs a fraction of planning the spared statement (bench/FINDINGS.md F9).
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/smgr.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

/*
 * The table's block count from the storage manager, without building its relation cache entry
 * (triggers, constraints, policies: more than the count costs in a fresh backend). PostgreSQL 15
 * only, where the storage is named by a RelFileNode; false when it cannot tell (the caller then
 * opens the table). The caller holds a lock on the table, so its storage is the one read here.
 */
static bool
storage_blocks(Oid relid, BlockNumber *blocks)
{
#if PG_VERSION_NUM < 160000
	HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;
	RelFileNode node;
	bool plain;
	SMgrRelation storage;

	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_class) GETSTRUCT(tuple);
	plain = form->relkind == RELKIND_RELATION && !form->relhassubclass && !form->relisshared &&
			form->relpersistence != RELPERSISTENCE_TEMP && OidIsValid(form->relfilenode);
	node.spcNode = OidIsValid(form->reltablespace) ? form->reltablespace : MyDatabaseTableSpace;
	node.dbNode = MyDatabaseId;
	node.relNode = form->relfilenode;
	ReleaseSysCache(tuple);
	if (!plain)
		return false;
	storage = smgropen(node, InvalidBackendId);
	if (!smgrexists(storage, MAIN_FORKNUM))
		return false;
	*blocks = smgrnblocks(storage, MAIN_FORKNUM);
	return true;
#else
	(void) relid;
	(void) blocks;
	return false;
#endif
}

bool
table_has_no_blocks(Oid relid)
{
	Relation relation;
	BlockNumber blocks;
	bool empty;

	LockRelationOid(relid, AccessShareLock); /* held to the end of the transaction */
	if (storage_blocks(relid, &blocks))
		return blocks == 0;
	relation = table_open(relid, NoLock);
	empty = relation->rd_rel->relkind == RELKIND_RELATION && !relation->rd_rel->relhassubclass &&
			RelationGetNumberOfBlocks(relation) == 0;
	table_close(relation, NoLock);
	return empty;
}
