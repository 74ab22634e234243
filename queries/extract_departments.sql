-- extract_departments.sql: every department.
-- Column types as load_pg.c decodes them (text, int4, numeric, date, timestamp).
COPY (
    SELECT dept_id::text, inst_id::text, name::text, specialty::text
      FROM departments
) TO STDOUT WITH (FORMAT binary)
