//! The dashboard in a real browser (headless Chromium over WebDriver): log in, follow a scan live
//! and cancel it, retry a failed file, browse to an episode and edit it so that the edit survives
//! a rescan, with no console error on any page; and the guards (login, CSRF) over plain HTTP.

mod webdriver;

use reqwest::StatusCode;
use serde_json::json;

use e2e::Server;
use webdriver::Browser;

use crate::db::Db;
use crate::{Tree, config, on_both, real_ffprobe, slow_ffprobe};

/// A URL-encoded form body (the values here need no escaping).
trait Form {
    fn form(self, body: &str) -> Self;
}

impl Form for reqwest::RequestBuilder {
    fn form(self, body: &str) -> Self {
        self.header("content-type", "application/x-www-form-urlencoded").body(body.to_owned())
    }
}

/// One browser at a time: each is a few hundred megabytes and the machine has two cores.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Adds `count` more small episodes to the tree, so that a slowed scan lasts long enough to watch.
fn more_episodes(tree: &Tree, count: usize) {
    let source = tree.root.join("Show/Season 1/Show.S01E01.Pilot.720p.WEB-DL.mp4");
    for n in 0..count {
        let dest = tree.root.join(format!("Show/Season 2/Show.S02E{:02}.mp4", n + 1));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&source, dest).unwrap();
    }
}

/// Opens `path`, checks that it rendered a page of its own (no error page), saves a screenshot
/// and checks that the console received no error.
async fn visit(browser: &Browser, server: &Server, path: &str, screenshot: Option<&str>) {
    browser.goto(&server.url(path)).await;
    browser.wait_for(&format!("{path} to load"), "document.readyState === 'complete'").await;
    let heading = browser.text("h1").await;
    assert!(
        !heading.starts_with('4') && !heading.starts_with('5'),
        "{path} answered an error page: {heading}"
    );
    if let Some(name) = screenshot {
        browser.screenshot(name).await;
    }
    no_console_errors(browser, path).await;
}

/// Submits the edit form without the browser's own checks, so that the server judges it.
async fn submit_unchecked(browser: &Browser) {
    browser.script("document.querySelector('form.edit').noValidate = true;", json!([])).await;
    browser.click("form.edit button[type=submit]").await;
}

async fn no_console_errors(browser: &Browser, page: &str) {
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors on {page}: {errors:?}");
}

/// The scan page's status, as the page shows it now.
const STATUS: &str = "document.querySelector('[data-field=status]').textContent";

on_both!(login_follow_a_scan_live_cancel_it_and_retry_a_failed_file, |db| {
    let _one = ONE_BROWSER.lock().await;
    let tree = Tree::new();
    more_episodes(&tree, 14);
    let ffprobe = slow_ffprobe(tree.dir.path(), 0.7);
    let server = Server::start(&config(&tree, &ffprobe, ""), &db.url, &["--token", "s3cret"]);
    let Some(browser) = Browser::start(module_path!()).await else { return };

    // Without a session every page sends the browser to the login page.
    browser.goto(&server.url("/catalog?kind=episode")).await;
    browser.wait_for("the login page", "location.pathname === '/login'").await;
    assert!(browser.url().await.contains("next=%2Fcatalog%3Fkind%3Depisode"), "{}", browser.url().await);
    browser.screenshot("login").await;
    browser.fill("#token", "wrong").await;
    browser.click("form.login button").await;
    browser.wait_for("the refusal", "document.querySelector('[role=alert]') !== null").await;
    browser.fill("#token", "s3cret").await;
    browser.click("form.login button").await;
    browser.wait_for("the catalog after login", "location.pathname === '/catalog'").await;
    assert!(browser.url().await.ends_with("/catalog?kind=episode"), "login returns where the user was going");
    // The login error page above logged its 401; nothing after it may.
    browser.console_errors().await;

    // A form POST without its CSRF token is refused, session or not.
    let status = browser
        .script_async(
            "const done = arguments[arguments.length - 1];
             fetch('/libraries/lib/scan', { method: 'POST', body: new URLSearchParams({ mode: 'scan' }) })
               .then(r => done(r.status), e => done(String(e)));",
        )
        .await;
    assert_eq!(status, json!(403));
    browser.console_errors().await;

    visit(&browser, &server, "/", Some("libraries")).await;
    browser.click("form[action='/libraries/lib/scan'] button.primary").await;
    browser.wait_for("the scan page", "location.pathname.startsWith('/scans/')").await;
    let scan_url = browser.url().await;
    // Live: the page changes through its event stream, not by reloading.
    browser.script("window.notReloaded = true;", json!([])).await;
    browser
        .wait_for(
            "progress to change live",
            "window.notReloaded && Number(document.querySelector('#scan').dataset.updates) >= 2
             && Number(document.querySelector('[data-field=processed]').textContent) >= 2",
        )
        .await;
    let bar = browser
        .script(
            "const b = document.querySelector('progress'); return [b.value, b.max, b.hasAttribute('value')];",
            json!([]),
        )
        .await;
    assert!(bar[0].as_f64().unwrap() >= 2.0 && bar[1].as_f64().unwrap() >= 2.0, "{bar}");
    assert_eq!(browser.script(&format!("return {STATUS};"), json!([])).await, "running");
    browser.screenshot("scan").await;
    browser.click("[data-running-only] button").await;
    browser.wait_for("the scan to end cancelled", &format!("{STATUS} === 'cancelled'")).await;
    no_console_errors(&browser, &scan_url).await;
    visit(&browser, &server, "/scans?status=cancelled", Some("history")).await;
    let rows = browser.script("return document.querySelectorAll('tbody tr').length;", json!([])).await;
    assert_eq!(rows, 1, "the cancelled scan is in the history");

    // A whole scan, followed to its end; then the broken file is a problem to retry.
    visit(&browser, &server, "/", None).await;
    browser.click("form[action='/libraries/lib/scan'] button.primary").await;
    browser.wait_for("the scan page", "location.pathname.startsWith('/scans/')").await;
    browser.wait_for("the scan to complete", &format!("{STATUS} === 'completed'")).await;
    no_console_errors(&browser, "the completed scan").await;
    visit(&browser, &server, "/problems", Some("problems")).await;
    assert!(browser.text("#failed").await.contains("(1)"), "{}", browser.text("#failed").await);
    browser.click("form[action$='/retry'][action^='/media/'] button").await;
    browser.wait_for("the retry's scan page", "location.pathname.startsWith('/scans/')").await;
    browser.wait_for("the retry to complete", &format!("{STATUS} === 'completed'")).await;
    let folder = browser.text("#scan dd.path").await;
    assert!(folder.ends_with("/Movies"), "the retry scans the file's folder: {folder}");
    assert_eq!(browser.text("[data-field=failed]").await, "1", "retried, and still broken");
    no_console_errors(&browser, "the retry").await;
});

