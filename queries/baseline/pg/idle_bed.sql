-- idle_bed (PostgreSQL): runs of 3 or more consecutive inpatient days billed (bed or nursing) without care,
-- ending in the month; and billed days (not the admit or discharge day) when the patient has a line at
-- another institution.
WITH d AS (
    SELECT c.visit_id, c.service_time::date AS day,
           max(CASE WHEN i.category IN ('bed', 'nursing') THEN 1 ELSE 0 END) AS billed,
           max(CASE WHEN i.category IN ('drug', 'lab', 'exam', 'treatment', 'surgery', 'material')
                    THEN 1 ELSE 0 END) AS care,
           sum(CASE WHEN i.category IN ('bed', 'nursing') THEN c.amount ELSE 0 END) AS bed_amount
      FROM claim_lines c
      JOIN visits v ON v.visit_id = c.visit_id
      JOIN items i ON i.item_code = c.item_code
     WHERE v.kind = 'inpatient' AND c.service_time >= $3::timestamp AND c.service_time < $2::timestamp
       AND c.qty > 0
     GROUP BY 1, 2
), idle AS (
    SELECT visit_id, day, bed_amount,
           day - (row_number() OVER (PARTITION BY visit_id ORDER BY day))::int AS grp
      FROM d WHERE billed = 1 AND care = 0
), runs AS (
    SELECT visit_id, grp, count(*) AS n, max(day) AS last_day, sum(bed_amount) AS amount
      FROM idle GROUP BY 1, 2
), elsewhere_days AS (
    SELECT DISTINCT v.patient_id, v.inst_id, c.service_time::date AS day
      FROM claim_lines c JOIN visits v ON v.visit_id = c.visit_id
     WHERE c.service_time >= $1::timestamp AND c.service_time < $2::timestamp
), seen AS (
    SELECT d.visit_id, d.day, d.bed_amount AS amount
      FROM d JOIN visits v ON v.visit_id = d.visit_id
     WHERE d.billed = 1 AND d.day >= $1::timestamp::date AND d.day > v.admit_time::date
       AND (v.discharge_time IS NULL OR d.day < v.discharge_time::date)
       AND EXISTS (SELECT 1 FROM elsewhere_days e WHERE e.patient_id = v.patient_id AND e.day = d.day
                                                   AND e.inst_id <> v.inst_id)
)
SELECT 'idle_bed' AS detector, count(*) AS findings, coalesce(sum(amount), 0) AS suspect_amount
  FROM (SELECT amount FROM runs WHERE n >= 3 AND last_day >= $1::timestamp::date
        UNION ALL SELECT amount FROM seen) f;
