-- write_lock.sql: serialises the write-backs of one month (two runs of the same month at once would
-- otherwise both insert its findings). Held until the transaction ends. $1: the month as YYYYMM.
SELECT pg_advisory_xact_lock(74780037, $1::int);
