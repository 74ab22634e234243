-- extract_departments.sql: every department.
COPY (
    SELECT dept_id, inst_id, name, specialty
      FROM departments
) TO STDOUT WITH (FORMAT csv, HEADER)
