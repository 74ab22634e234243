-- write_ranking.sql: a run's ranking.csv, staged in cw_stage_ranking, into claimwatch.ranking.
-- $1 the month's first day, $2 the run.
INSERT INTO claimwatch.ranking (month, run_id, inst_id, dept_id, physician_id, dimension, score, grade,
                                rank, findings, suspect_amount, physician_name, scope, status)
SELECT $1::date, $2::bigint, inst_id, dept_id, physician_id, dimension, score::float8, grade,
       rank::int, findings::int, suspect_amount::numeric, physician_name, scope, status
  FROM pg_temp.cw_stage_ranking;
