-- load_session.sql: `claimwatch load`: the settings of the load's transaction (SET LOCAL: they end with it).
-- maintenance_work_mem is raised to 1 GB when the server's is lower: the index builds after the bulk
-- COPY (a month's partition attached, the indexes dropped around a large upsert) and the one-pass checks
-- of the foreign keys added back (PostgreSQL runs them with maintenance_work_mem as their work_mem) sort
-- and hash in memory instead of on disk. One such operation runs at a time. Nothing else is changed:
-- synchronous_commit is left as the server has it (the load commits once: turning it off would save
-- one WAL flush and could lose a load that said it was done).
SELECT set_config('maintenance_work_mem', '1GB', true)
  FROM pg_settings
 WHERE name = 'maintenance_work_mem' AND setting::bigint < 1048576;