on_both!(browse_to_an_episode_and_edit_it_so_the_edit_survives_a_rescan, |db| {
    let _one = ONE_BROWSER.lock().await;
    let tree = Tree::new();
    let server = Server::start(&config(&tree, &real_ffprobe(), ""), &db.url, &[]);
    let Some(browser) = Browser::start(module_path!()).await else { return };

    // No token: no login, the first page is the libraries.
    visit(&browser, &server, "/", None).await;
    // The console check sees what a page logs.
    browser.script("console.error('mediascan console probe');", json!([])).await;
    let logged = browser.console_errors().await;
    assert!(logged.iter().any(|e| e.contains("mediascan console probe")), "{logged:?}");
    browser.click("form[action='/libraries/lib/scan'] button.primary").await;
    browser.wait_for("the scan to complete", &format!("{STATUS} === 'completed'")).await;

    visit(&browser, &server, "/catalog", Some("catalog")).await;
    browser.click("a[href='/shows']").await;
    browser.wait_for("the shows", "location.pathname === '/shows'").await;
    browser.click("a[href='/shows/Show']").await;
    browser.wait_for("the show", "location.pathname === '/shows/Show'").await;
    browser.screenshot("show").await;
    browser.click("#season-1 + ol li:nth-child(2) a").await;
    browser.wait_for("the episode", "location.pathname.startsWith('/items/')").await;
    assert!(browser.text("h1").await.starts_with("Show S01E02"), "{}", browser.text("h1").await);
    no_console_errors(&browser, "the episode").await;
    browser.screenshot("item").await;

    browser.fill("form.edit input[name=season]", "3").await;
    browser.click("form.edit button[type=submit]").await;
    browser.wait_for("the edited file", "location.pathname.startsWith('/media/')").await;
    let media_url = browser.url().await;
    assert!(browser.text("h1").await.starts_with("Show S03E02"), "{}", browser.text("h1").await);

    // A forced rescan probes every file again; the edit stays.
    visit(&browser, &server, "/", None).await;
    browser.click("form[action='/libraries/lib/scan'] input[value=force] + button").await;
    browser.wait_for("the rescan to complete", &format!("{STATUS} === 'completed'")).await;
    browser.goto(&media_url).await;
    assert!(
        browser.text("h1").await.starts_with("Show S03E02"),
        "the edit survived: {}",
        browser.text("h1").await
    );
    visit(&browser, &server, "/shows/Show", None).await;
    browser.find("#season-3").await;

    // Undo brings the name's season back.
    browser.goto(&media_url).await;
    browser.click("form[action$='/undo'] button").await;
    browser
        .wait_for("the undone edit", "document.querySelector('h1').textContent.startsWith('Show S01E02')")
        .await;

    // Provider ids: one the catalog refuses shows the page again with the form as typed and the
    // reason (the browser's own pattern check is turned off to reach the server's); a good one
    // is saved and shown.
    browser.fill("form.edit input[name=imdb]", "tt12").await;
    submit_unchecked(&browser).await;
    browser.wait_for("the refusal", "document.querySelector('#edit-error') !== null").await;
    let error = browser.text("#edit-error").await;
    assert!(error.contains("imdb must be"), "{error}");
    let typed = "return document.querySelector('form.edit input[name=imdb]').value;";
    assert_eq!(browser.script(typed, json!([])).await, "tt12", "the form keeps what was typed");
    // The refused POST answered 400, which the console logs; nothing else may be there.
    let logged = browser.console_errors().await;
    assert!(logged.iter().all(|e| e.contains("400")), "{logged:?}");
    browser.fill("form.edit input[name=imdb]", "").await;
    browser.fill("form.edit input[name=tmdb]", "603").await;
    submit_unchecked(&browser).await;
    browser.wait_for("the saved id", "document.querySelector('#edit-error') === null").await;
    let ids = "return [...document.querySelectorAll('dt')]
                   .find(d => d.textContent === 'Provider ids').nextElementSibling.textContent;";
    let shown = browser.script(ids, json!([])).await;
    assert!(shown.as_str().unwrap().contains("tmdb 603 (edited)"), "{shown}");
    assert_eq!(
        browser.script("return document.querySelector('form.edit input[name=tmdb]').value;", json!([])).await,
        "603"
    );
    no_console_errors(&browser, "the saved id").await;

    visit(&browser, &server, "/catalog?resolution=sd", None).await;
    assert!(!browser.text("main p[aria-live]").await.starts_with("0 "), "the fixtures' videos are small");
    visit(&browser, &server, "/report", Some("report")).await;
    visit(&browser, &server, "/scans", None).await;
    visit(&browser, &server, "/problems", None).await;

    // On a phone's width nothing makes the page scroll sideways (wide tables scroll inside).
    browser.resize(390, 844).await;
    for (path, shot) in
        [("/", None), ("/catalog", Some("catalog-phone")), (media_url.as_str(), None), ("/report", None)]
    {
        let path = path.strip_prefix(&server.base).unwrap_or(path);
        visit(&browser, &server, path, shot).await;
        let widths = browser
            .script("return [document.documentElement.scrollWidth, window.innerWidth];", json!([]))
            .await;
        assert!(widths[0].as_u64() <= widths[1].as_u64(), "{path} is wider than the phone: {widths}");
    }

    // Dark or light by the system setting.
    let background = "return getComputedStyle(document.body).backgroundColor;";
    let light = browser.script(background, json!([])).await;
    browser.color_scheme("dark").await;
    visit(&browser, &server, "/catalog", Some("catalog-dark")).await;
    let dark = browser.script(background, json!([])).await;
    assert_ne!(light, dark, "the page follows prefers-color-scheme");
});

