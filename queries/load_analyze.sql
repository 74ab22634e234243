-- load_analyze.sql: fresh planner statistics after a load, for the extraction queries (a new month
-- partition has none until autovacuum comes by).
ANALYZE visits, claim_lines, prescriptions, exam_results;
