-- extract_patients.sql: every patient (dates print as YYYY-MM-DD under DateStyle ISO, which claimwatch
-- sets on its connections).
COPY (
    SELECT patient_id, sex, birth_date
      FROM patients
) TO STDOUT WITH (FORMAT csv, HEADER)
