/*
 * Whether a table has any storage at all: the cheap proof that a statement over it would find no
 * row, used to spare statements whose only work is to find none. PG zone.
 *
 * A table without a single block holds no row any snapshot could see: every insert, including
 * one this transaction made earlier and has not committed, extends the table by a block before
 * the row exists, and only TRUNCATE or a rewrite takes blocks away (under an ACCESS EXCLUSIVE
 * lock, which the ACCESS SHARE lock taken here, the one the spared statement would take, waits
 * for). In a fresh backend this costs the opening of the table; planning and running the spared
 * statement cost several times that (bench/FINDINGS.md F9).
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "access/table.h"
#include "storage/bufmgr.h"
#include "storage/lockdefs.h"
#include "utils/rel.h"
}

bool
table_has_no_blocks(Oid relid)
{
	Relation relation = table_open(relid, AccessShareLock);
	bool empty = RelationGetNumberOfBlocks(relation) == 0;

	table_close(relation, NoLock); /* the lock stays to the end of the transaction */
	return empty;
}
