-- extract_prescriptions.sql: the prescription lines of the window [window_start, month_end).
COPY (
    SELECT rx_id, line_no, visit_id, physician_id, date_trunc('minute', rx_time) AS rx_time, drug_code,
           qty, days_supply, amount
      FROM prescriptions
     WHERE rx_time >= current_setting('claimwatch.window_start')::timestamp
       AND rx_time < current_setting('claimwatch.month_end')::timestamp
) TO STDOUT WITH (FORMAT csv, HEADER)
