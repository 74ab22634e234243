-- extract_claim_lines.sql: the claim lines of the window [window_start, month_end). The bounds are
-- evaluated once (InitPlans), and PostgreSQL skips the month partitions outside them when the query
-- starts. Column types as load_pg.c decodes them. load_pg_par.c reads it in slices: it puts a partition
-- in place of "FROM claim_lines" (on a line of its own) and a TID range first in the WHERE clause.
COPY (
    SELECT line_id::text, visit_id::text, item_code::text, physician_id::text, service_time::timestamp,
           qty::numeric, unit_price::numeric, amount::numeric, fund_amount::numeric, self_amount::numeric
      FROM claim_lines
     WHERE service_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
       AND service_time < (SELECT current_setting('claimwatch.month_end')::timestamp)
) TO STDOUT WITH (FORMAT binary)
