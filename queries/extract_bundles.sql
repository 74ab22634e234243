-- extract_bundles.sql: what each bundled item includes.
COPY (
    SELECT bundle_code, component_code
      FROM bundles
) TO STDOUT WITH (FORMAT csv, HEADER)
