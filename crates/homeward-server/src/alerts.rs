//! Child alerts in public: the in-memory snapshot the public URLs are served from, the CAP 1.2
//! and Atom documents it holds, and the alert job.
//!
//! The public documents are never read from the database per request: a surge of the public
//! (thousands of requests a second while an alert is live) must not queue behind the operators'
//! work. [`PublicAlerts`] holds a [`Snapshot`], every document already rendered, rebuilt from
//! [`Store::public_alerts`] after every change of an alert and by the job ([`run_once`]). An
//! alert's end time is also checked when it is served: a snapshot past the next end time is
//! rendered again from what it holds (no database read), so an expired alert is never served,
//! even between two runs of the job. The store hands over only published content within the
//! consent; cancelled alerts only as their CAP Cancel message, which carries no content.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use homeward_domain::alert::{AlertContent, AlertId, AlertMessage, AlertState, MessageType, PublicAlert};
use homeward_store::{Store, StoreError};
use time::OffsetDateTime;

use crate::i18n::{Locales, Tr};

/// The CAP 1.2 namespace.
pub const CAP_NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";

/// One alert's public documents.
pub struct Rendered {
    pub state: AlertState,
    pub ends_at: OffsetDateTime,
    /// The CAP document of its latest message (the Cancel message of a cancelled alert).
    pub cap: Bytes,
    /// The public page in each language of the interface (live alerts only).
    pub pages: HashMap<String, Bytes>,
}

/// Everything the public URLs serve, rendered once.
pub struct Snapshot {
    /// What it was rendered from, to render again when an end time passes.
    source: Vec<PublicAlert>,
    pub alerts: HashMap<AlertId, Rendered>,
    /// `/public/alerts.cap.xml`: an Atom feed, one entry per CAP message in force.
    pub cap_feed: Bytes,
    /// `/public/alerts.atom`: the live alerts in words.
    pub atom_feed: Bytes,
    /// The page of an alert that is not (or no longer) active, in each language.
    pub inactive: HashMap<String, Bytes>,
    /// The earliest end time among the alerts it holds: from then on it must be rendered again.
    pub next_end: Option<OffsetDateTime>,
    /// Tells one rendering from every other: the entity tag of every document it serves.
    pub etag: String,
}

/// Counts renderings, for the entity tags.
static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The public snapshot, shared by every request.
pub struct PublicAlerts {
    current: RwLock<Arc<Snapshot>>,
    /// Held from the store's read to the swap: two refreshes (the job's and a change's) never
    /// interleave, so the later read is the one that stays, and a cancellation is never
    /// overwritten by a snapshot read before it.
    refreshing: std::sync::Mutex<()>,
    locales: Arc<Locales>,
}

impl PublicAlerts {
    /// An empty snapshot: nothing is public until [`PublicAlerts::refresh`].
    pub fn new(locales: Arc<Locales>) -> Self {
        let empty = render(Vec::new(), &locales, OffsetDateTime::now_utc());
        Self { current: RwLock::new(Arc::new(empty)), refreshing: std::sync::Mutex::new(()), locales }
    }

    /// Reads what is public from the store and renders it, as at `now`.
    pub fn refresh(&self, store: &dyn Store, now: OffsetDateTime) -> Result<(), StoreError> {
        let _one_at_a_time = self.refreshing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let source = store.public_alerts(now)?;
        self.replace(render(source, &self.locales, now));
        Ok(())
    }

    fn replace(&self, snapshot: Snapshot) {
        match self.current.write() {
            Ok(mut current) => *current = Arc::new(snapshot),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
        }
    }

    /// The snapshot to serve at `now`: rendered again, from memory, when an end time has passed.
    pub fn at(&self, now: OffsetDateTime) -> Arc<Snapshot> {
        let snapshot = match self.current.read() {
            Ok(current) => Arc::clone(&current),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        if snapshot.next_end.is_some_and(|end| now >= end) {
            let fresh = Arc::new(render(snapshot.source.clone(), &self.locales, now));
            let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            // Only over the snapshot it was rendered from: a refresh that came in meanwhile (a
            // cancellation) is newer, and stays.
            if Arc::ptr_eq(&current, &snapshot) {
                *current = Arc::clone(&fresh);
                return fresh;
            }
            return Arc::clone(&current);
        }
        snapshot
    }
}

/// What one run of the alert job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Alerts whose end time had passed, now expired.
    pub expired: u32,
}

/// The alert job, once, as at `now`: expires every published alert whose end time has passed and
/// renders the public snapshot again. `homeward serve` runs it every minute; tests call it with
/// the time they need.
pub fn run_once(store: &dyn Store, public: &PublicAlerts, now: OffsetDateTime) -> Result<JobReport, StoreError> {
    let expired = store.expire_alerts(now)?;
    public.refresh(store, now)?;
    Ok(JobReport { expired })
}

