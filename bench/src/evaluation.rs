//! The store's own timing of each new case's evaluation: the detectors and the trafficking
//! assessment inside `create_case`, which the store reports as `debug` events of the target
//! `homeward_store::evaluation`. Timing the whole command from outside holds the insert and
//! the commit too; these figures are the evaluation alone, measured where it runs.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context as _, Result};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const TARGET: &str = "homeward_store::evaluation";

/// One case's evaluation, as the store timed it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub detectors: Duration,
    pub assessment: Duration,
}

impl Evaluation {
    pub fn total(self) -> Duration {
        self.detectors + self.assessment
    }
}

/// The evaluations reported since the last [`Evaluations::take`], from every thread (the
/// store's writer is a thread of its own).
#[derive(Clone, Default)]
pub struct Evaluations(Arc<Mutex<Vec<Evaluation>>>);

impl Evaluations {
    /// Listens to the store's evaluation events for the rest of the process.
    pub fn install() -> Result<Self> {
        let evaluations = Self::default();
        let subscriber = tracing_subscriber::registry().with(evaluations.clone());
        tracing::subscriber::set_global_default(subscriber).context("a log subscriber is already installed")?;
        Ok(evaluations)
    }

    /// The evaluations reported since the last call.
    pub fn take(&self) -> Vec<Evaluation> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<S: Subscriber> Layer<S> for Evaluations {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == TARGET { Interest::always() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target() == TARGET
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut found = Evaluation::default();
        event.record(&mut found);
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(found);
    }
}

impl Visit for Evaluation {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "detectors_us" => self.detectors = Duration::from_micros(value),
            "assessment_us" => self.assessment = Duration::from_micros(value),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_s_evaluation_events_are_read_with_their_times() {
        let evaluations = Evaluations::default();
        let subscriber = tracing_subscriber::registry().with(evaluations.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: TARGET, detectors_us = 1500_u64, assessment_us = 250_u64, "evaluated a new case");
            tracing::debug!(target: "homeward_store::other", detectors_us = 9_u64, "not an evaluation");
        });
        let found = evaluations.take();
        assert_eq!(
            found,
            vec![Evaluation { detectors: Duration::from_micros(1500), assessment: Duration::from_micros(250) }]
        );
        assert_eq!(found[0].total(), Duration::from_micros(1750));
        assert!(evaluations.take().is_empty(), "taken once");
    }
}
