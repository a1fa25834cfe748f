//! The callback URL comes from the client, so it is hostile until proven otherwise: only http
//! and https, and only to addresses on the public internet. DNS answers are filtered and the
//! connection goes only to a vetted address (the resolver below is the only one the HTTP
//! client uses), so a name cannot be rebound to a private address between check and connect.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Why a target is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// What was refused (a URL or an address).
    pub target: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "refused callback target {}: {}",
            self.target, self.reason
        )
    }
}

impl std::error::Error for Refused {}

/// Networks a callback may reach although they are not public: an explicit opt-in.
///
/// ```
/// use ringback::dispatch::AllowList;
/// let allow = AllowList::none().loopback();
/// assert!(allow.allows("127.0.0.1".parse().unwrap()));
/// assert!(!allow.allows("10.0.0.1".parse().unwrap()));
/// ```
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    networks: Vec<IpNet>,
}

impl AllowList {
    /// Nothing beyond the public internet (the default).
    pub fn none() -> Self {
        Self::default()
    }

    /// Also loopback (`127.0.0.0/8`, `::1`): for development and tests.
    pub fn loopback(mut self) -> Self {
        self.networks
            .push("127.0.0.0/8".parse().expect("valid network"));
        self.networks
            .push("::1/128".parse().expect("valid network"));
        self
    }

    /// Also the network `cidr` (such as `10.1.0.0/16`).
    ///
    /// # Panics
    /// If `cidr` is not a network in CIDR notation.
    pub fn network(mut self, cidr: &str) -> Self {
        self.networks.push(
            cidr.parse()
                .unwrap_or_else(|e| panic!("{cidr:?} is not a CIDR network: {e}")),
        );
        self
    }

    /// Whether `ip` is allowed explicitly.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.networks.iter().any(|n| n.contains(&ip))
    }
}

/// The IPv4 address inside an IPv4-mapped IPv6 address, or the address itself.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

const V4_REFUSED: &[(&str, &str)] = &[
    ("0.0.0.0/8", "unspecified (\"this network\")"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (cloud metadata lives here)"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "broadcast"),
];

const V6_REFUSED: &[(&str, &str)] = &[
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("100::/64", "discard-only"),
    ("2001:2::/48", "benchmarking"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("fc00::/7", "unique-local (private)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
];

/// Why `ip` may not be reached, or `None` when it is a public address.
///
/// ```
/// use ringback::dispatch::refusal_reason;
/// assert_eq!(refusal_reason("169.254.169.254".parse().unwrap()).as_deref(), Some("link-local (cloud metadata lives here)"));
/// assert_eq!(refusal_reason("::ffff:10.0.0.1".parse().unwrap()).as_deref(), Some("IPv4-mapped form of a private address"));
/// assert_eq!(refusal_reason("93.184.215.14".parse().unwrap()), None);
/// ```
pub fn refusal_reason(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4).map(str::to_owned),
        IpAddr::V6(v6) => {
            if let Some((form, v4)) = embedded_v4(v6) {
                return Some(match v4_reason(v4) {
                    Some(reason) => format!("{form} form of a{} {reason} address", article(reason)),
                    None if form == "NAT64" || form == "6to4" || form == "Teredo" => {
                        // Translation prefixes reach IPv4 through a gateway the service does
                        // not control; refuse them outright.
                        format!("{form} translation address")
                    }
                    None => return None,
                });
            }
            V6_REFUSED.iter().find_map(|(net, reason)| {
                let net: Ipv6Net = net.parse().expect("valid network");
                net.contains(&v6).then(|| (*reason).to_owned())
            })
        }
    }
}

fn article(reason: &str) -> &'static str {
    if reason.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "n"
    } else {
        ""
    }
}

fn v4_reason(v4: Ipv4Addr) -> Option<&'static str> {
    V4_REFUSED.iter().find_map(|(net, reason)| {
        let net: Ipv4Net = net.parse().expect("valid network");
        net.contains(&v4).then_some(*reason)
    })
}

/// IPv4 addresses carried inside IPv6 ones: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), 6to4 (`2002:AABB:CCDD::/48`), NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`) and
/// Teredo (`2001::/32`, client address inverted in the last 32 bits).
fn embedded_v4(v6: Ipv6Addr) -> Option<(&'static str, Ipv4Addr)> {
    let s = v6.segments();
    let last32 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(("IPv4-mapped", v4));
    }
    if s[0..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(("IPv4-compatible", last32));
    }
    if s[0] == 0x2002 {
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return Some(("6to4", v4));
    }
    if s[0] == 0x64 && s[1] == 0xff9b && (s[2..6] == [0, 0, 0, 0] || s[2] == 1) {
        return Some(("NAT64", last32));
    }
    if s[0] == 0x2001 && s[1] == 0 {
        let client = Ipv4Addr::from(!(u32::from(last32)));
        return Some(("Teredo", client));
    }
    None
}

