-- extract_physicians.sql: every physician.
COPY (
    SELECT physician_id, name, inst_id, dept_id, title
      FROM physicians
) TO STDOUT WITH (FORMAT csv, HEADER)
