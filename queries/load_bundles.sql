-- load_bundles.sql: `claimwatch load`: the folder's bundles (checked, staged in cw_load_bundles) into bundles.
-- A pair already there is kept, so loading a folder twice changes nothing.
INSERT INTO bundles (bundle_code, component_code)
SELECT bundle_code, component_code
  FROM pg_temp.cw_load_bundles
ON CONFLICT (bundle_code, component_code) DO NOTHING;
