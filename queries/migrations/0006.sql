-- 0006.sql: version 5 -> 6. Data contract 2 (issue 14, who pays what): the optional columns of the fund's
-- and the patient's part of a claim line, an item's catalogue class and essential-drug flag, an
-- institution's region; claimwatch.findings gains the fund's share of each finding. A hospital's own
-- tables that already have a column keep it.
ALTER TABLE institutions ADD COLUMN IF NOT EXISTS region text;
ALTER TABLE items ADD COLUMN IF NOT EXISTS catalogue_class text;
ALTER TABLE items ADD COLUMN IF NOT EXISTS essential boolean;
ALTER TABLE claim_lines ADD COLUMN IF NOT EXISTS fund_amount numeric(14,2);
ALTER TABLE claim_lines ADD COLUMN IF NOT EXISTS self_amount numeric(14,2);
ALTER TABLE claimwatch.findings ADD COLUMN IF NOT EXISTS fund_amount numeric(14,2) NOT NULL DEFAULT 0;
ALTER TABLE claimwatch.findings ADD COLUMN IF NOT EXISTS fund_estimated boolean NOT NULL DEFAULT true;
INSERT INTO claimwatch.schema_version (version) VALUES (6);
