-- load_patients.sql: `claimwatch load`: the folder's patients (checked, staged in cw_load_patients) into patients.
-- A row whose key is already there is updated, so loading a folder twice changes nothing.
INSERT INTO patients (patient_id, sex, birth_date)
SELECT patient_id, sex, birth_date
  FROM pg_temp.cw_load_patients
ON CONFLICT (patient_id) DO UPDATE SET
    sex = EXCLUDED.sex,
    birth_date = EXCLUDED.birth_date;
