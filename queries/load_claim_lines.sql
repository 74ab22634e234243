-- load_claim_lines.sql: `claimwatch load`: the folder's claim lines (checked, staged month by month in
-- claimwatch.claim_lines_stage) into claim_lines: each replaces the line of the same line_id wherever it
-- is, every other line stays, and the months $1..$2 (their first days; NULL: none, --replace-months) are
-- replaced as a whole (claimwatch.merge_claim_months in functions.sql). One row per month that had lines
-- before: the lines it had, those replaced by a new version, those removed.
SELECT to_char(month, 'YYYY-MM'), lines_before, replaced, removed
  FROM claimwatch.merge_claim_months($1::date, $2::date);
