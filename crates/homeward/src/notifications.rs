//! `[notifications]` in the settings file: the SMTP relay e-mail goes through, each
//! organisation's webhooks, and the retry schedule; turned into the server's
//! [`Transports`] at start, with every organisation named checked against the store.
//! Absent, nothing is queued and nothing is sent. Secrets are never printed.

use std::time::Duration as StdDuration;

use anyhow::{Context, bail};
use homeward_domain::notification::Retry;
use homeward_server::notify::{Transports, smtp, webhook};
use homeward_store::Store;
use serde::Deserialize;

/// What the settings file says under `[notifications]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// The SMTP relay's host (a local MTA: plain SMTP, no TLS, no login). None: no e-mail.
    pub host: Option<String>,
    /// Its port [default: 25].
    pub port: Option<u16>,
    /// The sender address; needed with `host`.
    pub from: Option<String>,
    /// Homeward's address as its users reach it, for the links in messages.
    pub link_base: Option<String>,
    /// The first wait after a failure, in minutes [default: 1]; doubled after each failure.
    pub retry_first_minutes: Option<u32>,
    /// The longest wait between attempts, in minutes [default: 60].
    pub retry_cap_minutes: Option<u32>,
    /// Attempts before a notification is given up and shown as failed [default: 8].
    pub attempts: Option<u32>,
    /// Each organisation's own systems.
    #[serde(default, rename = "webhook")]
    pub webhooks: Vec<WebhookSettings>,
}

/// One `[[notifications.webhook]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// The organisation's name, as `homeward admin create-org` gave it.
    pub organisation: String,
    /// Its name in Homeward (notifications are queued under it) [default: `webhook`].
    pub name: Option<String>,
    /// `http://…` (this build has no TLS: use a local TLS-originating proxy for HTTPS).
    pub url: String,
    /// The shared secret the calls are signed with (HMAC-SHA256).
    pub secret: String,
}

impl std::fmt::Debug for NotificationSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("link_base", &self.link_base)
            .field("webhooks", &self.webhooks)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("organisation", &self.organisation)
            .field("name", &self.name)
            .field("url", &self.url)
            .field("secret", &"***")
            .finish()
    }
}

impl NotificationSettings {
    /// Checks what can be checked without the database (called with the other settings).
    pub fn validate(&self) -> anyhow::Result<()> {
        match (&self.host, &self.from) {
            (Some(_), None) => bail!("[notifications] needs `from`, the sender address, with `host`"),
            (None, Some(_)) => bail!("[notifications] has `from` but no `host`: name the SMTP relay"),
            (Some(host), Some(from)) => {
                if host.trim().is_empty() {
                    bail!("[notifications] host is empty");
                }
                if !from.contains('@') || from.chars().any(|c| c.is_whitespace() || c.is_control() || "<>".contains(c))
                {
                    bail!("[notifications] from = `{from}` is not an e-mail address");
                }
            }
            (None, None) => {}
        }
        if self.retry_first_minutes == Some(0) || self.retry_cap_minutes == Some(0) || self.attempts == Some(0) {
            bail!("[notifications] retry_first_minutes, retry_cap_minutes and attempts must be at least 1");
        }
        for hook in &self.webhooks {
            if !hook.url.starts_with("http://") {
                bail!(
                    "the webhook of {} must be an http:// URL (this build has no TLS; reach an https:// \
                     receiver through a local proxy)",
                    hook.organisation
                );
            }
            if hook.secret.len() < 16 {
                bail!("the webhook secret of {} must be at least 16 characters", hook.organisation);
            }
        }
        Ok(())
    }

