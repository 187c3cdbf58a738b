//! `cargo xtask bench pages`: how long each dashboard page takes to answer on a catalog of
//! 100 000 files, on SQLite and PostgreSQL: the release `mediascan serve` on the catalog
//! `mediascan-bench fill` writes (200 shows of 10 seasons of 50 episodes), each page fetched
//! with curl, median of several runs after one warm-up (target < 200 ms).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::Result;
use crate::bench::{Report, build, driver, finish, median, release};

const FILES: usize = 100_000;
const RUNS: usize = 7;
/// Target per page, in seconds.
const TARGET: f64 = 0.2;

/// `mediascan serve` killed when dropped.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server on `url`; returns it and its base address.
fn serve(url: &str, config: &std::path::Path) -> Result<(Serve, String)> {
    let mut child = Command::new(release("mediascan"))
        .arg("--config")
        .arg(config)
        .args(["serve", "--listen", "127.0.0.1:0", "--db", url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let serve = Serve(child);
    let mut lines = BufReader::new(stderr).lines();
    let base = loop {
        let Some(Ok(line)) = lines.next() else { return Err("mediascan serve did not start".into()) };
        if let Some(base) = line.strip_prefix("mediascan: listening on ") {
            break base.to_owned();
        }
    };
    // Keep draining stderr so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok((serve, base))
}

/// One GET with curl: its status and seconds, and the body.
fn fetch(url: &str) -> Result<(f64, String)> {
    let output = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code} %{time_total}", url])
        .output()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, tail) = text.rsplit_once('\n').ok_or("no answer from curl")?;
    let (code, secs) = tail.split_once(' ').ok_or("odd curl output")?;
    if code != "200" {
        return Err(format!("{url} answered {code}"));
    }
    Ok((secs.parse().map_err(|_| "odd curl time")?, body.to_owned()))
}

/// The first link in `html` starting with `prefix` (`/media/`, `/items/`).
fn link<'a>(html: &'a str, prefix: &str) -> Option<&'a str> {
    let start = html.find(&format!("href=\"{prefix}"))? + 6;
    html[start..].split('"').next()
}

pub fn pages_bench() -> Result {
    build()?;
    let mut report = Report { rows: Vec::new(), json: Vec::new() };
    let data = crate::root().join("target/bench-data");
    std::fs::create_dir_all(data.join("pages-root")).map_err(|e| e.to_string())?;
    let config = data.join("pages.toml");
    let text = format!(
        "[libraries.library]\nroot = {:?}\nwatch = \"off\"\n",
        data.join("pages-root").display().to_string()
    );
    std::fs::write(&config, text).map_err(|e| e.to_string())?;
    let sqlite_file = data.join("pages-100k.db");
    let sqlite = format!("sqlite://{}", sqlite_file.display());
    let have_sqlite = sqlite_file.is_file();
    let postgres = driver(&["pg-schema", "bench_pages"])?;
    report.rows.push((format!("dashboard pages, {FILES} files (median of {RUNS} runs)"), String::new()));
    for (name, url, fresh) in
        [("sqlite", sqlite.as_str(), !have_sqlite), ("postgres", postgres.as_str(), true)]
    {
        if fresh {
            driver(&["fill", url, &FILES.to_string()])?;
        }
        let (_server, base) = serve(url, &config)?;
        let (_, catalog) = fetch(&format!("{base}/catalog"))?;
        let media = link(&catalog, "/media/").ok_or("no file on the catalog page")?.to_owned();
        let (_, show) = fetch(&format!("{base}/shows/Show%20100"))?;
        let item = link(&show, "/items/").ok_or("no episode on the show page")?.to_owned();
        // A page deep in the catalog: the cursor of the 500th page.
        let mut deep = "/catalog".to_owned();
        for _ in 0..5 {
            let (_, page) = fetch(&format!("{base}{deep}"))?;
            let next = link(&page, "/catalog?cursor=").ok_or("no next page")?;
            deep = next.replace("&amp;", "&");
        }
        let pages: [(&str, String); 16] = [
            ("libraries", "/".into()),
            ("history", "/scans".into()),
            ("problems", "/problems".into()),
            ("catalog", "/catalog".into()),
            ("catalog_page_6", deep),
            ("catalog_search", "/catalog?q=file%2099".into()),
            // A text in more than half of the names: counted up to its limit.
            ("catalog_search_common", "/catalog?q=show%201".into()),
            ("catalog_resolution", "/catalog?resolution=2160p".into()),
            ("catalog_filtered", "/catalog?codec=hevc&hdr=hdr10&profile=browser&decision=transcode".into()),
            ("shows", "/shows".into()),
            ("shows_search", "/shows?q=show%201".into()),
            ("show", "/shows/Show%20100".into()),
            ("item", item),
            ("media", media),
            ("report", "/report".into()),
            ("report_library", "/report?library=library".into()),
        ];
        for (page, path) in pages {
            let url = format!("{base}{path}");
            // The first fetch fills the server's caches (the library figures): timed apart.
            let (first, _) = fetch(&url)?;
            report.add(
                &format!("pages_{name}_{page}_first_secs"),
                format!("  {name}: {page}, first fetch: s"),
                first,
            );
            let mut runs = Vec::new();
            for _ in 0..RUNS {
                runs.push(fetch(&url)?.0);
            }
            let value = median(&runs);
            let flag = if value < TARGET { "" } else { "  (over target)" };
            report.add(
                &format!("pages_{name}_{page}_secs"),
                format!("  {name}: {page} {path}: s{flag}"),
                value,
            );
        }
    }
    finish(&report, "pages")
}
