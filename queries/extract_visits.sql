-- extract_visits.sql: the visits a run keeps (the same rule as the dataset builder's): those that overlap
-- the window [window_start, month_end), an open inpatient stay counting as still going, and those that
-- own a claim line or a prescription in the window. Times are cut to the minute, the contract's precision.
COPY (
    SELECT visit_id, patient_id, inst_id, dept_id, physician_id, kind,
           date_trunc('minute', admit_time) AS admit_time,
           date_trunc('minute', discharge_time) AS discharge_time, dx_code, dx_name
      FROM visits
     WHERE visit_id IN (
            SELECT visit_id FROM visits
             WHERE admit_time >= current_setting('claimwatch.window_start')::timestamp
               AND admit_time < current_setting('claimwatch.month_end')::timestamp
            UNION
            SELECT visit_id FROM visits
             WHERE discharge_time >= current_setting('claimwatch.window_start')::timestamp
               AND admit_time < current_setting('claimwatch.month_end')::timestamp
            UNION
            SELECT visit_id FROM visits
             WHERE discharge_time IS NULL AND kind = 'inpatient'
               AND admit_time < current_setting('claimwatch.month_end')::timestamp
            UNION
            SELECT visit_id FROM claim_lines
             WHERE service_time >= current_setting('claimwatch.window_start')::timestamp
               AND service_time < current_setting('claimwatch.month_end')::timestamp
            UNION
            SELECT visit_id FROM prescriptions
             WHERE rx_time >= current_setting('claimwatch.window_start')::timestamp
               AND rx_time < current_setting('claimwatch.month_end')::timestamp)
) TO STDOUT WITH (FORMAT csv, HEADER)
