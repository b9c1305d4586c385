//! A small W3C WebDriver client over `ureq` and `serde_json`, for the end-to-end tests in [`crate::e2e`].
//!
//! [`ChromeDriver`] runs chromedriver on a free port and kills it when dropped.
//! [`Session`] is one browser session: navigate, find elements by CSS selector (polling, since Yew renders
//! asynchronously), click, clear, type, read text and attributes, run a script, take a screenshot.
//! Every command is one HTTP request to chromedriver: `POST /session/{id}/element` with
//! `{"using": "css selector", "value": …}` and so on, as in <https://www.w3.org/TR/webdriver2/>.
//! Responses are `{"value": …}`; an error is `{"value": {"error": "no such element", "message": …}}`.

use std::fs;
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// The key under which W3C WebDriver returns an element reference.
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long [`Session::find`] and [`Session::wait_for_text`] poll before giving up.
pub const FIND_TIMEOUT: Duration = Duration::from_secs(10);

/// The pause between two polls.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// How long chromedriver may take to answer `GET /status` with `ready: true`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(15);

/// The longest any one WebDriver request may take (starting Chromium is the slowest, about a second).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest response read (screenshots are the largest: a few hundred KiB of base64).
const MAX_RESPONSE: u64 = 64 * 1024 * 1024;

/// A failed WebDriver command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The HTTP request to chromedriver failed.
    #[error("{command}: {source}")]
    Http {
        /// The command, such as `POST /session/{id}/url`.
        command: String,
        /// What ureq reported.
        source: Box<ureq::Error>,
    },
    /// chromedriver answered with a W3C error.
    #[error("{command}: {error}: {message}")]
    Protocol {
        /// The command.
        command: String,
        /// The W3C error code, such as `no such element`.
        error: String,
        /// chromedriver's explanation (its first line only).
        message: String,
    },
    /// chromedriver answered with something that is not what the command returns.
    #[error("{command}: unexpected response `{body}`")]
    Malformed {
        /// The command.
        command: String,
        /// The response body, shortened.
        body: String,
    },
    /// Polling did not succeed in time.
    #[error("timed out after {}s waiting for {what}", .after.as_secs())]
    Timeout {
        /// What was awaited, such as "an element matching `h1`".
        what: String,
        /// How long we waited.
        after: Duration,
    },
    /// A local file or process operation failed.
    #[error("cannot {action}: {source}")]
    Io {
        /// What was being done.
        action: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// chromedriver exited before it was ready.
    #[error("chromedriver exited before it was ready ({status}); its log is `{}`", .log.display())]
    DriverExited {
        /// How it exited.
        status: String,
        /// Where its output went.
        log: PathBuf,
    },
}

/// End-to-end tests return `Result<(), String>`; this lets them use `?` on WebDriver calls.
impl From<Error> for String {
    fn from(error: Error) -> Self {
        error.to_string()
    }
}

/// Wraps an [`io::Error`] with what was being done, for `map_err`.
fn io_error(action: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
    let action = action.into();
    move |source| Error::Io { action, source }
}

/// A running chromedriver, killed when dropped.
#[derive(Debug)]
pub struct ChromeDriver {
    /// The chromedriver process.
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    url: String,
    /// The agent used to talk to it.
    agent: ureq::Agent,
}

impl ChromeDriver {
    /// Starts `program --port=PORT` on a free port, with its output going to the file `log`, and waits until it is
    /// ready.
    pub fn start(program: &Path, log: &Path) -> Result<Self, Error> {
        Self::start_with_timeout(program, log, REQUEST_TIMEOUT)
    }