/// Checks a callback URL before anything is sent: scheme, and the host when it is an IP
/// literal (in any spelling the URL standard accepts: decimal, hex, octal, short forms).
/// Names are checked when they are resolved, by [`GuardedResolver`].
pub fn check_url(url: &str, allow: &AllowList) -> Result<url::Url, Refused> {
    let refused = |reason: String| Refused {
        target: url.to_owned(),
        reason,
    };
    let parsed = url::Url::parse(url).map_err(|e| refused(format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(refused(format!(
            "only http and https are allowed, not {}",
            parsed.scheme()
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refused("credentials in the URL are not allowed".into()));
    }
    let ip = match parsed.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(url::Host::Domain(_)) => return Ok(parsed),
        None => return Err(refused("the URL has no host".into())),
    };
    check_ip(ip, allow).map_err(refused)?;
    Ok(parsed)
}

/// `Ok` when `ip` may be reached: public, or explicitly allowed.
pub fn check_ip(ip: IpAddr, allow: &AllowList) -> Result<(), String> {
    if allow.allows(ip) {
        return Ok(());
    }
    match refusal_reason(ip) {
        Some(reason) => Err(format!("{ip} is {reason}")),
        None => Ok(()),
    }
}

/// Where names are looked up. The system resolver by default; tests substitute their own.
pub trait Lookup: Send + Sync + 'static {
    /// The addresses `host` resolves to.
    fn lookup(
        &self,
        host: &str,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>;
}

/// The system resolver (through tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(
        &self,
        host: &str,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> {
        let host = format!("{host}:0");
        Box::pin(async move {
            Ok(tokio::net::lookup_host(host)
                .await?
                .map(|a| a.ip())
                .collect())
        })
    }
}

/// A resolver for the HTTP client that returns only vetted addresses; the client connects to
/// what it returns and nothing else.
pub struct GuardedResolver {
    lookup: Arc<dyn Lookup>,
    allow: AllowList,
}

impl GuardedResolver {
    /// A resolver over `lookup` that lets through public addresses and `allow`.
    pub fn new(lookup: Arc<dyn Lookup>, allow: AllowList) -> Self {
        GuardedResolver { lookup, allow }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let lookup = self.lookup.clone();
        let allow = self.allow.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = lookup.lookup(&host).await?;
            let mut reasons = Vec::new();
            let vetted: Vec<SocketAddr> = addresses
                .into_iter()
                .filter_map(|ip| match check_ip(ip, &allow) {
                    Ok(()) => Some(SocketAddr::new(ip, 0)),
                    Err(reason) => {
                        reasons.push(reason);
                        None
                    }
                })
                .collect();
            if vetted.is_empty() {
                let reason = if reasons.is_empty() {
                    format!("{host} has no addresses")
                } else {
                    format!(
                        "{host} resolves only to refused addresses: {}",
                        reasons.join("; ")
                    )
                };
                return Err(Box::new(Refused {
                    target: host,
                    reason,
                })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(vetted.into_iter()) as Box<dyn Iterator<Item = SocketAddr> + Send>)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "8.8.8.8",
        ] {
            assert_eq!(refusal_reason(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn embedded_forms_are_unwrapped() {
        let cases = [
            ("::ffff:127.0.0.1", "IPv4-mapped form of a loopback address"),
            ("::127.0.0.1", "IPv4-compatible form of a loopback address"),
            ("2002:7f00:1::", "6to4 form of a loopback address"),
            (
                "2002:a9fe:a9fe::1",
                "6to4 form of a link-local (cloud metadata lives here) address",
            ),
            ("64:ff9b::a00:1", "NAT64 form of a private address"),
            ("64:ff9b::808:808", "NAT64 translation address"),
            (
                "2001:0:4136:e378:8000:63bf:80ff:fffe",
                "Teredo form of a loopback address",
            ),
        ];
        for (ip, expected) in cases {
            assert_eq!(
                refusal_reason(ip.parse().unwrap()).as_deref(),
                Some(expected),
                "{ip}"
            );
        }
    }

    #[test]
    fn urls_are_checked_before_sending() {
        let allow = AllowList::none();
        assert!(check_url("https://client.example/hooks", &allow).is_ok());
        for bad in [
            "ftp://client.example/x",
            "file:///etc/passwd",
            "http://user:pw@client.example/",
            "http://127.0.0.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://[::1]/",
        ] {
            assert!(check_url(bad, &allow).is_err(), "{bad}");
        }
        assert!(check_url("http://127.0.0.1:9/", &AllowList::none().loopback()).is_ok());
    }
}
