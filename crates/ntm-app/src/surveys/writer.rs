//! Group commit of public answers: one writer task batching answers into transactions, and
//! the short-lived campaign cache of the public path.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use ntm_domain::dossier::campaign::{CampaignStatus, Questionnaire};
use ntm_store::{PublicAnswer, SurveyCampaignRecord, TokenAnswer};

use super::Refusal;

/// Most answers committed in one transaction.
const WRITER_BATCH: usize = 256;

type WriterJob = (
    String,
    PublicAnswer,
    tokio::sync::oneshot::Sender<Result<TokenAnswer, ntm_store::StoreError>>,
);

/// Group commit of token answers: requests hand their answer to one writer task, which
/// commits everything waiting (up to [`WRITER_BATCH`]) in one transaction and only then
/// acknowledges each one — an acknowledged answer is in the database. Under load this turns
/// N commits into one; alone, an answer waits for nothing (a batch starts as soon as the
/// previous commit is done, no timer). The task ends when the last clone of the `App` is
/// dropped.
///
/// The task writes on a connection of its own (`Db::answer_writer`: no pool in between,
/// warm caches). On SQLite its commits leave the WAL's checkpoints to a background task:
/// after each batch, unless one is already waiting, a passive checkpoint on a connection of
/// its own (`AnswerWriter::checkpointer`; the pool if that cannot open) copies the WAL into
/// the database file, fsyncs included, while the next batches commit;
/// the writer's connection itself checkpoints only past [`WRITER_WAL_FRAMES`] frames, by
/// then a small remainder, which lets the WAL start again from its beginning.
///
/// It also keeps the **open** campaigns read by the public answer path for
/// [`CAMPAIGN_CACHE_TTL`] (one database round trip and one JSON parse less per answer). A
/// status change made through this process forgets the entry at once; a campaign closed by
/// another server sharing the database may take answers for up to the TTL longer (the window's
/// end, `closes_at`, is always checked exactly).
#[derive(Clone, Default)]
pub(crate) struct Writer {
    tx: std::sync::Arc<OnceLock<tokio::sync::mpsc::Sender<WriterJob>>>,
    campaigns: std::sync::Arc<Mutex<HashMap<String, CachedCampaign>>>,
}

type CachedCampaign = (
    Instant,
    std::sync::Arc<(SurveyCampaignRecord, Questionnaire)>,
);

/// How long an open campaign read by the answer path is reused.
pub const CAMPAIGN_CACHE_TTL: Duration = Duration::from_secs(1);

impl Writer {
    /// The campaign with this code and its questionnaire: from the cache when open and
    /// fresh, else from the database (then cached if open).
    pub(super) async fn campaign(
        &self,
        db: &ntm_store::Db,
        code: &str,
    ) -> Result<Option<std::sync::Arc<(SurveyCampaignRecord, Questionnaire)>>, Refusal> {
        if let Ok(m) = self.campaigns.lock()
            && let Some((at, c)) = m.get(code)
            && at.elapsed() < CAMPAIGN_CACHE_TTL
        {
            return Ok(Some(c.clone()));
        }
        let Some(r) = db.survey_campaign_by_code(code).await? else {
            return Ok(None);
        };
        let q: Questionnaire =
            serde_json::from_str(&r.questionnaire).map_err(|e| Refusal::Internal(e.to_string()))?;
        let open = r.status == CampaignStatus::Open.as_str();
        let c = std::sync::Arc::new((r, q));
        if let Ok(mut m) = self.campaigns.lock() {
            if open {
                if m.len() > 10_000 {
                    m.retain(|_, (at, _)| at.elapsed() < CAMPAIGN_CACHE_TTL);
                }
                m.insert(code.to_owned(), (Instant::now(), c.clone()));
            } else {
                m.remove(code);
            }
        }
        Ok(Some(c))
    }

    /// Forgets a campaign after a change of status or questionnaire.
    pub(super) fn forget(&self, code: &str) {
        if let Ok(mut m) = self.campaigns.lock() {
            m.remove(code);
        }
    }

