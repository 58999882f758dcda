four-eyes-title = Xác minh bốn mắt (tách người nhập và người xác minh)
four-eyes-intro = Khi bật, người đã nhập hoặc gửi một giá trị chỉ tiêu không được tự xác minh giá trị đó; một cán bộ khác có quyền xác minh phải làm. Áp dụng cho mọi xã của tỉnh. Xóa mục này để tắt.
four-eyes-off = Chưa bật: người nhập giá trị cũng có thể tự xác minh nếu có quyền xác minh.
four-eyes-on = Đang bật: người nhập hoặc gửi giá trị không được tự xác minh
four-eyes-turn-on = Bật xác minh bốn mắt
scorecard-four-eyes = Chưa xác minh được (xác minh bốn mắt): bạn đã nhập hoặc gửi các giá trị sau nên không được tự xác minh; cần một cán bộ khác có quyền xác minh: { $value }.
