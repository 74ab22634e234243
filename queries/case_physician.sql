-- case_physician.sql: a physician's month: the findings, most money at stake first.
-- $1 the month's first day, $2 the physician id.
SELECT f.finding_id, f.detector, f.dimension, f.visit_id, f.patient_id, f.suspect_amount, f.score,
       f.severity, array_length(f.line_ids, 1) AS lines, f.reason
  FROM claimwatch.findings f
 WHERE f.month = $1::date AND f.physician_id = $2
 ORDER BY f.suspect_amount DESC, f.finding_id;
