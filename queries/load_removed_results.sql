-- load_removed_results.sql: `claimwatch load --replace-months`, once every table is in: the exam results
-- of the claim lines the replaced months lost (pg_temp.cw_removed_lines, from merge_claim_months), unless
-- a line of the same id is still there, so that no result is left without its line. One row per month:
-- the results removed.
WITH gone AS (DELETE FROM exam_results e USING pg_temp.cw_removed_lines l
               WHERE e.line_id = l.line_id AND NOT EXISTS (SELECT 1 FROM claim_lines c WHERE c.line_id = l.line_id)
              RETURNING l.month)
SELECT to_char(month, 'YYYY-MM'), count(*) FROM gone GROUP BY month ORDER BY 1;
