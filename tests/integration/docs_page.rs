//! The docs page over real HTTP: the page and each file it names, with their content types,
//! encodings, caching and Content-Security-Policy; a path of one's own, none at all, a router
//! nested under a prefix; and 404 for anything else. (That the page renders the callbacks in a
//! browser is `.ci/browser`'s job.)

use ringback::auth::{HttpBearer, Requirement, Secrets};
use ringback::{Api, ApiError, Path};

use crate::server::Server;

const BUNDLE: &[u8] = include_bytes!("../../runtime/assets/swagger-ui/swagger-ui-bundle.js");
const BUNDLE_GZ: &[u8] = include_bytes!("../../runtime/assets/swagger-ui/swagger-ui-bundle.js.gz");
const CSS: &[u8] = include_bytes!("../../runtime/assets/swagger-ui/swagger-ui.css");
const CSS_GZ: &[u8] = include_bytes!("../../runtime/assets/swagger-ui/swagger-ui.css.gz");

/// Say hello.
#[ringback::get("/hello/{name}", responses(200 = "A greeting"))]
async fn hello(name: Path<String>) -> Result<String, ApiError> {
    Ok(format!("hello, {}", name.0))
}

/// Takes the page's path.
#[ringback::get("/docs", responses(200 = "Mine"))]
async fn my_docs() -> Result<String, ApiError> {
    Ok("mine".to_owned())
}

/// An API whose operations all need a bearer token, as the order service's do.
fn api() -> Api<()> {
    Api::new("Shop <&> \"Co\"", "1.0")
        .security_scheme("bearer", HttpBearer::new(), Secrets::new().with("t", ()))
        .default_security(Requirement::scheme("bearer"))
        .operation(hello)
}

fn client() -> reqwest::Client {
    // No gzip feature in this reqwest: bodies arrive as sent, and Accept-Encoding is ours.
    reqwest::Client::new()
}

