-- serve_exam_result.sql: `claimwatch serve --db`: the exam result given with a new claim line of an
-- accepted claim, inside the claim's transaction; as `claimwatch load` does (load_exam_results.sql), a
-- result already there for that line_id is replaced. $1: line_id, $2: result.
INSERT INTO exam_results (line_id, result) VALUES ($1, $2)
ON CONFLICT (line_id) DO UPDATE SET result = EXCLUDED.result
