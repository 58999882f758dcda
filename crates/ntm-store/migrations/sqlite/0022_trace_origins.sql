-- Where a lot comes from (issue 15, parts 4–5): its producer (OCOP producer record), the
-- OCOP product it is a lot of (optional) and the raw-material area it was grown in
-- (optional). Lots are append-only, so the origin is a row of its own, written in the same
-- transaction as the lot, never changed. `area_id` has no foreign key: the areas table
-- (migration 0021) lands separately; the application checks the area when it exists.
CREATE TABLE trace_lot_origins (
    lot_id      BLOB NOT NULL PRIMARY KEY REFERENCES trace_lots (id),
    producer_id BLOB NOT NULL REFERENCES ocop_producers (id),
    product_id  BLOB REFERENCES ocop_products (id),
    area_id     BLOB,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX trace_lot_origins_producer ON trace_lot_origins (producer_id);

CREATE TRIGGER trace_lot_origins_no_update BEFORE UPDATE ON trace_lot_origins
BEGIN SELECT RAISE(ABORT, 'trace lot origins are append-only'); END;
CREATE TRIGGER trace_lot_origins_no_delete BEFORE DELETE ON trace_lot_origins
BEGIN SELECT RAISE(ABORT, 'trace lot origins are append-only'); END;
