-- case_visit.sql: a visit's claim lines in time order, each with the findings that cite it.
-- $1 the visit id.
SELECT v.visit_id, v.kind, v.inst_id, v.dept_id, v.physician_id, v.admit_time, v.discharge_time, v.dx_code,
       c.line_id, c.service_time, c.item_code, i.name AS item_name, i.category, c.qty, c.unit_price, c.amount,
       r.result,
       (SELECT string_agg(f.finding_id || ':' || f.detector, ' ' ORDER BY f.finding_id)
          FROM claimwatch.findings f WHERE c.line_id = ANY (f.line_ids)) AS findings
  FROM visits v
  LEFT JOIN claim_lines c ON c.visit_id = v.visit_id
  LEFT JOIN items i ON i.item_code = c.item_code
  LEFT JOIN exam_results r ON r.line_id = c.line_id
 WHERE v.visit_id = $1
 ORDER BY c.service_time, c.line_id;
