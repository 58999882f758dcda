# Trang tài khoản: địa chỉ thư điện tử nhận thông báo.
account-link = Tài khoản
account-title = Tài khoản
account-username = Tên đăng nhập: { $value }
account-email-heading = Thư điện tử nhận thông báo
account-email-label = Địa chỉ thư điện tử
account-email-help = Thông báo về hồ sơ (ví dụ hồ sơ chờ bạn xử lý) được gửi thêm đến địa chỉ này. Để trống rồi lưu để không nhận thư.
account-email-save = Lưu địa chỉ
account-email-clear = Xóa địa chỉ
account-email-invalid = Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.gov.vn, tối đa 254 ký tự).
account-saved = Đã lưu.
account-smtp-on = Máy chủ này có gửi thư điện tử: thông báo được gửi đến địa chỉ dưới đây.
account-smtp-off = Máy chủ này chưa được cấu hình gửi thư điện tử (SMTP): hiện thông báo chỉ hiển thị trong trang «Thông báo». Địa chỉ bạn lưu sẽ được dùng khi máy chủ bật gửi thư.
