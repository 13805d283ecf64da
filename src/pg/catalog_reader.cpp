/*
 * Reads the catalog facts the planner needs (tables, columns, primary keys, and every foreign
 * key whose referenced table is in the MLflow schema) at call time. PG zone.
 *
 * Reading the catalog at every call is what makes the purge follow a new MLflow release's child
 * tables without a code change. The facts come from catalog scans and the syscache, not from
 * SQL: planning a seven-way join over pg_catalog cost a fresh backend 10-40 ms per call, more
 * than the whole purge of one run (bench/FINDINGS.md F5). The rows are the same as those of the
 * SQL in core/catalog_queries.h, which mlflow-purge (libpq) runs, in the same order; the
 * ctest cli.equivalence compares both drivers' results. Only the preflight's index list, read
 * once per mlflow_purge_check(), still goes through that SQL.
 *
 * The scans see the latest committed catalog (the catalog snapshot), as the executor's relcache
 * does when the program's statements run.
 */
#include "pg/pg_zone.h"

#include "core/catalog_queries.h"

extern "C"
{
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_attribute.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

/* A table of the MLflow schema while it is being read: its oid, and what the door gets. */
typedef struct TableEntry
{
	Oid oid;
	int16 natts;
	MpTable table;
} TableEntry;

static int
compare_table_entries(const void *a, const void *b)
{
	return strcmp(((const TableEntry *) a)->table.name, ((const TableEntry *) b)->table.name);
}

/* Ordinary and partitioned tables of the namespace, partitions excluded, sorted by name (the
 * byte order of ORDER BY relname). */
static TableEntry *
scan_tables(Oid namespace_oid, int *ntables)
{
	Relation pg_class = table_open(RelationRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple tuple;
	int capacity = 64;
	int count = 0;
	TableEntry *entries = (TableEntry *) palloc0(sizeof(TableEntry) * capacity);

	ScanKeyInit(&key, Anum_pg_class_relnamespace, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(namespace_oid));
	scan = systable_beginscan(pg_class, InvalidOid, false, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tuple);

		if ((form->relkind != RELKIND_RELATION && form->relkind != RELKIND_PARTITIONED_TABLE) || form->relispartition)
			continue;
		if (count == capacity)
		{
			capacity *= 2;
			entries = (TableEntry *) repalloc(entries, sizeof(TableEntry) * capacity);
			memset(&entries[count], 0, sizeof(TableEntry) * (capacity - count));
		}
		entries[count].oid = form->oid;
		entries[count].natts = form->relnatts;
		entries[count].table.name = pstrdup(NameStr(form->relname));
		count++;
	}
	systable_endscan(scan);
	table_close(pg_class, AccessShareLock);

	qsort(entries, count, sizeof(TableEntry), compare_table_entries);
	*ntables = count;
	return entries;
}

/*
 * Live columns in attnum order, typed as pg_catalog.format_type(atttypid, atttypmod) prints:
 * one index scan of pg_attribute per table (not a syscache lookup per column, each of which
 * would be a scan of its own in a fresh backend).
 */
static void
read_columns(Relation pg_attribute, TableEntry *entry)
{
	MpColumn *columns = (MpColumn *) palloc0(sizeof(MpColumn) * (entry->natts + 1));
	int ncolumns = 0;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple tuple;

	ScanKeyInit(&keys[0], Anum_pg_attribute_attrelid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(entry->oid));
	ScanKeyInit(&keys[1], Anum_pg_attribute_attnum, BTGreaterStrategyNumber, F_INT2GT, Int16GetDatum(0));
	scan = systable_beginscan(pg_attribute, AttributeRelidNumIndexId, true, NULL, 2, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_attribute form = (Form_pg_attribute) GETSTRUCT(tuple);

		if (form->attisdropped || form->attnum > entry->natts)
			continue;
		columns[ncolumns].name = pstrdup(NameStr(form->attname));
		columns[ncolumns].type = format_type_extended(form->atttypid, form->atttypmod,
													  FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_ALLOW_INVALID);
		ncolumns++;
	}
	systable_endscan(scan);
	entry->table.columns = columns;
	entry->table.ncolumns = ncolumns;
}

static TableEntry *
find_table(TableEntry *entries, int ntables, Oid oid)
{
	for (int i = 0; i < ntables; i++)
		if (entries[i].oid == oid)
			return &entries[i];
	return NULL;
}

/* The attribute numbers of a pg_constraint int2[] column (conkey, confkey). */
static int16 *
constraint_attnums(HeapTuple tuple, TupleDesc desc, AttrNumber column, int *count)
{
	bool isnull;
	Datum datum = mp_catalog_getattr(tuple, column, desc, &isnull);
	ArrayType *array;

	if (isnull)
		elog(ERROR, "mlflow_purge: null key column in pg_constraint");
	array = DatumGetArrayTypeP(datum);
	if (ARR_NDIM(array) != 1 || ARR_HASNULL(array) || ARR_ELEMTYPE(array) != INT2OID)
		elog(ERROR, "mlflow_purge: malformed key column in pg_constraint");
	*count = ARR_DIMS(array)[0];
	return (int16 *) ARR_DATA_PTR(array);
}

static const char **
attribute_names(Oid relation, const int16 *attnums, int count)
{
	const char **names = (const char **) palloc0(sizeof(char *) * (count + 1));

	for (int i = 0; i < count; i++)
		names[i] = get_attname(relation, attnums[i], false);
	return names;
}

static int
compare_foreign_keys(const void *a, const void *b)
{
	const MpForeignKey *x = (const MpForeignKey *) a;
	const MpForeignKey *y = (const MpForeignKey *) b;
	int order = strcmp(x->child_schema, y->child_schema);

	if (order == 0)
		order = strcmp(x->child_table, y->child_table);
	if (order == 0)
		order = strcmp(x->name, y->name);
	return order;
}

/*
 * One pass over pg_constraint: the primary keys of the schema's tables, and every foreign key
 * (not a partition's inherited copy) whose referenced table is in the schema, wherever the
 * referencing table lives. pg_constraint has no index on confrelid, and it is small.
 */
static void
scan_constraints(MpCatalog *catalog, TableEntry *entries, int ntables, Oid namespace_oid)
{
	Relation pg_constraint = table_open(ConstraintRelationId, AccessShareLock);
	TupleDesc desc = RelationGetDescr(pg_constraint);
	SysScanDesc scan = systable_beginscan(pg_constraint, InvalidOid, false, NULL, 0, NULL);
	HeapTuple tuple;
	int capacity = 32;
	int nkeys = 0;
	MpForeignKey *keys = (MpForeignKey *) palloc0(sizeof(MpForeignKey) * capacity);

	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint form = (Form_pg_constraint) GETSTRUCT(tuple);

		if (form->contype == CONSTRAINT_PRIMARY)
		{
			TableEntry *entry = find_table(entries, ntables, form->conrelid);
			int count;
			int16 *attnums;

			if (entry == NULL)
				continue;
			attnums = constraint_attnums(tuple, desc, Anum_pg_constraint_conkey, &count);
			entry->table.primary_key = attribute_names(form->conrelid, attnums, count);
			entry->table.nprimary_key = count;
		}
		else if (form->contype == CONSTRAINT_FOREIGN && !OidIsValid(form->conparentid) &&
				 get_rel_namespace(form->confrelid) == namespace_oid)
		{
			MpForeignKey *key;
			int nchild;
			int nparent;
			int16 *child_attnums = constraint_attnums(tuple, desc, Anum_pg_constraint_conkey, &nchild);
			int16 *parent_attnums = constraint_attnums(tuple, desc, Anum_pg_constraint_confkey, &nparent);

			if (nchild != nparent)
				elog(ERROR, "mlflow_purge: foreign key \"%s\" has unequal key lists", NameStr(form->conname));
			if (nkeys == capacity)
			{
				capacity *= 2;
				keys = (MpForeignKey *) repalloc(keys, sizeof(MpForeignKey) * capacity);
			}
			key = &keys[nkeys++];
			memset(key, 0, sizeof(*key));
			key->name = pstrdup(NameStr(form->conname));
			key->child_schema = get_namespace_name(get_rel_namespace(form->conrelid));
			key->child_table = get_rel_name(form->conrelid);
			key->parent_table = get_rel_name(form->confrelid);
			key->on_delete = form->confdeltype;
			key->ncolumns = nchild;
			key->child_columns = attribute_names(form->conrelid, child_attnums, nchild);
			key->parent_columns = attribute_names(form->confrelid, parent_attnums, nparent);
			if (key->child_schema == NULL || key->child_table == NULL || key->parent_table == NULL)
				elog(ERROR, "mlflow_purge: foreign key \"%s\" names a relation that no longer exists",
					 NameStr(form->conname));
		}
	}
	systable_endscan(scan);
	table_close(pg_constraint, AccessShareLock);

	qsort(keys, nkeys, sizeof(MpForeignKey), compare_foreign_keys);
	catalog->foreign_keys = keys;
	catalog->nforeign_keys = nkeys;
}

