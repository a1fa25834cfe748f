//! TLS for the PostgreSQL store: rustls behind tokio-postgres's connector traits, and the
//! libpq TLS options a connection string may carry that tokio-postgres does not read.
//!
//! The glue is written here rather than taken from a crate because it is a few delegating
//! impls, and the crates that offer it add X.509 parsing for channel binding, which this store
//! does not use: SCRAM authentication falls back to plain SCRAM-SHA-256 inside the TLS session.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect};

use super::store::{Context as _, StoreError};

/// Makes a TLS session for each new connection, verifying the server's certificate against
/// `roots` and the host name the URL names.
#[derive(Clone)]
pub(super) struct Rustls(Arc<ClientConfig>);

/// Where the certificates the server's must chain to come from.
pub(super) enum Roots<'a> {
    /// The Mozilla root store (the `webpki-roots` crate): for servers with a public certificate.
    Public,
    /// The CA certificates in a PEM file's contents, and no others.
    Pem(&'a [u8]),
}

impl Rustls {
    pub(super) fn new(roots: Roots<'_>) -> Result<Self, StoreError> {
        let mut store = RootCertStore::empty();
        match roots {
            Roots::Public => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            Roots::Pem(pem) => {
                for cert in CertificateDer::pem_slice_iter(pem) {
                    let cert = cert.context("reading the PostgreSQL CA certificates")?;
                    store
                        .add(cert)
                        .context("a PostgreSQL CA certificate was refused")?;
                }
                if store.is_empty() {
                    return Err(StoreError::new(
                        "the PostgreSQL CA file holds no certificate: expected one or more \
                         `-----BEGIN CERTIFICATE-----` blocks",
                    ));
                }
            }
        }
        // ring explicitly: the process may not have chosen a default rustls provider.
        let config =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .context("setting up TLS for PostgreSQL")?
                .with_root_certificates(store)
                .with_no_client_auth();
        Ok(Rustls(Arc::new(config)))
    }
}

impl<S> MakeTlsConnect<S> for Rustls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = TlsStream<S>;
    type TlsConnect = Connect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, host: &str) -> io::Result<Connect> {
        // tokio-postgres asks here for every connection, a Unix socket's too (with no host),
        // before it knows whether TLS will be used (a server never offers it on a Unix
        // socket); a name that cannot be checked fails the handshake, if there is one, not
        // the connection.
        Ok(Connect {
            config: self.0.clone(),
            name: ServerName::try_from(host.to_owned()).map_err(|e| e.to_string()),
        })
    }
}

/// One connection's TLS handshake, for the host it was made for.
pub(super) struct Connect {
    config: Arc<ClientConfig>,
    name: Result<ServerName<'static>, String>,
}

impl<S> TlsConnect<S> for Connect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = TlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<TlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = self.name.map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("the host name: {e}"))
            })?;
            let connector = tokio_rustls::TlsConnector::from(self.config);
            Ok(TlsStream(connector.connect(name, stream).await?))
        })
    }
}

/// An encrypted connection to the server.
pub(super) struct TlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for TlsStream<S> {
    fn channel_binding(&self) -> ChannelBinding {
        ChannelBinding::none()
    }
}

/// A connection string with the libpq TLS options tokio-postgres does not read taken out:
/// `sslmode=verify-full` becomes `require` (which verifies as much here), and
/// `sslrootcert=FILE` becomes the CA file to trust. Both forms are read: a URL
/// (`postgres://...?sslmode=verify-full&sslrootcert=%2Fetc%2Fdb-ca.pem`) and key=value pairs
/// (`host=db sslmode=verify-full sslrootcert=/etc/db-ca.pem`).
pub(super) struct Libpq {
    pub(super) rest: String,
    pub(super) root_cert: Option<String>,
}

