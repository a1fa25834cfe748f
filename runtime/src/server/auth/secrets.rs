//! A verifier for a fixed set of tokens or keys, compared in constant time.

use sha2::{Digest, Sha256};

use super::verify::{Credential, Grant, Refusal, Verify};

/// Tokens or API keys known in advance, each with the principal it stands for. Only SHA-256
/// digests are kept, and a presented secret is compared with every one of them in constant
/// time, so neither the time taken nor a memory dump tells an attacker how close a guess came.
///
/// ```
/// use ringback::auth::{Credential, Secret, Secrets, Verify};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let tokens = Secrets::new().with("demo-token", "demo customer");
/// let grant = tokens.verify(Credential::Bearer(Secret::new("demo-token"))).await.unwrap();
/// assert_eq!(grant.principal(), &"demo customer");
/// assert!(tokens.verify(Credential::Bearer(Secret::new("demo-tokem"))).await.is_err());
/// # });
/// ```
#[derive(Clone)]
pub struct Secrets<P> {
    entries: Vec<([u8; 32], P, Vec<String>)>,
}

impl<P> Default for Secrets<P> {
    fn default() -> Self {
        Secrets {
            entries: Vec::new(),
        }
    }
}

impl<P> std::fmt::Debug for Secrets<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} entries)", self.entries.len())
    }
}

impl<P> Secrets<P> {
    /// No secrets yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a secret and the principal it stands for.
    pub fn with(self, secret: impl AsRef<str>, principal: P) -> Self {
        self.with_scopes(secret, principal, std::iter::empty::<String>())
    }

    /// Adds a secret that grants `scopes`.
    pub fn with_scopes<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        secret: impl AsRef<str>,
        principal: P,
        scopes: I,
    ) -> Self {
        let scopes = scopes.into_iter().map(Into::into).collect();
        self.entries
            .push((digest(secret.as_ref()), principal, scopes));
        self
    }

    /// The entry `secret` matches, after comparing it with every entry.
    fn find(&self, secret: &str) -> Option<&([u8; 32], P, Vec<String>)> {
        let presented = digest(secret);
        let mut found = None;
        for entry in &self.entries {
            // No early exit: every entry is compared, whichever matches.
            if constant_time_eq(&entry.0, &presented) {
                found = Some(entry);
            }
        }
        found
    }
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether `a` and `b` are equal, taking the same time whichever bytes differ.
pub(crate) fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the compiler from turning the fold into an early exit.
    std::hint::black_box(difference) == 0
}

impl<P: Clone + Send + Sync + 'static> Verify for Secrets<P> {
    type Principal = P;

    async fn verify(&self, credential: Credential) -> Result<Grant<P>, Refusal> {
        match self.find(credential.secret().expose()) {
            Some((_, principal, scopes)) => {
                Ok(Grant::new(principal.clone()).with_scopes(scopes.iter().cloned()))
            }
            None => Err(Refusal::invalid("the credential is not known")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Secret;
    use super::*;

    #[test]
    fn equal_digests_only() {
        let a = digest("key-1");
        let mut b = a;
        assert!(constant_time_eq(&a, &b));
        b[31] ^= 1;
        assert!(!constant_time_eq(&a, &b));
        b = a;
        b[0] ^= 0x80;
        assert!(!constant_time_eq(&a, &b));
    }

    #[tokio::test]
    async fn every_entry_is_compared_and_scopes_come_with_the_match() {
        let keys = Secrets::new()
            .with("first", 1)
            .with_scopes("second", 2, ["orders:write"]);
        let grant = keys
            .verify(Credential::ApiKey(Secret::new("second")))
            .await
            .unwrap();
        assert_eq!(grant.principal(), &2);
        assert!(grant.has_scope("orders:write"));
        // A prefix, a longer string and the empty string are all simply unknown.
        for wrong in ["secon", "second-", "", "SECOND"] {
            let refused = keys.verify(Credential::ApiKey(Secret::new(wrong))).await;
            assert_eq!(refused.unwrap_err().detail(), "the credential is not known");
        }
    }
}
