-- load_items.sql: `claimwatch load`: the folder's items (checked, staged in cw_load_items) into items.
-- A row whose key is already there is updated, so loading a folder twice changes nothing. The data contract 2
-- columns (catalogue_class, essential) are kept when the row has none, as load_patients.sql keeps death dates.
INSERT INTO items (item_code, name, category, unit, std_price, large_equipment, retest_hours,
    antibiotic, max_daily_qty, sex_only, age_min, age_max, min_level, setting, catalogue_class, essential)
SELECT item_code, name, category, unit, std_price, large_equipment, retest_hours, antibiotic,
       max_daily_qty, sex_only, age_min, age_max, min_level, setting, catalogue_class, essential
  FROM pg_temp.cw_load_items
ON CONFLICT (item_code) DO UPDATE SET
    name = EXCLUDED.name,
    category = EXCLUDED.category,
    unit = EXCLUDED.unit,
    std_price = EXCLUDED.std_price,
    large_equipment = EXCLUDED.large_equipment,
    retest_hours = EXCLUDED.retest_hours,
    antibiotic = EXCLUDED.antibiotic,
    max_daily_qty = EXCLUDED.max_daily_qty,
    sex_only = EXCLUDED.sex_only,
    age_min = EXCLUDED.age_min,
    age_max = EXCLUDED.age_max,
    min_level = EXCLUDED.min_level,
    setting = EXCLUDED.setting,
    catalogue_class = COALESCE(EXCLUDED.catalogue_class, items.catalogue_class),
    essential = COALESCE(EXCLUDED.essential, items.essential);
