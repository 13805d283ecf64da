/*
 * Reads the catalog facts the planner needs (tables, columns, primary keys, and every foreign
 * key whose referenced table is in the MLflow schema) at call time, over SPI. PG zone.
 *
 * Reading pg_catalog at every call is what makes the purge follow a new MLflow release's child
 * tables without a code change. The queries run with the function's pinned search_path and
 * qualify every catalog object and operator anyway.
 */
#include "pg/pg_zone.h"

#include "core/catalog_queries.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
}

/* Runs one catalog query with the schema name as $1; rows stay in SPI_tuptable. */
static uint64
run_catalog_query(const char *query, const char *schema)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(schema)};
	int			rc = SPI_execute_with_args(query, 1, argtypes, values, NULL, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "mlflow_purge: reading the catalog failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

static char *
cell(uint64 row, int column)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column);
}

static bool
same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void
read_tables(MpCatalog *catalog, const char *schema)
{
	uint64		rows = run_catalog_query(mp_catalog_tables_query, schema);
	MpTable    *tables = (MpTable *) palloc0(sizeof(MpTable) * (rows + 1));
	MpColumn   *columns = (MpColumn *) palloc0(sizeof(MpColumn) * (rows + 1));
	int			ntables = 0;

	for (uint64 i = 0; i < rows; i++)
	{
		char	   *table = cell(i, 1);

		if (ntables == 0 || !same(tables[ntables - 1].name, table))
		{
			tables[ntables].name = table;
			tables[ntables].columns = &columns[i];
			ntables++;
		}
		columns[i].name = cell(i, 2);
		columns[i].type = cell(i, 3);
		tables[ntables - 1].ncolumns++;
	}
	catalog->tables = tables;
	catalog->ntables = ntables;
	SPI_freetuptable(SPI_tuptable);
}

static void
read_primary_keys(MpCatalog *catalog, const char *schema)
{
	uint64		rows = run_catalog_query(mp_catalog_primary_keys_query, schema);
	const char **names = (const char **) palloc0(sizeof(char *) * (rows + 1));
	MpTable    *tables = (MpTable *) catalog->tables;

	for (uint64 i = 0; i < rows; i++)
	{
		char	   *table = cell(i, 1);

		names[i] = cell(i, 2);
		for (int t = 0; t < catalog->ntables; t++)
		{
			if (!same(tables[t].name, table))
				continue;
			if (tables[t].nprimary_key == 0)
				tables[t].primary_key = &names[i];
			tables[t].nprimary_key++;
		}
	}
	SPI_freetuptable(SPI_tuptable);
}

static void
read_foreign_keys(MpCatalog *catalog, const char *schema)
{
	uint64		rows = run_catalog_query(mp_catalog_foreign_keys_query, schema);
	MpForeignKey *keys = (MpForeignKey *) palloc0(sizeof(MpForeignKey) * (rows + 1));
	const char **child_columns = (const char **) palloc0(sizeof(char *) * (rows + 1));
	const char **parent_columns = (const char **) palloc0(sizeof(char *) * (rows + 1));
	int			nkeys = 0;

	for (uint64 i = 0; i < rows; i++)
	{
		char	   *name = cell(i, 1);
		char	   *child_schema = cell(i, 2);
		char	   *child_table = cell(i, 3);

		if (nkeys == 0 || !same(keys[nkeys - 1].name, name) ||
			!same(keys[nkeys - 1].child_schema, child_schema) || !same(keys[nkeys - 1].child_table, child_table))
		{
			MpForeignKey *fk = &keys[nkeys++];
			char	   *action = cell(i, 5);

			fk->name = name;
			fk->child_schema = child_schema;
			fk->child_table = child_table;
			fk->parent_table = cell(i, 4);
			fk->on_delete = action ? action[0] : 'a';
			fk->child_columns = &child_columns[i];
			fk->parent_columns = &parent_columns[i];
		}
		child_columns[i] = cell(i, 6);
		parent_columns[i] = cell(i, 7);
		keys[nkeys - 1].ncolumns++;
	}
	catalog->foreign_keys = keys;
	catalog->nforeign_keys = nkeys;
	SPI_freetuptable(SPI_tuptable);
}

static void
read_indexes(MpCatalog *catalog, const char *schema)
{
	uint64		rows = run_catalog_query(mp_catalog_indexes_query, schema);
	MpIndex    *indexes = (MpIndex *) palloc0(sizeof(MpIndex) * (rows + 1));
	const char **columns = (const char **) palloc0(sizeof(char *) * (rows + 1));
	char	  **ids = (char **) palloc0(sizeof(char *) * (rows + 1));
	int			nindexes = 0;

	for (uint64 i = 0; i < rows; i++)
	{
		char	   *id = cell(i, 2);

		if (nindexes == 0 || !same(ids[nindexes - 1], id))
		{
			ids[nindexes] = id;
			indexes[nindexes].table = cell(i, 1);
			indexes[nindexes].columns = &columns[i];
			nindexes++;
		}
		columns[i] = cell(i, 3);
		indexes[nindexes - 1].ncolumns++;
	}
	catalog->indexes = indexes;
	catalog->nindexes = nindexes;
	SPI_freetuptable(SPI_tuptable);
}

MpCatalog *
read_mlflow_catalog(const char *schema, bool with_indexes)
{
	MpCatalog  *catalog = (MpCatalog *) palloc0(sizeof(MpCatalog));

	catalog->schema = pstrdup(schema);
	read_tables(catalog, schema);
	read_primary_keys(catalog, schema);
	read_foreign_keys(catalog, schema);
	if (with_indexes)
		read_indexes(catalog, schema);
	return catalog;
}
