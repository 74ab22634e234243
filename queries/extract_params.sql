-- extract_params.sql: binds a run's window for the extract_*.sql queries, in the extraction's
-- transaction. COPY (query) TO STDOUT cannot take parameters, and values are never pasted into SQL
-- text, so the window is bound here as $1..$3 into transaction-local settings that the COPY queries
-- read with current_setting(). They vanish at the end of the transaction.
--   $1 window_start: first minute of the look-back ('YYYY-MM-DD HH:MM')
--   $2 month_start:  first minute of the month run
--   $3 month_end:    first minute of the next month
SELECT set_config('claimwatch.window_start', $1::timestamp::text, true),
       set_config('claimwatch.month_start', $2::timestamp::text, true),
       set_config('claimwatch.month_end', $3::timestamp::text, true);