    /// [`ChromeDriver::start`], with requests that may each take up to `request_timeout` (the benchmark runs
    /// scripts that take minutes; see also [`Session::set_timeouts`]).
    pub fn start_with_timeout(
        program: &Path,
        log: &Path,
        request_timeout: Duration,
    ) -> Result<Self, Error> {
        let port = free_port()?;
        let log_file =
            fs::File::create(log).map_err(io_error(format!("create `{}`", log.display())))?;
        let log_err = log_file
            .try_clone()
            .map_err(io_error(format!("open `{}`", log.display())))?;
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(io_error(format!("start `{}`", program.display())))?;
        let mut driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            agent: agent(request_timeout),
        };
        driver.wait_until_ready(log)?;
        Ok(driver)
    }

    /// Polls `GET /status` until chromedriver reports `ready`, or fails if it exits or takes too long.
    fn wait_until_ready(&mut self, log: &Path) -> Result<(), Error> {
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        loop {
            if let Ok(value) = request(&self.agent, &self.url, Method::Get, "/status", None)
                && value.get("ready") == Some(&Value::Bool(true))
            {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(Error::DriverExited {
                    status: status.to_string(),
                    log: log.to_owned(),
                });
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    what: format!("chromedriver to be ready at {}", self.url),
                    after: DRIVER_START_TIMEOUT,
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Killing fails only if it has exited already; waiting reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> Result<u16, Error> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(io_error("find a free port on 127.0.0.1"))?;
    let addr = listener
        .local_addr()
        .map_err(io_error("find a free port on 127.0.0.1"))?;
    Ok(addr.port())
}

/// The HTTP client: no proxy (chromedriver is local), errors as values, a generous timeout.
fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .new_agent()
}

/// The capabilities for `POST /session`: Chromium (at `chromium` if given) with `args`.
pub fn chrome_capabilities(chromium: Option<&Path>, args: &[String]) -> Value {
    let mut options = json!({ "args": args });
    if let (Some(chromium), Some(options)) = (chromium, options.as_object_mut()) {
        options.insert("binary".to_owned(), json!(chromium.to_string_lossy()));
    }
    json!({
        "capabilities": {
            "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
            }
        }
    })
}

/// An element reference, valid in the session that found it until the page replaces the element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(String);

/// One browser session; deleted (closing the browser) by [`Session::delete`] or, failing that, when dropped.
#[derive(Debug)]
pub struct Session {
    /// The agent used to talk to chromedriver.
    agent: ureq::Agent,
    /// chromedriver's URL.
    driver: String,
    /// `/session/{id}`.
    path: String,
    /// Whether `DELETE /session/{id}` has been sent.
    deleted: bool,
}

impl Session {
    /// Starts a browser with `capabilities` (see [`chrome_capabilities`]).
    pub fn new(driver: &ChromeDriver, capabilities: &Value) -> Result<Self, Error> {
        let value = request(
            &driver.agent,
            &driver.url,
            Method::Post,
            "/session",
            Some(capabilities),
        )?;
        let id = session_id(&value).ok_or_else(|| malformed("POST /session", &value))?;
        Ok(Self {
            agent: driver.agent.clone(),
            driver: driver.url.clone(),
            path: format!("/session/{id}"),
            deleted: false,
        })
    }

    /// Navigates to `url` and waits for the page to load (the document, not Yew's first render).
    pub fn goto(&self, url: &str) -> Result<(), Error> {
        self.post("/url", &json!({ "url": url })).map(drop)
    }

    /// The first element matching the CSS `selector`, polling for up to [`FIND_TIMEOUT`].
    pub fn find(&self, selector: &str) -> Result<Element, Error> {
        poll(&format!("an element matching `{selector}`"), || {
            self.try_find(selector)
        })
    }

    /// The first element matching the CSS `selector` right now, if any.
    pub fn try_find(&self, selector: &str) -> Result<Option<Element>, Error> {
        let body = json!({ "using": "css selector", "value": selector });
        match self.post("/element", &body) {
            Ok(value) => element(&value)
                .map(Some)
                .ok_or_else(|| self.malformed("POST", "/element", &value)),
            Err(Error::Protocol { error, .. }) if error == "no such element" => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Waits until an element matching `selector` has a text containing `needle`, and returns that text.
    ///
    /// The element is looked up again on every poll, so a re-render that replaces it does no harm.
    pub fn wait_for_text(&self, selector: &str, needle: &str) -> Result<String, Error> {
        let what = format!("an element matching `{selector}` to contain `{needle}`");
        poll(&what, || {
            let Some(found) = self.try_find(selector)? else {
                return Ok(None);
            };
            match self.text(&found) {
                Ok(text) if text.contains(needle) => Ok(Some(text)),
                Ok(_) => Ok(None),
                Err(Error::Protocol { error, .. }) if error == "stale element reference" => {
                    Ok(None)
                }
                Err(error) => Err(error),
            }
        })
    }

    /// Clicks the element.
    pub fn click(&self, element: &Element) -> Result<(), Error> {
        self.post(&format!("/element/{}/click", element.0), &json!({}))
            .map(drop)
    }

    /// Types `text` into the element, as key presses.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<(), Error> {
        self.post(
            &format!("/element/{}/value", element.0),
            &json!({ "text": text }),
        )
        .map(drop)
    }

    /// The element's rendered text.
    pub fn text(&self, element: &Element) -> Result<String, Error> {
        let command = format!("/element/{}/text", element.0);
        let value = self.get(&command)?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.malformed("GET", &command, &value))
    }

