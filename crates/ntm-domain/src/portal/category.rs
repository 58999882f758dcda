//! The fixed list of post categories. `chuyen-doi-so` (chuyển đổi số, digital
//! transformation) is the one the DX measures count.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    TinTuc,
    ThongBao,
    NongThonMoi,
    ChuyenDoiSo,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::TinTuc,
        Category::ThongBao,
        Category::NongThonMoi,
        Category::ChuyenDoiSo,
    ];

    /// The code stored and used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Category::TinTuc => "tin-tuc",
            Category::ThongBao => "thong-bao",
            Category::NongThonMoi => "nong-thon-moi",
            Category::ChuyenDoiSo => "chuyen-doi-so",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Category::TinTuc => "Tin tức",
            Category::ThongBao => "Thông báo",
            Category::NongThonMoi => "Nông thôn mới",
            Category::ChuyenDoiSo => "Chuyển đổi số",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Category::TinTuc => "News",
            Category::ThongBao => "Announcements",
            Category::NongThonMoi => "New countryside",
            Category::ChuyenDoiSo => "Digital transformation",
        }
    }

    pub fn parse(code: &str) -> Option<Category> {
        let code = code.trim();
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Is this the digital-transformation category (counted by the DX measures)?
    pub fn is_dx(self) -> bool {
        self == Category::ChuyenDoiSo
    }
}
