-- load_institutions.sql: `claimwatch load`: the folder's institutions (checked, staged in cw_load_institutions) into institutions.
-- A row whose key is already there is updated, so loading a folder twice changes nothing; a region (data
-- contract 2) is kept when the row has none.
INSERT INTO institutions (inst_id, name, level, region)
SELECT inst_id, name, level, region
  FROM pg_temp.cw_load_institutions
ON CONFLICT (inst_id) DO UPDATE SET
    name = EXCLUDED.name,
    level = EXCLUDED.level,
    region = COALESCE(EXCLUDED.region, institutions.region);
