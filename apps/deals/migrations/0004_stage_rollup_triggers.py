"""Triggers keeping StageTransitionDay equal to DealStageChange summed per day and stage pair.

Statement-level triggers with transition tables: one upsert per statement, whatever the number
of rows (bulk_create, COPY, cascading deletes, updates of created_at all stay consistent).
Table names are unqualified: they resolve in the tenant schema the statement runs in.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION deals_stage_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO deals_stagetransitionday AS r
            (day, from_stage_id, to_stage_id, transitions, seconds_sum, seconds_count)
        SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(from_stage_id, ''), COALESCE(to_stage_id, ''),
               -COUNT(*), -COALESCE(SUM(seconds_in_previous_stage), 0), -COUNT(seconds_in_previous_stage)
        FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, from_stage_id, to_stage_id) DO UPDATE SET
            transitions = r.transitions + EXCLUDED.transitions,
            seconds_sum = r.seconds_sum + EXCLUDED.seconds_sum,
            seconds_count = r.seconds_count + EXCLUDED.seconds_count;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO deals_stagetransitionday AS r
            (day, from_stage_id, to_stage_id, transitions, seconds_sum, seconds_count)
        SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(from_stage_id, ''), COALESCE(to_stage_id, ''),
               COUNT(*), COALESCE(SUM(seconds_in_previous_stage), 0), COUNT(seconds_in_previous_stage)
        FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, from_stage_id, to_stage_id) DO UPDATE SET
            transitions = r.transitions + EXCLUDED.transitions,
            seconds_sum = r.seconds_sum + EXCLUDED.seconds_sum,
            seconds_count = r.seconds_count + EXCLUDED.seconds_count;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deals_stage_rollup_insert AFTER INSERT ON deals_dealstagechange
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_stage_rollup();
CREATE TRIGGER deals_stage_rollup_update AFTER UPDATE ON deals_dealstagechange
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_stage_rollup();
CREATE TRIGGER deals_stage_rollup_delete AFTER DELETE ON deals_dealstagechange
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_stage_rollup();
INSERT INTO deals_stagetransitionday (day, from_stage_id, to_stage_id, transitions, seconds_sum, seconds_count)
SELECT (created_at AT TIME ZONE 'UTC')::date, COALESCE(from_stage_id, ''), COALESCE(to_stage_id, ''),
       COUNT(*), COALESCE(SUM(seconds_in_previous_stage), 0), COUNT(seconds_in_previous_stage)
FROM deals_dealstagechange GROUP BY 1, 2, 3;
"""

REVERSE = """
DROP TRIGGER IF EXISTS deals_stage_rollup_insert ON deals_dealstagechange;
DROP TRIGGER IF EXISTS deals_stage_rollup_update ON deals_dealstagechange;
DROP TRIGGER IF EXISTS deals_stage_rollup_delete ON deals_dealstagechange;
DROP FUNCTION IF EXISTS deals_stage_rollup();
DELETE FROM deals_stagetransitionday;
"""


class Migration(migrations.Migration):
    dependencies = [("deals", "0003_stage_rollup_and_indexes")]

    operations = [migrations.RunSQL(FUNCTION, REVERSE)]
