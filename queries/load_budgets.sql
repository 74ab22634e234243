-- load_budgets.sql: `claimwatch load`: one row of the folder's budgets.csv (checked by source/budgets.c as a
-- run reads it; docs/budget.md) into budgets. $1 inst_id, $2 year, $3 annual_budget, $4..$15 m01..m12 (NULL:
-- no profile). A row whose key (inst_id, year) is already there is corrected, profile included, so loading
-- a folder twice changes nothing and a corrected budgets.csv replaces the rows it names; rows it does not
-- name are kept.
INSERT INTO budgets (inst_id, year, annual_budget, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12)
VALUES ($1, $2::smallint, $3::numeric, $4::numeric, $5::numeric, $6::numeric, $7::numeric, $8::numeric,
        $9::numeric, $10::numeric, $11::numeric, $12::numeric, $13::numeric, $14::numeric, $15::numeric)
ON CONFLICT (inst_id, year) DO UPDATE SET
    annual_budget = EXCLUDED.annual_budget,
    m01 = EXCLUDED.m01, m02 = EXCLUDED.m02, m03 = EXCLUDED.m03, m04 = EXCLUDED.m04,
    m05 = EXCLUDED.m05, m06 = EXCLUDED.m06, m07 = EXCLUDED.m07, m08 = EXCLUDED.m08,
    m09 = EXCLUDED.m09, m10 = EXCLUDED.m10, m11 = EXCLUDED.m11, m12 = EXCLUDED.m12;
