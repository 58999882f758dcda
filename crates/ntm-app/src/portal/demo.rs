//! Sample content of a commune's portal for `ntm demo`: a few posts and loudspeaker
//! programmes, every title marked "(dữ liệu mẫu)" and every body saying it is sample text,
//! written through the use cases (so they are sanitized, audited and counted like real ones).

use time::Duration;

use super::{
    PostForm, ProgrammeForm, SegmentForm, add_programme, mark_held, new_post, officer_posts,
    set_published,
};
use crate::{Actor, App, AppError, today};

const SAMPLE: &str =
    "<p><em>Bài mẫu của bản trình diễn NTM Số, không phải tin thật của xã.</em></p>";

/// `(title, body, category, published)` of the sample posts.
const POSTS: [(&str, &str, &str, bool); 4] = [
    (
        "Hướng dẫn cài đặt và kích hoạt VNeID (dữ liệu mẫu)",
        "<p>Người dân mang căn cước công dân gắn chip đến nhà văn hóa ấp để được Tổ công nghệ số cộng đồng hướng dẫn.</p>",
        "chuyen-doi-so",
        true,
    ),
    (
        "Thanh toán tiền điện, nước không dùng tiền mặt (dữ liệu mẫu)",
        "<p>Các bước mở tài khoản và thanh toán hóa đơn trên ứng dụng ngân hàng.</p>",
        "chuyen-doi-so",
        true,
    ),
    (
        "Lịch tiếp công dân tháng này (dữ liệu mẫu)",
        "<p>Chủ tịch UBND xã tiếp công dân vào sáng thứ Năm hằng tuần.</p>",
        "thong-bao",
        true,
    ),
    (
        "Kết quả thu gom rác thải ấp 2 (bản nháp, dữ liệu mẫu)",
        "<p>Bản nháp chưa đăng.</p>",
        "nong-thon-moi",
        false,
    ),
];

/// Seeds the sample portal of `commune` unless it already has posts (safe to run again).
/// Two programmes with a digital-transformation segment are placed two weeks ago (marked
/// held) and in three days (planned); last week is left empty, for the visitor to fill.
pub async fn seed_demo(app: &App, commune: &str) -> Result<(), AppError> {
    let cli = Actor::cli();
    if !officer_posts(app, &cli, commune).await?.posts.is_empty() {
        return Ok(());
    }
    for (title, body, category, publish) in POSTS {
        let p = new_post(
            app,
            &cli,
            commune,
            PostForm {
                title: title.into(),
                body: format!("{body}{SAMPLE}"),
                category: category.into(),
                photos: vec![],
            },
        )
        .await?;
        if publish {
            set_published(app, &cli, p.id, p.version, true).await?;
        }
    }
    let day = today();
    for (offset, held) in [(-14, true), (3, false)] {
        let v = add_programme(
            app,
            &cli,
            commune,
            ProgrammeForm {
                air_date: (day + Duration::days(offset)).to_string(),
                air_time: "06:30".into(),
                title: "Bản tin sáng (dữ liệu mẫu)".into(),
                segments: vec![
                    SegmentForm {
                        topic: "Chuyển đổi số: dịch vụ công trực tuyến (mẫu)".into(),
                        dx: true,
                    },
                    SegmentForm {
                        topic: "Lịch tiêm phòng cho gia súc (mẫu)".into(),
                        dx: false,
                    },
                ],
            },
        )
        .await?;
        if held {
            mark_held(
                app,
                &cli,
                v.programme.id,
                "Đã phát đủ 15 phút (dữ liệu mẫu)",
            )
            .await?;
        }
    }
    Ok(())
}
