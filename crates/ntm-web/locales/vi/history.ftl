# Predecessors' records on a successor's pages (lineage of the 2025 reform).
history-title = Trước sáp nhập
history-intro = Hồ sơ, kế hoạch, báo cáo và số liệu của các đơn vị đã sáp nhập vào đơn vị này, xem như lịch sử.
history-until = đến
history-unit = đơn vị
history-scorecard = bảng điểm
history-dashboard = bảng điều khiển
history-dossiers = hồ sơ
history-plans = kế hoạch
history-reports = báo cáo
history-surveys = khảo sát
plans-predecessor = Kế hoạch của { $value } (trước sáp nhập)
