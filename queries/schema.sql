-- schema.sql: claimwatch's database, schema version 10. Applied by `claimwatch db init --db URL`, in one
-- transaction with queries/functions.sql (the functions `claimwatch load` calls) and a check of every
-- table's columns against this file (pg_schema.c). A database that already has a newer version is left
-- alone, an older one is migrated with queries/migrations/NNNN.sql (NNNN = the version it brings the
-- database to).
--
-- Every statement may run again over what is already there (IF NOT EXISTS, ON CONFLICT DO NOTHING): a
-- database whose `claimwatch` schema lost its version row or table is completed and checked, not refused.
-- The results schema is only ever named as `claimwatch.` (and in CREATE SCHEMA below): db init builds a
-- reference copy of this file under other names to compare the live tables with.
--
-- Two parts:
--  * the data contract's input tables (docs/data-format.md), created in the first schema of the
--    connection's search_path (normally `public`; `options=-csearch_path=hospital` in the connection
--    string picks another). Tables that already exist are kept as they are: a hospital may have its own
--    (db init adds the optional columns they lack, and names the required ones). Claim lines are
--    partitioned by month of service_time; `claimwatch load` adds and corrects lines by line_id
--    (claimwatch.merge_claim_months in functions.sql), so loading a month twice does not duplicate it.
--  * the results, in the schema `claimwatch`: runs (every load, and the run that made each month's
--    current results), findings, ranking, sanctions, the institutions' and departments' assessment (inst_assessment,
--    dept_assessment) and rejects, each row tied to its run. A run writes
--    its results, then deletes the month's earlier run (whose rows go with it, ON DELETE CASCADE), all
--    in one transaction: readers see the old results or the new ones, never a mix or none.

-- --- the data contract -------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS institutions (
    inst_id     text PRIMARY KEY,
    name        text NOT NULL,
    level       smallint NOT NULL,
    region      text                        -- data contract 2: the 统筹区 an insurer ranks within
);

CREATE TABLE IF NOT EXISTS departments (
    dept_id     text PRIMARY KEY,
    inst_id     text NOT NULL REFERENCES institutions,
    name        text NOT NULL,
    specialty   text NOT NULL
);

CREATE TABLE IF NOT EXISTS physicians (
    physician_id text PRIMARY KEY,
    name        text NOT NULL,
    inst_id     text NOT NULL REFERENCES institutions,
    dept_id     text NOT NULL REFERENCES departments,
    title       text
);

CREATE TABLE IF NOT EXISTS patients (
    patient_id  text PRIMARY KEY,
    sex         text NOT NULL,
    birth_date  date,
    death_date  date
);

CREATE TABLE IF NOT EXISTS items (
    item_code       text PRIMARY KEY,
    name            text NOT NULL,
    category        text NOT NULL,
    unit            text,
    std_price       numeric(14,2) NOT NULL,
    large_equipment boolean NOT NULL,
    retest_hours    integer,
    antibiotic      boolean NOT NULL,
    max_daily_qty   numeric(14,3),
    sex_only        text,
    age_min         integer,
    age_max         integer,
    min_level       smallint,
    setting         text,
    catalogue_class text,                       -- data contract 2: 甲/乙/丙, A/B/C or 1/2/3 as given
    essential       boolean                     -- data contract 2: 基本药物
);

CREATE TABLE IF NOT EXISTS bundles (
    bundle_code     text NOT NULL REFERENCES items,
    component_code  text NOT NULL REFERENCES items,
    PRIMARY KEY (bundle_code, component_code)
);

CREATE TABLE IF NOT EXISTS visits (
    visit_id        text PRIMARY KEY,
    patient_id      text NOT NULL REFERENCES patients,
    inst_id         text NOT NULL REFERENCES institutions,
    dept_id         text NOT NULL REFERENCES departments,
    physician_id    text NOT NULL REFERENCES physicians,
    kind            text NOT NULL,
    admit_time      timestamp NOT NULL,
    discharge_time  timestamp,
    dx_code         text NOT NULL,
    dx_name         text
);
-- The extraction takes the visits that overlap the window (queries/extract_visits.sql).
CREATE INDEX IF NOT EXISTS visits_admit_time ON visits (admit_time);
CREATE INDEX IF NOT EXISTS visits_discharge_time ON visits (discharge_time);
CREATE INDEX IF NOT EXISTS visits_open_stays ON visits (admit_time) WHERE discharge_time IS NULL;
CREATE INDEX IF NOT EXISTS visits_patient ON visits (patient_id, admit_time);

