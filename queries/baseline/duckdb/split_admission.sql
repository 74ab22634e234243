-- split_admission (DuckDB): an inpatient readmission in the month to the same institution, for the same
-- ICD-10 category, within 15 days of the previous discharge; planned care (Z49, Z50, Z51) excluded.
WITH s AS (
    SELECT visit_id, patient_id, inst_id, admit_time, discharge_time,
           upper(substr(replace(dx_code, '.', ''), 1, 3)) AS cat
      FROM visits
     WHERE kind = 'inpatient' AND admit_time < $2::timestamp
       AND (discharge_time IS NULL OR discharge_time >= $3::timestamp)
), pairs AS (
    SELECT DISTINCT b.visit_id
      FROM s b
      JOIN s a ON a.patient_id = b.patient_id AND a.inst_id = b.inst_id AND a.visit_id <> b.visit_id
              AND a.cat = b.cat AND a.discharge_time IS NOT NULL
              AND b.admit_time >= a.discharge_time
              AND b.admit_time <= a.discharge_time + interval '15 days'
     WHERE b.admit_time >= $1::timestamp AND b.cat NOT IN ('Z49', 'Z50', 'Z51')
)
SELECT 'split_admission' AS detector, count(DISTINCT p.visit_id) AS findings, coalesce(sum(c.amount), 0) AS suspect_amount
  FROM pairs p LEFT JOIN claim_lines c ON c.visit_id = p.visit_id
                                      AND c.service_time >= $3::timestamp AND c.service_time < $2::timestamp;
