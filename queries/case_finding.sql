-- case_finding.sql: one finding of a month and the claim lines it cites, with what each line billed.
-- Column names as `claimwatch case` names them (case.h: the finding's fields, then each evidence line's).
-- $1 the month's first day, $2 the finding id. One row per evidence line (one row with empty line
-- columns when the finding cites none).
SELECT f.finding_id, to_char(f.month, 'YYYY-MM') AS month, f.detector, f.dimension, f.inst_id, f.dept_id,
       f.physician_id, f.patient_id, f.visit_id, array_to_string(f.line_ids, ' ') AS line_ids,
       f.suspect_amount, f.score, f.reason, f.severity, f.tag, f.metric, f.value, f.expected, f."limit",
       f.reason_en, f.reason_zh, f.fund_amount, CASE WHEN f.fund_estimated THEN 1 ELSE 0 END AS fund_estimated,
       l.line_id, c.visit_id AS line_visit_id, coalesce(c.physician_id, v.physician_id) AS line_physician_id,
       c.item_code, i.name AS item_name, i.category, i.unit, to_char(c.service_time, 'YYYY-MM-DD HH24:MI')
       AS service_time, c.qty, c.unit_price, c.amount, i.std_price, c.fund_amount AS line_fund_amount,
       c.self_amount AS line_self_amount,
       CASE WHEN c.qty < 0 THEN 'refund' ELSE '' END AS refund, r.result
  FROM claimwatch.findings f
  LEFT JOIN LATERAL unnest(f.line_ids) WITH ORDINALITY AS l(line_id, n) ON true
  LEFT JOIN claim_lines c ON c.line_id = l.line_id
  LEFT JOIN items i ON i.item_code = c.item_code
  LEFT JOIN visits v ON v.visit_id = c.visit_id
  LEFT JOIN exam_results r ON r.line_id = c.line_id
 WHERE f.month = $1::date AND f.finding_id = $2
 ORDER BY l.n, c.service_time;
