-- extract_slices.sql: the heap relations a run's extraction of claim_lines reads, in the order a scan of
-- claim_lines reads them, with their size in blocks, so that load_pg_par.c can read them in slices of
-- blocks (TID range scans, in block order) on several connections and hand the rows on in that order:
-- the month partitions that meet the window [window_start, month_end), by their lower bound; or
-- claim_lines itself when it is a plain table. `ok` is false when the layout is one the slices do not
-- follow (partitions of partitions, a default partition, bounds other than timestamps, a key other than
-- service_time): the extraction then reads claim_lines with one COPY. In the extraction's transaction,
-- after extract_params.sql.
WITH layout AS (
    SELECT c.relkind,
           (SELECT p.partstrat = 'r' AND p.partnatts = 1 AND p.partattrs[0] = a.attnum
              FROM pg_partitioned_table p JOIN pg_attribute a
                ON a.attrelid = p.partrelid AND a.attname = 'service_time'
             WHERE p.partrelid = c.oid) AS by_time
      FROM pg_class c WHERE c.oid = 'claim_lines'::regclass
), parts AS (
    SELECT c.oid, c.relkind, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'claim_lines'::regclass
), bounds AS (
    SELECT oid, relkind,
           substring(bound FROM $re$^FOR VALUES FROM \('([0-9: -]+)'\) TO \('[0-9: -]+'\)$$re$) AS lo,
           substring(bound FROM $re$^FOR VALUES FROM \('[0-9: -]+'\) TO \('([0-9: -]+)'\)$$re$) AS hi
      FROM parts
), checked AS (
    SELECT oid, lo::timestamp AS lo, hi::timestamp AS hi
      FROM bounds
), ok AS (
    SELECT (l.relkind = 'r') OR (l.relkind = 'p' AND l.by_time AND
           NOT EXISTS (SELECT 1 FROM bounds b WHERE b.relkind <> 'r' OR b.lo IS NULL OR b.hi IS NULL)) AS ok,
           l.relkind
      FROM layout l
)
SELECT rel, blocks, ok FROM (
    SELECT c.oid::regclass::text AS rel, pg_relation_size(c.oid) / current_setting('block_size')::int AS blocks,
           true AS ok, c.lo
      FROM checked c, ok
     WHERE ok.ok AND ok.relkind = 'p'
       AND c.hi > current_setting('claimwatch.window_start')::timestamp
       AND c.lo < current_setting('claimwatch.month_end')::timestamp
    UNION ALL
    SELECT 'claim_lines', pg_relation_size('claim_lines'::regclass) / current_setting('block_size')::int, true, NULL
      FROM ok WHERE ok.ok AND ok.relkind = 'r'
    UNION ALL
    SELECT NULL, NULL, false, NULL FROM ok WHERE NOT ok.ok
) s
ORDER BY s.lo;
