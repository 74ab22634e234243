-- 0008.sql: version 7 -> 8. The institutions' sanction ladder (docs/institution-sanctions.md): every run that
-- writes inst_sanctions.csv writes it back into claimwatch.inst_sanctions, tied to the run like the physicians'
-- sanctions (a run's rows go with it, ON DELETE CASCADE).
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

INSERT INTO claimwatch.schema_version (version) VALUES (8);