    pub(super) async fn answer(
        &self,
        db: &ntm_store::Db,
        token_hash: String,
        a: PublicAnswer,
    ) -> Result<TokenAnswer, ntm_store::StoreError> {
        let tx = self.tx.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::channel(4 * WRITER_BATCH);
            tokio::spawn(write_batches(db.clone(), rx));
            tx
        });
        let (done, wait) = tokio::sync::oneshot::channel();
        if let Err(e) = tx.send((token_hash, a, done)).await {
            // The writer is gone (runtime shutting down): write directly.
            let (h, a, _) = e.0;
            return db.answer_with_token(&h, &a).await;
        }
        match wait.await {
            Ok(r) => r,
            Err(_) => Err(ntm_store::StoreError::Integrity(
                "the survey writer stopped".into(),
            )),
        }
    }
}

/// WAL frames at which a commit of the writer's own connection checkpoints (SQLite's
/// default is 1,000 for every connection): the background checkpoints keep the WAL copied
/// well before, so this commit's checkpoint copies little and lets the WAL start again.
const WRITER_WAL_FRAMES: u32 = 4_000;

async fn write_batches(db: ntm_store::Db, mut rx: tokio::sync::mpsc::Receiver<WriterJob>) {
    // Its own connection (see `Db::answer_writer`); through the pool if it cannot open.
    let mut writer = match db.answer_writer(WRITER_WAL_FRAMES).await {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(error = %e, "survey writer: no connection of its own, using the pool");
            None
        }
    };
    // The background checkpoints (SQLite): one task with a connection of its own, asked
    // after each batch; a request made while one is waiting is dropped (one is enough).
    let checkpoints = match &writer {
        Some(w) => match w.checkpointer().await {
            Ok(Some(c)) => Some(checkpoint_task(Ckpt::Own(c))),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "survey writer: no checkpoint connection, using the pool");
                Some(checkpoint_task(Ckpt::Pool(db.clone())))
            }
        },
        None => None,
    };
    let mut jobs = Vec::with_capacity(WRITER_BATCH);
    while rx.recv_many(&mut jobs, WRITER_BATCH).await > 0 {
        let items: Vec<(&str, &PublicAnswer)> =
            jobs.iter().map(|(h, a, _)| (h.as_str(), a)).collect();
        let batch = match &mut writer {
            Some(w) => w.answer_batch(&items).await,
            None => db.answer_batch_with_tokens(&items).await,
        };
        drop(items);
        match batch {
            Ok(results) => {
                for ((_, _, done), r) in jobs.drain(..).zip(results) {
                    let _ = done.send(Ok(r));
                }
            }
            Err(_) => {
                // Nothing of the batch was written: each answer on its own, so one bad
                // answer cannot fail the others.
                for (h, a, done) in jobs.drain(..) {
                    let r = match &mut writer {
                        Some(w) => w.answer_one(&h, &a).await,
                        None => db.answer_with_token(&h, &a).await,
                    };
                    let _ = done.send(r);
                }
            }
        }
        // The WAL copied into the database file by another connection, off this path,
        // one checkpoint at a time, as long as answers come.
        if let Some(c) = &checkpoints {
            let _ = c.try_send(());
        }
    }
    drop(checkpoints);
    if let Some(w) = writer {
        w.close().await;
    }
}

enum Ckpt {
    Own(ntm_store::WalCheckpointer),
    Pool(ntm_store::Db),
}

/// The task of the writer's background checkpoints: one per request received, until the
/// writer drops its sender.
fn checkpoint_task(mut c: Ckpt) -> tokio::sync::mpsc::Sender<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            let r = match &mut c {
                Ckpt::Own(c) => c.checkpoint().await,
                Ckpt::Pool(db) => db.checkpoint_wal().await,
            };
            if let Err(e) = r {
                tracing::warn!(error = %e, "survey writer: background checkpoint failed");
            }
        }
        if let Ckpt::Own(c) = c {
            c.close().await;
        }
    });
    tx
}