/// Renders every public document from what the store answered, as at `now`.
fn render(source: Vec<PublicAlert>, locales: &Locales, now: OffsetDateTime) -> Snapshot {
    let source: Vec<PublicAlert> = source.into_iter().filter(|a| now < a.ends_at).collect();
    let mut alerts = HashMap::new();
    let mut cap_entries = String::new();
    let mut atom_entries = String::new();
    for alert in &source {
        let Some(last) = alert.messages.last() else { continue };
        let cap = cap_document(alert, last, locales);
        let live = alert.state == AlertState::Published;
        let mut pages = HashMap::new();
        if live {
            for tag in locales.tags() {
                let tr = locales.get(tag);
                pages.insert(tag.to_owned(), Bytes::from(crate::ui::public::alert_page(&tr, alert)));
            }
            atom_entries.push_str(&atom_entry(&locales.get("en"), alert, last));
        }
        cap_entries.push_str(&cap_entry(&locales.get("en"), alert, last, &cap));
        alerts.insert(alert.id, Rendered { state: alert.state, ends_at: alert.ends_at, cap: Bytes::from(cap), pages });
    }
    let updated = source.iter().filter_map(|a| a.messages.last()).map(|m| m.sent_at).max().unwrap_or(now);
    let en = locales.get("en");
    let cap_feed = feed(
        "urn:homeward:alerts:cap",
        &en.t("public-cap-feed-title"),
        "/public/alerts.cap.xml",
        updated,
        &cap_entries,
    );
    let atom_feed =
        feed("urn:homeward:alerts:atom", &en.t("public-feed-title"), "/public/alerts.atom", updated, &atom_entries);
    let inactive = locales
        .tags()
        .into_iter()
        .map(|tag| (tag.to_owned(), Bytes::from(crate::ui::public::inactive_page(&locales.get(tag)))))
        .collect();
    let next_end = source.iter().map(|a| a.ends_at).min();
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let etag = format!("\"{}-{generation}\"", OffsetDateTime::now_utc().unix_timestamp_nanos());
    let (cap_feed, atom_feed) = (Bytes::from(cap_feed), Bytes::from(atom_feed));
    Snapshot { source, alerts, cap_feed, atom_feed, inactive, next_end, etag }
}

/// Escapes text for XML content and attributes.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are refused on input; one that slipped through is dropped, as
            // XML 1.0 cannot carry it.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// A time as CAP writes it: `2026-11-30T10:00:00+00:00` (no fraction, an explicit offset).
pub fn cap_time(at: OffsetDateTime) -> String {
    let utc = at.checked_to_offset(time::UtcOffset::UTC).unwrap_or(at);
    utc.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00"))
        .unwrap_or_default()
}

/// A time as Atom writes it (RFC 3339, UTC).
fn atom_time(at: OffsetDateTime) -> String {
    let utc = at.checked_to_offset(time::UtcOffset::UTC).unwrap_or(at);
    utc.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")).unwrap_or_default()
}

/// The CAP sender of an organisation's alerts: stable, without spaces or commas.
fn sender(alert: &PublicAlert) -> String {
    format!("homeward-{}", alert.organisation_id)
}

/// The CAP identifier of one message of an alert: stable for good.
pub fn identifier(alert: AlertId, seq: u32) -> String {
    format!("homeward-alert-{alert}-{seq}")
}

/// The headline in one language: the name where it may be published.
pub(crate) fn headline(tr: &Tr<'_>, content: &AlertContent) -> String {
    match &content.name {
        Some(name) => tr.t1("public-alert-headline-named", "name", name.clone()),
        None => tr.t("public-alert-headline"),
    }
}

/// The description in one language, built from the consented fields only.
fn description(tr: &Tr<'_>, content: &AlertContent) -> String {
    let mut parts = Vec::new();
    if let Some(age) = content.age {
        parts.push(tr.t1("public-alert-age-text", "age", u32::from(age)));
    }
    if let Some(description) = &content.description {
        parts.push(description.clone());
    }
    match (&content.last_seen_place, content.last_seen_at) {
        (Some(place), Some(at)) => parts.push(tr.t2(
            "public-alert-last-seen-text",
            ("place", place.clone().into()),
            ("at", atom_time(at).into()),
        )),
        (Some(place), None) => parts.push(tr.t1("public-alert-last-seen-place-text", "place", place.clone())),
        (None, Some(at)) => parts.push(tr.t1("public-alert-last-seen-at-text", "at", atom_time(at))),
        (None, None) => {}
    }
    parts.join(" ")
}

pub(crate) fn instruction(tr: &Tr<'_>, content: &AlertContent) -> String {
    match &content.contact_phone {
        Some(phone) => tr.t1("public-alert-instruction-phone", "phone", phone.clone()),
        None => tr.t("public-alert-instruction"),
    }
}

