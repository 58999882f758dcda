//! Timing helpers of the benchmark binaries: percentiles, repeated runs with a time budget,
//! and the figures as the tables print them. No assertion on any time anywhere.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::Res;

/// The `p` percentile (0–1) of sorted times, nearest rank; zero when there are none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// p50, p95 and max of `n` timed runs.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub p50: Duration,
    pub p95: Duration,
    pub max: Duration,
    pub n: usize,
}

/// `reps` timed runs after 3 warm-up runs, stopping after `budget` (at least 5 runs).
pub async fn time_it<F, Fut>(reps: usize, budget: Duration, mut f: F) -> Res<Stats>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Res<usize>>,
{
    for _ in 0..3 {
        f().await?;
    }
    let started = Instant::now();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        f().await?;
        times.push(t.elapsed());
        if times.len() >= 5 && started.elapsed() > budget {
            break;
        }
    }
    times.sort();
    Ok(Stats {
        p50: percentile(&times, 0.5),
        p95: percentile(&times, 0.95),
        max: times.last().copied().unwrap_or_default(),
        n: times.len(),
    })
}

/// Milliseconds with 3 significant digits (0.12, 1.23, 12.3, 123).
pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// `p50 / p95 / max` in ms.
pub fn cell(s: &Stats) -> String {
    format!("{} / {} / {}", ms(s.p50), ms(s.p95), ms(s.max))
}

/// `a / b` of the p50s, as "12.3 ×".
pub fn ratio(a: &Stats, b: &Stats) -> String {
    format!(
        "{:.1} ×",
        a.p50.as_secs_f64() / b.p50.as_secs_f64().max(1e-9)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let t: Vec<Duration> = (1..=10).map(Duration::from_millis).collect();
        assert_eq!(percentile(&t, 0.5), Duration::from_millis(5));
        assert_eq!(percentile(&t, 0.95), Duration::from_millis(10));
        assert_eq!(percentile(&t, 0.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
        assert_eq!(ms(Duration::from_micros(1234)), "1.23");
        assert_eq!(ms(Duration::from_micros(12_345)), "12.3");
        assert_eq!(ms(Duration::from_millis(123)), "123");
    }
}
