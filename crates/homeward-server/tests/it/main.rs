//! The HTTP API end to end: a real server on port 0, a real SQLite file, no mocks.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed unwrap is a failed test.

mod support;

mod alerts;
mod audit;
mod authz;
mod browser;
mod cases;
mod escalations;
mod handover;
mod input;
mod linkage;
mod notifications;
mod pages;
mod sessions;
mod sightings;
mod smtp_sink;
mod warnings;
