-- extract_items.sql: the price catalogue. Flags may be boolean or smallint columns (the contract allows
-- both): ::int prints either as 0 or 1.
COPY (
    SELECT item_code, name, category, unit, std_price, large_equipment::int AS large_equipment,
           retest_hours, antibiotic::int AS antibiotic, max_daily_qty, sex_only, age_min, age_max,
           min_level, setting
      FROM items
) TO STDOUT WITH (FORMAT csv, HEADER)
