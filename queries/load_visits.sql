-- load_visits.sql: `claimwatch load`: the folder's visits (checked, staged in cw_load_visits) into visits.
-- A row whose key is already there is updated, so loading a folder twice changes nothing.
INSERT INTO visits (visit_id, patient_id, inst_id, dept_id, physician_id, kind, admit_time,
    discharge_time, dx_code, dx_name)
SELECT visit_id, patient_id, inst_id, dept_id, physician_id, kind, admit_time, discharge_time,
       dx_code, dx_name
  FROM pg_temp.cw_load_visits
ON CONFLICT (visit_id) DO UPDATE SET
    patient_id = EXCLUDED.patient_id,
    inst_id = EXCLUDED.inst_id,
    dept_id = EXCLUDED.dept_id,
    physician_id = EXCLUDED.physician_id,
    kind = EXCLUDED.kind,
    admit_time = EXCLUDED.admit_time,
    discharge_time = EXCLUDED.discharge_time,
    dx_code = EXCLUDED.dx_code,
    dx_name = EXCLUDED.dx_name;
