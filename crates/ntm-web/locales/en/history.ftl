# Predecessors' records on a successor's pages (lineage of the 2025 reform).
history-title = Before the merger
history-intro = Dossiers, plans, reports and figures of the units merged into this one, as history.
history-until = until
history-unit = unit
history-scorecard = scorecard
history-dashboard = dashboard
history-dossiers = dossiers
history-plans = plans
history-reports = reports
history-surveys = surveys
plans-predecessor = Plan of { $value } (before the merger)
