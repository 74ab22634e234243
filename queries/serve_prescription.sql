-- serve_prescription.sql: `claimwatch serve --db`: a prescription line of an accepted claim
-- (docs/serve.md), inside the claim's transaction. Added unless (rx_id, line_no) is there. The answer is
-- 1 when the row is now there as given (added, or the same row already there: a retried claim whose
-- commit was never acknowledged), 0 when another row holds the key.
-- $1..$9: the columns of prescriptions.csv in the contract's text form.
WITH added AS (
    INSERT INTO prescriptions (rx_id, line_no, visit_id, physician_id, rx_time, drug_code, qty,
        days_supply, amount)
    VALUES ($1, $2::integer, $3, $4, $5::timestamp, $6, $7::numeric, $8::integer, $9::numeric)
    ON CONFLICT (rx_id, line_no) DO NOTHING
    RETURNING 1)
SELECT (SELECT count(*) FROM added) + (SELECT count(*) FROM prescriptions
         WHERE rx_id = $1 AND line_no = $2::integer AND visit_id = $3 AND physician_id = $4
           AND rx_time = $5::timestamp AND drug_code = $6 AND qty = $7::numeric
           AND days_supply = $8::integer AND amount = $9::numeric)
