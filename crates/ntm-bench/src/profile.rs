//! Where the time of a measured run goes (`NTM_LIVE_PROFILE=1`): a tracing layer that sums,
//! per statement, the database queries sqlx reports (`sqlx::query` events: count and time
//! until the answer), and per span name the use cases' busy time (time entered, not time
//! waiting). Printed after each measured run next to the number of reads it served; nothing
//! here asserts a time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// Count and total time of one statement or span name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sum {
    pub count: u64,
    pub time: Duration,
    /// Spans: from creation to close (time waiting included).
    pub wall: Duration,
}

#[derive(Default)]
struct Sums {
    queries: HashMap<String, Sum>,
    spans: HashMap<(&'static str, &'static str), Sum>,
}

static SUMS: Mutex<Option<Sums>> = Mutex::new(None);

fn with<R>(f: impl FnOnce(&mut Sums) -> R) -> R {
    let mut g = SUMS.lock().unwrap_or_else(|e| e.into_inner());
    f(g.get_or_insert_with(Sums::default))
}

/// Installs the layer as the process's subscriber when `NTM_LIVE_PROFILE` is set (queries of
/// every level, the spans of `ntm_app`, debug ones included); true when installed.
pub fn install_if_asked() -> bool {
    use tracing_subscriber::prelude::*;
    if std::env::var_os("NTM_LIVE_PROFILE").is_none() {
        return false;
    }
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("sqlx::query", tracing::Level::TRACE)
        .with_target("ntm_app", tracing::Level::DEBUG);
    tracing_subscriber::registry()
        .with(Profile.with_filter(filter))
        .init();
    true
}

/// Forgets what was summed so far (before a measured run).
pub fn reset() {
    with(|s| *s = Sums::default());
}

/// The statements and spans summed since [`reset`], most time first, `per` dividing the
/// counts (reads of the run), the first `top` of each.
pub fn report(per: usize, top: usize) -> String {
    let (mut q, mut sp) = with(|s| {
        (
            s.queries
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect::<Vec<_>>(),
            s.spans
                .iter()
                .map(|((t, n), v)| (format!("{t}::{n}"), *v))
                .collect::<Vec<_>>(),
        )
    });
    q.sort_by_key(|(_, s)| std::cmp::Reverse(s.time));
    sp.sort_by_key(|(_, s)| std::cmp::Reverse(s.time));
    let per = per.max(1) as f64;
    let total: Duration = q.iter().map(|(_, s)| s.time).sum();
    let count: u64 = q.iter().map(|(_, s)| s.count).sum();
    let mut out = format!(
        "  queries: {count} ({:.1} per read), {:.0} ms until answered in all\n",
        count as f64 / per,
        total.as_secs_f64() * 1e3
    );
    // One line: count, per read, total ms, average ms (and average wall ms for spans).
    let line = |k: &str, s: &Sum, wall: bool| {
        let avg = |d: Duration| d.as_secs_f64() * 1e3 / s.count.max(1) as f64;
        let wall = if wall {
            format!(" / {:>6.3}", avg(s.wall))
        } else {
            String::new()
        };
        format!(
            "    {:>7} ({:>5.1}/read) {:>8.1} ms  avg {:>6.3}{wall} ms  {k}\n",
            s.count,
            s.count as f64 / per,
            s.time.as_secs_f64() * 1e3,
            avg(s.time),
        )
    };
    for (k, s) in q.iter().take(top) {
        out += &line(k, s, false);
    }
    out += "  spans (busy time; average busy / average from creation to close):\n";
    for (k, s) in sp.iter().take(top) {
        out += &line(k, s, true);
    }
    out
}

struct Profile;

/// A span's busy time so far, and when it was last entered.
struct Busy {
    busy: Duration,
    entered: Option<Instant>,
    created: Instant,
}

#[derive(Default)]
struct Query {
    statement: String,
    elapsed: f64,
}

impl Visit for Query {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "db.statement"
            || (field.name() == "summary" && self.statement.is_empty())
        {
            // The first 110 characters of the statement, on one line.
            self.statement = value
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(110)
                .collect();
        }
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed = value;
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Profile {
    fn on_new_span(&self, _: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Busy {
                busy: Duration::ZERO,
                entered: None,
                created: Instant::now(),
            });
        }
    }
    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(b) = span.extensions_mut().get_mut::<Busy>()
        {
            b.entered = Some(Instant::now());
        }
    }
    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(b) = span.extensions_mut().get_mut::<Busy>()
            && let Some(t) = b.entered.take()
        {
            b.busy += t.elapsed();
        }
    }
    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(b) = span.extensions().get::<Busy>()
        {
            let name = (span.metadata().target(), span.name());
            let (busy, wall) = (b.busy, b.created.elapsed());
            with(|s| {
                let e = s.spans.entry(name).or_default();
                e.count += 1;
                e.time += busy;
                e.wall += wall;
            });
        }
    }
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut q = Query::default();
        event.record(&mut q);
        with(|s| {
            let e = s.queries.entry(q.statement).or_default();
            e.count += 1;
            e.time += Duration::from_secs_f64(q.elapsed.max(0.0));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_divides_by_the_reads_and_gives_averages() {
        reset();
        let ms = Duration::from_millis;
        with(|s| {
            s.queries.insert(
                "SELECT 1".into(),
                Sum {
                    count: 4,
                    time: ms(2),
                    wall: Duration::ZERO,
                },
            );
            s.spans.insert(
                ("ntm_app::x", "page"),
                Sum {
                    count: 2,
                    time: ms(3),
                    wall: ms(10),
                },
            );
        });
        let r = report(2, 5);
        assert!(r.contains("queries: 4 (2.0 per read), 2 ms"), "{r}");
        assert!(
            r.contains("(  2.0/read)      2.0 ms  avg  0.500 ms  SELECT 1"),
            "{r}"
        );
        assert!(
            r.contains("avg  1.500 /  5.000 ms  ntm_app::x::page"),
            "{r}"
        );
    }
}
