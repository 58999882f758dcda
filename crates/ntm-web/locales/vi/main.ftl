# Giao diện tiếng Việt (mặc định) của NTM Số.
# Mỗi khóa ở đây phải có trong en/main.ftl (có kiểm thử so sánh hai tệp).

## Khung trang

app-tagline = Chuyển đổi số Chương trình xây dựng nông thôn mới
nav-skip = Bỏ qua, đến nội dung chính
nav-tools = Tài khoản và ngôn ngữ
nav-language = Ngôn ngữ
nav-login = Đăng nhập
nav-logout = Đăng xuất
nav-home = Trang chủ
nav-search = Tra cứu đơn vị hành chính
nav-breadcrumbs = Vị trí trang
footer-about = NTM Số — nền tảng mã nguồn mở phục vụ chuyển đổi số trong xây dựng nông thôn mới. Dữ liệu đơn vị hành chính theo danh mục của cơ quan thống kê.
footer-api = Tài liệu API
scope-country = Toàn quốc

## Vai trò

role-admin = Quản trị hệ thống
role-province-officer = Cán bộ cấp tỉnh
role-department-officer = Cán bộ sở, ngành
role-district-officer = Cán bộ cấp huyện
role-commune-officer = Cán bộ cấp xã
role-producer = Chủ thể sản xuất
role-viewer = Người xem
role-tourism-editor = Biên tập viên du lịch

## Cấp và số lượng đơn vị hành chính

level-province = Tỉnh/thành phố
level-district = Huyện/quận/thị xã
level-commune = Xã/phường
level-hamlet = Thôn/ấp
count-province = { $count } tỉnh, thành phố
count-district = { $count } huyện, quận, thị xã, thành phố thuộc tỉnh
count-commune = { $count } xã, phường, thị trấn, đặc khu
count-hamlet = { $count } thôn, ấp, tổ dân phố

## Sắp xếp đơn vị hành chính

lineage-merge = Nhập toàn bộ
lineage-split = Nhập một phần
lineage-rename = Đổi tên
lineage-unchanged = Giữ nguyên
lineage-reorganize = Tổ chức lại

## Vùng kinh tế - xã hội

region-TDMNPB = Trung du và miền núi phía Bắc
region-DBSH = Đồng bằng sông Hồng
region-BTB = Bắc Trung Bộ
region-DHNTB = Duyên hải Nam Trung Bộ
region-TN = Tây Nguyên
region-DNB = Đông Nam Bộ
region-DBSCL = Đồng bằng sông Cửu Long

## Hiệu lực

validity-always = Còn hiệu lực (chưa rõ ngày bắt đầu)
validity-from = từ { $value }
validity-until = đến { $value }
validity-range = từ { $from } đến { $to }

## Cột bảng

col-code = Mã
col-name = Tên
col-kind = Loại hình
col-level = Cấp
col-region = Vùng kinh tế - xã hội
col-validity = Hiệu lực
col-valid-from = Hiệu lực từ
col-valid-to = Hết hiệu lực từ

## Trang chủ

home-title = Trang chủ
home-heading = Nền tảng số cho xây dựng nông thôn mới
home-intro = NTM Số là nền tảng mã nguồn mở giúp các tỉnh, thành phố triển khai chuyển đổi số trong Chương trình mục tiêu quốc gia xây dựng nông thôn mới: theo dõi bộ tiêu chí, hồ sơ xét công nhận, khảo sát sự hài lòng của người dân, sản phẩm OCOP và truy xuất nguồn gốc.
home-intro-units = Danh mục đơn vị hành chính lưu đầy đủ các lần thay đổi, kể cả đợt sắp xếp có hiệu lực từ ngày 01/07/2025. Chọn một ngày để xem cơ cấu đơn vị hành chính tại thời điểm đó.
home-tools = Tra cứu
home-counts-today = Số đơn vị hành chính hiện nay
home-counts-on = Số đơn vị hành chính ngày { $value }
home-provinces = Tỉnh, thành phố trực thuộc trung ương
home-no-units = Chưa có dữ liệu đơn vị hành chính cho ngày này.

## Tra cứu

