-- load_fk_pause.sql: `claimwatch load`: before a large upsert, drops the table's foreign keys when the
-- user owns it (claimwatch.fk_pause in schema.sql); returns whether it did. $1: the table.
SELECT claimwatch.fk_pause($1::regclass);
