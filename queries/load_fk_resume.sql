-- load_fk_resume.sql: `claimwatch load`: adds back, and so checks in one pass, the foreign keys that
-- load_fk_pause.sql dropped. $1: the table.
SELECT claimwatch.fk_resume($1::regclass);
