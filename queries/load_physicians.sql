-- load_physicians.sql: `claimwatch load`: the folder's physicians (checked, staged in cw_load_physicians) into physicians.
-- A row whose key is already there is updated, so loading a folder twice changes nothing.
INSERT INTO physicians (physician_id, name, inst_id, dept_id, title)
SELECT physician_id, name, inst_id, dept_id, title
  FROM pg_temp.cw_load_physicians
ON CONFLICT (physician_id) DO UPDATE SET
    name = EXCLUDED.name,
    inst_id = EXCLUDED.inst_id,
    dept_id = EXCLUDED.dept_id,
    title = EXCLUDED.title;