    /// The element's attribute `name`, or `None` when it has none.
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>, Error> {
        let command = format!("/element/{}/attribute/{name}", element.0);
        match self.get(&command)? {
            Value::Null => Ok(None),
            Value::String(value) => Ok(Some(value)),
            other => Err(self.malformed("GET", &command, &other)),
        }
    }

    /// Runs `script` (a function body; `arguments[0]` … are `args`) in the page and returns its result.
    ///
    /// Prefer the element commands: a test that needs a script is usually testing the DOM, not the app.
    pub fn execute(&self, script: &str, args: &[Value]) -> Result<Value, Error> {
        self.post("/execute/sync", &json!({ "script": script, "args": args }))
    }

    /// Runs the asynchronous `script` (a function body whose last argument is the callback that returns its result)
    /// in the page and returns what it passed to the callback.
    pub fn execute_async(&self, script: &str, args: &[Value]) -> Result<Value, Error> {
        self.post("/execute/async", &json!({ "script": script, "args": args }))
    }

    /// How long a script run by [`Session::execute`] or [`Session::execute_async`] may take (the W3C default is
    /// 30 s), and a page load (300 s).
    pub fn set_timeouts(&self, script: Duration, page_load: Duration) -> Result<(), Error> {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        self.post(
            "/timeouts",
            &json!({ "script": ms(script), "pageLoad": ms(page_load) }),
        )
        .map(drop)
    }

    /// Saves a PNG screenshot of the viewport to `path`, creating its directory.
    pub fn screenshot(&self, path: &Path) -> Result<(), Error> {
        let value = self.get("/screenshot")?;
        let decode = |base64: &str| {
            base64::engine::general_purpose::STANDARD
                .decode(base64)
                .ok()
        };
        let png = value
            .as_str()
            .and_then(decode)
            .ok_or_else(|| self.malformed("GET", "/screenshot", &value))?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_error(format!("create `{}`", dir.display())))?;
        }
        fs::write(path, png).map_err(io_error(format!("write `{}`", path.display())))
    }

    /// Ends the session, closing the browser.
    pub fn delete(mut self) -> Result<(), Error> {
        self.deleted = true;
        request(&self.agent, &self.driver, Method::Delete, &self.path, None).map(drop)
    }

    /// An error for a response to `METHOD /session/{id}{command}` whose value is not what the command returns.
    fn malformed(&self, method: &str, command: &str, value: &Value) -> Error {
        malformed(&format!("{method} {}{command}", self.path), value)
    }

    /// `GET /session/{id}{command}`.
    fn get(&self, command: &str) -> Result<Value, Error> {
        let path = format!("{}{command}", self.path);
        request(&self.agent, &self.driver, Method::Get, &path, None)
    }

    /// `POST /session/{id}{command}` with a JSON body.
    fn post(&self, command: &str, body: &Value) -> Result<Value, Error> {
        let path = format!("{}{command}", self.path);
        request(&self.agent, &self.driver, Method::Post, &path, Some(body))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.deleted {
            // Best effort: the browser would otherwise outlive the test; chromedriver's end closes it too.
            let _ = request(&self.agent, &self.driver, Method::Delete, &self.path, None);
        }
    }
}

/// Calls `attempt` until it gives `Some`, an error, or [`FIND_TIMEOUT`] passes.
fn poll<T>(what: &str, mut attempt: impl FnMut() -> Result<Option<T>, Error>) -> Result<T, Error> {
    let deadline = Instant::now() + FIND_TIMEOUT;
    loop {
        if let Some(found) = attempt()? {
            return Ok(found);
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: what.to_owned(),
                after: FIND_TIMEOUT,
            });
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// The HTTP methods WebDriver uses.
#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Delete,
}

/// Sends one WebDriver command and returns the `value` of its response.
fn request(
    agent: &ureq::Agent,
    driver: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, Error> {
    let url = format!("{driver}{path}");
    let (name, sent) = match method {
        Method::Get => ("GET", agent.get(&url).call()),
        Method::Delete => ("DELETE", agent.delete(&url).call()),
        Method::Post => (
            "POST",
            agent
                .post(&url)
                .header("Content-Type", "application/json; charset=utf-8")
                .send(body.unwrap_or(&Value::Null).to_string()),
        ),
    };
    let command = format!("{name} {path}");
    let http = |source| Error::Http {
        command: command.clone(),
        source: Box::new(source),
    };
    let mut response = sent.map_err(http)?;
    let success = response.status().is_success();
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE)
        .read_to_string()
        .map_err(http)?;
    parse_response(&command, success, &text)
}

