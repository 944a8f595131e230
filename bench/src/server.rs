//! Starting a real Homeward server the way an operator would: the `homeward` binary's admin
//! commands create an organisation, an operator and an API token, then `serve` runs on a free
//! port. The server is killed when [`Server`] is dropped, on every path out; the fault harness
//! also kills it on purpose and starts it again on the same port and database.

use std::fs::OpenOptions;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::time::{Instant, sleep};

use crate::client::Client;

const ORG: &str = "Bench Hotline";
/// The operator the load acts as.
pub const EMAIL: &str = "op@bench.example";
const NEW_PASSWORD: &str = "bench-password-for-load-tests";

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub token: String,
    /// The server's standard error, every run of it one after the other.
    pub log: PathBuf,
    bin: PathBuf,
    url: String,
}

/// Creates the accounts in a new database under `dir` and starts the server on it; returns once
/// the server answers `/healthz` and the operator may use the API.
pub async fn start(bin: &Path, dir: &Path) -> Result<Server> {
    start_on(bin, dir, &format!("sqlite://{}", dir.join("homeward.db").display())).await
}

/// As [`start`], on the new, empty database `url` names (SQLite or PostgreSQL); the server's log
/// goes under `dir`.
pub async fn start_on(bin: &Path, dir: &Path, url: &str) -> Result<Server> {
    let url = url.to_owned();
    admin(bin, &url, &["admin", "create-org", "--name", ORG, "--country", "GR"])?;
    let created = admin(bin, &url, &["admin", "create-user", "--org", ORG, "--email", EMAIL, "--role", "operator"])?;
    let password = created
        .lines()
        .find(|l| l.contains("one-time password"))
        .and_then(|l| l.rsplit(": ").next())
        .context("create-user printed no one-time password")?
        .to_owned();
    let printed = admin(bin, &url, &["admin", "create-token", "--email", EMAIL])?;
    let token = printed.lines().last().context("create-token printed nothing")?.trim().to_owned();
    let server = serve(bin, &url, dir, token).await?;

    // A new user must replace the one-time password before the API serves them.
    let body = serde_json::json!({"current_password": password, "new_password": NEW_PASSWORD}).to_string();
    let mut client = Client::connect(server.addr).await?;
    let response = client
        .send("POST", "/api/v1/me/password", Some(&server.token), body.as_bytes())
        .await
        .with_context(|| format!("the operator's first request failed; see {}", server.log.display()))?;
    if !(200..300).contains(&response.status) {
        bail!("changing the password answered {}: {}", response.status, String::from_utf8_lossy(&response.body));
    }
    Ok(server)
}

/// Starts a server on a database that already holds its users (a kept benchmark store), with a
/// new API token for `email`; its log goes under `dir`.
pub async fn start_existing(bin: &Path, dir: &Path, url: &str, email: &str) -> Result<Server> {
    let printed = admin(bin, url, &["admin", "create-token", "--email", email])?;
    let token = printed.lines().last().context("create-token printed nothing")?.trim().to_owned();
    serve(bin, url, dir, token).await
}

/// The demo's operator of the Greek hotline, whose desk the page benchmark reads.
pub const DEMO_OPERATOR: &str = "operator@gr.demo.homeward.example";

/// The demo's supervisor of the Greek hotline, who publishes the child alert of the alert
/// benchmark.
pub const DEMO_SUPERVISOR: &str = "supervisor@gr.demo.homeward.example";

/// Fills a new database under `dir` with `homeward demo --cases N` and starts the server on it,
/// with an API token for [`DEMO_OPERATOR`].
pub async fn start_demo(bin: &Path, dir: &Path, cases: u32) -> Result<Server> {
    let url = format!("sqlite://{}", dir.join("homeward.db").display());
    admin(bin, &url, &["demo", "--cases", &cases.to_string()])?;
    let printed = admin(bin, &url, &["admin", "create-token", "--email", DEMO_OPERATOR])?;
    let token = printed.lines().last().context("create-token printed nothing")?.trim().to_owned();
    serve(bin, &url, dir, token).await
}

async fn serve(bin: &Path, url: &str, dir: &Path, token: String) -> Result<Server> {
    let addr = free_port()?;
    let log = dir.join("server.log");
    let child = spawn(bin, url, addr, &log)?;
    let mut server = Server { child, addr, token, log, bin: bin.to_owned(), url: url.to_owned() };
    server.wait_ready().await?;
    Ok(server)
}

/// Runs `homeward serve` on `addr`, its standard error appended to `log`.
fn spawn(bin: &Path, url: &str, addr: SocketAddr, log: &Path) -> Result<Child> {
    let stderr = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("cannot open {}", log.display()))?;
    Command::new(bin)
        .args(["--database", url, "serve", "--bind", &addr.to_string()])
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))
}

impl Server {
    /// Kills the server with SIGKILL (no chance to finish anything) and waits until it is gone.
    pub fn sigkill(&mut self) -> Result<()> {
        self.child.kill().context("cannot kill the server")?;
        self.child.wait().context("cannot wait for the killed server")?;
        Ok(())
    }

    /// Starts the server again on the same port and database, after [`Server::sigkill`]; returns
    /// once it answers `/healthz`.
    pub async fn restart(&mut self) -> Result<()> {
        self.child = spawn(&self.bin, &self.url, self.addr, &self.log)?;
        self.wait_ready().await
    }

    /// Starts a second `homeward serve` on the same database, on a new port, with its log under
    /// `dir`: another instance of one system, which the same operator's token reaches.
    pub async fn another(&self, dir: &Path) -> Result<Server> {
        serve(&self.bin, &self.url, dir, self.token.clone()).await
    }

    /// The server process's id (the instance names its job leases after it: `pid{id}-…`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_ready(&mut self) -> Result<()> {
        // A server on a kept store of a million cases indexes every child before it listens,
        // which takes minutes; one that failed exits and is reported at once.
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            if let Some(status) = self.child.try_wait().context("cannot check the server process")? {
                bail!("the server exited with {status}; see {}", self.log.display());
            }
            if let Ok(mut client) = Client::connect(self.addr).await
                && client.send("GET", "/healthz", None, b"").await.is_ok_and(|r| r.status == 200)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the server did not answer /healthz within 10 minutes; see {}", self.log.display());
            }
            sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the server and returns the warnings and errors it logged.
    pub fn stop(mut self) -> Result<Vec<String>> {
        self.kill();
        let log = std::fs::read_to_string(&self.log).with_context(|| format!("cannot read {}", self.log.display()))?;
        Ok(log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")).map(str::to_owned).collect())
    }

    fn kill(&mut self) {
        // The server may have exited already; then there is nothing to kill.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs one `homeward` admin command and returns what it printed.
pub fn admin(bin: &Path, url: &str, args: &[&str]) -> Result<String> {
    let output = Command::new(bin)
        .arg("--database")
        .arg(url)
        .args(args)
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !output.status.success() {
        bail!("`homeward {}` failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    String::from_utf8(output.stdout).context("homeward printed text that is not UTF-8")
}

/// A port nobody listens on now. Another process could take it before the server binds it,
/// which on a benchmark machine is unlikely enough.
fn free_port() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free port")?;
    listener.local_addr().context("cannot read the free port")
}
