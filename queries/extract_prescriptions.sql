-- extract_prescriptions.sql: the prescription lines of the window [window_start, month_end). Column types
-- as load_pg.c decodes them.
COPY (
    SELECT rx_id::text, line_no::int4, visit_id::text, physician_id::text, rx_time::timestamp,
           drug_code::text, qty::numeric, days_supply::int4, amount::numeric
      FROM prescriptions
     WHERE rx_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
       AND rx_time < (SELECT current_setting('claimwatch.month_end')::timestamp)
) TO STDOUT WITH (FORMAT binary)
