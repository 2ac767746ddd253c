//! Cost of one SPRT update (target: at most 50 ns), per model.
//!
//! Each iteration feeds one observation, cycling through 1,024 pre-drawn ticks so the branch
//! pattern is realistic. `floor_load_and_add` is the harness cost of such an iteration. Run: `cargo bench --bench sprt -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rand::{rngs::SmallRng, RngExt, SeedableRng};

use canary_judge::stats::{
    ArmEvents, BernoulliModel, BernoulliSprt, NormalModel, NormalObservation, NormalSprt,
    PoissonModel, PoissonSprt, RateRatioModel, SequentialTest, SprtOptions, TwoSampleSprt,
};

const TICKS: usize = 1_024;

/// Times `test.update` over `ticks`, one observation per iteration.
fn bench_updates<T>(c: &mut Criterion, name: &str, mut test: T, ticks: Vec<T::Observation>)
where
    T: SequentialTest,
    T::Observation: Copy,
{
    let mut next = 0;
    c.bench_function(name, |b| {
        b.iter(|| {
            next = (next + 1) % TICKS;
            black_box(test.update(black_box(ticks[next])))
        })
    });
}

/// The harness floor: one cycled load and a float add per iteration, to read the update
/// times against on a busy machine.
fn floor(c: &mut Criterion) {
    let values: Vec<f64> = (0..TICKS).map(|i| i as f64).collect();
    let (mut next, mut sum) = (0, 0.0);
    c.bench_function("floor_load_and_add", |b| {
        b.iter(|| {
            next = (next + 1) % TICKS;
            sum += black_box(values[next]);
            black_box(sum)
        })
    });
}

fn updates(c: &mut Criterion) {
    let mut rng = SmallRng::seed_from_u64(11);
    let options = SprtOptions::default();

    let single: Vec<(u64, u64)> = (0..TICKS)
        .map(|_| (u64::from(rng.random::<f64>() < 0.01), 1))
        .collect();
    let batches: Vec<(u64, u64)> = (0..TICKS)
        .map(|_| (rng.random_range(0..20), rng.random_range(1_000..2_000)))
        .collect();
    let bernoulli = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02).unwrap(), options).unwrap();
    bench_updates(c, "sprt_bernoulli_one_request", bernoulli.clone(), single);
    bench_updates(c, "sprt_bernoulli_tick", bernoulli, batches);

    let poisson_ticks: Vec<(u64, f64)> = (0..TICKS)
        .map(|_| (rng.random_range(0..5), 1.0 + rng.random::<f64>()))
        .collect();
    let poisson = PoissonSprt::new(PoissonModel::new(1.0, 2.0).unwrap(), options).unwrap();
    bench_updates(c, "sprt_poisson_tick", poisson, poisson_ticks);

    let values: Vec<NormalObservation> = (0..TICKS)
        .map(|_| NormalObservation::Value(rng.random::<f64>()))
        .collect();
    let normal = NormalSprt::new(NormalModel::new(0.0, 0.5, 1.0).unwrap(), options).unwrap();
    bench_updates(c, "sprt_normal_value", normal, values);

    let shares = [0.05, 0.2, 0.5];
    let arm_ticks: Vec<ArmEvents> = (0..TICKS)
        .map(|i| {
            ArmEvents::new(
                rng.random_range(0..5),
                rng.random_range(0..20),
                shares[i * 3 / TICKS],
            )
        })
        .collect();
    let two_sample = TwoSampleSprt::new(RateRatioModel::new(1.0, 2.0).unwrap(), options).unwrap();
    bench_updates(c, "sprt_two_sample_tick", two_sample, arm_ticks);
}

criterion_group!(benches, floor, updates);
criterion_main!(benches);
