-- write_run.sql: one finished run or load. $1 command ('run' or 'load'), $2 month's first day or NULL,
-- $3 status, $4 source, $5 start (Unix seconds), $6 claimwatch version, $7 rows read, $8 rows rejected,
-- $9 findings, $10 summary.json's text or NULL, $11 the run_id taken with write_reserve.sql or NULL.
INSERT INTO claimwatch.runs (run_id, command, month, status, source, started_at, claimwatch_version, rows_read,
                             rows_rejected, findings, summary)
VALUES (coalesce($11::bigint, nextval(pg_get_serial_sequence('claimwatch.runs', 'run_id'))), $1, $2::date, $3,
        $4, to_timestamp($5::double precision), $6, $7::bigint, $8::bigint, $9::bigint, $10::jsonb)
RETURNING run_id;
