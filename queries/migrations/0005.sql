-- 0005.sql: version 4 -> 5. The data contract's patients have an optional date of death (death_date), which
-- phantom_service's after_death rule reads; the extraction and `claimwatch load` name it, so a database of
-- version 4 gets the column (empty) here. A hospital's own patients table that already has it is kept.
ALTER TABLE patients ADD COLUMN IF NOT EXISTS death_date date;
INSERT INTO claimwatch.schema_version (version) VALUES (5);
