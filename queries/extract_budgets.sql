-- extract_budgets.sql: the optional budgets table (docs/data-format.md, docs/budget.md), read by
-- `claimwatch budget --db` and `claimwatch run --db` (src/pg/pg_budgets.c). Numbers as text, in the
-- columns' own scale, so the reader checks them as it checks budgets.csv.
SELECT inst_id, year::text, annual_budget::text,
       m01::text, m02::text, m03::text, m04::text, m05::text, m06::text,
       m07::text, m08::text, m09::text, m10::text, m11::text, m12::text
FROM budgets
ORDER BY inst_id, year;
