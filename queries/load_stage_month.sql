-- load_stage_month.sql: `claimwatch load`: a staging partition for the claim lines of a month, made when
-- the month's first row comes. $1: a day of the month.
SELECT claimwatch.stage_claim_month($1::date);
