-- history_ranking.sql: an earlier month's ranking, as the sanction ladder reads it back (the columns of
-- ranking.csv that history.c asks for), from the month's current run.
COPY (
    SELECT physician_id, inst_id, dept_id, dimension, grade, rank, suspect_amount, physician_name
      FROM claimwatch.ranking
     WHERE month = (SELECT current_setting('claimwatch.history_month')::date)
) TO STDOUT WITH (FORMAT csv, HEADER)
