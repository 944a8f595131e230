//! Trafficking concern and missing-person risk, explainable to the last point.
//!
//! The indicator catalogue is data ([`Catalogue`], read from TOML; a default ships in
//! `catalogue/indicators.toml`), so an organisation can adjust weights and add indicators without
//! a rebuild. [`assess`] turns what operators observed plus what the store knows ([`Facts`])
//! into an [`Assessment`]: a concern level, the score, and every reason that moved it, with who
//! recorded it and when. The output is always "possible victim of trafficking — for a person to
//! confirm", never a verdict, and vulnerability alone never raises a concern.
//!
//! [`detect`] holds the detectors across cases (repeat episodes, place clusters, shared
//! identifiers): a new case against the earlier cases that share something with it, and a
//! full scan that finds the same. [`trend`] tells a week's count of reports in a category or
//! region that rises above its own seasonal baseline. [`response`] holds the response plan: the
//! targets a case is held to (handed to the police within 15 minutes of a high-risk report, …),
//! which of them a case has missed at a given time, and the tasks made from templates.
//!
//! Pure: no IO, no clock. The server assesses each case when it is read; the detectors are not
//! yet wired to the store (no stored warnings, no queue yet).

mod assess;
mod catalogue;
pub mod detect;
mod missing;
pub mod response;
pub mod trend;

pub use assess::{Assessment, Concern, Facts, Observation, Origin, Reason, UnknownIndicator, assess};
pub use catalogue::{Catalogue, CatalogueError, Group, Indicator, NotRecordable, Question, Tier};
pub use missing::{RiskAnswers, RiskFactor, RiskSuggestion, Weight, suggest};
