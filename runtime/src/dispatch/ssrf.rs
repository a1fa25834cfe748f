//! The callback URL comes from the client, so it is hostile until proven otherwise: only http
//! and https, and only to addresses on the public internet. DNS answers are filtered and the
//! connection goes only to a vetted address (the resolver below is the only one the HTTP
//! client uses), so a name cannot be rebound to a private address between check and connect.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Why a target is refused. It has no cause underneath: the guard itself refused it.
///
/// `#[non_exhaustive]`, as a refusal may come to say more; read its fields.
///
/// ```
/// use ringback::dispatch::{check_url, AllowList};
/// let refused = check_url("http://10.0.0.1/hooks", &AllowList::none()).unwrap_err();
/// assert_eq!(refused.target, "http://10.0.0.1/hooks");
/// assert!(refused.to_string().starts_with("refused callback target http://10.0.0.1/hooks: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused callback target {target}: {reason}")]
#[non_exhaustive]
pub struct Refused {
    /// What was refused (a URL or an address).
    pub target: String,
    /// Why.
    pub reason: String,
}

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
    // Before 240.0.0.0/4, which contains it: the first match names the reason.
    ("255.255.255.255/32", "broadcast"),
    ("240.0.0.0/4", "reserved"),
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
                    None if matches!(form, "NAT64" | "6to4" | "Teredo" | "IPv4-translated") => {
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

/// IPv4 addresses carried inside IPv6 ones: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-translated
/// (`::ffff:0:a.b.c.d`, SIIT), IPv4-compatible (`::a.b.c.d`), 6to4 (`2002:AABB:CCDD::/48`),
/// NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`) and Teredo (`2001::/32`, client address inverted
/// in the last 32 bits).
fn embedded_v4(v6: Ipv6Addr) -> Option<(&'static str, Ipv4Addr)> {
    let s = v6.segments();
    let last32 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(("IPv4-mapped", v4));
    }
    if s[0..6] == [0, 0, 0, 0, 0xffff, 0] {
        return Some(("IPv4-translated", last32));
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
    // Equivalent mutant: `AllowList::none` -> `Default::default()` (none() is the default).
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn v6(text: &str) -> Ipv6Addr {
        text.parse().unwrap()
    }

    fn embedded(text: &str) -> Option<(&'static str, Ipv4Addr)> {
        embedded_v4(v6(text))
    }

    const EXAMPLE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 33);

    #[test]
    fn each_embedding_yields_its_exact_ipv4_address() {
        // The examples of RFC 4291 (mapped, compatible), RFC 6145 (translated), RFC 3056
        // (6to4), RFC 6052 and RFC 8215 (NAT64) and RFC 4380 (Teredo, 192.0.2.45 inverted).
        let cases = [
            ("::ffff:192.0.2.33", "IPv4-mapped", EXAMPLE),
            ("::ffff:0:192.0.2.33", "IPv4-translated", EXAMPLE),
            ("::192.0.2.33", "IPv4-compatible", EXAMPLE),
            ("2002:c000:221::1", "6to4", EXAMPLE),
            ("64:ff9b::c000:221", "NAT64", EXAMPLE),
            ("64:ff9b:1::c000:221", "NAT64", EXAMPLE),
            (
                "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                "Teredo",
                Ipv4Addr::new(192, 0, 2, 45),
            ),
        ];
        for (text, form, v4) in cases {
            assert_eq!(embedded(text), Some((form, v4)), "{text}");
        }
    }

    #[test]
    fn ipv4_compatible_excludes_the_unspecified_and_loopback_addresses() {
        assert_eq!(embedded("::"), None);
        assert_eq!(embedded("::1"), None);
        assert_eq!(
            embedded("::2"),
            Some(("IPv4-compatible", Ipv4Addr::new(0, 0, 0, 2)))
        );
        assert_eq!(
            embedded("::1:0"),
            Some(("IPv4-compatible", Ipv4Addr::new(0, 1, 0, 0)))
        );
    }

    #[test]
    fn near_misses_of_each_prefix_carry_no_ipv4_address() {
        for text in [
            "::1:0:0:c000:221",    // not ::ffff:0:0/96
            "::ffff:1:c000:221",   // neither mapped nor translated
            "64:ff9a::c000:221",   // NAT64's second segment wrong
            "65:ff9b::c000:221",   // NAT64's first segment wrong
            "64:ff9b:2::c000:221", // neither 64:ff9b::/96 nor 64:ff9b:1::/48
            "64:ff9b:0:1::c000:221",
            "2001:db8::c000:221", // 2001::/32 is Teredo, 2001:db8::/32 is not
            "2400::c000:221",
            "2003:c000:221::1",
        ] {
            assert_eq!(embedded(text), None, "{text}");
        }
    }

    #[test]
    fn translation_prefixes_are_refused_even_around_public_addresses() {
        let cases = [
            ("64:ff9b::808:808", Some("NAT64 translation address")),
            ("2002:808:808::", Some("6to4 translation address")),
            (
                "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
                Some("Teredo translation address"),
            ),
            (
                "::ffff:0:8.8.8.8",
                Some("IPv4-translated translation address"),
            ),
            // Mapped and compatible forms are the IPv4 address itself, so a public one passes.
            ("::ffff:8.8.8.8", None),
            ("::8.8.8.8", None),
        ];
        for (text, expected) in cases {
            assert_eq!(refusal_reason(ip(text)).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn the_ipv4_translated_form_is_refused_like_the_address_it_carries() {
        assert_eq!(
            refusal_reason(ip("::ffff:0:7f00:1")).as_deref(),
            Some("IPv4-translated form of a loopback address")
        );
        let refused = check_url("http://[::ffff:0:7f00:1]/", &AllowList::none()).unwrap_err();
        assert_eq!(
            refused.reason,
            "::ffff:0:7f00:1 is IPv4-translated form of a loopback address"
        );
        assert!(check_url("http://[::ffff:0:a9fe:a9fe]/", &AllowList::none()).is_err());
    }

    #[test]
    fn reasons_take_an_before_a_vowel() {
        assert_eq!(
            refusal_reason(ip("::ffff:0.0.0.1")).as_deref(),
            Some("IPv4-mapped form of an unspecified (\"this network\") address")
        );
        assert_eq!(
            refusal_reason(ip("::ffff:10.0.0.1")).as_deref(),
            Some("IPv4-mapped form of a private address")
        );
        assert_eq!(article("unspecified"), "n");
        assert_eq!(article("loopback"), "");
    }

    #[test]
    fn every_refused_range_names_its_reason() {
        for (text, reason) in [
            ("0.1.2.3", "unspecified (\"this network\")"),
            ("10.255.0.1", "private"),
            ("100.64.0.1", "shared address space (CGNAT)"),
            ("127.0.0.1", "loopback"),
            ("169.254.169.254", "link-local (cloud metadata lives here)"),
            ("172.31.255.255", "private"),
            ("192.0.0.8", "IETF protocol assignments"),
            ("192.0.2.1", "documentation"),
            ("192.88.99.1", "6to4 relay anycast"),
            ("192.168.1.1", "private"),
            ("198.19.0.1", "benchmarking"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.9", "documentation"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "broadcast"),
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("100::1", "discard-only"),
            ("2001:2::1", "benchmarking"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("fd00::1", "unique-local (private)"),
            ("fe80::1", "link-local"),
            ("fec0::1", "site-local (deprecated)"),
            ("ff02::1", "multicast"),
        ] {
            assert_eq!(refusal_reason(ip(text)).as_deref(), Some(reason), "{text}");
        }
        for text in ["172.32.0.1", "100.128.0.1", "11.0.0.1", "2a00::1"] {
            assert_eq!(refusal_reason(ip(text)), None, "{text}");
        }
    }

    #[test]
    fn the_allow_list_admits_only_what_it_names() {
        let none = AllowList::none();
        assert!(!none.allows(ip("127.0.0.1")));
        assert!(
            !none.allows(ip("8.8.8.8")),
            "public is not 'allowed explicitly'"
        );

        let loopback = AllowList::none().loopback();
        for text in ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"] {
            assert!(loopback.allows(ip(text)), "{text}");
        }
        assert!(!loopback.allows(ip("10.0.0.1")));
        assert!(!loopback.allows(ip("::2")));

        let network = AllowList::none().network("10.1.0.0/16");
        assert!(network.allows(ip("10.1.2.3")));
        assert!(network.allows(ip("::ffff:10.1.2.3")));
        assert!(!network.allows(ip("10.2.0.1")));
        assert!(!network.allows(ip("127.0.0.1")));
    }

    #[test]
    #[should_panic(expected = "\"10.1.0.0\" is not a CIDR network")]
    fn an_allowed_network_needs_a_prefix_length() {
        let _ = AllowList::none().network("10.1.0.0");
    }

    #[test]
    fn check_ip_explains_a_refusal_unless_allowed() {
        assert_eq!(
            check_ip(ip("10.0.0.1"), &AllowList::none()),
            Err("10.0.0.1 is private".to_owned())
        );
        assert_eq!(
            check_ip(ip("10.0.0.1"), &AllowList::none().network("10.0.0.0/8")),
            Ok(())
        );
        assert_eq!(check_ip(ip("8.8.8.8"), &AllowList::none()), Ok(()));
    }

    #[test]
    fn url_refusals_say_why() {
        let allow = AllowList::none();
        let reason = |url: &str| check_url(url, &allow).unwrap_err().reason;
        assert_eq!(
            reason("ftp://client.example/x"),
            "only http and https are allowed, not ftp"
        );
        for url in [
            "http://user@client.example/",
            "http://:pw@client.example/",
            "https://user:pw@client.example/",
        ] {
            assert_eq!(
                reason(url),
                "credentials in the URL are not allowed",
                "{url}"
            );
        }
        assert!(reason("not a url").starts_with("not a URL: "));
        assert_eq!(reason("http://0x7f.1/"), "127.0.0.1 is loopback");
        let refused = check_url("http://[fe80::1]:8080/x", &allow).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "refused callback target http://[fe80::1]:8080/x: fe80::1 is link-local"
        );
        assert_eq!(
            check_url("https://8.8.8.8:8443/hooks?a=1", &allow)
                .unwrap()
                .as_str(),
            "https://8.8.8.8:8443/hooks?a=1"
        );
    }

    struct Fixed(Vec<IpAddr>);

    impl Lookup for Fixed {
        fn lookup(
            &self,
            _host: &str,
        ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> {
            let addresses = self.0.clone();
            Box::pin(async move { Ok(addresses) })
        }
    }

    async fn resolve(addresses: &[&str], allow: AllowList) -> Result<Vec<SocketAddr>, String> {
        use reqwest::dns::Resolve;
        let lookup = Fixed(addresses.iter().map(|a| ip(a)).collect());
        let resolver = GuardedResolver::new(Arc::new(lookup), allow);
        match resolver.resolve("hooks.example".parse().unwrap()).await {
            Ok(found) => Ok(found.collect()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[tokio::test]
    async fn the_resolver_returns_only_vetted_addresses() {
        assert_eq!(
            resolve(&["10.0.0.1", "8.8.8.8", "::1"], AllowList::none()).await,
            Ok(vec!["8.8.8.8:0".parse().unwrap()])
        );
        assert_eq!(
            resolve(&["10.0.0.1", "::1"], AllowList::none()).await,
            Err(
                "refused callback target hooks.example: hooks.example resolves only to \
                 refused addresses: 10.0.0.1 is private; ::1 is loopback"
                    .to_owned()
            )
        );
        assert_eq!(
            resolve(&[], AllowList::none()).await,
            Err("refused callback target hooks.example: hooks.example has no addresses".into())
        );
        assert_eq!(
            resolve(&["10.0.0.1", "::1"], AllowList::none().loopback()).await,
            Ok(vec!["[::1]:0".parse().unwrap()])
        );
    }

    #[tokio::test]
    async fn the_system_lookup_resolves_names() {
        let found = SystemLookup.lookup("localhost").await.unwrap();
        assert!(
            !found.is_empty() && found.iter().all(IpAddr::is_loopback),
            "{found:?}"
        );
    }

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
