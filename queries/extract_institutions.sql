-- extract_institutions.sql: every institution.
-- Column types as load_pg.c decodes them (text, int4, numeric, date, timestamp).
COPY (
    SELECT inst_id::text, name::text, level::int4, region::text
      FROM institutions
) TO STDOUT WITH (FORMAT binary)
