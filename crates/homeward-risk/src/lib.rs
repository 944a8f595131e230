//! Trafficking concern and missing-person risk, explainable to the last point.
//!
//! The indicator catalogue is data ([`Catalogue`], read from TOML; a default ships in
//! `catalogue/indicators.toml`), so an organisation can adjust weights and add indicators without
//! a rebuild. [`assess`] turns what operators observed plus what the store knows ([`Facts`])
//! into an [`Assessment`]: a concern level, the score, and every reason that moved it, with who
//! recorded it and when. The output is always "possible victim of trafficking — for a person to
//! confirm", never a verdict, and vulnerability alone never raises a concern.
//!
//! Pure: no IO, no clock. This is the first slice of the risk engine: the server assesses each
//! case with it when the case is read; detectors across cases come next.

mod assess;
mod catalogue;
mod missing;

pub use assess::{Assessment, Concern, Facts, Observation, Origin, Reason, UnknownIndicator, assess};
pub use catalogue::{Catalogue, CatalogueError, Group, Indicator, Question, Tier};
pub use missing::{RiskAnswers, RiskFactor, RiskSuggestion, Weight, suggest};
