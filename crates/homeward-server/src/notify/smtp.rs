//! A small SMTP client of our own over a tokio `TcpStream`: EHLO, MAIL FROM, RCPT TO, DATA with
//! dot-stuffing, QUIT — one message to one recipient per connection.
//!
//! Plain SMTP, no TLS and no authentication: Homeward hands its mail to a relay it trusts on the
//! same host or network (a local MTA such as Postfix, which does TLS, queueing and DKIM towards
//! the world). A crate such as `lettre` would bring TLS and a long compile for what is, here, a
//! dozen lines of protocol. Reading and writing use the stream's own readiness (`try_read`,
//! `try_write`), so tokio's `io-util` feature (and a rebuild of everything above tokio) is not
//! needed.

use std::time::Duration;

use tokio::net::TcpStream;

/// The relay Homeward hands its mail to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    /// The envelope sender and `From:` address (`homeward@hotline.example`).
    pub from: String,
    /// The name Homeward gives itself in EHLO.
    pub helo: String,
    /// The longest a whole delivery may take.
    pub timeout: Duration,
}

/// Why a message was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// The relay could not be reached or the connection broke.
    #[error("the mail relay {relay}: {source}")]
    Io { relay: String, source: std::io::Error },
    /// The relay did not answer in time.
    #[error("the mail relay {0} did not answer in time")]
    Timeout(String),
    /// The relay refused a step (its code and words).
    #[error("the mail relay refused {step}: {reply}")]
    Refused { step: &'static str, reply: String },
    /// The relay's answer was not SMTP.
    #[error("the mail relay answered something that is not SMTP: {0}")]
    Garbled(String),
    /// An address that would break the protocol (a line break, angle brackets).
    #[error("`{0}` is not an address that can be sent to")]
    BadAddress(String),
}

impl SmtpError {
    /// A refusal for good (a 5xx reply) or an address SMTP cannot carry; anything else may pass
    /// on another try.
    pub fn is_permanent(&self) -> bool {
        match self {
            SmtpError::Refused { reply, .. } => reply.starts_with('5'),
            SmtpError::BadAddress(_) => true,
            _ => false,
        }
    }
}

/// Sends one message (headers and body, lines ending in `\n` or `\r\n`) to `to` through the
/// relay, within the relay's timeout.
pub async fn send(relay: &Relay, to: &str, message: &str) -> Result<(), SmtpError> {
    for address in [relay.from.as_str(), to] {
        if address.is_empty() || address.chars().any(|c| c.is_control() || matches!(c, '<' | '>' | ' ')) {
            return Err(SmtpError::BadAddress(address.to_owned()));
        }
    }
    let name = format!("{}:{}", relay.host, relay.port);
    match tokio::time::timeout(relay.timeout, conversation(relay, &name, to, message)).await {
        Ok(result) => result,
        Err(_) => Err(SmtpError::Timeout(name)),
    }
}

async fn conversation(relay: &Relay, name: &str, to: &str, message: &str) -> Result<(), SmtpError> {
    let io = |source| SmtpError::Io { relay: name.to_owned(), source };
    let stream = TcpStream::connect((relay.host.as_str(), relay.port)).await.map_err(io)?;
    let mut conn = Conn { stream, buffer: Vec::new(), name };
    conn.expect("the greeting", &[220]).await?;
    conn.step(&format!("EHLO {}", relay.helo), "EHLO", &[250]).await?;
    conn.step(&format!("MAIL FROM:<{}>", relay.from), "the sender", &[250]).await?;
    conn.step(&format!("RCPT TO:<{to}>"), "the recipient", &[250, 251]).await?;
    conn.step("DATA", "DATA", &[354]).await?;
    conn.write_all(dot_stuff(message).as_bytes()).await.map_err(io)?;
    conn.step(".", "the message", &[250]).await?;
    // The message is accepted; a relay that hangs up without a goodbye changes nothing.
    let _ = conn.step("QUIT", "QUIT", &[221]).await;
    Ok(())
}

/// The longest reply line read; RFC 5321 allows 512 octets.
const MAX_LINE: usize = 1000;

/// One connection to the relay, reading by lines.
struct Conn<'a> {
    stream: TcpStream,
    /// What was read and not yet taken as a line.
    buffer: Vec<u8>,
    name: &'a str,
}

impl Conn<'_> {
    fn io(&self, source: std::io::Error) -> SmtpError {
        SmtpError::Io { relay: self.name.to_owned(), source }
    }

    async fn write_all(&self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next line, its line break included; empty when the relay closed the connection.
    async fn read_line(&mut self) -> Result<String, SmtpError> {
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            if self.buffer.len() > MAX_LINE {
                return Err(SmtpError::Garbled("a reply line far too long".into()));
            }
            self.stream.readable().await.map_err(|e| self.io(e))?;
            let mut chunk = [0u8; 1024];
            match self.stream.try_read(&mut chunk) {
                Ok(0) => return Ok(String::new()),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(self.io(e)),
            }
        }
    }

    /// Sends one command and reads its reply.
    async fn step(&mut self, command: &str, what: &'static str, ok: &[u16]) -> Result<(), SmtpError> {
        self.write_all(format!("{command}\r\n").as_bytes()).await.map_err(|e| self.io(e))?;
        self.expect(what, ok).await
    }

    /// Reads one reply (its continuation lines `250-…` too) and checks its code.
    async fn expect(&mut self, what: &'static str, ok: &[u16]) -> Result<(), SmtpError> {
        let mut reply = String::new();
        for _ in 0..100 {
            let line = self.read_line().await?;
            if line.is_empty() {
                return Err(SmtpError::Garbled(format!("the connection closed during {what}")));
            }
            let code: Option<u16> = line.get(..3).and_then(|c| c.parse().ok());
            let (Some(code), Some(separator)) = (code, line.as_bytes().get(3)) else {
                return Err(SmtpError::Garbled(line.trim_end().chars().take(80).collect()));
            };
            reply.push_str(line.trim_end());
            if *separator == b'-' {
                reply.push(' ');
                continue;
            }
            return if ok.contains(&code) { Ok(()) } else { Err(SmtpError::Refused { step: what, reply }) };
        }
        Err(SmtpError::Garbled("a reply of more than 100 lines".into()))
    }
}

/// The message as DATA carries it: every line ended by CRLF, a line that starts with a dot
/// given a second one (RFC 5321 §4.5.2), so that no line of the message can end it early.
pub fn dot_stuff(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    for line in message.lines() {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// A header value in plain ASCII: as it is when it is, else an RFC 2047 encoded word
/// (`=?UTF-8?Q?…?=`), so that a Greek target name reaches the reader intact.
pub fn header_value(text: &str) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.is_ascii() {
        return text;
    }
    let mut out = String::from("=?UTF-8?Q?");
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b',' | b'-' => out.push(char::from(byte)),
            b' ' => out.push('_'),
            _ => out.push_str(&format!("={byte:02X}")),
        }
    }
    out.push_str("?=");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_starts_with_a_dot_gets_a_second_one() {
        assert_eq!(dot_stuff("one\n.\n..two\nthree."), "one\r\n..\r\n...two\r\nthree.\r\n");
        assert_eq!(dot_stuff("a\r\nb\r\n"), "a\r\nb\r\n");
    }

    #[test]
    fn headers_stay_ascii() {
        assert_eq!(header_value("Escalation GR-2026-000042"), "Escalation GR-2026-000042");
        assert_eq!(header_value("Αα b\r\n"), "=?UTF-8?Q?=CE=91=CE=B1_b__?=");
    }
}
