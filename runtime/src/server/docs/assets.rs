//! The docs page's files, embedded in the binary and served under names that carry a hash of
//! their content, so that browsers may keep them forever and never see a stale one.

use std::sync::OnceLock;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use sha2::{Digest, Sha256};

use super::super::problem::Problem;

/// The version of `swagger-ui-dist` vendored in `runtime/assets/swagger-ui/`.
pub(super) const SWAGGER_UI_VERSION: &str = "5.35.0";

/// One file of the page: its name, content type, bytes, and the same bytes gzipped at
/// vendoring time (large files only: the small ones cost more in headers than gzip saves).
pub(super) struct Asset {
    pub(super) name: &'static str,
    content_type: &'static str,
    plain: &'static [u8],
    gzip: Option<&'static [u8]>,
}

pub(super) const SWAGGER_UI_JS: usize = 0;
pub(super) const SWAGGER_UI_CSS: usize = 1;
pub(super) const DOCS_JS: usize = 2;
pub(super) const DOCS_CSS: usize = 3;

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

pub(super) static ASSETS: [Asset; 4] = [
    Asset {
        name: "swagger-ui-bundle.js",
        content_type: JAVASCRIPT,
        plain: include_bytes!("../../../assets/swagger-ui/swagger-ui-bundle.js"),
        gzip: Some(include_bytes!(
            "../../../assets/swagger-ui/swagger-ui-bundle.js.gz"
        )),
    },
    Asset {
        name: "swagger-ui.css",
        content_type: CSS,
        plain: include_bytes!("../../../assets/swagger-ui/swagger-ui.css"),
        gzip: Some(include_bytes!(
            "../../../assets/swagger-ui/swagger-ui.css.gz"
        )),
    },
    Asset {
        name: "docs.js",
        content_type: JAVASCRIPT,
        plain: include_bytes!("../../../assets/docs/docs.js"),
        gzip: None,
    },
    Asset {
        name: "docs.css",
        content_type: CSS,
        plain: include_bytes!("../../../assets/docs/docs.css"),
        gzip: None,
    },
];

/// Each asset's name as served: `swagger-ui-bundle.<hash>.js`, the hash the first 12 hex
/// digits of the content's SHA-256. Computed once, on first use.
pub(super) fn served_names() -> &'static [String; 4] {
    static NAMES: OnceLock<[String; 4]> = OnceLock::new();
    NAMES.get_or_init(|| ASSETS.each_ref().map(served_name))
}

fn served_name(asset: &Asset) -> String {
    let digest = Sha256::digest(asset.plain);
    let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    let (stem, extension) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
    format!("{stem}.{hash}.{extension}")
}

/// The answer to `GET <docs>/assets/<file>`: the asset, gzipped if the client accepts gzip,
/// or 404 for a name that is not one of them (an old hash included: its content is gone).
pub(super) fn serve(file: &str, request_headers: &HeaderMap) -> Response {
    let Some(index) = served_names().iter().position(|name| name == file) else {
        return Problem::new(StatusCode::NOT_FOUND)
            .with_detail("the docs page has no such file")
            .into_response();
    };
    let asset = &ASSETS[index];
    let gzip = asset
        .gzip
        .filter(|_| accepts_gzip(request_headers.get_all(header::ACCEPT_ENCODING).iter()));
    let mut response = Response::new(Body::from(gzip.unwrap_or(asset.plain)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    // The name changes with the content, so a cached copy is never wrong.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if asset.gzip.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if gzip.is_some() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// Whether `Accept-Encoding` (RFC 9110, 12.5.3) lets us answer with gzip: `gzip` or `*` with a
/// weight above zero, and no `gzip;q=0` refusing it.
fn accepts_gzip<'a>(values: impl Iterator<Item = &'a HeaderValue>) -> bool {
    let mut gzip = None;
    let mut any = None;
    for value in values {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(weight > 0.0);
            } else if coding == "*" {
                any = Some(weight > 0.0);
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(value: &str) -> bool {
        accepts_gzip([HeaderValue::from_str(value).unwrap()].iter())
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        assert!(accepts("gzip"));
        assert!(accepts("gzip, deflate, br, zstd"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(accepts("identity, *;q=0.1"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip;q=0.0, *"));
        assert!(!accepts("*;q=0"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts("identity"));
        assert!(!accepts(""));
        assert!(!accepts_gzip(std::iter::empty()));
    }

    #[test]
    fn served_names_carry_the_content_hash() {
        let names = served_names();
        assert!(names[SWAGGER_UI_JS].starts_with("swagger-ui-bundle."));
        assert!(names[SWAGGER_UI_JS].ends_with(".js"));
        assert_eq!(
            names[SWAGGER_UI_JS].len(),
            "swagger-ui-bundle..js".len() + 12
        );
        assert!(names[DOCS_CSS].starts_with("docs.") && names[DOCS_CSS].ends_with(".css"));
        let mut unique = names.to_vec();
        unique.dedup();
        assert_eq!(unique.len(), ASSETS.len());
    }

    #[test]
    fn the_gzipped_copies_are_the_vendored_files() {
        // The .gz files are made by .ci/vendor-swagger-ui; a bundle updated without them would
        // serve one version plain and another gzipped. gzip's trailer ends with the length of
        // the uncompressed data, modulo 2^32.
        for asset in &ASSETS {
            if let Some(gzip) = asset.gzip {
                assert_eq!(&gzip[..2], &[0x1f, 0x8b], "{} is not gzip", asset.name);
                let size = u32::from_le_bytes(gzip[gzip.len() - 4..].try_into().unwrap());
                assert_eq!(
                    size as usize,
                    asset.plain.len(),
                    "{}.gz is not {}: run .ci/vendor-swagger-ui",
                    asset.name,
                    asset.name
                );
            }
        }
    }
}
