//! The bench crate's integration tests: the harness binaries run as a user runs them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a failed unwrap is a failed test.

mod durability;
