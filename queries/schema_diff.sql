-- schema_diff.sql: `claimwatch db init`: the columns of schema.sql's tables that the live tables lack. db
-- init has applied schema.sql a second time under other names ($1: the schema of the reference input
-- tables, $2: that of the reference results); each reference table is compared with its live table (an
-- input table through the search_path, a result table in `claimwatch`). One row per missing column, in
-- the order of the tables: the live table, the column, its type, and the ALTER TABLE that adds it when
-- it can be added (it may be NULL, or has a default that is not a sequence's), else NULL.
SELECT live.rel::text AS live_table, a.attname::text AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN NOT a.attnotnull OR (d.expr IS NOT NULL AND d.expr NOT LIKE 'nextval(%') THEN
            format('ALTER TABLE %s ADD COLUMN %I %s%s%s', live.rel, a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN d.expr IS NOT NULL THEN ' DEFAULT ' || d.expr ELSE '' END,
                   CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END)
       END AS fix
  FROM pg_class t
  JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname IN ($1, $2)
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN LATERAL (SELECT pg_get_expr(ad.adbin, ad.adrelid) AS expr FROM pg_attrdef ad
                      WHERE ad.adrelid = t.oid AND ad.adnum = a.attnum) d ON true
 CROSS JOIN LATERAL (SELECT CASE WHEN n.nspname = $2 THEN to_regclass('claimwatch.' || quote_ident(t.relname))
                                 ELSE to_regclass(quote_ident(t.relname)) END AS rel) live
 WHERE t.relkind IN ('r', 'p') AND NOT t.relispartition AND live.rel IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM pg_attribute l
                    WHERE l.attrelid = live.rel AND l.attname = a.attname AND l.attnum > 0 AND NOT l.attisdropped)
 ORDER BY n.nspname, t.relname, a.attnum;