search-title = Tra cứu đơn vị hành chính
search-label = Tìm theo tên hoặc mã đơn vị
search-placeholder = Ví dụ: Càng Long hoặc 84
search-button = Tìm kiếm
search-hint = Có thể gõ không dấu, ví dụ "cang long".
search-date-label = Tại ngày (để trống: mọi thời điểm)
search-none = Không tìm thấy đơn vị nào phù hợp.
search-found = Tìm thấy { $count } đơn vị
search-invalid = Vui lòng nhập ít nhất một chữ hoặc chữ số (tối đa 100 ký tự).
date-label = Xem theo ngày
date-button = Xem
date-today = Về hôm nay
date-hint = Ví dụ: ngày 01/01/2024 có 63 tỉnh, thành phố; từ ngày 01/07/2025 còn 34.

## Trang đơn vị hành chính

unit-code = mã
unit-shown-today = Thông tin tại ngày hôm nay.
unit-shown-on = Thông tin tại ngày { $value }.
unit-facts = Thông tin chung
unit-region-none = Chưa xác định
unit-other-date = Xem tại ngày khác
unit-children = Đơn vị trực thuộc ({ $count })
unit-no-children = Không có đơn vị trực thuộc tại ngày này.
unit-download-xlsx = Tải XLSX
unit-lineage = Quá trình sắp xếp
unit-formed-from = Hình thành từ
unit-merged-into = Đã sáp nhập vào
unit-effective = hiệu lực từ { $value }
unit-versions = Các phiên bản của mã này
unit-versions-hint = Một mã có thể được dùng cho các đơn vị khác nhau qua từng thời kỳ.
unit-version-shown = đang xem

## Thôn, ấp

hamlet-kind-ap = Ấp
hamlet-kind-thon = Thôn
hamlet-kind-xom = Xóm
hamlet-kind-ban = Bản
hamlet-kind-buon = Buôn
hamlet-kind-khom = Khóm
hamlet-kind-to-dan-pho = Tổ dân phố
hamlet-add-title = Thêm thôn, ấp
hamlet-name = Tên thôn, ấp
hamlet-kind = Loại
hamlet-code = Mã (không bắt buộc)
hamlet-code-hint = Để trống để hệ thống tự đánh số theo dạng { $value }-01, { $value }-02…
hamlet-add-submit = Thêm
hamlet-import-title = Nhập danh sách từ tệp
hamlet-import-file = Tệp CSV hoặc XLSX
hamlet-import-hint = Dòng đầu là tiêu đề cột: code, name, kind (hoặc mã, tên, loại). Cột mã có thể để trống.
hamlet-import-submit = Tải lên và nhập
hamlet-error-name = Vui lòng nhập tên thôn, ấp.
hamlet-error-name-long = Tên quá dài (tối đa 200 ký tự).
hamlet-error-kind = Vui lòng chọn loại trong danh sách.
hamlet-error-conflict = Mã đã được dùng
form-has-errors = Chưa lưu được, vui lòng sửa các lỗi sau:
import-rejected = Tệp chưa được nhập, chưa có thay đổi nào. Vui lòng sửa các dòng sau rồi tải lên lại:
import-error-no-file = Vui lòng chọn một tệp CSV hoặc XLSX.
import-error-encoding = Tệp CSV không ở dạng UTF-8. Trong Excel, hãy lưu bằng "CSV UTF-8".
import-error-csv = Không đọc được tệp CSV ở dòng { $value }.
import-error-spreadsheet = Không đọc được bảng tính. Vui lòng kiểm tra lại tệp.
import-error-other-commune = Tệp có dòng thuộc đơn vị khác (mã { $value }). Chỉ nhập thôn, ấp của xã này.
flash-added = Đã thêm { $count } thôn, ấp.
flash-imported = Đã nhập { $count } thôn, ấp.
flash-unchanged = { $count } dòng trùng với dữ liệu đã có, giữ nguyên.

## Tên trường trong thông báo lỗi

field-line = Dòng { $value }
field-name = Tên
field-kind = Loại
field-code = Mã
field-commune-code = Mã xã
field-date = Ngày
field-file = Tệp
field-note = Ghi chú
field-q = Nội dung tìm kiếm
field-username = Tên đăng nhập
field-password = Mật khẩu
field-limit = Số kết quả

## Đăng nhập

login-title = Đăng nhập
login-username = Tên đăng nhập
login-password = Mật khẩu
login-submit = Đăng nhập
login-help = Quên mật khẩu? Vui lòng liên hệ quản trị hệ thống của đơn vị.
login-expired = Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.
login-already = Bạn đang đăng nhập với tài khoản { $value }.
login-missing = Vui lòng nhập tên đăng nhập và mật khẩu.
login-wrong = Tên đăng nhập hoặc mật khẩu không đúng.
login-too-many = Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau { $wait } (khoảng { $time }).
retry-in-minutes = { $count } phút

