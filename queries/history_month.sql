-- history_month.sql: whether a month has a run in the database, and if so binds it for
-- history_ranking.sql (COPY cannot take parameters: see extract_params.sql). $1: the month's first day.
SELECT set_config('claimwatch.history_month', $1::date::text, false)
  FROM claimwatch.runs
 WHERE command = 'run' AND month = $1::date;
