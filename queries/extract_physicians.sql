-- extract_physicians.sql: every physician.
-- Column types as load_pg.c decodes them (text, int4, numeric, date, timestamp).
COPY (
    SELECT physician_id::text, name::text, inst_id::text, dept_id::text, title::text
      FROM physicians
) TO STDOUT WITH (FORMAT binary)
