-- functions.sql: the functions `claimwatch load` calls, in the schema `claimwatch`. `claimwatch db init`
-- applies this file after schema.sql or the migrations, every time (CREATE OR REPLACE), in the same
-- transaction. A change here comes with a new schema version (pg.h's CW_PG_SCHEMA_VERSION and a
-- migration), so that `load` refuses a database whose functions are older than it.
--
-- `claim_lines` is the caller's (its search_path), as are the months' partitions (claim_lines_YYYY_MM,
-- beside claim_lines).

-- `claimwatch load` stages claim lines in claimwatch.claim_lines_stage, partitioned by month like
-- claim_lines, adding a month's partition when its first row comes.
CREATE OR REPLACE FUNCTION claimwatch.stage_claim_month(m date) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE claimwatch.%I PARTITION OF claimwatch.claim_lines_stage FOR VALUES FROM (%L) TO (%L)',
                   'claim_lines_stage_' || to_char(m, 'YYYY_MM'), date_trunc('month', m)::timestamp,
                   (date_trunc('month', m) + interval '1 month')::timestamp);
END
$$;

-- The staged months (the partitions of claimwatch.claim_lines_stage) with their partitions.
CREATE OR REPLACE FUNCTION claimwatch.staged_claim_months() RETURNS TABLE (month date, staged regclass)
LANGUAGE sql STABLE AS $$
    SELECT to_date(substr(c.relname, length('claim_lines_stage_') + 1), 'YYYY_MM'), c.oid::regclass
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass('claimwatch.claim_lines_stage')
$$;

-- The partition of claim_lines that holds month m, as `claimwatch load` names it, or NULL.
CREATE OR REPLACE FUNCTION claimwatch.claim_month_part(m date) RETURNS regclass
LANGUAGE sql STABLE AS $$
    SELECT c.oid::regclass FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass('claim_lines') AND c.relname = 'claim_lines_' || to_char(m, 'YYYY_MM')
$$;

