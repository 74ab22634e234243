-- repeat_test (PostgreSQL): an exam or lab test of the month repeated on a patient sooner than its
-- retest_hours after the previous one (look-back included) whose result was not positive.
WITH l AS (
    SELECT c.line_id, v.patient_id, c.item_code, c.service_time, c.amount, i.retest_hours,
           coalesce(r.result, '') AS result
      FROM claim_lines c
      JOIN visits v ON v.visit_id = c.visit_id
      JOIN items i ON i.item_code = c.item_code
      LEFT JOIN exam_results r ON r.line_id = c.line_id
     WHERE c.service_time >= $3::timestamp AND c.service_time < $2::timestamp AND c.qty > 0
       AND i.retest_hours IS NOT NULL AND i.category IN ('exam', 'lab')
), p AS (
    SELECT l.*, lag(service_time) OVER w AS prev_time, lag(result) OVER w AS prev_result
      FROM l WINDOW w AS (PARTITION BY patient_id, item_code ORDER BY service_time, line_id)
)
SELECT 'repeat_test' AS detector, count(*) AS findings, coalesce(sum(amount), 0) AS suspect_amount
  FROM p
 WHERE service_time >= $1::timestamp AND prev_time IS NOT NULL AND service_time > prev_time
   AND service_time < prev_time + retest_hours * interval '1 hour' AND prev_result <> 'positive';
