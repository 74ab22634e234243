-- schema_columns.sql: `claimwatch run`, `load` and `case`: the columns of the data contract that the input
-- tables (found through the search_path) lack. $1, $2: the tables and the columns, as two arrays of the
-- same length. One row per missing column (table, column, whether the table is there at all).
SELECT x.tbl, x.col, to_regclass(quote_ident(x.tbl)) IS NOT NULL AS table_exists
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(tbl, col, i)
 WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = to_regclass(quote_ident(x.tbl)) AND a.attname = x.col
                      AND a.attnum > 0 AND NOT a.attisdropped)
 ORDER BY x.i;
