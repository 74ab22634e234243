-- load_stage_bound.sql: `claimwatch load`: the statement that gives a month's staging partition (just
-- made, empty: nothing to check) a CHECK constraint equal to its bounds, so that attaching it to
-- claim_lines later needs no scan of its rows to prove them in range (the constraint a partition has
-- goes when the stage detaches it). load_stage_unbound.sql drops it once attached. $1: a day of the month.
SELECT format('ALTER TABLE claimwatch.%I ADD CONSTRAINT cw_load_bound CHECK (service_time >= %L::timestamp AND '
              'service_time < %L::timestamp)', 'claim_lines_stage_' || to_char($1::date, 'YYYY_MM'),
              date_trunc('month', $1::date)::timestamp, (date_trunc('month', $1::date) + interval '1 month')::timestamp);
