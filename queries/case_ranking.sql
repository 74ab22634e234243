-- case_ranking.sql: a physician's standing in a month (ranking.csv's rows) and the sanction due, if any.
-- Column names as `claimwatch case` names a standing (case.h). $1 the month's first day, $2 the physician.
SELECT r.dimension, r.score, r.grade, r.rank, r.findings, r.suspect_amount, r.status, r.physician_name,
       r.inst_id, r.dept_id, s.cycle, s.level, s.measures
  FROM claimwatch.ranking r
  LEFT JOIN claimwatch.sanctions s ON s.run_id = r.run_id AND s.physician_id = r.physician_id
 WHERE r.month = $1::date AND r.physician_id = $2
 ORDER BY r.dimension = 'composite' DESC, r.dimension;
