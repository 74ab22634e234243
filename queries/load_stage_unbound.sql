-- load_stage_unbound.sql: `claimwatch load`, after the claim lines' merge: the statements that drop the
-- CHECK constraints of load_stage_bound.sql from the partitions of claim_lines (their bounds say the same).
SELECT format('ALTER TABLE %s DROP CONSTRAINT cw_load_bound', c.conrelid::regclass)
  FROM pg_constraint c
  JOIN pg_inherits i ON i.inhrelid = c.conrelid
 WHERE i.inhparent = 'claim_lines'::regclass AND c.conname = 'cw_load_bound' AND c.contype = 'c';