-- The primary key of a partitioned table must hold the partition column, so the database only keeps
-- line_id unique per month; `claimwatch load` keeps it unique across months (a loaded line replaces the
-- line of the same id wherever it is). exam_results cannot reference a partitioned table's line_id
-- alone, so it has no foreign key: a load that removes lines (--replace-months) removes their results.
-- item_code has no foreign key either: a line billing a code that items does not have is a charge item set
-- up outside the catalogue (擅自设立收费项目), which a run reports (self_created_item), so it is kept.
CREATE TABLE IF NOT EXISTS claim_lines (
    line_id         text NOT NULL,
    visit_id        text NOT NULL REFERENCES visits,
    item_code       text NOT NULL,
    physician_id    text REFERENCES physicians,
    service_time    timestamp NOT NULL,
    qty             numeric(14,3) NOT NULL,
    unit_price      numeric(14,2) NOT NULL,
    amount          numeric(14,2) NOT NULL,
    fund_amount     numeric(14,2),              -- data contract 2: paid by the fund (统筹基金支付)
    self_amount     numeric(14,2),              -- data contract 2: paid by the patient in scope (个人自付)
    PRIMARY KEY (line_id, service_time)
) PARTITION BY RANGE (service_time);
-- Drill-down from a visit to its lines (queries/case_*.sql).
CREATE INDEX IF NOT EXISTS claim_lines_visit ON claim_lines (visit_id);

CREATE TABLE IF NOT EXISTS prescriptions (
    rx_id           text NOT NULL,
    line_no         integer NOT NULL,
    visit_id        text NOT NULL REFERENCES visits,
    physician_id    text NOT NULL REFERENCES physicians,
    rx_time         timestamp NOT NULL,
    drug_code       text NOT NULL REFERENCES items,
    qty             numeric(14,3) NOT NULL,
    days_supply     integer NOT NULL,
    amount          numeric(14,2) NOT NULL,
    PRIMARY KEY (rx_id, line_no)
);
CREATE INDEX IF NOT EXISTS prescriptions_rx_time ON prescriptions (rx_time);
CREATE INDEX IF NOT EXISTS prescriptions_visit ON prescriptions (visit_id);

CREATE TABLE IF NOT EXISTS exam_results (
    line_id         text PRIMARY KEY,
    result          text NOT NULL
);

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

-- --- the results ---------------------------------------------------------------------------------------

CREATE SCHEMA IF NOT EXISTS claimwatch;

