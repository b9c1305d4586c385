//! `cargo xtask serve`: a tiny static file server for `dist/`, also used by the end-to-end tests.
//!
//! It listens on 127.0.0.1 only, answers `GET` and `HEAD`, maps `/` (and any directory) to its `index.html`,
//! sends an explicit `Content-Type` (`application/wasm` for the app, so that Chromium can compile it while it
//! streams) and `Cache-Control: no-cache`, so that a reload always picks up a rebuilt bundle.
//! Request paths are percent-decoded once and refused when they hold a `..` segment, a backslash or a NUL, so nothing
//! outside the served directory can be read.

use std::borrow::Cow;
use std::fmt;
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::dist::{Profile, WasmOpt, dist};
use crate::error::{Error, shown};

/// `cargo xtask serve`: builds the release bundle, then serves it on `http://127.0.0.1:PORT/` until interrupted.
pub fn serve(port: u16) -> Result<(), Error> {
    let dir = dist(Profile::Release, WasmOpt::Run)?;
    let listener = bind(&format!("127.0.0.1:{port}"))?;
    let url = base_url(&listener);
    println!("serving {} on {url} (Ctrl-C to stop)", shown(&dir));
    accept_connections(&listener, &dir, &AtomicBool::new(false), true);
    Ok(())
}

/// A server answering from background threads, for the end-to-end tests; dropping it stops accepting.
pub struct Background {
    /// Where it listens.
    addr: SocketAddr,
    /// Set before the accepting thread is woken, so that it knows to stop.
    stop: Arc<AtomicBool>,
    /// The thread accepting connections (each connection has a thread of its own, which ends with it).
    accepting: Option<JoinHandle<()>>,
    /// `http://127.0.0.1:PORT/`.
    url: String,
}

impl Background {
    /// Serves `dir` on 127.0.0.1 at a free port, quietly.
    pub fn start(dir: &Path) -> Result<Self, Error> {
        let listener = bind("127.0.0.1:0")?;
        let addr = listener.local_addr().map_err(|error| Error::Serve {
            addr: "127.0.0.1:0".to_owned(),
            reason: error.to_string(),
        })?;
        let url = base_url(&listener);
        let stop = Arc::new(AtomicBool::new(false));
        let accepting = {
            let (stop, dir) = (Arc::clone(&stop), dir.to_owned());
            thread::spawn(move || accept_connections(&listener, &dir, &stop, false))
        };
        Ok(Self {
            addr,
            stop,
            accepting: Some(accepting),
            url,
        })
    }

    /// The root URL of the served directory, ending in `/`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl fmt::Debug for Background {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Background")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // `accept` blocks: a connection of our own wakes it to see `stop`.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.accepting.take() {
            // A panic in the thread has already been printed; there is nothing more to report.
            let _ = thread.join();
        }
    }
}

/// Starts listening on `addr`.
fn bind(addr: &str) -> Result<TcpListener, Error> {
    TcpListener::bind(addr).map_err(|error| Error::Serve {
        addr: addr.to_owned(),
        reason: error.to_string(),
    })
}

/// `http://IP:PORT/` of a listening socket.
fn base_url(listener: &TcpListener) -> String {
    match listener.local_addr() {
        Ok(SocketAddr::V6(addr)) => format!("http://[{}]:{}/", addr.ip(), addr.port()),
        Ok(SocketAddr::V4(addr)) => format!("http://{addr}/"),
        Err(_) => "http://127.0.0.1/".to_owned(),
    }
}

/// How long a kept-alive connection may stay silent before it is closed (browsers keep idle connections for
/// minutes; a thread per connection is cheap, a thread per connection forever is not).
const IDLE: Duration = Duration::from_secs(60);

/// The most a request's head (request line and headers) may take.
const MAX_HEAD: usize = 64 * 1024;

/// Accepts connections until `stop` is set, each answered on a thread of its own, so that no connection waits
/// for another (browsers open six at once and keep them alive); logs each request if `log`.
fn accept_connections(listener: &TcpListener, dir: &Path, stop: &AtomicBool, log: bool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            Ok(stream) => {
                let dir = dir.to_owned();
                thread::spawn(move || {
                    // The browser may have gone away; there is no one left to tell.
                    let _ = answer_connection(stream, &dir, log);
                });
            }
            Err(error) => eprintln!("serve: {error}"),
        }
    }
}

