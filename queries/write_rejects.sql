-- write_rejects.sql: a reject file (file,line,column,reason,record), staged in cw_stage_rejects, into
-- claimwatch.rejects. $1 the run or load.
INSERT INTO claimwatch.rejects (run_id, file, line, "column", reason, record)
SELECT $1::bigint, coalesce(file, ''), line::bigint, "column", coalesce(reason, ''), record
  FROM pg_temp.cw_stage_rejects;
