-- The officers' feedback inbox at a million reports (docs/perf.md, "Officers' feedback inbox"):
-- the open reports of a province, newest first. Without it a filter on the open states (the
-- "open" and "overdue" lists, alone or with a district, a category…) read every open report
-- of the province through the status index and sorted them (PostgreSQL: 127–158 ms at
-- 1,000,000 reports, 68,000 of them open). The list writes this exact condition as literal
-- SQL (`ntm_store::feedback::list`), so that both engines match the partial index. The due
-- day, category and responsible unit's path follow the key, so that the overdue and the
-- other filters are checked in the index, before a row is read (most recent open reports
-- are not due yet: the overdue list skips them).
CREATE INDEX feedback_reports_open
    ON feedback_reports (province_code, received_at, id, due_on, category_code, responsible_path)
    WHERE status IN ('received', 'transferred', 'accepted', 'in_progress');
