-- history_run.sql: the month's current run in the database (at most one row): its id, when it finished
-- and how many claim lines of the month it was made from (summary.json's dataset.claim_lines_in_month).
-- $1: the month's first day.
SELECT run_id, to_char(finished_at, 'YYYY-MM-DD HH24:MI'),
       coalesce((summary->'dataset'->>'claim_lines_in_month')::bigint, 0)
  FROM claimwatch.runs
 WHERE command = 'run' AND month = $1::date;
