-- 0007.sql: a placeholder of branch i14-budget for the schema version of another branch of issues 14/15
-- (6 FUND, 7 ASSESS, 8 LADDER): at the merge, their file replaces this one.
INSERT INTO claimwatch.schema_version (version) VALUES (7);