impl Libpq {
    pub(super) fn read(connection: &str) -> Result<Self, StoreError> {
        if !connection.contains("sslrootcert") && !connection.contains("verify-") {
            // Nothing to take out: the string goes to tokio-postgres exactly as given.
            return Ok(Libpq {
                rest: connection.to_owned(),
                root_cert: None,
            });
        }
        let mut root_cert = None;
        let mut keep = |key: &str, value: String| -> Result<Option<String>, StoreError> {
            Ok(match (key, value.as_str()) {
                ("sslrootcert", _) => {
                    root_cert = Some(value);
                    None
                }
                ("sslmode", "verify-full") => Some("require".to_owned()),
                ("sslmode", "verify-ca") => {
                    return Err(StoreError::new(
                        "sslmode=verify-ca: the server's host name is always checked too; use \
                         sslmode=verify-full (or require), and a host name the certificate holds",
                    ))
                }
                _ => Some(value),
            })
        };
        let url = ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| connection.starts_with(scheme));
        let rest = if url {
            let (address, query) = connection.split_once('?').unwrap_or((connection, ""));
            let mut kept = Vec::new();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                let decoded = percent_encoding::percent_decode_str(value)
                    .decode_utf8_lossy()
                    .into_owned();
                if let Some(new) = keep(key, decoded.clone())? {
                    // Values left alone keep their encoding.
                    let value = if new == decoded {
                        value.to_owned()
                    } else {
                        new
                    };
                    kept.push(format!("{key}={value}"));
                }
            }
            match kept.is_empty() {
                true => address.to_owned(),
                false => format!("{address}?{}", kept.join("&")),
            }
        } else {
            let mut kept = Vec::new();
            for pair in connection.split_whitespace() {
                match pair.split_once('=') {
                    Some((key, value)) => {
                        if let Some(value) = keep(key, value.to_owned())? {
                            kept.push(format!("{key}={value}"));
                        }
                    }
                    None => kept.push(pair.to_owned()),
                }
            }
            kept.join(" ")
        };
        Ok(Libpq { rest, root_cert })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(connection: &str) -> (String, Option<String>) {
        let libpq = Libpq::read(connection).unwrap();
        (libpq.rest, libpq.root_cert)
    }

    #[test]
    fn libpq_tls_options_are_read_from_a_url() {
        assert_eq!(
            read("postgres://app@db/app?sslmode=verify-full&sslrootcert=%2Fetc%2Fdb%20ca.pem&application_name=a%20b"),
            (
                "postgres://app@db/app?sslmode=require&application_name=a%20b".to_owned(),
                Some("/etc/db ca.pem".to_owned())
            )
        );
        assert_eq!(
            read("postgresql://app@db/app?sslrootcert=ca.pem"),
            (
                "postgresql://app@db/app".to_owned(),
                Some("ca.pem".to_owned())
            )
        );
        assert_eq!(
            read("postgres://app@db/app?sslmode=disable"),
            ("postgres://app@db/app?sslmode=disable".to_owned(), None)
        );
    }

    #[test]
    fn libpq_tls_options_are_read_from_key_value_pairs() {
        assert_eq!(
            read("host=db user=app sslmode=verify-full sslrootcert=/etc/ca.pem"),
            (
                "host=db user=app sslmode=require".to_owned(),
                Some("/etc/ca.pem".to_owned())
            )
        );
    }

    #[test]
    fn verify_ca_is_refused_with_what_to_use_instead() {
        let e = Libpq::read("postgres://db/app?sslmode=verify-ca")
            .err()
            .unwrap();
        assert!(e.message().contains("verify-full"), "{e}");
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused_with_what_was_expected() {
        let e = Rustls::new(Roots::Pem(b"not a certificate")).err().unwrap();
        assert!(e.message().contains("BEGIN CERTIFICATE"), "{e}");
    }

    #[test]
    fn a_damaged_certificate_is_refused() {
        let pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let e = Rustls::new(Roots::Pem(pem)).err().unwrap();
        assert!(e.message().contains("CA certificate"), "{e:#}");
    }

    #[test]
    fn a_connection_without_a_host_name_is_not_refused_before_tls_is_asked_for() {
        // A Unix socket: tokio-postgres passes "" for the host.
        let mut tls = Rustls::new(Roots::Public).unwrap();
        let connect = MakeTlsConnect::<tokio::net::TcpStream>::make_tls_connect(&mut tls, "");
        assert!(connect.unwrap().name.is_err());
    }

    #[test]
    fn the_public_roots_load() {
        assert!(Rustls::new(Roots::Public).is_ok());
    }
}
