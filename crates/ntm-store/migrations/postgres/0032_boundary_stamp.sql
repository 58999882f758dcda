-- The boundaries' change counter (issue 16, docs/maps.md): bumped in the transaction of every
-- boundary import, so that a process may keep the placed map of a date (the units and their
-- boundary copies) and know with one small read whether another server sharing the database
-- has imported boundaries since. The unit lists have their own (the count of applied lists).
CREATE TABLE boundary_stamp (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    n  BIGINT  NOT NULL
);
INSERT INTO boundary_stamp (id, n) VALUES (1, 0);
