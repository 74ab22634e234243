-- 0004.sql: version 3 -> 4. A finding's reason in both languages beside the one of the run's --lang, so
-- that a drill-down in the other language still has its text.
ALTER TABLE claimwatch.findings ADD COLUMN IF NOT EXISTS reason_en text;
ALTER TABLE claimwatch.findings ADD COLUMN IF NOT EXISTS reason_zh text;
INSERT INTO claimwatch.schema_version (version) VALUES (4);
