-- A lot's raw-material area must exist (issue 15): migration 0022 left `area_id` without a
-- foreign key because the areas table landed separately. NOT VALID: new origins are checked;
-- rows written before are not re-read (they cannot be changed, the table is append-only, and
-- a dangling id there must not stop the server from starting).
ALTER TABLE trace_lot_origins
    ADD CONSTRAINT trace_lot_origins_area_fk FOREIGN KEY (area_id) REFERENCES areas (id) NOT VALID;
