-- extract_patients.sql: every patient.
-- Column types as load_pg.c decodes them (text, int4, numeric, date, timestamp).
COPY (
    SELECT patient_id::text, sex::text, birth_date::date, death_date::date
      FROM patients
) TO STDOUT WITH (FORMAT binary)
