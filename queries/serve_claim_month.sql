-- serve_claim_month.sql: `claimwatch serve --db`: the statement that adds claim_lines' partition of the
-- month of $1 (its first day), named and placed as `claimwatch load` does (claim_lines_YYYY_MM beside
-- claim_lines; claimwatch.claim_month_part finds it), or no row when the month has its partition. The
-- service runs the statement it gets inside the claim's transaction: a month's first accepted line
-- (the served month, before any load of it) then has a partition to go to. The statement is built by
-- the server (format with %I and %L) from the bound month: no value is pasted by claimwatch.
SELECT format('CREATE TABLE %I.%I PARTITION OF claim_lines FOR VALUES FROM (%L) TO (%L)', n.nspname,
              'claim_lines_' || to_char($1::date, 'YYYY_MM'), date_trunc('month', $1::date)::timestamp,
              (date_trunc('month', $1::date) + interval '1 month')::timestamp)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = 'claim_lines'::regclass AND claimwatch.claim_month_part($1::date) IS NULL