/// One CAP 1.2 `<alert>` for a message of an alert, without the XML declaration. Every message
/// after the first references all those before it; a Cancel carries no `<info>` (no content).
fn cap_alert(alert: &PublicAlert, message: &AlertMessage, locales: &Locales) -> String {
    let sender = sender(alert);
    let mut out = String::new();
    out.push_str(&format!("<alert xmlns=\"{CAP_NS}\">"));
    out.push_str(&format!("<identifier>{}</identifier>", xml(&identifier(alert.id, message.seq))));
    out.push_str(&format!("<sender>{}</sender>", xml(&sender)));
    out.push_str(&format!("<sent>{}</sent>", cap_time(message.sent_at)));
    out.push_str("<status>Actual</status>");
    out.push_str(&format!("<msgType>{}</msgType>", message.msg_type.as_str()));
    out.push_str("<scope>Public</scope>");
    let earlier: Vec<String> = alert
        .messages
        .iter()
        .filter(|m| m.seq < message.seq)
        .map(|m| format!("{},{},{}", sender, identifier(alert.id, m.seq), cap_time(m.sent_at)))
        .collect();
    if !earlier.is_empty() {
        out.push_str(&format!("<references>{}</references>", xml(&earlier.join(" "))));
    }
    if message.msg_type != MessageType::Cancel && alert.state == AlertState::Published {
        for tag in locales.tags() {
            out.push_str(&cap_info(&locales.get(tag), alert));
        }
    }
    out.push_str("</alert>");
    out
}

/// One `<info>` block in one language, from the consented content only.
fn cap_info(tr: &Tr<'_>, alert: &PublicAlert) -> String {
    let content = &alert.content;
    let mut out = String::from("<info>");
    out.push_str(&format!("<language>{}</language>", xml(tr.lang)));
    out.push_str("<category>Rescue</category><category>Safety</category>");
    out.push_str(&format!("<event>{}</event>", xml(&tr.t("public-alert-event"))));
    out.push_str("<urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>");
    out.push_str(&format!("<expires>{}</expires>", cap_time(alert.ends_at)));
    out.push_str(&format!("<senderName>{}</senderName>", xml(&alert.organisation_name)));
    out.push_str(&format!("<headline>{}</headline>", xml(&headline(tr, content))));
    let description = description(tr, content);
    if !description.is_empty() {
        out.push_str(&format!("<description>{}</description>", xml(&description)));
    }
    out.push_str(&format!("<instruction>{}</instruction>", xml(&instruction(tr, content))));
    out.push_str(&format!("<web>/public/alerts/{}</web>", alert.id));
    if let Some(phone) = &content.contact_phone {
        out.push_str(&format!("<contact>{}</contact>", xml(phone)));
    }
    if let Some(photo) = &content.photo_ref {
        out.push_str(&format!("<parameter><valueName>photo</valueName><value>{}</value></parameter>", xml(photo)));
    }
    if let Some(place) = &content.last_seen_place {
        out.push_str(&format!("<area><areaDesc>{}</areaDesc></area>", xml(place)));
    }
    out.push_str("</info>");
    out
}

/// The standalone CAP document of a message.
fn cap_document(alert: &PublicAlert, message: &AlertMessage, locales: &Locales) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", cap_alert(alert, message, locales))
}

/// A feed entry carrying one CAP message in its content.
fn cap_entry(tr: &Tr<'_>, alert: &PublicAlert, message: &AlertMessage, cap: &str) -> String {
    let title = match message.msg_type {
        MessageType::Cancel => tr.t("public-alert-cancelled"),
        _ => headline(tr, &alert.content),
    };
    let inline = cap.split_once('\n').map_or(cap, |(_, rest)| rest).trim_end();
    format!(
        "<entry><id>urn:homeward:{}</id><title>{}</title><updated>{}</updated>\
         <link rel=\"alternate\" type=\"application/cap+xml\" href=\"/public/alerts/{}.cap.xml\"/>\
         <content type=\"application/cap+xml\">{}</content></entry>",
        xml(&identifier(alert.id, message.seq)),
        xml(&title),
        atom_time(message.sent_at),
        alert.id,
        inline
    )
}

/// A plain Atom entry for a live alert, in words.
fn atom_entry(tr: &Tr<'_>, alert: &PublicAlert, message: &AlertMessage) -> String {
    let content = &alert.content;
    let summary = [description(tr, content), instruction(tr, content)].join(" ");
    format!(
        "<entry><id>urn:homeward:alert:{}</id><title>{}</title><updated>{}</updated>\
         <link rel=\"alternate\" type=\"text/html\" href=\"/public/alerts/{}\"/>\
         <summary type=\"text\">{}</summary></entry>",
        alert.id,
        xml(&headline(tr, content)),
        atom_time(message.sent_at),
        alert.id,
        xml(summary.trim())
    )
}

fn feed(id: &str, title: &str, this: &str, updated: OffsetDateTime, entries: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <id>{id}</id><title>{}</title><updated>{}</updated><link rel=\"self\" href=\"{this}\"/>\
         <author><name>Homeward</name></author>{entries}</feed>\n",
        xml(title),
        atom_time(updated)
    )
}
