-- 0003.sql: version 2 -> 3. A claim line may bill an item code that items does not have: a charge item set
-- up outside the catalogue (擅自设立收费项目, requirement C1) is a finding (the self_created_item detector),
-- not an input error, so `claimwatch load` keeps such a line and the database must hold it. The foreign
-- key of claim_lines.item_code on items goes (on a partitioned table, dropping the parent's key drops its
-- partitions' copies); prescriptions.drug_code keeps its key.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
              WHERE contype = 'f' AND conparentid = 0
                AND conrelid = to_regclass('claim_lines') AND confrelid = to_regclass('items')
              ORDER BY conname
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', to_regclass('claim_lines'), c.conname);
    END LOOP;
END
$$;
INSERT INTO claimwatch.schema_version (version) VALUES (3);
