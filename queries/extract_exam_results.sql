-- extract_exam_results.sql: the results of the window's claim lines. Column types as load_pg.c decodes
-- them.
COPY (
    SELECT line_id::text, result::text
      FROM exam_results
     WHERE line_id IN (
            SELECT line_id FROM claim_lines
             WHERE service_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
               AND service_time < (SELECT current_setting('claimwatch.month_end')::timestamp))
) TO STDOUT WITH (FORMAT binary)
