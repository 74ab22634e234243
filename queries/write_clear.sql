-- write_clear.sql: forgets the month's earlier run, and with it (ON DELETE CASCADE) its findings,
-- ranking, sanctions and rejects. Runs last in the transaction that wrote the new run's results: until
-- it commits everyone still sees the previous results, and if it fails they stay.
-- $1 the month's first day, $2 the new run.
DELETE FROM claimwatch.runs WHERE command = 'run' AND month = $1::date AND run_id <> $2::bigint;
