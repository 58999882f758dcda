//! `cargo run -p ntm-bench --release --bin survey-prepare -- DATA_DIR TOKENS`
//!
//! Prepares a data folder for the survey benchmark and crash check (`scripts/survey-bench`,
//! `scripts/survey-crash-check`): seeds the demo into `DATA_DIR/ntm.db` (the file
//! `ntm serve --data-dir DATA_DIR` opens), creates a campaign for the demo commune 29374
//! through the application layer (as an officer would), opens it for a day from one hour ago,
//! and issues `TOKENS` one-time tokens spread over the commune's hamlets. Writes
//! `DATA_DIR/campaign-code.txt` (the short public code) and `DATA_DIR/tokens.txt` (one token
//! per line, never stored in clear by the server).

use std::io::Write;

use ntm_app::{App, AppConfig, Db};
use ntm_bench::survey::{issue_codes, open_campaign};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("survey-prepare: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: survey-prepare DATA_DIR TOKENS")?);
    let tokens: u32 = args
        .next()
        .ok_or("usage: survey-prepare DATA_DIR TOKENS")?
        .parse()?;
    std::fs::create_dir_all(&dir)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(prepare(&dir, tokens))
}

async fn prepare(dir: &std::path::Path, tokens: u32) -> Res<()> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("ntm.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let app = App::new(
        db,
        AppConfig {
            data_dir: dir.to_path_buf(),
            ..AppConfig::default()
        },
    );
    let campaign = open_campaign(&app).await?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("tokens.txt"))?);
    issue_codes(&app, &campaign.code, tokens, &mut |batch| {
        for t in batch {
            writeln!(out, "{t}")?;
        }
        Ok(())
    })
    .await?;
    out.flush()?;
    std::fs::write(dir.join("campaign-code.txt"), &campaign.code)?;
    app.close().await;
    eprintln!(
        "campaign {} open; {tokens} tokens in {}",
        campaign.code,
        dir.join("tokens.txt").display()
    );
    Ok(())
}
