-- 0002.sql: version 1 -> 2. `claimwatch load` adds and corrects claim lines by line_id instead of replacing
-- whole months: claimwatch.replace_claim_months gives way to claimwatch.merge_claim_months, which
-- functions.sql (applied after every migration) creates.
DROP FUNCTION IF EXISTS claimwatch.replace_claim_months();
INSERT INTO claimwatch.schema_version (version) VALUES (2);
