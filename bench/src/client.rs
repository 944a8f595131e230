//! A minimal HTTP/1.1 client over one keep-alive TCP connection: it sends a request with a
//! Content-Length body and reads one response framed by Content-Length. That is all Homeward's
//! JSON API needs, and it keeps the load generator's own cost small and visible.

use std::io::Write as _;
use std::net::SocketAddr;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// The server said `Connection: close`; the connection must not be reused.
    pub close: bool,
    /// The `name=value` part of a `Set-Cookie` header, if the server sent one.
    pub cookie: Option<String>,
}

pub struct Client {
    stream: TcpStream,
    /// Bytes read but not yet consumed by a response.
    buf: Vec<u8>,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Result<Self> {
        let stream = TcpStream::connect(addr).await.with_context(|| format!("cannot connect to {addr}"))?;
        // Requests are small and answered one at a time; Nagle's algorithm would only add delay.
        stream.set_nodelay(true).context("cannot set TCP_NODELAY")?;
        Ok(Self { stream, buf: Vec::with_capacity(16 * 1024) })
    }

    /// Sends one request and waits for its response. `body` is sent as JSON when not empty.
    pub async fn send(&mut self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> Result<Response> {
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        self.send_with(method, path, &auth, body).await
    }

    /// Sends one request as a browser with this session cookie (`name=value`).
    pub async fn send_cookie(&mut self, method: &str, path: &str, cookie: &str, body: &[u8]) -> Result<Response> {
        self.send_with(method, path, &format!("Cookie: {cookie}\r\n"), body).await
    }

    async fn send_with(&mut self, method: &str, path: &str, auth: &str, body: &[u8]) -> Result<Response> {
        let mut request = Vec::with_capacity(256 + body.len());
        write!(request, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n", body.len())?;
        if !body.is_empty() {
            request.extend_from_slice(b"Content-Type: application/json\r\n");
        }
        request.extend_from_slice(auth.as_bytes());
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(body);
        self.stream.write_all(&request).await.context("cannot send the request")?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> Result<Response> {
        let head_len = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_len]).context("the response head is not UTF-8")?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("malformed status line `{status_line}`"))?;
        let (mut length, mut close, mut cookie) = (0, false, None);
        for (name, value) in lines.filter_map(|l| l.split_once(':')) {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().with_context(|| format!("bad Content-Length `{value}`"))?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                bail!("the server sent Transfer-Encoding: {value}, which this client does not read");
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
                close = true;
            } else if name.eq_ignore_ascii_case("set-cookie") {
                cookie = value.split(';').next().map(str::to_owned);
            }
        }
        while self.buf.len() < head_len + length {
            self.fill().await?;
        }
        let body = self.buf[head_len..head_len + length].to_vec();
        self.buf.drain(..head_len + length);
        Ok(Response { status, body, close, cookie })
    }

    async fn fill(&mut self) -> Result<()> {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk).await.context("cannot read the response")?;
        if n == 0 {
            bail!("the server closed the connection");
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}
