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
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

use tiny_http::{Header, Method, Request, Response};

use crate::dist::{Profile, WasmOpt, dist};
use crate::error::{Error, shown};

/// `cargo xtask serve`: builds the release bundle, then serves it on `http://127.0.0.1:PORT/` until interrupted.
pub fn serve(port: u16) -> Result<(), Error> {
    let dir = dist(Profile::Release, WasmOpt::Run)?;
    let server = bind(&format!("127.0.0.1:{port}"))?;
    let url = base_url(&server);
    println!("serving {} on {url} (Ctrl-C to stop)", shown(&dir));
    answer_requests(&server, &dir, &AtomicBool::new(false), true);
    Ok(())
}

/// A server answering from a background thread, for the end-to-end tests; dropping it stops the thread.
pub struct Background {
    /// The server, shared with the thread.
    server: Arc<tiny_http::Server>,
    /// Set before the thread is unblocked, so that it knows to stop.
    stop: Arc<AtomicBool>,
    /// The threads answering requests.
    threads: Vec<JoinHandle<()>>,
    /// `http://127.0.0.1:PORT/`.
    url: String,
}

impl Background {
    /// Serves `dir` on 127.0.0.1 at a free port, quietly, with four threads answering (with one, a page now and
    /// then never got its wasm: see [`Background::start_with_threads`]; the end-to-end flows whose first page
    /// timed out were most likely that).
    pub fn start(dir: &Path) -> Result<Self, Error> {
        Self::start_with_threads(dir, 4)
    }

    /// [`Background::start`] with `threads` threads answering requests, so that one response the browser is
    /// slow to take does not hold up the others (the benchmark's pages stalled now and then with one thread:
    /// the app's wasm was never asked for while a stylesheet was being answered).
    pub fn start_with_threads(dir: &Path, threads: usize) -> Result<Self, Error> {
        let server = Arc::new(bind("127.0.0.1:0")?);
        let url = base_url(&server);
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..threads.max(1))
            .map(|_| {
                let (server, stop, dir) = (Arc::clone(&server), Arc::clone(&stop), dir.to_owned());
                thread::spawn(move || answer_requests(&server, &dir, &stop, false))
            })
            .collect();
        Ok(Self {
            server,
            stop,
            threads,
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
        // Each unblock is queued and ends one `recv`: one per thread.
        for _ in &self.threads {
            self.server.unblock();
        }
        for thread in self.threads.drain(..) {
            // A panic in the thread has already been printed; there is nothing more to report.
            let _ = thread.join();
        }
    }
}

/// Starts listening on `addr`.
fn bind(addr: &str) -> Result<tiny_http::Server, Error> {
    tiny_http::Server::http(addr).map_err(|error| Error::Serve {
        addr: addr.to_owned(),
        reason: error.to_string(),
    })
}

/// `http://IP:PORT/` of a listening server.
fn base_url(server: &tiny_http::Server) -> String {
    match server.server_addr().to_ip() {
        Some(SocketAddr::V6(addr)) => format!("http://[{}]:{}/", addr.ip(), addr.port()),
        Some(SocketAddr::V4(addr)) => format!("http://{addr}/"),
        None => "http://127.0.0.1/".to_owned(),
    }
}

/// Answers requests from `dir` until `stop` is set and the server is unblocked; logs each request if `log`.
fn answer_requests(server: &tiny_http::Server, dir: &Path, stop: &AtomicBool, log: bool) {
    loop {
        match server.recv() {
            Ok(request) => answer(request, dir, log),
            // `recv` fails both when unblocked and when accepting a connection failed; only the first ends the loop.
            Err(_) if stop.load(Ordering::SeqCst) => return,
            Err(error) => eprintln!("serve: {error}"),
        }
    }
}

/// Answers one request from `dir`.
fn answer(request: Request, dir: &Path, log: bool) {
    let (status, content_type, body) = if matches!(request.method(), Method::Get | Method::Head) {
        match request_path(request.url()) {
            Some(path) => read(dir, &path),
            None => (400, TEXT, b"bad request path\n".to_vec()),
        }
    } else {
        (405, TEXT, b"only GET and HEAD are allowed\n".to_vec())
    };
    if log {
        eprintln!("serve: {} {} -> {status}", request.method(), request.url());
    }
    let mut response = Response::from_data(body).with_status_code(status);
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-cache"),
        ("Allow", "GET, HEAD"),
    ] {
        if let Ok(header) = Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    // The browser may have gone away; there is no one left to tell.
    let _ = request.respond(response);
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
        let dir = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("static")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
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
}
