//! A tiny W3C WebDriver client (JSON over HTTP) driving Debian's headless Chromium through
//! `chromedriver`: a new driver on a free port per test, its `/status` awaited, the browser
//! session deleted and the driver killed when the test ends (even by a panic).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a test waits for anything the browser shows (a busy machine is slow, never wrong).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// An executable found on `PATH` (or in `/usr/bin`).
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A browser session on a `chromedriver` of its own.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    client: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `chromedriver` and a headless Chromium; `None` when they are missing and
    /// `MEDIASCAN_SKIP_BROWSER=1` allows skipping (without it, a missing browser fails the test).
    pub async fn start(test: &str) -> Option<Self> {
        let (Some(driver), Some(chromium)) =
            (program("chromedriver"), program("chromium").or_else(|| program("chromium-browser")))
        else {
            testkit::unavailable(
                testkit::Resource::Browser,
                test,
                "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
            );
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
        let mut browser = Self {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            client,
            _profile: profile,
        };
        let started = Instant::now();
        loop {
            let status = browser.client.get(format!("{}/status", browser.base)).send().await;
            if let Ok(response) = status
                && let Ok(body) = response.json::<Value>().await
                && body["value"]["ready"] == true
            {
                break;
            }
            assert!(started.elapsed() < DEADLINE, "chromedriver did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                         "--disable-dev-shm-usage", format!("--user-data-dir={}", browser._profile.path().display())],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        } } });
        let session = browser.raw("POST", "/session", Some(capabilities)).await;
        browser.session = session["sessionId"].as_str().expect("no session id").to_owned();
        Some(browser)
    }

    /// One WebDriver command; an error answer fails the test with its message.
    async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.client.get(url),
            "DELETE" => self.client.delete(url),
            _ => self.client.post(url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let response = request.send().await.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "WebDriver {method} {path}: {status} {}", value["value"]);
        value["value"].clone()
    }

    async fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.raw(method, &format!("/session/{}{path}", self.session), body).await
    }

    pub async fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url }))).await;
    }

    /// Resizes the window (a phone's is about 390 × 844).
    pub async fn resize(&self, width: u32, height: u32) {
        self.command("POST", "/window/rect", Some(json!({ "width": width, "height": height }))).await;
    }

    /// Makes pages see `prefers-color-scheme: dark` (or light), through Chromium's DevTools.
    pub async fn color_scheme(&self, scheme: &str) {
        let params = json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
        let command = json!({ "cmd": "Emulation.setEmulatedMedia", "params": params });
        self.command("POST", "/goog/cdp/execute", Some(command)).await;
    }

    pub async fn url(&self) -> String {
        self.command("GET", "/url", None).await.as_str().unwrap_or_default().to_owned()
    }

    /// The first element `css` selects; fails the test when there is none.
    pub async fn find(&self, css: &str) -> String {
        let found =
            self.command("POST", "/element", Some(json!({ "using": "css selector", "value": css }))).await;
        found[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css:?}: {found}")).to_owned()
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.command("POST", &format!("/element/{element}/click"), None).await;
    }

    /// Replaces the text of the input `css` selects.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command("POST", &format!("/element/{element}/clear"), None).await;
        self.command("POST", &format!("/element/{element}/value"), Some(json!({ "text": text }))).await;
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.command("GET", &format!("/element/{element}/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.command("POST", "/execute/sync", Some(json!({ "script": script, "args": args }))).await
    }

    /// Runs `script` that calls `arguments[arguments.length - 1]` with its result.
    pub async fn script_async(&self, script: &str) -> Value {
        self.command("POST", "/execute/async", Some(json!({ "script": script, "args": [] }))).await
    }

    /// Waits until the expression `condition` is true in the page.
    pub async fn wait_for(&self, what: &str, condition: &str) {
        let started = Instant::now();
        let script = format!("try {{ return !!({condition}); }} catch (e) {{ return false; }}");
        while self.script(&script, json!([])).await != Value::Bool(true) {
            assert!(
                started.elapsed() < DEADLINE,
                "{what}: not within {DEADLINE:?} (at {})",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the window to `target/screenshots/<name>.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.command("GET", "/screenshot", None).await;
        let png =
            base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap_or_default()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Errors the page's console received since the last call (`SEVERE` entries of the browser
    /// log: uncaught exceptions, `console.error`, failed loads).
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self.command("POST", "/se/log", Some(json!({ "type": "browser" }))).await;
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// `target/screenshots`, beside this test binary's profile folder.
fn screenshots_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir);
    target.join("screenshots")
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Plain HTTP: the async client cannot run here, and the browser must not outlive us.
        if !self.session.is_empty()
            && let Ok(mut stream) = std::net::TcpStream::connect(self.base.trim_start_matches("http://"))
        {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