CREATE TABLE IF NOT EXISTS claimwatch.schema_version (
    version     integer PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- Every `claimwatch load`, and for each month the `claimwatch run` whose results are current; a run
-- whose write-back failed leaves no row, as it leaves no results. A run takes its run_id in its
-- write-back transaction and writes it into the month folder's summary.json (source.run_id) before the
-- commit, so that ROOT/YYYY-MM and the database can be matched (docs/postgresql.md).
CREATE TABLE IF NOT EXISTS claimwatch.runs (
    run_id          bigserial PRIMARY KEY,
    command         text NOT NULL CHECK (command IN ('run', 'load')),
    month           date,                       -- first day of the month run; NULL for a load
    status          text NOT NULL,              -- ok, empty
    source          text NOT NULL,              -- "postgresql" or the CSV folder
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT now(),
    claimwatch_version text NOT NULL,
    rows_read       bigint NOT NULL DEFAULT 0,
    rows_rejected   bigint NOT NULL DEFAULT 0,
    findings        bigint NOT NULL DEFAULT 0,
    summary         jsonb                       -- summary.json of the run
);
CREATE INDEX IF NOT EXISTS runs_month ON claimwatch.runs (month, run_id);

-- findings.csv of each month, as the month's current run wrote it.
CREATE TABLE IF NOT EXISTS claimwatch.findings (
    month           date NOT NULL,
    finding_id      text NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    detector        text NOT NULL,
    dimension       text NOT NULL,
    inst_id         text,
    dept_id         text,
    physician_id    text,
    patient_id      text,                       -- as in findings.csv: a pseudonym unless revealed
    visit_id        text,
    line_ids        text[] NOT NULL DEFAULT '{}',
    suspect_amount  numeric(14,2) NOT NULL DEFAULT 0,
    score           numeric(6,3) NOT NULL DEFAULT 0,
    reason          text NOT NULL DEFAULT '',
    severity        text,
    tag             text,
    metric          text,
    value           double precision,
    expected        double precision,
    "limit"         double precision,
    reason_en       text,                       -- the reason in English, and in Chinese (NULL when the
    reason_zh       text,                       -- detector gave none); `reason` is in the run's --lang
    fund_amount     numeric(14,2) NOT NULL DEFAULT 0, -- the fund's share of suspect_amount
    fund_estimated  boolean NOT NULL DEFAULT true,    -- from the rules' fund.estimated_share
    PRIMARY KEY (run_id, finding_id)
);
CREATE INDEX IF NOT EXISTS findings_month ON claimwatch.findings (month, finding_id);
CREATE INDEX IF NOT EXISTS findings_physician ON claimwatch.findings (physician_id, month);
CREATE INDEX IF NOT EXISTS findings_visit ON claimwatch.findings (visit_id);
CREATE INDEX IF NOT EXISTS findings_lines ON claimwatch.findings USING gin (line_ids);

-- ranking.csv: one row per physician and dimension (the contract's columns and the extras the sanction
-- history reads back).
CREATE TABLE IF NOT EXISTS claimwatch.ranking (
    month           date NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    inst_id         text,
    dept_id         text,
    physician_id    text NOT NULL,
    dimension       text NOT NULL,
    score           double precision,
    grade           text,
    rank            integer,
    findings        integer,
    suspect_amount  numeric(14,2),
    physician_name  text,
    scope           text,
    status          text,
    PRIMARY KEY (run_id, physician_id, dimension)
);
CREATE INDEX IF NOT EXISTS ranking_month ON claimwatch.ranking (month, physician_id);

-- sanctions.csv: measures due under the half-year cycle.
CREATE TABLE IF NOT EXISTS claimwatch.sanctions (
    month           date NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    cycle           text NOT NULL,
    physician_id    text NOT NULL,
    inst_id         text,
    level           smallint,
    single_firsts   integer,
    composite_firsts integer,
    measures        text,
    dept_id         text,
    physician_name  text,
    months_flagged  text,                       -- the counting months, "2026-01 2026-03"
    measures_zh     text,
    measures_en     text,
    PRIMARY KEY (run_id, physician_id)
);
CREATE INDEX IF NOT EXISTS sanctions_month ON claimwatch.sanctions (month, physician_id);

-- the institutions' and departments' assessment of each month (write_inst_assessment.sql,
-- write_dept_assessment.sql; docs/institutions.md).
CREATE TABLE IF NOT EXISTS claimwatch.inst_assessment (
    month           date NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    inst_id                 text NOT NULL,
    name                    text,
    level                   smallint,
    region                  text,
    visits                  integer,
    stays                   integer,
    patients                integer,
    revenue                 numeric(14,2),
    fund_paid               numeric(14,2),
    fund_estimated          smallint,
    findings                integer,
    findings_per_100_visits double precision,
    violation_amount        numeric(14,2),
    violation_fund          numeric(14,2),
    confirmed_amount        numeric(14,2),
    confirmed_fund          numeric(14,2),
    refunded_amount         numeric(14,2),
    rejected_rows           integer,
    score                   numeric(5,2),
    grade                   text,
    rank                    integer,
    rank_of                 integer,
    rank_group              text,
    months                  integer,
    claim_lines             integer,
    drug_revenue            numeric(14,2),
    material_revenue        numeric(14,2),
    essential_drug_revenue  numeric(14,2),
    outpatient_cost         numeric(14,2),
    inpatient_cost          numeric(14,2),
    self_paid               numeric(14,2),
    out_of_scope            numeric(14,2),
    large_exams_resulted    integer,
    large_exams_positive    integer,
    last_cost_per_visit     double precision,
    last_cost_per_stay      double precision,
    violation_share         double precision,
    rejected_share          double precision,
    indicator_deduction     double precision,
    findings_deduction      double precision,
    money_deduction         double precision,
    data_deduction          double precision,
    indicators              jsonb,                      -- {name: {value, target, over}} per indicator
    PRIMARY KEY (run_id, inst_id)
);
CREATE INDEX IF NOT EXISTS inst_assessment_month ON claimwatch.inst_assessment (month, inst_id);

CREATE TABLE IF NOT EXISTS claimwatch.dept_assessment (
    month           date NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    inst_id                 text NOT NULL,
    dept_id                 text NOT NULL,
    name                    text,
    level                   smallint,
    region                  text,
    visits                  integer,
    stays                   integer,
    patients                integer,
    revenue                 numeric(14,2),
    fund_paid               numeric(14,2),
    fund_estimated          smallint,
    findings                integer,
    findings_per_100_visits double precision,
    violation_amount        numeric(14,2),
    violation_fund          numeric(14,2),
    confirmed_amount        numeric(14,2),
    confirmed_fund          numeric(14,2),
    refunded_amount         numeric(14,2),
    rejected_rows           integer,
    score                   numeric(5,2),
    grade                   text,
    rank                    integer,
    rank_of                 integer,
    rank_group              text,
    months                  integer,
    claim_lines             integer,
    drug_revenue            numeric(14,2),
    material_revenue        numeric(14,2),
    essential_drug_revenue  numeric(14,2),
    outpatient_cost         numeric(14,2),
    inpatient_cost          numeric(14,2),
    self_paid               numeric(14,2),
    out_of_scope            numeric(14,2),
    large_exams_resulted    integer,
    large_exams_positive    integer,
    last_cost_per_visit     double precision,
    last_cost_per_stay      double precision,
    violation_share         double precision,
    rejected_share          double precision,
    indicator_deduction     double precision,
    findings_deduction      double precision,
    money_deduction         double precision,
    data_deduction          double precision,
    indicators              jsonb,                      -- {name: {value, target, over}} per indicator
    PRIMARY KEY (run_id, inst_id, dept_id)
);
CREATE INDEX IF NOT EXISTS dept_assessment_month ON claimwatch.dept_assessment (month, inst_id);
-- inst_sanctions.csv: the step of the institutions' ladder due this month (docs/institution-sanctions.md;
-- schema 8).
CREATE TABLE IF NOT EXISTS claimwatch.inst_sanctions (
    month           date NOT NULL,
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    inst_id         text NOT NULL,
    name            text,
    step            smallint NOT NULL,              -- 1 refund, 2 penalty, 3 settlement suspended, 4 agreement ended
    measure         text,
    refund_fund     numeric(14,2),
    penalty         numeric(14,2),
    trigger         text,                           -- grade, repeat, fund
    reason          text,
    history         text,                           -- the window's months with money: "2026-01:C 2026-03:D"
    grade           text,
    basis           text,                           -- violation_fund or confirmed_fund
    violation_fund  numeric(14,2),
    confirmed_fund  numeric(14,2),
    window_months   smallint,
    window_fund     numeric(14,2),
    repeat_months   smallint,
    measure_zh      text,
    measure_en      text,
    reason_zh       text,
    reason_en       text,
    missing_months  text,
    PRIMARY KEY (run_id, inst_id)
);
CREATE INDEX IF NOT EXISTS inst_sanctions_month ON claimwatch.inst_sanctions (month, inst_id);

-- rejects.csv of a run or a load: the input rows that could not be taken.
CREATE TABLE IF NOT EXISTS claimwatch.rejects (
    run_id          bigint NOT NULL REFERENCES claimwatch.runs ON DELETE CASCADE,
    file            text NOT NULL,
    line            bigint,
    "column"        text,
    reason          text NOT NULL,
    record          text
);
CREATE INDEX IF NOT EXISTS rejects_run ON claimwatch.rejects (run_id);

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
    overspend_share_reason text,                -- the year row: why the fund shared the overspend or not (I2)
    PRIMARY KEY (run_id, inst_id, period)
);
CREATE INDEX IF NOT EXISTS budget_month ON claimwatch.budget (month, inst_id);

INSERT INTO claimwatch.schema_version (version) VALUES (10) ON CONFLICT DO NOTHING;
