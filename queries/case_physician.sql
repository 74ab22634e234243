-- case_physician.sql: a physician's month: the findings, most money at stake first. Column names as
-- findings.csv's. $1 the month's first day, $2 the physician id.
SELECT f.finding_id, f.detector, f.dimension, f.visit_id, f.patient_id, f.suspect_amount, f.score,
       f.severity, array_to_string(f.line_ids, ' ') AS line_ids, f.reason, f.reason_en, f.reason_zh
  FROM claimwatch.findings f
 WHERE f.month = $1::date AND f.physician_id = $2
 ORDER BY f.suspect_amount DESC, f.finding_id;
