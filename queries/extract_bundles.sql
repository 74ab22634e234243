-- extract_bundles.sql: what each bundled item includes.
-- Column types as load_pg.c decodes them (text, int4, numeric, date, timestamp).
COPY (
    SELECT bundle_code::text, component_code::text
      FROM bundles
) TO STDOUT WITH (FORMAT binary)
