//! The docs page's HTML: the version picker and the element Swagger UI fills in, with the
//! headers that keep it to its own files.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

use super::super::problem::Problem;
use super::assets::{
    served_names, DOCS_CSS, DOCS_JS, SWAGGER_UI_CSS, SWAGGER_UI_JS, SWAGGER_UI_VERSION,
};
use crate::openapi::OpenApiVersion;

/// Everything comes from this origin. The two allowances beyond `'self'`:
/// - `img-src data:`: Swagger UI's stylesheet draws its icons (arrows, locks, the copy button)
///   as `data:` SVG images, and the page's favicon is an empty `data:` URL so that the browser
///   does not ask the application for `/favicon.ico`;
/// - `form-action 'self'`: the version picker is a GET form to this page, so that it works
///   without JavaScript too.
///
/// Scripts and styles need nothing inline: Swagger UI sets styles through the DOM, which CSP
/// does not govern, and the page's own script and styles are files.
pub(super) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Where the page's links point, relative to the page so that the router can be nested under
/// a prefix: the assets in `<last segment>/assets/`, the document one level up per segment.
pub(super) struct Links {
    assets: String,
    document: String,
}

impl Links {
    pub(super) fn new(docs_path: &str) -> Self {
        let segments: Vec<&str> = docs_path.trim_start_matches('/').split('/').collect();
        let last = segments.last().copied().unwrap_or("docs");
        Links {
            assets: format!("{last}/assets/"),
            document: format!("{}openapi.json", "../".repeat(segments.len() - 1)),
        }
    }
}

/// `GET <docs>[?version=3.1]`: the page, showing the document in the version asked for (the
/// `Api`'s default otherwise); 400 for a version ringback does not write.
pub(super) fn serve(
    title: &str,
    links: &Links,
    query: Option<&str>,
    default: OpenApiVersion,
) -> Response {
    let requested = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "version")
            .map(|(_, v)| v.into_owned())
    });
    let version = match requested.map(|v| v.parse::<OpenApiVersion>()) {
        None => default,
        Some(Ok(version)) => version,
        Some(Err(message)) => {
            return Problem::invalid(vec![crate::Violation::in_parameter(
                "query", "version", "", message,
            )])
            .into_response()
        }
    };
    let mut response = Response::new(Body::from(html(title, links, version)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The page is small and names the assets by hash: asking again each time is what makes a
    // new release show at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn html(title: &str, links: &Links, version: OpenApiVersion) -> String {
    let names = served_names();
    let assets = &links.assets;
    let title = escape(title);
    let document = format!("{}?version={}", links.document, version.as_str());
    let mut options = String::new();
    for option in [OpenApiVersion::V3_0_3, OpenApiVersion::V3_1_0] {
        let selected = if option == version { " selected" } else { "" };
        options.push_str(&format!(
            r#"<option value="{v}"{selected}>OpenAPI {v}</option>"#,
            v = option.as_str()
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ringback, Swagger UI {swagger_ui}">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{assets}{ui_css}">
<link rel="stylesheet" href="{assets}{docs_css}">
</head>
<body>
<form class="ringback-bar" method="get">
<a href="{document}">{document_name}</a>
<label>Document <select id="ringback-version" name="version">{options}</select></label>
<button id="ringback-version-show" type="submit">Show</button>
</form>
<div id="swagger-ui" data-openapi="{document}"></div>
<script src="{assets}{ui_js}"></script>
<script src="{assets}{docs_js}"></script>
</body>
</html>
"#,
        ui_css = names[SWAGGER_UI_CSS],
        docs_css = names[DOCS_CSS],
        ui_js = names[SWAGGER_UI_JS],
        docs_js = names[DOCS_JS],
        swagger_ui = SWAGGER_UI_VERSION,
        document_name = escape(document.rsplit('/').next().unwrap_or("openapi.json")),
    )
}

/// Text for HTML, in an element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_page() {
        let top = Links::new("/docs");
        assert_eq!(top.assets, "docs/assets/");
        assert_eq!(top.document, "openapi.json");
        let deep = Links::new("/api/v1/reference");
        assert_eq!(deep.assets, "reference/assets/");
        assert_eq!(deep.document, "../../openapi.json");
    }

    #[test]
    fn the_title_is_escaped_and_the_version_chosen() {
        let page = html(
            "<Shop> & \"Co\"",
            &Links::new("/docs"),
            OpenApiVersion::V3_1_0,
        );
        assert!(page.contains("<title>&lt;Shop&gt; &amp; &quot;Co&quot;</title>"));
        assert!(page.contains(r#"data-openapi="openapi.json?version=3.1.0""#));
        assert!(page.contains(r#"<option value="3.1.0" selected>"#));
        assert!(!page.contains(r#"<option value="3.0.3" selected>"#));
        assert!(
            !page.contains("<script>"),
            "no inline script: CSP forbids it"
        );
    }
}
