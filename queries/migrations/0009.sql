-- 0009.sql: version 8 -> 9 (BUDGET, issue 15; the lead renumbers at the merge if needed). The global
-- budget of document 004: the data contract's optional budgets table (read by `claimwatch budget --db`
-- and `run --db`) and claimwatch.budget, each month's budget.csv written back by `run --db`
-- (docs/budget.md).
-- The optional global budgets (document 004, docs/budget.md): one row per institution and year, the
-- monthly profile m01..m12 as weights (shares or money), all twelve or none.
CREATE TABLE IF NOT EXISTS budgets (
    inst_id         text NOT NULL,
    year            smallint NOT NULL,
    annual_budget   numeric(16,2) NOT NULL CHECK (annual_budget >= 0),
    m01 numeric(21,6), m02 numeric(21,6), m03 numeric(21,6), m04 numeric(21,6),
    m05 numeric(21,6), m06 numeric(21,6), m07 numeric(21,6), m08 numeric(21,6),
    m09 numeric(21,6), m10 numeric(21,6), m11 numeric(21,6), m12 numeric(21,6),
    PRIMARY KEY (inst_id, year)
);

-- budget.csv of each month (docs/budget.md): per institution with a budget, the months, quarters and
-- half-years of its year to this month and the year, with the settlement once the year is complete.
CREATE TABLE IF NOT EXISTS claimwatch.budget (
    month           date NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    inst_id         text NOT NULL,
    name            text,
    year            smallint NOT NULL,
    period          text NOT NULL,              -- 2026-03, 2026-Q1, 2026-H1, 2026
    kind            text NOT NULL,              -- month, quarter, half, year
    months_read     smallint,
    budget_source   text,                       -- given, derived
    annual_budget   numeric(16,2),
    budget          numeric(16,2),
    fund_paid       numeric(16,2),
    fund_estimated  smallint,
    violations      numeric(16,2),
    used            numeric(16,2),
    prepaid         numeric(16,2),
    holdback        numeric(16,2),
    cum_budget      numeric(16,2),
    cum_used        numeric(16,2),
    use_rate        double precision,
    pace            double precision,
    projected       numeric(16,2),
    projection_method text,
    projected_over  double precision,
    alert           smallint,
    under_service   smallint,
    under_service_reason text,
    grade           text,
    grade_source    text,
    surplus         numeric(16,2),
    surplus_kept    numeric(16,2),
    over            numeric(16,2),
    band1           numeric(16,2),
    band1_fund      numeric(16,2),
    band2           numeric(16,2),
    band2_fund      numeric(16,2),
    beyond          numeric(16,2),
    beyond_fund     numeric(16,2),
    over_fund       numeric(16,2),
    over_hospital   numeric(16,2),
    holdback_returned numeric(16,2),
    holdback_kept   numeric(16,2),
    fund_total      numeric(16,2),
    settlement      numeric(16,2),
    PRIMARY KEY (run_id, inst_id, period)
);
CREATE INDEX IF NOT EXISTS budget_month ON claimwatch.budget (month, inst_id);
INSERT INTO claimwatch.schema_version (version) VALUES (9);
