-- extract_items.sql: the price catalogue. Flags may be boolean or smallint columns (the contract allows
-- both): ::int4 takes either.
-- Column types as load_pg.c decodes them (text, int4, numeric, date, timestamp).
COPY (
    SELECT item_code::text, name::text, category::text, unit::text, std_price::numeric,
           large_equipment::int4, retest_hours::int4, antibiotic::int4, max_daily_qty::numeric,
           sex_only::text, age_min::int4, age_max::int4, min_level::int4, setting::text,
           catalogue_class::text, essential::int4
      FROM items
) TO STDOUT WITH (FORMAT binary)
