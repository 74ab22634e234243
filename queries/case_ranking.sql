-- case_ranking.sql: a physician's standing in a month (ranking.csv's rows) and the sanction due, if any.
-- $1 the month's first day, $2 the physician id.
SELECT r.dimension, r.score, r.grade, r.rank, r.findings, r.suspect_amount, s.cycle, s.level, s.measures
  FROM claimwatch.ranking r
  LEFT JOIN claimwatch.sanctions s ON s.month = r.month AND s.physician_id = r.physician_id
 WHERE r.month = $1::date AND r.physician_id = $2
 ORDER BY r.dimension = 'composite' DESC, r.dimension;
