-- write_clear.sql: forgets the earlier run of a month, and with it (ON DELETE CASCADE) its findings,
-- ranking, sanctions and rejects, inside the transaction that writes the new ones: until it commits,
-- everyone else still sees the previous results, and if it fails they stay. $1: the month's first day.
DELETE FROM claimwatch.runs WHERE command = 'run' AND month = $1::date;