/// The guards over plain HTTP: pages redirect to the login, POSTs need a session and a CSRF
/// token, the JSON API keeps its bearer token, bad input is a 4xx page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_is_guarded_and_bad_input_is_a_4xx_page() {
    let tree = Tree::new();
    let db = crate::db::sqlite();
    let server = Server::start(&config(&tree, &real_ffprobe(), ""), &db.url, &["--token", "s3cret"]);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client.get(server.url("/problems")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login?next=%2Fproblems");
    let response = client.post(server.url("/libraries/lib/scan")).form("mode=scan").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = client.get(server.url("/api/v1/libraries")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the API still wants its bearer token");

    let login = client.get(server.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = login.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let response =
        client.post(server.url("/login")).form(&format!("csrf={csrf}&token=s3cret")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let get = |path: &str| client.get(server.url(path)).header("cookie", &session).send();
    assert_eq!(get("/").await.unwrap().status(), StatusCode::OK);
    for (path, status) in [
        ("/catalog?limit=100000", StatusCode::BAD_REQUEST),
        ("/catalog?kind=film", StatusCode::BAD_REQUEST),
        ("/catalog?resolution=8k", StatusCode::BAD_REQUEST),
        ("/catalog?cursor=zz", StatusCode::BAD_REQUEST),
        ("/catalog?library=nope", StatusCode::NOT_FOUND),
        ("/catalog?unknown=1", StatusCode::BAD_REQUEST),
        ("/scans/not-a-uuid", StatusCode::BAD_REQUEST),
        ("/media/00000000-0000-4000-8000-000000000000", StatusCode::NOT_FOUND),
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/assets/old.css", StatusCode::NOT_FOUND),
    ] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
    }
    // With the session, a POST still needs the page's CSRF token.
    let post = |body: String| {
        client.post(server.url("/libraries/lib/scan")).header("cookie", &session).form(&body).send()
    };
    assert_eq!(post("mode=scan".into()).await.unwrap().status(), StatusCode::FORBIDDEN);
    let page = get("/").await.unwrap().text().await.unwrap();
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let response = post(format!("csrf={csrf}&mode=sideways")).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = post(format!("csrf={csrf}&mode=scan")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/scans/"));
}