/// A request as far as a static file server reads it.
struct Head {
    method: String,
    target: String,
    /// The client asked to close the connection after the answer (`Connection: close`, or HTTP/1.0 without
    /// `keep-alive`).
    close: bool,
    /// The request has a body (which this server does not read).
    body: bool,
}

/// Answers the requests of one connection in order until the client closes it, asks to, or stays silent for
/// [`IDLE`].
fn answer_connection(mut stream: TcpStream, dir: &Path, log: bool) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    stream.set_nodelay(true)?;
    let mut received = Vec::new();
    let mut buffer = [0; 8192];
    loop {
        let (head, length) = loop {
            match read_head(&received) {
                Ok(Some(parsed)) => break parsed,
                Ok(None) if received.len() > MAX_HEAD => {
                    return respond(
                        &mut stream,
                        431,
                        TEXT,
                        b"request head too large\n",
                        true,
                        false,
                    );
                }
                Ok(None) => {}
                Err(()) => return respond(&mut stream, 400, TEXT, b"bad request\n", true, false),
            }
            let n = stream.read(&mut buffer)?;
            if n == 0 {
                return Ok(());
            }
            received.extend_from_slice(buffer.get(..n).unwrap_or_default());
        };
        received.drain(..length);
        let (status, content_type, body) = if head.body {
            (
                400,
                TEXT,
                b"a request with a body is not served here\n".to_vec(),
            )
        } else if matches!(head.method.as_str(), "GET" | "HEAD") {
            match request_path(&head.target) {
                Some(path) => read(dir, &path),
                None => (400, TEXT, b"bad request path\n".to_vec()),
            }
        } else {
            (405, TEXT, b"only GET and HEAD are allowed\n".to_vec())
        };
        if log {
            eprintln!("serve: {} {} -> {status}", head.method, head.target);
        }
        // After a body that was not read, the next request's start is unknown: the connection closes.
        let close = head.close || head.body;
        respond(
            &mut stream,
            status,
            content_type,
            &body,
            close,
            head.method == "HEAD",
        )?;
        if close {
            return Ok(());
        }
    }
}

/// Parses a request head from the start of `received`: the head and its length, `None` while it is incomplete,
/// `Err` when it is not HTTP.
fn read_head(received: &[u8]) -> Result<Option<(Head, usize)>, ()> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    let length = match request.parse(received) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(()),
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    let close = connection.contains("close")
        || (request.version == Some(0) && !connection.contains("keep-alive"));
    let body = header("transfer-encoding").is_some()
        || header("content-length").is_some_and(|n| n.trim() != "0");
    let head = Head {
        method: request.method.unwrap_or_default().to_owned(),
        target: request.path.unwrap_or_default().to_owned(),
        close,
        body,
    };
    Ok(Some((head, length)))
}

/// Writes one response: status, the headers every answer has, and the body unless `head_only`.
fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    close: bool,
    head_only: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Request Header Fields Too Large",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nAllow: GET, HEAD\r\nConnection: {}\r\n\r\n",
        body.len(),
        if close { "close" } else { "keep-alive" }
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// The content type of error responses.
const TEXT: &str = "text/plain; charset=utf-8";

/// Reads the file at the relative `path` under `dir` (a directory means its `index.html`):
/// the status, content type and body of the response.
fn read(dir: &Path, path: &Path) -> (u16, &'static str, Vec<u8>) {
    let mut file = dir.join(path);
    if file.is_dir() {
        file.push("index.html");
    }
    // `request_path` already refuses `..`; this also keeps symbolic links from leading out of `dir`.
    let inside = match (file.canonicalize(), dir.canonicalize()) {
        (Ok(file), Ok(dir)) => file.starts_with(dir),
        _ => false,
    };
    match fs::read(&file) {
        Ok(body) if inside => (200, mime_type(&file), body),
        _ => (404, TEXT, b"not found\n".to_vec()),
    }
}

