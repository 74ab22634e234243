-- serve_claim_line.sql: `claimwatch serve --db`: a claim line of an accepted claim (docs/serve.md),
-- inside the claim's transaction. Added unless a line of that line_id is there, in whatever month (the
-- primary key holds service_time, so ON CONFLICT alone would not see a line of the same id at another
-- time). The answer is 1 when the row is now there as given (added, or the same row already there: a
-- retried claim whose commit was never acknowledged), 0 when another line holds the id.
-- $1..$10: the columns of claim_lines.csv in the contract's text form (NULL for an empty one).
WITH added AS (
    INSERT INTO claim_lines (line_id, visit_id, item_code, physician_id, service_time, qty, unit_price,
        amount, fund_amount, self_amount)
    SELECT $1, $2, $3, $4, $5::timestamp, $6::numeric, $7::numeric, $8::numeric, $9::numeric, $10::numeric
     WHERE NOT EXISTS (SELECT 1 FROM claim_lines WHERE line_id = $1)
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT (SELECT count(*) FROM added) + (SELECT count(*) FROM claim_lines
         WHERE line_id = $1 AND visit_id = $2 AND item_code = $3 AND physician_id IS NOT DISTINCT FROM $4
           AND service_time = $5::timestamp AND qty = $6::numeric AND unit_price = $7::numeric
           AND amount = $8::numeric AND fund_amount IS NOT DISTINCT FROM $9::numeric
           AND self_amount IS NOT DISTINCT FROM $10::numeric)
