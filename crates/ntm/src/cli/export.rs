//! `ntm export dashboard|plan|units`: the tables pages offer as XLSX, made by the same
//! `ntm_app::exports` use cases as the downloads, so the files are the same.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use ntm_app::Actor;
use ntm_app::exports::{
    DashboardExport, DashboardTable, DashboardXlsx, Download, PlanExport, SortKey,
};
use ntm_domain::units::Level;
use ntm_web::i18n::Lang;

use super::args::{Common, DirArg, ExportCmd, SortArg, TableArg};
use super::{app_err, open, write_output};

pub(super) async fn export(common: &Common, cmd: ExportCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    let (file, output) = match cmd {
        ExportCmd::Dashboard {
            unit,
            set,
            year,
            table,
            sort,
            dir,
            output,
        } => {
            let sort = match sort {
                SortArg::Code => SortKey::Code,
                SortArg::Name => SortKey::Name,
                SortArg::Criteria => SortKey::Criteria,
                SortArg::Status => SortKey::Status,
            };
            let q = DashboardExport {
                set: set.as_deref(),
                year,
                table: table.map(|t| match t {
                    TableArg::Summary => DashboardTable::Summary,
                    TableArg::Buckets => DashboardTable::Buckets,
                    TableArg::Blocking => DashboardTable::Blocking,
                    TableArg::Units => DashboardTable::Units,
                    TableArg::Communes => DashboardTable::Communes,
                    TableArg::Trend => DashboardTable::Trend,
                }),
                sort,
                desc: match dir {
                    None => sort.default_desc(),
                    Some(DirArg::Asc) => false,
                    Some(DirArg::Desc) => true,
                },
            };
            match ntm_app::exports::dashboard_xlsx(&app, &actor, &unit, &q)
                .await
                .map_err(app_err)?
            {
                DashboardXlsx::File(f) => (f, output),
                DashboardXlsx::Scorecard { code, set_id, year } => {
                    return Err(anyhow!(
                        "{code} is a unit of the level of {set_id}: it has a scorecard for {year}, \
                         not a dashboard (try `ntm observations export --set {set_id} --unit {code} --year {year}`)"
                    ));
                }
            }
        }
        ExportCmd::Plan {
            plan,
            year,
            unit,
            agency,
            level,
            lang,
            output,
        } => {
            let level = match level.as_deref() {
                None => None,
                Some(l) => Some(Level::parse(l).ok_or_else(|| {
                    anyhow!("--level: \"{l}\" is not a level (province, district, commune)")
                })?),
            };
            let year = match year {
                Some(y) => y,
                None => ntm_app::plans::plan_by_id(&plan)
                    .map_err(app_err)?
                    .default_year(ntm_app::today().year()),
            };
            let q = PlanExport {
                year,
                unit: unit.as_deref(),
                agency: agency.as_deref().map(str::trim).unwrap_or_default(),
                level,
            };
            let f = ntm_app::exports::plan_xlsx(&app, &actor, &plan, &q, &parse_lang(&lang)?)
                .await
                .map_err(app_err)?;
            (f, output)
        }
        ExportCmd::Units {
            unit,
            date,
            lang,
            output,
        } => {
            let date = match date.as_deref() {
                None => None,
                Some(d) => Some(
                    ntm_domain::text::parse_date(d)
                        .ok_or_else(|| anyhow!("--date: \"{d}\" is not a date (YYYY-MM-DD)"))?,
                ),
            };
            let f = ntm_app::exports::units_xlsx(&app, &actor, &unit, date, &parse_lang(&lang)?)
                .await
                .map_err(app_err)?;
            (f, output)
        }
    };
    write(file, output)
}

fn parse_lang(s: &str) -> Result<Lang> {
    Lang::parse(s).ok_or_else(|| anyhow!("--lang: \"{s}\" is not vi or en"))
}

fn write(file: Download, output: Option<PathBuf>) -> Result<ExitCode> {
    let path = output.unwrap_or_else(|| PathBuf::from(&file.file_name));
    write_output(&path, &file.bytes)?;
    println!("{} written", path.display());
    Ok(ExitCode::SUCCESS)
}
