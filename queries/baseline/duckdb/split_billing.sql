-- split_billing (DuckDB): per patient and day of the month, a bundle's component billed beside the
-- bundle, or every component of a bundle billed without it.
WITH l AS (
    SELECT v.patient_id, c.service_time::date AS day, c.item_code, c.amount
      FROM claim_lines c JOIN visits v ON v.visit_id = c.visit_id
     WHERE c.service_time >= $1::timestamp AND c.service_time < $2::timestamp AND c.qty > 0
       AND c.item_code IN (SELECT bundle_code FROM bundles UNION SELECT component_code FROM bundles)
), pd AS (
    SELECT patient_id, day, item_code, sum(amount) AS amount FROM l GROUP BY 1, 2, 3
), beside AS (
    SELECT b.bundle_code, x.patient_id, x.day, sum(x.amount) AS amount
      FROM pd x
      JOIN bundles b ON b.component_code = x.item_code
      JOIN pd y ON y.patient_id = x.patient_id AND y.day = x.day AND y.item_code = b.bundle_code
     GROUP BY 1, 2, 3
), ncomp AS (
    SELECT bundle_code, count(*) AS n FROM bundles GROUP BY 1
), have AS (
    SELECT b.bundle_code, x.patient_id, x.day, count(*) AS n, sum(x.amount) AS amount
      FROM pd x JOIN bundles b ON b.component_code = x.item_code
     GROUP BY 1, 2, 3
), unbundled AS (
    SELECT h.bundle_code, h.patient_id, h.day, h.amount
      FROM have h JOIN ncomp n ON n.bundle_code = h.bundle_code
     WHERE h.n = n.n
       AND NOT EXISTS (SELECT 1 FROM pd y WHERE y.patient_id = h.patient_id AND y.day = h.day
                                            AND y.item_code = h.bundle_code)
)
SELECT 'split_billing' AS detector, count(*) AS findings, coalesce(sum(amount), 0) AS suspect_amount
  FROM (SELECT amount FROM beside UNION ALL SELECT amount FROM unbundled) f;
