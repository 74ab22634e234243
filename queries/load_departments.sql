-- load_departments.sql: `claimwatch load`: the folder's departments (checked, staged in cw_load_departments) into departments.
-- A row whose key is already there is updated, so loading a folder twice changes nothing.
INSERT INTO departments (dept_id, inst_id, name, specialty)
SELECT dept_id, inst_id, name, specialty
  FROM pg_temp.cw_load_departments
ON CONFLICT (dept_id) DO UPDATE SET
    inst_id = EXCLUDED.inst_id,
    name = EXCLUDED.name,
    specialty = EXCLUDED.specialty;