## Trang lỗi

error-status = Mã lỗi
error-request-id = Mã yêu cầu (cung cấp mã này khi liên hệ hỗ trợ):
error-home = Về trang chủ
error-retry = Vui lòng thử lại sau { $value }.
error-bad-date = Ngày "{ $value }" không hợp lệ. Vui lòng nhập theo dạng năm-tháng-ngày hoặc ngày/tháng/năm.
error-unit-not-found = Không có đơn vị hành chính mã { $value } tại ngày đã chọn.
error-hamlets-forbidden = Tài khoản của bạn không có quyền cập nhật thôn, ấp của { $value }.
error-bad-request-title = Yêu cầu không hợp lệ
error-bad-request-text = Yêu cầu không hợp lệ. Vui lòng kiểm tra lại địa chỉ hoặc thông tin đã nhập.
error-unauthorized-title = Cần đăng nhập
error-unauthorized-text = Vui lòng đăng nhập để tiếp tục.
error-session-expired-title = Phiên làm việc đã hết hạn
error-session-expired-text = Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.
error-forbidden-title = Không có quyền truy cập
error-forbidden-text = Tài khoản của bạn không có quyền thực hiện thao tác này.
error-csrf-title = Phiên biểu mẫu không hợp lệ
error-csrf-text = Phiên biểu mẫu không hợp lệ, vui lòng tải lại trang rồi thực hiện lại.
error-not-found-title = Không tìm thấy
error-not-found-text = Không tìm thấy trang hoặc dữ liệu bạn cần.
error-method-not-allowed-title = Thao tác không được hỗ trợ
error-method-not-allowed-text = Địa chỉ này không hỗ trợ thao tác vừa gửi.
error-conflict-title = Dữ liệu bị trùng
error-conflict-text = Dữ liệu đã tồn tại hoặc vừa được người khác thay đổi.
error-payload-too-large-title = Tệp quá lớn
error-payload-too-large-text = Dữ liệu gửi lên vượt quá dung lượng cho phép.
error-unsupported-media-type-title = Định dạng không được hỗ trợ
error-unsupported-media-type-text = Định dạng dữ liệu gửi lên không được hỗ trợ.
error-validation-title = Thông tin chưa hợp lệ
error-validation-text = Thông tin đã nhập chưa hợp lệ, vui lòng kiểm tra lại.
error-too-many-requests-title = Quá nhiều yêu cầu
error-too-many-requests-text = Bạn đã gửi quá nhiều yêu cầu.
error-internal-title = Lỗi hệ thống
error-internal-text = Hệ thống gặp lỗi ngoài dự kiến. Vui lòng thử lại sau hoặc liên hệ bộ phận hỗ trợ.
error-unavailable-title = Hệ thống tạm thời gián đoạn
error-unavailable-text = Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.

## Tài liệu API

docs-title = Tài liệu API
docs-spec = Đặc tả OpenAPI (JSON):
docs-contents = Danh sách chức năng
docs-parameters = Tham số
docs-param-name = Tên
docs-param-in = Vị trí
docs-param-required = Bắt buộc
docs-param-description = Mô tả
docs-yes = Có
docs-no = Không
docs-body = Nội dung gửi lên
docs-responses = Kết quả trả về
unit-region-unverified = chưa đối chiếu nguồn
unit-region-unverified-title = Việc xếp tỉnh vào vùng kinh tế - xã hội theo cách chia vùng của Tổng cục Thống kê, chưa đối chiếu với văn bản được trích dẫn

## Navigation and the unit tree
nav-main = Điều hướng chính
nav-scorecard = Bảng điểm
nav-dashboard = Bảng tổng hợp
nav-workbook = Nhập, xuất Excel
unit-work = Đánh giá nông thôn mới
tree-heading = Cây đơn vị
tree-hint = Mở một đơn vị để xem các đơn vị trực thuộc; bấm tên để mở trang của đơn vị.
tree-none = Tài khoản chưa được giao đơn vị nào.
tree-title = Đơn vị trực thuộc { $value }
tree-crumb = Cây đơn vị
tree-open-children = Xem các đơn vị trực thuộc { $value }
tree-open-page = Mở trang { $value }
