-- load_patients.sql: `claimwatch load`: the folder's patients (checked, staged in cw_load_patients) into patients.
-- A row whose key is already there is updated, so loading a folder twice changes nothing. A death date is
-- set or corrected by a row that has one and kept when the row has none: the monthly extracts of most
-- hospitals have no death_date column, and loading one must not erase the dates a registry load brought
-- (to take a wrong date away: UPDATE patients SET death_date = NULL WHERE patient_id = ...).
INSERT INTO patients (patient_id, sex, birth_date, death_date)
SELECT patient_id, sex, birth_date, death_date
  FROM pg_temp.cw_load_patients
ON CONFLICT (patient_id) DO UPDATE SET
    sex = EXCLUDED.sex,
    birth_date = EXCLUDED.birth_date,
    death_date = COALESCE(EXCLUDED.death_date, patients.death_date);
