//! Signed webhooks: a notification POSTed as JSON to one of an organisation's own systems, with
//! `Homeward-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed by the
//! secret the organisation and Homeward share.
//!
//! The receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares it in
//! constant time and refuses a timestamp far from its own clock (a replayed call), as
//! [`verify`] does. The HMAC is twenty lines over the workspace's `sha2` (RFC 2104, checked
//! against RFC 4231's test vectors below) rather than one more crate to compile.
//!
//! The client is the workspace's blocking `ureq`, built without TLS, run on tokio's blocking
//! pool: receivers are reached over plain HTTP inside the organisation's network, or through a
//! local TLS-originating proxy.

use std::time::Duration;

use homeward_domain::OrganisationId;
use sha2::{Digest, Sha256};

/// The header the signature travels in.
pub const SIGNATURE_HEADER: &str = "Homeward-Signature";

/// How far a signature's time may be from the receiver's clock by default.
pub const TOLERANCE_SECONDS: i64 = 300;

/// The longest one call may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A secret that is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One webhook of one organisation, as the settings give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub organisation_id: OrganisationId,
    /// The name notifications are queued under.
    pub name: String,
    /// `http://…`; this build has no TLS.
    pub url: String,
    pub secret: Secret,
}

/// Why a call was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The receiver could not be reached, or did not answer in time.
    #[error("the webhook could not be called: {0}")]
    Transport(String),
    /// The receiver answered, but not with success.
    #[error("the webhook answered {0}")]
    Status(u16),
}

/// Why a receiver refuses a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature header is missing or not `t=…,v1=…`")]
    Malformed,
    #[error("the signature's time is too far from now: a replay, or a clock gone wrong")]
    Stale,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The signature of `body` sent at `timestamp` (unix seconds): the header's value.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", hex::encode(hmac_sha256(secret.as_bytes(), &signed_bytes(timestamp, body))))
}

fn signed_bytes(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    signed
}

/// What a receiver does: checks the header against the raw body and its own clock (`now`,
/// unix seconds), allowing `tolerance` seconds either way.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> Result<(), VerifyError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(hex::decode(v).map_err(|_| VerifyError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(VerifyError::Malformed)?;
    if signatures.is_empty() {
        return Err(VerifyError::Malformed);
    }
    if (now - timestamp).abs() > tolerance {
        return Err(VerifyError::Stale);
    }
    let expected = hmac_sha256(secret.as_bytes(), &signed_bytes(timestamp, body));
    if signatures.iter().any(|s| constant_time_eq(s, &expected)) { Ok(()) } else { Err(VerifyError::Mismatch) }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// POSTs `body` (JSON) to the endpoint, signed as at `timestamp` (unix seconds). Any 2xx answer
/// is success; anything else, or no answer within ten seconds, an error (redirects are not
/// followed).
pub async fn post(endpoint: &Endpoint, body: Vec<u8>, timestamp: i64) -> Result<(), WebhookError> {
    let signature = sign(endpoint.secret.expose(), timestamp, &body);
    let url = endpoint.url.clone();
    let call = move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .into();
        let response = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, &signature)
            .header("User-Agent", "Homeward-Webhook/1")
            .send(&body[..])
            .map_err(|e| WebhookError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        if (200..300).contains(&status) { Ok(()) } else { Err(WebhookError::Status(status)) }
    };
    tokio::task::spawn_blocking(call).await.map_err(|e| WebhookError::Transport(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test cases 2 (a short key) and 6 (a key longer than a block).
    #[test]
    fn hmac_matches_the_rfc_4231_test_vectors() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_receiver_accepts_the_signed_body_and_nothing_else() {
        let header = sign("s3cret", 1_700_000_000, b"{\"a\":1}");
        assert_eq!(verify("s3cret", &header, b"{\"a\":1}", 1_700_000_100, TOLERANCE_SECONDS), Ok(()));
        assert_eq!(verify("s3cret", &header, b"{\"a\":2}", 1_700_000_100, 300), Err(VerifyError::Mismatch));
        assert_eq!(verify("other", &header, b"{\"a\":1}", 1_700_000_100, 300), Err(VerifyError::Mismatch));
        assert_eq!(verify("s3cret", &header, b"{\"a\":1}", 1_700_000_400, 300), Err(VerifyError::Stale));
        assert_eq!(verify("s3cret", "v1=00", b"{}", 0, 300), Err(VerifyError::Malformed));
        // A receiver may list a second signature while secrets are rotated: either one counts.
        let rotated = format!("{header},v1={}", "00".repeat(32));
        assert_eq!(verify("s3cret", &rotated, b"{\"a\":1}", 1_700_000_000, 300), Ok(()));
    }

    #[test]
    fn secrets_are_never_printed() {
        assert_eq!(format!("{:?}", Secret::new("s3cret")), "Secret(***)");
    }
}
