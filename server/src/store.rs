//! Observations pushed ahead of a Flagger webhook, one set per canary.
//!
//! A Flagger webhook carries only the canary's name, namespace and a static string map, so the
//! data to judge must reach the server another way: a collector `PUT`s them under the canary's
//! namespace and name, and the webhook judges the latest set. The store is bounded in entries;
//! each entry is bounded by the body limit.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::StatusCode;
use canary_judge::judge::Observations;

use crate::problem::ApiError;

/// The latest observations per `(namespace, name)`.
#[derive(Debug)]
pub(crate) struct Store {
    capacity: usize,
    sets: Mutex<HashMap<(String, String), Observations>>,
}

impl Store {
    /// An empty store holding at most `capacity` sets.
    pub(crate) fn new(capacity: usize) -> Store {
        Store {
            capacity,
            sets: Mutex::new(HashMap::new()),
        }
    }

    /// Stores (or replaces) a set; `false` when the store is full and the key is new.
    pub(crate) fn put(&self, key: (String, String), observations: Observations) -> bool {
        let mut sets = self.sets.lock().unwrap_or_else(|e| e.into_inner());
        if !sets.contains_key(&key) && sets.len() >= self.capacity {
            return false;
        }
        sets.insert(key, observations);
        true
    }

    /// The set stored for canary `namespace/name`, or a 404 that says how to store one.
    pub(crate) fn get(&self, namespace: &str, name: &str) -> Result<Observations, ApiError> {
        let sets = self.sets.lock().unwrap_or_else(|e| e.into_inner());
        sets.get(&(namespace.to_string(), name.to_string()))
            .cloned()
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    "no_observations",
                    format!(
                        "no observations stored for canary {namespace}/{name}: PUT them to \
                         /v1/observations/{namespace}/{name} first"
                    ),
                )
            })
    }

    /// Removes a set; whether there was one.
    pub(crate) fn remove(&self, key: &(String, String)) -> bool {
        let mut sets = self.sets.lock().unwrap_or_else(|e| e.into_inner());
        sets.remove(key).is_some()
    }
}
