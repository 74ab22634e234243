-- load_index_pause.sql: `claimwatch load`: the indexes of a table to drop before a large upsert and
-- build again after it (one sort each instead of one insertion per row), returned as (name, definition):
-- the table's indexes that back no constraint (the primary key stays: the upsert needs it), when the
-- loading user owns the table and the staged rows take at least an eighth of its size. None otherwise.
-- $1: the table; $2: its staging table.
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
  FROM pg_index i
  JOIN pg_class t ON t.oid = i.indrelid
 WHERE i.indrelid = $1::regclass
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
   AND pg_has_role(current_user, t.relowner, 'USAGE')
   AND 8 * pg_relation_size($2::regclass) >= pg_relation_size($1::regclass)
 ORDER BY 1;
