-- 0010.sql: version 9 -> 10 (issue 15). claimwatch.budget gains overspend_share_reason, the year row's
-- reason why the fund shared the overspend or not (document 004, I2's condition; docs/budget.md), in the
-- run's --lang, as budget.csv's column of the same name.
ALTER TABLE claimwatch.budget ADD COLUMN IF NOT EXISTS overspend_share_reason text;
INSERT INTO claimwatch.schema_version (version) VALUES (10);
