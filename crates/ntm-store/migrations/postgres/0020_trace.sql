-- Traceability on GS1 EPCIS 2.0 (issue 15, parts 4–5). Lots of a product (GTIN-14 or a
-- short product code) recorded by a unit; EPCIS events stored once per CBV 2.0 event hash,
-- with the columns the standard query filters on; the identifiers an event names; and per
-- lot a hash chain of its events (prev_hash → chain_hash) so that tampering shows. All four
-- tables are append-only. No foreign key to producers or products: they come later.
CREATE TABLE trace_lots (
    id          UUID        NOT NULL PRIMARY KEY,
    unit_code   TEXT        NOT NULL,
    unit_path   TEXT        NOT NULL,
    product     TEXT        NOT NULL CHECK (char_length(product) BETWEEN 2 AND 32),
    lot         TEXT        NOT NULL CHECK (char_length(lot) BETWEEN 1 AND 20),
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  TEXT        NOT NULL,
    UNIQUE (product, lot)
);
CREATE INDEX trace_lots_unit ON trace_lots (unit_path);

CREATE TABLE trace_events (
    id                     UUID        NOT NULL PRIMARY KEY,
    event_hash             TEXT        NOT NULL UNIQUE,
    event_type             TEXT        NOT NULL,
    event_time_ms          BIGINT      NOT NULL,
    event_time_zone_offset TEXT        NOT NULL,
    action                 TEXT,
    biz_step               TEXT,
    disposition            TEXT,
    read_point             TEXT,
    biz_location           TEXT,
    event_json             TEXT        NOT NULL,
    context_json           TEXT        NOT NULL,
    unit_code              TEXT        NOT NULL,
    unit_path              TEXT        NOT NULL,
    recorded_at            TIMESTAMPTZ NOT NULL,
    recorded_by            TEXT        NOT NULL
);
CREATE INDEX trace_events_time ON trace_events (event_time_ms, id);
CREATE INDEX trace_events_unit ON trace_events (unit_path, event_time_ms);

-- kind 'epc': epcList and childEPCs (MATCH_epc); 'any': parentID, input and output lists
-- (MATCH_anyEPC matches both kinds).
CREATE TABLE trace_event_epcs (
    event_id UUID NOT NULL REFERENCES trace_events (id),
    epc      TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('epc', 'any')),
    PRIMARY KEY (event_id, epc, kind)
);
CREATE INDEX trace_event_epcs_epc ON trace_event_epcs (epc, kind);

CREATE TABLE trace_lot_events (
    lot_id     UUID   NOT NULL REFERENCES trace_lots (id),
    seq        BIGINT NOT NULL,
    event_id   UUID   NOT NULL REFERENCES trace_events (id),
    event_hash TEXT   NOT NULL,
    prev_hash  TEXT   NOT NULL,
    chain_hash TEXT   NOT NULL,
    PRIMARY KEY (lot_id, seq),
    UNIQUE (lot_id, event_id)
);
CREATE INDEX trace_lot_events_event ON trace_lot_events (event_id);

CREATE FUNCTION trace_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'traceability records are append-only';
END;
$$;
CREATE TRIGGER trace_lots_no_update_delete BEFORE UPDATE OR DELETE ON trace_lots
    FOR EACH ROW EXECUTE FUNCTION trace_append_only();
CREATE TRIGGER trace_events_no_update_delete BEFORE UPDATE OR DELETE ON trace_events
    FOR EACH ROW EXECUTE FUNCTION trace_append_only();
CREATE TRIGGER trace_event_epcs_no_update_delete BEFORE UPDATE OR DELETE ON trace_event_epcs
    FOR EACH ROW EXECUTE FUNCTION trace_append_only();
CREATE TRIGGER trace_lot_events_no_update_delete BEFORE UPDATE OR DELETE ON trace_lot_events
    FOR EACH ROW EXECUTE FUNCTION trace_append_only();
