//! `ntm evaluate`: a unit's evaluation (or roll-up) as a table, JSON or CSV.

use std::process::ExitCode;

use anyhow::Result;
use ntm_app::Actor;

use super::args::{Common, EvaluateArgs, OutputFormat};
use super::{app_err, open};

pub(super) async fn evaluate(common: &Common, args: EvaluateArgs) -> Result<ExitCode> {
    use ntm_domain::text::{format_date_vi, format_number_vi};
    let app = open(common, true).await?;
    let e = ntm_app::criteria::evaluate(&app, &Actor::cli(), &args.unit, &args.set, args.year)
        .await
        .map_err(app_err)?;
    match args.format {
        OutputFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&e)?);
        }
        OutputFormat::Csv => {
            if let Some(r) = &e.result {
                println!("unit,criterion,indicator,status,value,value_status,version,gap");
                for i in &r.indicators {
                    println!(
                        "{},{},{},{},{},{},{},{}",
                        csv_field(&e.unit_code),
                        i.criterion.map(|c| c.to_string()).unwrap_or_default(),
                        csv_field(&i.code),
                        i.status.as_str(),
                        csv_field(i.value.as_deref().unwrap_or("")),
                        i.value_status.map(|s| s.as_str()).unwrap_or(""),
                        i.version.map(|v| v.to_string()).unwrap_or_default(),
                        i.gap.map(|g| g.to_string()).unwrap_or_default()
                    );
                }
            }
            if let Some(r) = &e.rollup {
                println!("unit,name,status,criteria_met");
                for c in &r.children {
                    println!(
                        "{},{},{},{}",
                        csv_field(&c.code),
                        csv_field(&c.name),
                        c.status.as_str(),
                        c.criteria_met
                    );
                }
            }
        }
        OutputFormat::Table => {
            println!("{} ({})", e.unit_name, e.unit_code);
            println!(
                "Bộ tiêu chí: {} ({}, phiên bản {})",
                e.set.title_vi, e.set.id, e.set.version
            );
            println!(
                "Năm {}: đơn vị hành chính theo ngày {}",
                e.year,
                format_date_vi(e.units_on)
            );
            if let Some(r) = &e.result {
                println!(
                    "Kết quả: {} — {}/{} tiêu chí đạt",
                    status_vi(r.status).to_uppercase(),
                    r.criteria_met,
                    r.criteria_total
                );
                println!();
                println!(
                    "{:<10} {:<15} {:<20} {:<18} còn thiếu",
                    "chỉ tiêu", "trạng thái", "giá trị", "số liệu"
                );
                for i in &r.indicators {
                    println!(
                        "{:<10} {:<15} {:<20} {:<18} {}",
                        i.code,
                        status_vi(i.status),
                        i.value.as_deref().unwrap_or("—"),
                        i.value_status.map(|s| s.label_vi()).unwrap_or("—"),
                        i.gap.map(|g| format_number_vi(g, 2)).unwrap_or_default()
                    );
                }
                println!();
                println!("{:<4} {:<15} tiêu chí", "số", "trạng thái");
                for c in &r.criteria {
                    println!("{:<4} {:<15} {}", c.number, status_vi(c.status), c.name_vi);
                }
            }
            if let Some(r) = &e.rollup {
                println!(
                    "Tổng hợp {} đơn vị cấp {}: {} đạt, {} chưa đạt, {} thiếu số liệu, {} cần xác minh; bình quân {} tiêu chí đạt",
                    r.units,
                    level_vi(r.level),
                    r.met,
                    r.not_met,
                    r.missing,
                    r.needs_verification,
                    format_number_vi(r.avg_criteria_met, 1)
                );
                println!(
                    "Tạm tính (ngưỡng chưa xác nhận): {} tạm đạt; {} không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng); bình quân {} tiêu chí không phát hiện chưa đạt",
                    r.met_tentative,
                    r.no_known_shortfall,
                    format_number_vi(r.avg_criteria_no_known_shortfall, 1)
                );
                println!("  số tiêu chí   đạt  tạm tính");
                for (b, t) in r.buckets.iter().zip(&r.buckets_no_known_shortfall) {
                    println!(
                        "  {:>2}–{:<2}     {:>5}  {:>8}",
                        b.min, b.max, b.count, t.count
                    );
                }
                println!();
                println!(
                    "{:<8} {:<15} {:>8} {:>9}  tên",
                    "mã", "trạng thái", "tiêu chí", "tạm tính"
                );
                for c in &r.children {
                    println!(
                        "{:<8} {:<15} {:>8} {:>9}  {}",
                        c.code,
                        status_vi(c.status),
                        c.criteria_met,
                        c.criteria_no_known_shortfall,
                        c.name
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Vietnamese status words for terminal output.
fn status_vi(s: ntm_domain::criteria::Status) -> &'static str {
    use ntm_domain::criteria::Status;
    match s {
        Status::Met => "đạt",
        Status::NotMet => "chưa đạt",
        Status::Missing => "thiếu số liệu",
        Status::NeedsVerification => "cần xác minh",
    }
}

fn level_vi(l: ntm_domain::units::Level) -> &'static str {
    use ntm_domain::units::Level;
    match l {
        Level::Province => "tỉnh",
        Level::District => "huyện",
        Level::Commune => "xã",
        Level::Hamlet => "thôn/ấp",
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
