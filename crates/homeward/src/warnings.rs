//! `homeward warnings --as EMAIL [--json] [--closed]`: the early warnings of the user's
//! organisation, as the supervisor's queue shows them (most urgent first), read through the same
//! store command as the API, so it is checked and audited alike. `--rescan` first runs every
//! case through the detectors again (a full re-evaluation, as the system).

use std::io::Write;

use homeward_domain::warning::{Level, WarningKind, WarningView};

/// Writes the warnings as text, one block each, or as one JSON array.
pub fn write(views: &[WarningView], json: bool, out: &mut impl Write) -> anyhow::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, views)?;
        writeln!(out)?;
        return Ok(());
    }
    if views.is_empty() {
        writeln!(out, "no warnings")?;
    }
    for w in views {
        writeln!(
            out,
            "{} {} ({}), {} cases, raised {}, updated {} [{}]",
            level(w.level),
            kind(w.kind),
            w.state.name(),
            w.cases.len(),
            day_time(w.raised_at),
            day_time(w.updated_at),
            w.id
        )?;
        for line in &w.evidence {
            writeln!(out, "  - {line}")?;
        }
        let cases: Vec<String> =
            w.cases.iter().map(|c| format!("{} (last seen {})", c.number, day_time(c.last_seen_at))).collect();
        writeln!(out, "  cases: {}", cases.join(", "))?;
        for d in &w.decisions {
            let reason = d.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
            writeln!(out, "  {:?} on {}{reason}", d.decision, day_time(d.at))?;
        }
    }
    Ok(())
}

fn level(level: Level) -> &'static str {
    match level {
        Level::High => "HIGH",
        Level::Elevated => "ELEVATED",
        Level::Notice => "NOTICE",
    }
}

fn kind(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::RepeatEpisodes => "repeat episodes of one child",
        WarningKind::PlaceCluster => "children gone from one place",
        WarningKind::SharedIdentifier => "an identifier shared by cases",
        WarningKind::Trend => "more reports than usual",
    }
}

fn day_time(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}