/* The preflight's index list: SQL (core/catalog_queries.h), once per mlflow_purge_check(). */
static void
read_indexes(MpCatalog *catalog, const char *schema)
{
	Oid argtypes[1] = {TEXTOID};
	Datum values[1] = {CStringGetTextDatum(schema)};
	int rc = SPI_execute_with_args(mp_catalog_indexes_query, 1, argtypes, values, NULL, true, 0);
	uint64 rows = SPI_processed;
	MpIndex *indexes = (MpIndex *) palloc0(sizeof(MpIndex) * (rows + 1));
	const char **columns = (const char **) palloc0(sizeof(char *) * (rows + 1));
	char **ids = (char **) palloc0(sizeof(char *) * (rows + 1));
	int nindexes = 0;

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "mlflow_purge: reading the catalog failed: %s", SPI_result_code_string(rc));
	for (uint64 i = 0; i < rows; i++)
	{
		HeapTuple row = SPI_tuptable->vals[i];
		TupleDesc desc = SPI_tuptable->tupdesc;
		char *id = SPI_getvalue(row, desc, 2);

		if (nindexes == 0 || strcmp(ids[nindexes - 1], id) != 0)
		{
			ids[nindexes] = id;
			indexes[nindexes].table = SPI_getvalue(row, desc, 1);
			indexes[nindexes].columns = &columns[i];
			nindexes++;
		}
		columns[i] = SPI_getvalue(row, desc, 3);
		indexes[nindexes - 1].ncolumns++;
	}
	catalog->indexes = indexes;
	catalog->nindexes = nindexes;
	SPI_freetuptable(SPI_tuptable);
}

MpCatalog *
read_mlflow_catalog(const char *schema, Oid namespace_oid, bool with_indexes)
{
	MpCatalog *catalog = (MpCatalog *) palloc0(sizeof(MpCatalog));
	int ntables;
	TableEntry *entries = scan_tables(namespace_oid, &ntables);
	MpTable *tables = (MpTable *) palloc0(sizeof(MpTable) * (ntables + 1));

	Relation pg_attribute = table_open(AttributeRelationId, AccessShareLock);

	catalog->schema = pstrdup(schema);
	for (int i = 0; i < ntables; i++)
		read_columns(pg_attribute, &entries[i]);
	table_close(pg_attribute, AccessShareLock);
	scan_constraints(catalog, entries, ntables, namespace_oid);
	for (int i = 0; i < ntables; i++)
		tables[i] = entries[i].table;
	catalog->tables = tables;
	catalog->ntables = ntables;
	if (with_indexes)
		read_indexes(catalog, schema);
	read_declared_links(catalog);
	return catalog;
}
