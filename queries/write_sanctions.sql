-- write_sanctions.sql: a run's sanctions.csv, staged in cw_stage_sanctions, into claimwatch.sanctions.
-- $1 the month's first day, $2 the run.
INSERT INTO claimwatch.sanctions (month, run_id, cycle, physician_id, inst_id, level, single_firsts,
                                  composite_firsts, measures, dept_id, physician_name, months_flagged,
                                  measures_zh, measures_en)
SELECT $1::date, $2::bigint, cycle, physician_id, inst_id, level::smallint, single_firsts::int,
       composite_firsts::int, measures, dept_id, physician_name, months_flagged, measures_zh,
       measures_en
  FROM pg_temp.cw_stage_sanctions;
