-- serve_visit.sql: `claimwatch serve --db`: the visit of an accepted claim (docs/serve.md), inside the
-- claim's transaction. Added unless a visit of that id is there. The answer is 1 when the row is now
-- there as given (added, or the same row already there: a retried claim whose commit was never
-- acknowledged), 0 when another row holds the id (the claim is then refused and rolled back).
-- $1..$10: the columns of visits.csv in the contract's text form (NULL for an empty one).
WITH added AS (
    INSERT INTO visits (visit_id, patient_id, inst_id, dept_id, physician_id, kind, admit_time,
        discharge_time, dx_code, dx_name)
    VALUES ($1, $2, $3, $4, $5, $6, $7::timestamp, $8::timestamp, $9, $10)
    ON CONFLICT (visit_id) DO NOTHING
    RETURNING 1)
SELECT (SELECT count(*) FROM added) + (SELECT count(*) FROM visits
         WHERE visit_id = $1 AND patient_id = $2 AND inst_id = $3 AND dept_id = $4 AND physician_id = $5
           AND kind = $6 AND admit_time = $7::timestamp AND discharge_time IS NOT DISTINCT FROM $8::timestamp
           AND dx_code = $9 AND dx_name IS NOT DISTINCT FROM $10)