/// The content type sent for a file, by its extension (`application/octet-stream` for unknown ones).
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Turns a request target such as `/static/style.css?v=1` into a relative path such as `static/style.css`.
///
/// The query and fragment are dropped, the path is percent-decoded, and empty and `.` segments are skipped.
/// A path that ends in `/` (including `/` itself) gets `index.html` appended.
/// Gives `None` for a path that does not start with `/`, that is not valid UTF-8 once decoded, or that holds a `..`
/// segment, a backslash or a NUL: these could name files outside the served directory.
pub fn request_path(target: &str) -> Option<PathBuf> {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    let raw = target.get(..end)?.strip_prefix('/')?;
    let decoded = percent_decode(raw)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut path = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            _ => path.push(segment),
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        path.push("index.html");
    }
    Some(path)
}

/// Decodes `%XX` escapes; gives `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = tail.get(2..)?;
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok().map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Background, mime_type, request_path};

    /// A fresh directory under the system's temporary one, holding an `index.html` of `<!doctype html>`.
    fn site(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        dir
    }

    /// `127.0.0.1:PORT` of a server.
    fn address(server: &Background) -> String {
        server
            .url()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    }

    #[track_caller]
    fn check(target: &str, expected: Option<&str>) {
        assert_eq!(
            request_path(target),
            expected.map(PathBuf::from),
            "request target {target:?}"
        );
    }

    #[test]
    fn paths_map_into_the_served_directory() {
        check("/", Some("index.html"));
        check("/index.html", Some("index.html"));
        check("/avnm-web_bg.wasm", Some("avnm-web_bg.wasm"));
        check("/static/style.css", Some("static/style.css"));
        check("/static/", Some("static/index.html"));
        check(
            "/static/examples/a.json?v=2#top",
            Some("static/examples/a.json"),
        );
        check("/?reload", Some("index.html"));
        check("//static//./style.css", Some("static/style.css"));
        check("/a%20b.json", Some("a b.json"));
        check("/%C3%A9t%C3%A9.txt", Some("été.txt"));
    }

    #[test]
    fn paths_that_could_leave_the_directory_are_refused() {
        check("/..", None);
        check("/../etc/passwd", None);
        check("/static/../../secret", None);
        check("/static/..", None);
        check("/%2e%2e/etc/passwd", None);
        check("/%2E%2E%2Fetc%2Fpasswd", None);
        check("/static%2f..%2f..%2fsecret", None);
        check("/..%5c..%5csecret", None);
        check("/a%00.html", None);
        check("/a\\b", None);
        check("relative/path", None);
        check("", None);
        check("http://example.com/", None);
    }

    #[test]
    fn malformed_escapes_are_refused() {
        check("/%", None);
        check("/%2", None);
        check("/%zz", None);
        check("/%ff", None);
        check("/%C3", None);
    }

    #[test]
    fn dots_inside_names_are_fine() {
        check("/..hidden", Some("..hidden"));
        check("/a..b/c.", Some("a..b/c."));
        check("/.well-known/x", Some(".well-known/x"));
    }

    #[test]
    fn mime_types() {
        for (file, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("avnm-web.js", "text/javascript; charset=utf-8"),
            ("avnm-web_bg.wasm", "application/wasm"),
            ("static/style.css", "text/css; charset=utf-8"),
            ("static/examples/hub.json", "application/json"),
            ("static/icon.svg", "image/svg+xml"),
            ("static/ICON.SVG", "image/svg+xml"),
            ("static/icon.png", "image/png"),
            ("README", "application/octet-stream"),
            ("archive.tar.gz", "application/octet-stream"),
        ] {
            assert_eq!(mime_type(Path::new(file)), expected, "file {file}");
        }
    }

    /// Starts the server on a temporary directory and requests a few paths over real HTTP.
    #[test]
    fn serves_files_with_headers_and_refuses_the_rest() {
        let dir = site("test");
        std::fs::create_dir_all(dir.join("static")).unwrap();
        std::fs::write(dir.join("app.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join("static/style.css"), "body{}").unwrap();

        let server = Background::start(&dir).unwrap();
        let agent = ureq::Agent::new_with_defaults();
        let get = |path: &str| {
            let url = format!("{}{path}", server.url().trim_end_matches('/'));
            match agent.get(&url).call() {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let header = |name: &str| {
                        response
                            .headers()
                            .get(name)
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    let (content_type, cache) = (header("content-type"), header("cache-control"));
                    let body = response.body_mut().read_to_string().unwrap();
                    (status, content_type, cache, body)
                }
                Err(ureq::Error::StatusCode(status)) => {
                    (status, String::new(), String::new(), String::new())
                }
                Err(error) => panic!("GET {url}: {error}"),
            }
        };

        let (status, content_type, cache, body) = get("/");
        assert_eq!((status, body.as_str()), (200, "<!doctype html>"));
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert_eq!(cache, "no-cache");
        assert_eq!(get("/app.wasm").1, "application/wasm");
        assert_eq!(get("/static/style.css").3, "body{}");
        assert_eq!(get("/missing.js").0, 404);
        assert_eq!(get("/static/%2e%2e/%2e%2e/etc/passwd").0, 400);

        drop(server);
        std::fs::remove_dir_all(&dir).unwrap();
    }
    /// What a browser does on a first page: several keep-alive connections opened at once, each asking for a
    /// file and staying open afterwards. Every one is answered (within 10 s: the answers take milliseconds). With
    /// `tiny_http`'s task pool, connections opened in a burst could wait in its queue until an earlier keep-alive
    /// connection closed, minutes later: the page's wasm was never answered (a first page that hung in the
    /// end-to-end tests, and could in `cargo xtask serve`). Each connection now has a thread of its own.
    #[test]
    fn a_burst_of_keep_alive_connections_is_answered() {
        use std::io::{Read as _, Write as _};
        use std::net::TcpStream;
        use std::time::{Duration, Instant};

        let dir = site("burst");
        for round in 0..5 {
            let server = Background::start(&dir).unwrap();
            let address = address(&server);
            let mut streams: Vec<TcpStream> = (0..12)
                .map(|_| TcpStream::connect(&address).unwrap())
                .collect();
            for stream in &mut streams {
                stream
                    .write_all(b"GET / HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n")
                    .unwrap();
            }
            let deadline = Instant::now() + Duration::from_secs(10);
            for (i, stream) in streams.iter_mut().enumerate() {
                let mut received = Vec::new();
                let mut buffer = [0; 4096];
                while !received.ends_with(b"<!doctype html>") {
                    let left = deadline.saturating_duration_since(Instant::now());
                    assert!(
                        !left.is_zero(),
                        "round {round}: connection {i} not answered in 10 s"
                    );
                    stream.set_read_timeout(Some(left)).unwrap();
                    match stream.read(&mut buffer) {
                        Ok(0) => panic!("round {round}: connection {i} closed unanswered"),
                        Ok(n) => received.extend_from_slice(&buffer[..n]),
                        Err(error) => panic!("round {round}: connection {i}: {error}"),
                    }
                }
                assert!(
                    received.starts_with(b"HTTP/1.1 200"),
                    "round {round}: connection {i}"
                );
            }
            drop(streams);
            drop(server);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    /// Requests sent one after the other on one connection are answered in order; `HEAD` gets the headers of
    /// `GET` without the body; other methods get 405; `Connection: close` closes it after the answer.
    #[test]
    fn one_connection_answers_its_requests_in_order() {
        use std::io::{Read as _, Write as _};
        use std::net::TcpStream;

        let dir = site("order");
        let server = Background::start(&dir).unwrap();
        let address = address(&server);
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream
            .write_all(
                b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n\
                  DELETE /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            )
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, delete) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(head.contains("\r\nContent-Length: 15\r\n"), "{answer}");
        assert!(head.contains("\r\nConnection: keep-alive"), "{answer}");
        assert!(delete.starts_with("HTTP/1.1 405 "), "{answer}");
        assert!(delete.contains("\r\nConnection: close\r\n"), "{answer}");
        assert!(
            delete.ends_with("only GET and HEAD are allowed\n"),
            "{answer}"
        );
        assert!(!answer.contains("<!doctype"), "{answer}");
        drop(server);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