-- Moves the staged claim lines into claim_lines and drops the stage. A staged line replaces the line of
-- the same line_id wherever it is (its service_time, and so its month, may have changed); every other
-- line stays. The months from replace_from to replace_to (NULLs: none) are replaced as a whole instead:
-- their lines that have no new version are removed (and listed in the temporary table cw_removed_lines,
-- whose exam results load_removed_results.sql removes once the folder's are in). Per month touched it
-- returns the lines the month had, those replaced by a new version and those removed; months that were
-- new are not listed.
--
-- How a month that already has lines takes the staged ones:
--   * add: a few lines (their partition under an eighth of the month's): the earlier versions are
--     deleted and the new lines inserted, checked row by row;
--   * rebuild: more: the month's lines without a new version are copied into the staged partition,
--     which then replaces the month's partition: attaching it checks the foreign keys and builds the
--     indexes in one pass each (as for a new month), instead of row by row;
--   * replace (--replace-months): as rebuild, without copying anything back.
CREATE OR REPLACE FUNCTION claimwatch.merge_claim_months(replace_from date, replace_to date)
RETURNS TABLE (month date, lines_before bigint, replaced bigint, removed bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    cols    text;
    r       record;
    sch     text;
    olds    text;
    n       bigint;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
     WHERE attrelid = 'claim_lines'::regclass AND attnum > 0 AND NOT attisdropped;
    SELECT nspname INTO sch FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
     WHERE c.oid = 'claim_lines'::regclass;
    CREATE TEMP TABLE cw_merge (month date PRIMARY KEY, how text NOT NULL, part regclass, staged regclass,
                                lines_before bigint NOT NULL DEFAULT 0, replaced bigint NOT NULL DEFAULT 0,
                                removed bigint NOT NULL DEFAULT 0) ON COMMIT DROP;
    CREATE TEMP TABLE cw_removed_lines (line_id text NOT NULL, month date NOT NULL) ON COMMIT DROP;

    -- 1. The months that already have lines, and how each takes the staged ones. The partitions to
    --    replace or rebuild leave claim_lines at once, so that step 2 passes them by.
    INSERT INTO cw_merge (month, how, part, staged)
    SELECT m.month,
           CASE WHEN m.month BETWEEN replace_from AND replace_to THEN 'replace'
                WHEN s.staged IS NOT NULL AND 8 * pg_relation_size(s.staged) >= pg_relation_size(p.part) THEN 'rebuild'
                WHEN s.staged IS NOT NULL THEN 'add' END,
           p.part, s.staged
      FROM (SELECT month FROM claimwatch.staged_claim_months()
            UNION SELECT generate_series(replace_from, replace_to, interval '1 month')::date) m
      CROSS JOIN LATERAL (SELECT claimwatch.claim_month_part(m.month) AS part) p
      LEFT JOIN claimwatch.staged_claim_months() s ON s.month = m.month
     WHERE p.part IS NOT NULL;
    FOR r IN SELECT * FROM cw_merge ORDER BY month LOOP
        EXECUTE format('SELECT count(*) FROM %s', r.part) INTO n;
        UPDATE cw_merge SET lines_before = n WHERE month = r.month;
        IF r.how <> 'add' THEN
            EXECUTE format('ALTER TABLE claim_lines DETACH PARTITION %s', r.part);
        END IF;
    END LOOP;

    -- 2. The earlier versions of the staged lines in the partitions still attached.
    WITH gone AS (DELETE FROM claim_lines c USING claimwatch.claim_lines_stage s WHERE c.line_id = s.line_id
                  RETURNING date_trunc('month', c.service_time)::date AS month)
    INSERT INTO cw_merge AS t (month, how, replaced)
    SELECT month, 'other', count(*) FROM gone GROUP BY month
    ON CONFLICT (month) DO UPDATE SET replaced = t.replaced + EXCLUDED.replaced;
    UPDATE cw_merge t SET lines_before = t.replaced + (SELECT count(*) FROM claim_lines c
           WHERE c.service_time >= t.month AND c.service_time < t.month + interval '1 month')
     WHERE how = 'other';

    -- 3. Replaced months: the lines without a new version go, then the old partitions.
    FOR r IN SELECT * FROM cw_merge WHERE how = 'replace' LOOP
        EXECUTE format('INSERT INTO cw_removed_lines SELECT o.line_id, $1 FROM %s o WHERE NOT EXISTS '
                       '(SELECT 1 FROM claimwatch.claim_lines_stage s WHERE s.line_id = o.line_id)', r.part)
            USING r.month;
    END LOOP;
    UPDATE cw_merge t SET removed = x.n, replaced = t.lines_before - x.n
      FROM (SELECT m.month, count(l.line_id) AS n FROM cw_merge m LEFT JOIN cw_removed_lines l ON l.month = m.month
             WHERE m.how = 'replace' GROUP BY m.month) x
     WHERE t.month = x.month;

    -- 4. Rebuilt months: the lines without a new version are copied into the stage, in one statement
    --    (which does not see its own rows: the stage it compares with is the folder's).
    SELECT string_agg(format('SELECT %s FROM %s', cols, part), ' UNION ALL ') INTO olds
      FROM cw_merge WHERE how = 'rebuild';
    IF olds IS NOT NULL THEN
        EXECUTE format('WITH kept AS (INSERT INTO claimwatch.claim_lines_stage (%s) SELECT %s FROM (%s) o '
                       'WHERE NOT EXISTS (SELECT 1 FROM claimwatch.claim_lines_stage s WHERE s.line_id = o.line_id) '
                       'RETURNING date_trunc(''month'', service_time)::date AS month) '
                       'UPDATE cw_merge t SET replaced = t.lines_before - coalesce((SELECT count(*) FROM kept '
                       'WHERE kept.month = t.month), 0) WHERE t.how = ''rebuild''', cols, cols, olds);
    END IF;
    FOR r IN SELECT * FROM cw_merge WHERE how IN ('replace', 'rebuild') LOOP
        EXECUTE format('DROP TABLE %s', r.part);
    END LOOP;

    -- 5. Added months: the few new lines into the month's partition.
    FOR r IN SELECT * FROM cw_merge WHERE how = 'add' LOOP
        EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s', r.part, cols, cols, r.staged);
        EXECUTE format('DROP TABLE %s', r.staged);
    END LOOP;

    -- 6. Every staged partition left becomes its month's partition.
    FOR r IN SELECT * FROM claimwatch.staged_claim_months() ORDER BY 1 LOOP
        EXECUTE format('ALTER TABLE claimwatch.claim_lines_stage DETACH PARTITION %s', r.staged);
        EXECUTE format('ALTER TABLE %s RENAME TO %I', r.staged, 'claim_lines_' || to_char(r.month, 'YYYY_MM'));
        EXECUTE format('ALTER TABLE claimwatch.%I SET SCHEMA %I', 'claim_lines_' || to_char(r.month, 'YYYY_MM'), sch);
        EXECUTE format('ALTER TABLE claim_lines ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', sch,
                       'claim_lines_' || to_char(r.month, 'YYYY_MM'), r.month::timestamp,
                       (r.month + interval '1 month')::timestamp);
    END LOOP;
    DROP TABLE claimwatch.claim_lines_stage;

    RETURN QUERY SELECT t.month, t.lines_before, t.replaced, t.removed FROM cw_merge t ORDER BY t.month;
END
$$;

-- A large upsert checks each row's foreign keys one by one (a query and a row lock per key). When the
-- loading user owns the table, `claimwatch load` drops its foreign keys for the upsert and adds them
-- back after, which checks them in one pass, all inside the load's transaction: other sessions never
-- see the table without them. fk_pause returns false (and changes nothing) for a table the user does
-- not own; the upsert then checks row by row.
CREATE OR REPLACE FUNCTION claimwatch.fk_pause(target regclass) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = target), 'USAGE') THEN
        RETURN false;
    END IF;
    CREATE TEMP TABLE IF NOT EXISTS cw_paused_fks (target regclass, name name, def text) ON COMMIT DROP;
    FOR c IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
              WHERE conrelid = target AND contype = 'f' ORDER BY conname
    LOOP
        INSERT INTO cw_paused_fks VALUES (target, c.conname, c.def);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', target, c.conname);
    END LOOP;
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION claimwatch.fk_resume(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT name, def FROM cw_paused_fks WHERE cw_paused_fks.target = fk_resume.target ORDER BY name LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', target, c.name, c.def);
    END LOOP;
    DELETE FROM cw_paused_fks WHERE cw_paused_fks.target = fk_resume.target;
END
$$;
