//! The Homeward domain: organisations, users and their roles, children, contacts and cases,
//! the case lifecycle and the one authorisation policy.
//!
//! This crate is pure. It does no IO, reads no clock and draws no random numbers: the time of
//! an event and the ids of new records are passed in by the caller. That keeps every rule here
//! testable with plain values, and lets the store and the server share one set of rules.
//!
//! The key design decision is that a case is an *event-sourced skeleton*: [`case::Case`] is
//! derived by folding its [`case::CaseEvent`]s, and those events carry no personal data. A
//! child's names, a caller's words, a note's text and an identifier's value live in records of
//! their own that the events only reference, so a later erasure can remove personal data while
//! the anonymous skeleton stays for the network's figures.

pub mod alert;
pub mod case;
pub mod child;
pub mod dates;
pub mod error;
pub mod escalation;
pub mod handover;
pub mod ids;
pub mod linkage;
pub mod notification;
pub mod org;
pub mod policy;
pub mod records;
pub mod risk;
pub mod sighting;
pub mod text;
pub mod view;
pub mod warning;

pub use error::{DomainError, FieldError, Problem, Validation};
pub use ids::*;
