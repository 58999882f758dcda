//! Growing seasons of an area (vụ): a name such as "Đông Xuân 2025–2026", the crop if it
//! differs from the area's, the sowing or start day and the expected or actual end.

use time::Date;

const MAX_NAME: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Season {
    pub name: String,
    pub crop: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeasonError {
    #[error("enter the season's name (at most {MAX_NAME} characters)")]
    Name,
    #[error("the crop is longer than {MAX_NAME} characters")]
    Crop,
    #[error("the season ends before it starts")]
    Dates,
}

impl SeasonError {
    pub fn field(&self) -> &'static str {
        match self {
            SeasonError::Name => "name",
            SeasonError::Crop => "crop",
            SeasonError::Dates => "ends_on",
        }
    }

    pub fn vi(&self) -> String {
        match self {
            SeasonError::Name => format!("Nhập tên vụ (tối đa {MAX_NAME} ký tự)"),
            SeasonError::Crop => format!("Tên cây trồng dài hơn {MAX_NAME} ký tự"),
            SeasonError::Dates => "Ngày kết thúc vụ trước ngày bắt đầu".into(),
        }
    }
}

impl Season {
    pub fn new(
        name: &str,
        crop: &str,
        starts_on: Date,
        ends_on: Option<Date>,
    ) -> Result<Season, Vec<SeasonError>> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            errors.push(SeasonError::Name);
        }
        let crop = crop.trim();
        if crop.chars().count() > MAX_NAME {
            errors.push(SeasonError::Crop);
        }
        if ends_on.is_some_and(|e| e < starts_on) {
            errors.push(SeasonError::Dates);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Season {
            name: name.to_string(),
            crop: (!crop.is_empty()).then(|| crop.to_string()),
            starts_on,
            ends_on,
        })
    }

    /// Is the season under way on `day`?
    pub fn current_on(&self, day: Date) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|e| day <= e)
    }
}
