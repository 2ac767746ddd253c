//! A gating policy under evaluation: a rollout gate's configuration, and how often the
//! controller looks. Users add policies as files, not code.

use serde::{Deserialize, Serialize};

use super::scenario::ScenarioConfig;
use crate::error::{Error, Result};
use crate::policy::{Gate, GateConfig};

/// A named gate configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// A unique name, shown in reports.
    pub name: String,
    /// One line on what the policy is.
    #[serde(default)]
    pub description: String,
    /// The gate steps once every `look_every` ticks with the data of those ticks (default 1:
    /// every tick). A fixed-horizon test looks once: set it to the horizon.
    #[serde(default = "default_look_every")]
    pub look_every: u32,
    /// The rollout gate: stages, rollback rules and the judge.
    pub gate: GateConfig,
}

fn default_look_every() -> u32 {
    1
}

/// A checked policy, ready to run.
#[derive(Debug, Clone)]
pub struct Policy {
    config: PolicyConfig,
    gate: Gate,
}

impl Policy {
    /// Checks `config`: its gate, and a positive `look_every`.
    pub fn new(config: PolicyConfig) -> Result<Policy> {
        if config.name.trim().is_empty() {
            return Err(invalid("name", "\"\"", "name the policy"));
        }
        if config.look_every == 0 {
            return Err(invalid("look_every", "0", "must be at least 1"));
        }
        let gate = Gate::new(config.gate.clone()).map_err(|e| match e {
            Error::InvalidConfig {
                field,
                value,
                reason,
            } => invalid(format!("gate.{field}"), value, reason),
            other => other,
        })?;
        // Rollouts read actions only; the reason lines would be most of a tick's work.
        let gate = gate.without_reasons();
        Ok(Policy { config, gate })
    }

    /// Reads and checks a policy from TOML.
    pub fn from_toml(text: &str) -> Result<Policy> {
        Policy::new(crate::config::from_toml("policy (TOML)", text)?)
    }

    /// Reads and checks a policy from JSON.
    pub fn from_json(text: &str) -> Result<Policy> {
        Policy::new(crate::config::from_json("policy (JSON)", text)?)
    }

    /// The configuration.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// The policy's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The gate as rollouts run it: its reports come without reason lines
    /// ([`Gate::without_reasons`]).
    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// The metrics the policy judges, in configuration order.
    pub fn metric_names(&self) -> Vec<&str> {
        let metrics = &self.config.gate.judge.metrics;
        metrics.iter().map(|m| m.name.as_str()).collect()
    }

    /// Whether the policy's judge has an error-budget gate.
    pub fn uses_budget(&self) -> bool {
        self.config.gate.judge.budget.is_some()
    }

    /// Why the policy cannot judge `scenario`, if it cannot: a metric the scenario does not
    /// export, recorded as another kind of data, or a budget gate without budget counts.
    pub fn mismatch(&self, scenario: &ScenarioConfig) -> Option<String> {
        for metric in &self.config.gate.judge.metrics {
            let Some((_, record)) = scenario.recording(&metric.name) else {
                return Some(format!(
                    "policy `{}` judges metric `{}`, which scenario `{}` does not export",
                    self.name(),
                    metric.name,
                    scenario.name
                ));
            };
            let recorded = record.data_kind();
            if recorded != metric.data {
                return Some(format!(
                    "policy `{}` reads metric `{}` as {:?} data; scenario `{}` records it as {:?}",
                    self.name(),
                    metric.name,
                    metric.data,
                    scenario.name,
                    recorded
                ));
            }
        }
        if self.uses_budget() && scenario.budget.is_none() {
            return Some(format!(
                "policy `{}` has an error-budget gate; scenario `{}` sets no `budget`",
                self.name(),
                scenario.name
            ));
        }
        None
    }
}

fn invalid(field: impl Into<String>, value: impl ToString, reason: impl Into<String>) -> Error {
    Error::InvalidConfig {
        field: field.into(),
        value: value.to_string(),
        reason: reason.into(),
    }
}
