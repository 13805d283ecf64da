-- The indexes a preflight should recommend: every foreign key of the MLflow schema whose
-- referencing columns are not the leading columns of some index (PostgreSQL then checks or
-- cascades each deleted parent row with a sequential scan of the child). Prints one
-- CREATE INDEX per such key; run.sh executes them to build the "+ix" scenario variants.
-- (The extension has no preflight function yet; this is the rule it should apply, docs/design.md 6.)
SELECT format('CREATE INDEX IF NOT EXISTS %I ON %s (%s)', left('fkix_' || c.conname, 63), c.conrelid::regclass,
              string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)) AS ddl
FROM pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    WHERE i.indrelid = c.conrelid
      AND ARRAY(SELECT unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)]) ORDER BY 1)
        = ARRAY(SELECT unnest(c.conkey) ORDER BY 1))
GROUP BY c.oid, c.conname, c.conrelid
ORDER BY 1
