//! Throughput of the policy simulator: rollout-ticks per second on one core over the built-in
//! suite (every scenario under every policy), and per policy.
//!
//! Run: `cargo bench --features sim --bench simulate`

use canary_judge::sim::{builtin_policies, builtin_scenarios, Plan};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn plan(policies: Vec<canary_judge::sim::Policy>) -> Plan {
    Plan {
        scenarios: builtin_scenarios(),
        policies,
        seed: 1,
        rollouts: 0..3,
        threads: Some(1),
    }
}

fn ticks(plan: &Plan) -> u64 {
    let evaluation = plan.run(&|_| {}).expect("the built-in suite runs");
    evaluation.cells.iter().map(|c| c.tally.ticks).sum()
}

fn simulate(c: &mut Criterion) {
    let policies = builtin_policies().expect("the built-in policies load");
    let mut group = c.benchmark_group("rollout-ticks, one core");
    group.sample_size(10);
    let suite = plan(policies.clone());
    group.throughput(Throughput::Elements(ticks(&suite)));
    group.bench_function("built-in suite", |b| b.iter(|| suite.run(&|_| {})));
    for policy in policies {
        let name = policy.name().to_string();
        let single = plan(vec![policy]);
        group.throughput(Throughput::Elements(ticks(&single)));
        group.bench_function(name, |b| b.iter(|| single.run(&|_| {})));
    }
    group.finish();
}

criterion_group!(benches, simulate);
criterion_main!(benches);
