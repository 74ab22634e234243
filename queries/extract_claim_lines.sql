-- extract_claim_lines.sql: the claim lines of the window [window_start, month_end). The bounds are
-- stable expressions, so PostgreSQL prunes the month partitions outside the window when the query starts.
COPY (
    SELECT line_id, visit_id, item_code, physician_id,
           date_trunc('minute', service_time) AS service_time, qty, unit_price, amount
      FROM claim_lines
     WHERE service_time >= current_setting('claimwatch.window_start')::timestamp
       AND service_time < current_setting('claimwatch.month_end')::timestamp
) TO STDOUT WITH (FORMAT csv, HEADER)
