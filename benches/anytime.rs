//! Cost of one update of the event-count test and of the mSPRT, per batch size.
use canary_judge::stats::{
    EventCountOptions, EventCountTest, EventCounts, MeanDifferenceMsprt, MeanObservation,
    MsprtOptions, SequentialTest, Variance,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

fn event_count_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_count_update");
    // (canary, baseline) events per update: one event, a small tick, a large tick.
    for (canary, baseline) in [(1, 0), (0, 1), (2, 8), (30, 270), (10_000, 90_000)] {
        let counts = EventCounts { canary, baseline };
        let mut test = EventCountTest::new(0.1, EventCountOptions::default()).unwrap();
        // Start from a long-running state (a million events) so sizes are realistic.
        test.update(EventCounts {
            canary: 100_000,
            baseline: 900_000,
        })
        .unwrap();
        let id = BenchmarkId::from_parameter(format!("{canary}+{baseline}"));
        group.bench_function(id, |b| {
            b.iter(|| test.update(black_box(counts)).unwrap());
        });
    }
    group.finish();
}

fn msprt_update(c: &mut Criterion) {
    let known = Variance::Known {
        canary: 1.0,
        baseline: 1.0,
    };
    let mut test = MeanDifferenceMsprt::new(0.01, known, MsprtOptions::default()).unwrap();
    let pair = MeanObservation::Pair {
        canary: 0.1,
        baseline: -0.1,
    };
    c.bench_function("msprt_update_pair", |b| {
        b.iter(|| test.update(black_box(pair)).unwrap());
    });
}

criterion_group!(benches, event_count_update, msprt_update);
criterion_main!(benches);
