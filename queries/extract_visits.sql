-- extract_visits.sql: the visits a run keeps (the dataset builder's rule): those that overlap the window
-- [window_start, month_end), an open inpatient stay counting as still going, and those that own a claim
-- line or a prescription in the window. Column types as load_pg.c decodes them.
COPY (
    SELECT visit_id::text, patient_id::text, inst_id::text, dept_id::text, physician_id::text, kind::text,
           admit_time::timestamp, discharge_time::timestamp, dx_code::text, dx_name::text
      FROM visits
     WHERE visit_id IN (
            SELECT visit_id FROM visits
             WHERE admit_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
               AND admit_time < (SELECT current_setting('claimwatch.month_end')::timestamp)
            UNION
            SELECT visit_id FROM visits
             WHERE discharge_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
               AND admit_time < (SELECT current_setting('claimwatch.month_end')::timestamp)
            UNION
            SELECT visit_id FROM visits
             WHERE discharge_time IS NULL AND kind = 'inpatient'
               AND admit_time < (SELECT current_setting('claimwatch.month_end')::timestamp)
            UNION
            SELECT visit_id FROM claim_lines
             WHERE service_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
               AND service_time < (SELECT current_setting('claimwatch.month_end')::timestamp)
            UNION
            SELECT visit_id FROM prescriptions
             WHERE rx_time >= (SELECT current_setting('claimwatch.window_start')::timestamp)
               AND rx_time < (SELECT current_setting('claimwatch.month_end')::timestamp))
) TO STDOUT WITH (FORMAT binary)
