-- load_exam_results.sql: `claimwatch load`: the folder's exam_results (checked, staged in cw_load_exam_results) into exam_results.
-- A row whose key is already there is updated, so loading a folder twice changes nothing.
INSERT INTO exam_results (line_id, result)
SELECT line_id, result
  FROM pg_temp.cw_load_exam_results
ON CONFLICT (line_id) DO UPDATE SET
    result = EXCLUDED.result;
