-- write_inst_sanctions.sql: a run's inst_sanctions.csv, staged in cw_stage_inst_sanctions, into
-- claimwatch.inst_sanctions. $1 the month's first day, $2 the run.
INSERT INTO claimwatch.inst_sanctions (month, run_id, inst_id, name, step, measure, refund_fund, penalty, trigger,
                                       reason, history, grade, basis, violation_fund, confirmed_fund,
                                       window_months, window_fund, repeat_months, measure_zh, measure_en,
                                       reason_zh, reason_en, missing_months)
SELECT $1::date, $2::bigint, inst_id, name, step::smallint, measure, refund_fund::numeric, penalty::numeric,
       trigger, reason, history, grade, basis, violation_fund::numeric, confirmed_fund::numeric,
       window_months::smallint, window_fund::numeric, repeat_months::smallint, measure_zh, measure_en,
       reason_zh, reason_en, missing_months
  FROM pg_temp.cw_stage_inst_sanctions;
