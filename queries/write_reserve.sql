-- write_reserve.sql: the run_id of a run about to be written back, taken before its row so that the
-- month folder's summary.json can name it (see pg_write.c).
SELECT nextval(pg_get_serial_sequence('claimwatch.runs', 'run_id'));
