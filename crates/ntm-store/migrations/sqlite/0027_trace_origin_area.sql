-- A lot's raw-material area must exist (issue 15): migration 0022 left `area_id` without a
-- foreign key because the areas table landed separately. SQLite cannot add a constraint to
-- an existing table and the origins are append-only (no rebuild), so a trigger refuses an
-- origin naming no area; areas are never deleted (no statement deletes them).
CREATE TRIGGER trace_lot_origins_area_exists BEFORE INSERT ON trace_lot_origins
WHEN NEW.area_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas WHERE id = NEW.area_id)
BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: trace_lot_origins.area_id'); END;