/// The values of every `attribute="..."` in `html`, in order.
fn attributes(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!("{attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

async fn get(url: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = client().get(url);
    if let Some(value) = accept_encoding {
        request = request.header("accept-encoding", value);
    }
    request.send().await.unwrap()
}

/// The page at `page_url`, checked, and the absolute URLs of the files and document it names.
async fn page(page_url: &str) -> (String, Vec<String>, String) {
    let response = get(page_url, None).await;
    assert_eq!(response.status(), 200, "{page_url}");
    assert_eq!(
        header(&response, "content-type"),
        "text/html; charset=utf-8"
    );
    assert_eq!(header(&response, "cache-control"), "no-cache");
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    let csp = header(&response, "content-security-policy").to_owned();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "{html}"
    );
    let base = url::Url::parse(page_url).unwrap();
    let files: Vec<String> = attributes(&html, "src")
        .into_iter()
        .chain(
            attributes(&html, "href")
                .into_iter()
                .filter(|h| h.contains("/assets/")),
        )
        .map(|href| base.join(&href).unwrap().to_string())
        .collect();
    assert_eq!(files.len(), 4, "two scripts and two stylesheets: {html}");
    let document = base
        .join(&attributes(&html, "data-openapi")[0])
        .unwrap()
        .to_string();
    (html, files, document)
}

#[tokio::test]
async fn the_page_names_its_files_and_each_is_served_with_its_type_caching_and_encoding() {
    let server = Server::start(api().router(())).await;
    // Public although every operation needs a token: it is documentation.
    let (html, files, document) = page(&server.url("/docs")).await;
    assert!(html.contains("<title>Shop &lt;&amp;&gt; &quot;Co&quot;</title>"));
    assert_eq!(document, server.url("/openapi.json?version=3.0.3"));
    let doc: serde_json::Value = get(&document, None).await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");

    for file in &files {
        let name = file.rsplit('/').next().unwrap();
        let (content_type, plain, gzip): (&str, &[u8], Option<&[u8]>) =
            if name.starts_with("swagger-ui-bundle.") {
                ("text/javascript; charset=utf-8", BUNDLE, Some(BUNDLE_GZ))
            } else if name.starts_with("swagger-ui.") {
                ("text/css; charset=utf-8", CSS, Some(CSS_GZ))
            } else if name.ends_with(".js") {
                ("text/javascript; charset=utf-8", b"", None)
            } else {
                ("text/css; charset=utf-8", b"", None)
            };
        // A browser's Accept-Encoding, one without gzip, one refusing it, and none.
        for accept in [
            Some("gzip, deflate, br, zstd"),
            Some("br"),
            Some("gzip;q=0, *"),
            None,
        ] {
            let response = get(file, accept).await;
            assert_eq!(response.status(), 200, "{file}");
            assert_eq!(header(&response, "content-type"), content_type, "{file}");
            assert_eq!(
                header(&response, "cache-control"),
                "public, max-age=31536000, immutable"
            );
            assert_eq!(header(&response, "x-content-type-options"), "nosniff");
            let gzipped = gzip.is_some() && accept == Some("gzip, deflate, br, zstd");
            assert_eq!(
                header(&response, "content-encoding"),
                if gzipped { "gzip" } else { "" },
                "{file} for {accept:?}"
            );
            if gzip.is_some() {
                assert_eq!(header(&response, "vary"), "accept-encoding");
            }
            let body = response.bytes().await.unwrap();
            match gzip {
                Some(gz) if gzipped => assert!(body == gz, "{file}: not the vendored .gz"),
                Some(_) => assert!(body == plain, "{file}: not the vendored file"),
                None => assert!(!body.is_empty() && body.is_ascii(), "{file}"),
            }
        }
    }
}

#[tokio::test]
async fn the_reader_chooses_the_version_and_a_wrong_one_is_a_problem() {
    let server = Server::start(api().router(())).await;
    for (query, version) in [("?version=3.1", "3.1.0"), ("?version=3.0.3", "3.0.3")] {
        let (html, _, document) = page(&server.url(&format!("/docs{query}"))).await;
        assert!(html.contains(&format!(r#"<option value="{version}" selected>"#)));
        let doc: serde_json::Value = get(&document, None).await.json().await.unwrap();
        assert_eq!(doc["openapi"], version);
    }
    let response = get(&server.url("/docs?version=2.0"), None).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        header(&response, "content-type"),
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert!(problem["violations"][0]["message"]
        .as_str()
        .unwrap()
        .contains("unsupported OpenAPI version"));
}

#[tokio::test]
async fn unknown_files_are_404() {
    let server = Server::start(api().router(())).await;
    let (_, files, _) = page(&server.url("/docs")).await;
    let bundle = files
        .iter()
        .find(|f| f.contains("swagger-ui-bundle."))
        .unwrap();
    // The same file under another hash: a stale link must not be cached forever.
    let stale = format!(
        "{}swagger-ui-bundle.000000000000.js",
        &bundle[..bundle.rfind('/').unwrap() + 1]
    );
    for url in [
        stale,
        server.url("/docs/assets/swagger-ui-bundle.js"),
        server.url("/docs/assets/LICENSE"),
        server.url("/docs/assets/"),
        server.url("/docs/nothing"),
    ] {
        let response = get(&url, Some("gzip")).await;
        assert_eq!(response.status(), 404, "{url}");
        assert_eq!(header(&response, "cache-control"), "", "{url}");
    }
}

#[tokio::test]
async fn a_path_of_its_own_and_none_at_all() {
    let default = Server::start(api().router(())).await;
    let (_, default_files, _) = page(&default.url("/docs")).await;

    let moved = Server::start(api().docs_path("/api/reference").router(())).await;
    let (_, files, document) = page(&moved.url("/api/reference")).await;
    assert!(files
        .iter()
        .all(|f| f.starts_with(&moved.url("/api/reference/assets/"))));
    assert_eq!(document, moved.url("/openapi.json?version=3.0.3"));
    assert_eq!(get(&document, None).await.status(), 200);
    for file in &files {
        assert_eq!(get(file, None).await.status(), 200, "{file}");
    }
    assert_eq!(get(&moved.url("/docs"), None).await.status(), 404);

    let off = Server::start(api().without_docs().router(())).await;
    assert_eq!(get(&off.url("/docs"), None).await.status(), 404);
    for file in &default_files {
        let path = &file[default.url("").len()..];
        assert_eq!(
            get(&off.url(path), Some("gzip")).await.status(),
            404,
            "{path}"
        );
    }
    assert_eq!(get(&off.url("/openapi.json"), None).await.status(), 200);
}

#[tokio::test]
async fn a_nested_router_links_within_its_prefix() {
    let router = axum::Router::new().nest("/shop", api().router(()));
    let server = Server::start(router).await;
    let (_, files, document) = page(&server.url("/shop/docs")).await;
    assert_eq!(document, server.url("/shop/openapi.json?version=3.0.3"));
    assert_eq!(get(&document, None).await.status(), 200);
    for file in &files {
        assert!(
            file.starts_with(&server.url("/shop/docs/assets/")),
            "{file}"
        );
        assert_eq!(get(file, None).await.status(), 200, "{file}");
    }
}

#[test]
#[should_panic(expected = "takes the docs page's path `/docs`; move the page with")]
fn an_operation_at_the_page_s_path_is_refused() {
    let _ = Api::new("Shop", "1").operation(my_docs).router(());
}

#[test]
fn an_operation_at_the_page_s_path_is_served_when_the_page_moves_or_goes() {
    let _ = Api::new("Shop", "1")
        .operation(my_docs)
        .docs_path("/reference")
        .router(());
    let _ = Api::new("Shop", "1")
        .operation(my_docs)
        .without_docs()
        .router(());
}

#[test]
#[should_panic(expected = "the docs path `docs/` is not a plain path")]
fn a_docs_path_must_be_a_plain_path() {
    let _ = Api::<()>::new("Shop", "1").docs_path("docs/");
}