    /// The transports the delivery job sends with, every organisation resolved by its name.
    pub fn transports(&self, store: &dyn Store) -> anyhow::Result<Transports> {
        let email = match (&self.host, &self.from) {
            (Some(host), Some(from)) => Some(smtp::Relay {
                host: host.clone(),
                port: self.port.unwrap_or(25),
                from: from.clone(),
                helo: from.rsplit_once('@').map_or("homeward", |(_, d)| d).to_owned(),
                timeout: StdDuration::from_secs(30),
            }),
            _ => None,
        };
        let mut webhooks = Vec::new();
        for hook in &self.webhooks {
            let organisation = store.organisation_by_name(&hook.organisation)?.with_context(|| {
                format!("[[notifications.webhook]]: no organisation is named `{}`", hook.organisation)
            })?;
            let name = hook.name.clone().unwrap_or_else(|| "webhook".into());
            if webhooks.iter().any(|w: &webhook::Endpoint| w.organisation_id == organisation.id && w.name == name) {
                bail!("{} has two webhooks named `{name}`; give each its own name", hook.organisation);
            }
            webhooks.push(webhook::Endpoint {
                organisation_id: organisation.id,
                name,
                url: hook.url.clone(),
                secret: webhook::Secret::new(hook.secret.clone()),
            });
        }
        let defaults = Retry::default();
        let minutes =
            |m: Option<u32>, default: time::Duration| m.map_or(default, |m| time::Duration::minutes(m.into()));
        let retry = Retry {
            first: minutes(self.retry_first_minutes, defaults.first),
            cap: minutes(self.retry_cap_minutes, defaults.cap),
            attempts: self.attempts.unwrap_or(defaults.attempts),
        };
        Ok(Transports { email, webhooks, link_base: self.link_base.clone(), retry, ..Transports::default() })
    }
}

/// How often the delivery job looks for notifications due.
const NOTIFY_EVERY: StdDuration = StdDuration::from_secs(10);

/// The delivery job's lease, renewed at every turn.
const NOTIFY_LEASE: time::Duration = time::Duration::minutes(1);

/// The longest one run may take: well inside the lease, so that a run slowed by a relay that
/// hangs (up to 30 s a message) has ended before another instance could take the job over and
/// send the same notifications again. A run cut short leaves the rest for the next turn; one
/// message sent but not yet recorded is sent again (delivery is at least once, with stable ids).
const NOTIFY_RUN_AT_MOST: StdDuration = StdDuration::from_secs(30);

/// The delivery job: every ten seconds, every notification due is sent and its attempt recorded.
/// A failed run is logged and tried again at the next turn; it never stops the server.
///
/// Only the instance holding the job's lease delivers.
pub async fn job(store: std::sync::Arc<dyn Store>, transports: Transports, instance: crate::Instance) {
    loop {
        if !crate::holds(&store, "notifications", &instance, NOTIFY_LEASE).await {
            tokio::time::sleep(NOTIFY_EVERY).await;
            continue;
        }
        let now = time::OffsetDateTime::now_utc();
        let run = homeward_server::notify::run_once(store.clone(), &transports, now);
        match tokio::time::timeout(NOTIFY_RUN_AT_MOST, run).await {
            Err(_) => tracing::warn!("a notification run took too long and was cut short; the rest go next turn"),
            Ok(Ok(report)) => {
                if report != homeward_server::notify::NotifyReport::default() {
                    tracing::info!(
                        delivered = report.delivered,
                        retrying = report.retrying,
                        failed = report.failed,
                        "notifications sent"
                    );
                }
            }
            Ok(Err(e)) => tracing::error!(error = %e, "the notification job failed; it will try again"),
        }
        tokio::time::sleep(NOTIFY_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<NotificationSettings> {
        let settings: NotificationSettings = toml::from_str(text)?;
        settings.validate()?;
        Ok(settings)
    }

    #[test]
    fn the_relay_and_webhooks_are_checked_and_secrets_never_printed() {
        let ok = parse(
            r#"host = "127.0.0.1"
            from = "homeward@hotline.example"
            [[webhook]]
            organisation = "Hotline A"
            url = "http://10.0.0.5:9000/homeward"
            secret = "a-very-long-shared-secret""#,
        )
        .unwrap();
        assert!(!format!("{ok:?}").contains("a-very-long-shared-secret"), "{ok:?}");
        for (bad, says) in [
            ("host = \"mx\"", "needs `from`"),
            ("from = \"a@b.example\"", "no `host`"),
            ("host = \"mx\"\nfrom = \"not an address\"", "not an e-mail address"),
            ("attempts = 0", "at least 1"),
            (
                "[[webhook]]\norganisation = \"A\"\nurl = \"https://x.example\"\nsecret = \"0123456789abcdef\"",
                "http://",
            ),
            ("[[webhook]]\norganisation = \"A\"\nurl = \"http://x.example\"\nsecret = \"short\"", "16 characters"),
            ("colour = \"red\"", "unknown field"),
        ] {
            let e = format!("{:#}", parse(bad).unwrap_err());
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
