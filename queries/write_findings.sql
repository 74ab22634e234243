-- write_findings.sql: a run's findings.csv, staged as text in cw_stage_findings, into claimwatch.findings.
-- $1 the month's first day, $2 the run.
INSERT INTO claimwatch.findings (month, finding_id, run_id, detector, dimension, inst_id, dept_id,
                                 physician_id, patient_id, visit_id, line_ids, suspect_amount, score,
                                 reason, severity, tag, metric, value, expected, "limit", reason_en, reason_zh,
                                 fund_amount, fund_estimated)
SELECT $1::date, finding_id, $2::bigint, detector, dimension, inst_id, dept_id, physician_id, patient_id,
       visit_id, coalesce(string_to_array(line_ids, ' '), '{}'), coalesce(suspect_amount::numeric, 0),
       coalesce(score::numeric, 0), coalesce(reason, ''), severity, tag, metric, value::float8,
       expected::float8, "limit"::float8, reason_en, nullif(reason_zh, ''),
       coalesce(fund_amount::numeric, 0), coalesce(fund_estimated, '1') = '1'
  FROM pg_temp.cw_stage_findings;
