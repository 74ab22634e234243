-- extract_exam_results.sql: the results of the window's claim lines.
COPY (
    SELECT line_id, result
      FROM exam_results
     WHERE line_id IN (
            SELECT line_id FROM claim_lines
             WHERE service_time >= current_setting('claimwatch.window_start')::timestamp
               AND service_time < current_setting('claimwatch.month_end')::timestamp)
) TO STDOUT WITH (FORMAT csv, HEADER)
