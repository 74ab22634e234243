-- load_claim_lines.sql: `claimwatch load`: the folder's claim lines (checked, staged month by month in
-- claimwatch.claim_lines_stage) replace the months they belong to, partition by partition, so that
-- loading a month twice does not duplicate it (see claimwatch.replace_claim_months in schema.sql).
SELECT to_char(month, 'YYYY-MM') AS month FROM claimwatch.replace_claim_months();