/// Reads a WebDriver response body: its `value`, or the W3C error it carries.
fn parse_response(command: &str, success: bool, body: &str) -> Result<Value, Error> {
    let parsed: Value = serde_json::from_str(body).map_err(|_| Error::Malformed {
        command: command.to_owned(),
        body: shorten(body),
    })?;
    let value = parsed.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        let message = value.get("message").and_then(Value::as_str).unwrap_or("");
        return Err(Error::Protocol {
            command: command.to_owned(),
            error: error.to_owned(),
            message: message.lines().next().unwrap_or("").to_owned(),
        });
    }
    if !success || parsed.get("value").is_none() {
        return Err(Error::Malformed {
            command: command.to_owned(),
            body: shorten(body),
        });
    }
    Ok(value)
}

/// The session id in the value of a `POST /session` response.
fn session_id(value: &Value) -> Option<&str> {
    value.get("sessionId")?.as_str()
}

/// The element reference in the value of a find-element response.
fn element(value: &Value) -> Option<Element> {
    let id = value.get(ELEMENT_KEY)?.as_str()?;
    Some(Element(id.to_owned()))
}

/// An error for a response whose value is not what `command` (such as `POST /session`) returns.
fn malformed(command: &str, value: &Value) -> Error {
    Error::Malformed {
        command: command.to_owned(),
        body: shorten(&value.to_string()),
    }
}

/// The first 200 characters of `text`, for messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or(text)),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::{
        ELEMENT_KEY, Element, Error, chrome_capabilities, element, parse_response, session_id,
        shorten,
    };

    #[test]
    fn capabilities_name_the_binary_and_args() {
        let args = vec!["--headless=new".to_owned(), "--no-sandbox".to_owned()];
        assert_eq!(
            chrome_capabilities(Some(Path::new("/usr/bin/chromium")), &args),
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": ["--headless=new", "--no-sandbox"]}
            }}})
        );
        assert_eq!(
            chrome_capabilities(None, &[]),
            json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {"args": []}
            }}})
        );
    }

    #[test]
    fn values_are_unwrapped() {
        let new_session =
            r#"{"value": {"sessionId": "abc123", "capabilities": {"browserName": "chrome"}}}"#;
        let value = parse_response("POST /session", true, new_session).unwrap();
        assert_eq!(session_id(&value), Some("abc123"));

        let found = format!(r#"{{"value": {{"{ELEMENT_KEY}": "f.1.2"}}}}"#);
        let value = parse_response("POST /session/abc123/element", true, &found).unwrap();
        assert_eq!(element(&value), Some(Element("f.1.2".to_owned())));

        let text = parse_response("GET …/text", true, r#"{"value": "AVNM Playground"}"#).unwrap();
        assert_eq!(text, json!("AVNM Playground"));
        let nothing = parse_response("POST …/click", true, r#"{"value": null}"#).unwrap();
        assert_eq!(nothing, json!(null));
        assert_eq!(element(&nothing), None);
        assert_eq!(session_id(&json!({"sessionId": 7})), None);
    }

    #[test]
    fn w3c_errors_become_protocol_errors() {
        let body = r#"{"value": {"error": "no such element", "message": "no such element: Unable to locate element\n  (Session info: chrome=156)", "stacktrace": "…"}}"#;
        let error = parse_response("POST /session/1/element", false, body).unwrap_err();
        assert!(
            matches!(&error, Error::Protocol { error, message, .. }
                if error == "no such element" && message == "no such element: Unable to locate element"),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "POST /session/1/element: no such element: no such element: Unable to locate element"
        );
    }

    #[test]
    fn other_responses_are_malformed() {
        for (success, body) in [
            (true, "<html>not json</html>"),
            (true, r#"{"status": 0}"#),
            (false, r#"{"value": "teapot"}"#),
        ] {
            let error = parse_response("GET /status", success, body).unwrap_err();
            assert!(
                matches!(error, Error::Malformed { .. }),
                "{body}: {error:?}"
            );
        }
    }

    #[test]
    fn long_bodies_are_shortened() {
        assert_eq!(shorten("short"), "short");
        let long = "é".repeat(300);
        assert_eq!(shorten(&long), format!("{}…", "é".repeat(200)));
    }
}
