//! What guards the public sighting form, which anyone may use without logging in: the throttle
//! per client address, the client address itself (the peer, or the `X-Forwarded-For` of a
//! trusted proxy), the size limit, and the reading of a `multipart/form-data` body (small and
//! strict, so that no dependency is needed for one form).
//!
//! A refusal changes nothing: the throttle is asked before the body is read, and a body that is
//! too large, malformed or carries a photo that is not an image never reaches the store.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// The limits of the public sighting form.
#[derive(Debug, Clone)]
pub struct SightingLimits {
    /// How many sightings one client address may send per `window`.
    pub per_window: u32,
    pub window: Duration,
    /// Take the client's address from the `X-Forwarded-For` header (its last address, the one
    /// the proxy in front of Homeward added) instead of the peer's. Only behind a proxy that
    /// sets it: otherwise anyone could name any address and slip past the throttle.
    pub trusted_proxy: bool,
}

impl Default for SightingLimits {
    fn default() -> Self {
        Self { per_window: 5, window: Duration::from_secs(10 * 60), trusted_proxy: false }
    }
}

/// The largest body the sighting form accepts: the photo and room for the other fields.
pub const MAX_BODY_BYTES: usize = homeward_domain::sighting::MAX_PHOTO_BYTES + 64 * 1024;

/// Counts the sightings sent from each client address over a sliding window, in memory.
#[derive(Debug)]
pub struct Throttle {
    sent: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    per_window: u32,
    window: Duration,
}

impl Throttle {
    pub fn new(limits: &SightingLimits) -> Self {
        Self { sent: Mutex::new(HashMap::new()), per_window: limits.per_window, window: limits.window }
    }

    /// Counts one sending from `address`, or says how many seconds to wait when it has sent its
    /// share of the window already (then nothing is counted).
    pub fn begin(&self, address: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        // A poisoned lock (a panic elsewhere) must not open the door: refuse for a window.
        let Ok(mut sent) = self.sent.lock() else { return Err(self.window.as_secs()) };
        if sent.len() > 100_000 {
            sent.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let times = sent.entry(address).or_default();
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.per_window as usize {
            let oldest = times.front().copied().unwrap_or(now);
            return Err((self.window.saturating_sub(now.duration_since(oldest))).as_secs().max(1));
        }
        times.push_back(now);
        Ok(())
    }

    /// Gives back the sending counted last for `address`: the form came back to be corrected,
    /// and a person fixing a typo should not be throttled for it.
    pub fn give_back(&self, address: IpAddr) {
        if let Ok(mut sent) = self.sent.lock()
            && let Some(times) = sent.get_mut(&address)
        {
            times.pop_back();
        }
    }
}

/// The client's address: the peer's, or with a trusted proxy the last address of its
/// `X-Forwarded-For` (the one the proxy appended; those before it are the client's own word).
pub fn client_address(peer: SocketAddr, headers: &HeaderMap, trusted_proxy: bool) -> IpAddr {
    if trusted_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse::<IpAddr>().ok());
        if let Some(address) = forwarded {
            return address;
        }
    }
    peer.ip()
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub name: String,
    /// Set for a file field (empty when the person chose no file).
    pub filename: Option<String>,
    pub data: &'a [u8],
}

/// Why a multipart body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    #[error("the content type names no multipart boundary")]
    NoBoundary,
    #[error("the body is not multipart/form-data as its content type says")]
    Malformed,
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        let value = value.trim().trim_matches('"');
        (key.trim().eq_ignore_ascii_case("boundary") && !value.is_empty() && value.len() <= 70)
            .then(|| value.to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let mut at = 0;
    while at + needle.len() <= haystack.len() {
        let offset = haystack[at..=haystack.len() - needle.len()].iter().position(|b| *b == first)?;
        at += offset;
        if &haystack[at..at + needle.len()] == needle {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// A parameter of a `Content-Disposition` header (`name="place"`).
fn disposition_param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// Reads the parts of a `multipart/form-data` body (RFC 7578).
pub fn parse_multipart<'a>(content_type: &str, body: &'a [u8]) -> Result<Vec<Part<'a>>, MultipartError> {
    let boundary = boundary(content_type).ok_or(MultipartError::NoBoundary)?;
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let start = find(body, delimiter.as_bytes()).ok_or(MultipartError::Malformed)?;
    let mut rest = &body[start + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or(MultipartError::Malformed)?;
        let head_end = find(rest, b"\r\n\r\n").ok_or(MultipartError::Malformed)?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| MultipartError::Malformed)?;
        let disposition = head
            .split("\r\n")
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-disposition"))
            .map(|(_, value)| value.trim())
            .ok_or(MultipartError::Malformed)?;
        let name = disposition_param(disposition, "name").ok_or(MultipartError::Malformed)?;
        let filename = disposition_param(disposition, "filename");
        let data_start = head_end + 4;
        let data_len = find(&rest[data_start..], next_delimiter.as_bytes()).ok_or(MultipartError::Malformed)?;
        parts.push(Part { name, filename, data: &rest[data_start..data_start + data_len] });
        rest = &rest[data_start + data_len + next_delimiter.len()..];
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_browsers_form_is_read_part_by_part() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"place\"\r\n\r\nLarissa station\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\
            \xFF\xD8\xFF\r\n--X\r\n--XyZ\r\nContent-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n\r\n--XyZ--\r\n";
        let parts = parse_multipart("multipart/form-data; boundary=\"XyZ\"", body).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!((parts[0].name.as_str(), parts[0].data), ("place", &b"Larissa station"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("me.jpg"));
        assert_eq!(parts[1].data, b"\xFF\xD8\xFF\r\n--X");
        assert_eq!((parts[2].filename.as_deref(), parts[2].data), (Some(""), &b""[..]));
    }

    #[test]
    fn a_body_that_is_not_multipart_is_refused() {
        assert_eq!(parse_multipart("application/json", b"{}"), Err(MultipartError::NoBoundary));
        assert_eq!(
            parse_multipart("multipart/form-data; boundary=a", b"no parts here"),
            Err(MultipartError::Malformed)
        );
        let cut = b"--a\r\nContent-Disposition: form-data; name=\"place\"\r\n\r\nLarissa";
        assert_eq!(parse_multipart("multipart/form-data; boundary=a", cut), Err(MultipartError::Malformed));
    }

    #[test]
    fn the_throttle_counts_per_address_and_gives_back() {
        let limits = SightingLimits { per_window: 2, window: Duration::from_secs(600), trusted_proxy: false };
        let throttle = Throttle::new(&limits);
        let (a, b): (IpAddr, IpAddr) = ("198.51.100.7".parse().unwrap(), "198.51.100.8".parse().unwrap());
        assert!(throttle.begin(a).is_ok() && throttle.begin(a).is_ok());
        let wait = throttle.begin(a).unwrap_err();
        assert!((1..=600).contains(&wait), "{wait}");
        assert!(throttle.begin(b).is_ok(), "another address is not affected");
        throttle.give_back(a);
        assert!(throttle.begin(a).is_ok());
    }

    #[test]
    fn a_forwarded_address_counts_only_behind_a_trusted_proxy() {
        let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        assert_eq!(client_address(peer, &headers, false).to_string(), "127.0.0.1");
        assert_eq!(client_address(peer, &headers, true).to_string(), "198.51.100.7");
        assert_eq!(client_address(peer, &HeaderMap::new(), true).to_string(), "127.0.0.1");
    }
}
