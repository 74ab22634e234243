-- load_prescriptions.sql: `claimwatch load`: the folder's prescriptions (checked, staged in cw_load_prescriptions) into prescriptions.
-- A row whose key is already there is updated, so loading a folder twice changes nothing.
INSERT INTO prescriptions (rx_id, line_no, visit_id, physician_id, rx_time, drug_code, qty,
    days_supply, amount)
SELECT rx_id, line_no, visit_id, physician_id, rx_time, drug_code, qty, days_supply, amount
  FROM pg_temp.cw_load_prescriptions
ON CONFLICT (rx_id, line_no) DO UPDATE SET
    visit_id = EXCLUDED.visit_id,
    physician_id = EXCLUDED.physician_id,
    rx_time = EXCLUDED.rx_time,
    drug_code = EXCLUDED.drug_code,
    qty = EXCLUDED.qty,
    days_supply = EXCLUDED.days_supply,
    amount = EXCLUDED.amount;
