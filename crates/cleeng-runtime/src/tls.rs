//! Which TLS stack the HTTP client uses, chosen by Cargo feature.
//!
//! * `rustls-ring` (default): rustls with the `ring` crypto provider. reqwest is built with
//!   `rustls-no-provider`, so the runtime hands it a finished rustls configuration: the provider
//!   your program installed as the process default (`CryptoProvider::install_default`) if any,
//!   otherwise `ring`; certificates are verified by the platform verifier
//!   (`rustls-platform-verifier`: the operating system's trust store and revocation checks),
//!   the same verifier reqwest's own rustls setup uses. `ring` builds in a fraction of the time
//!   of `aws-lc-rs`, whose C library was most of a new user's cold build.
//! * `rustls-aws-lc`: reqwest's own rustls setup (`aws-lc-rs`, the platform verifier).
//! * `native-tls`: the platform's TLS library (OpenSSL on Linux).
//! * none (`default-features = false`): no TLS; only `http://` hosts (a local mock) can be
//!   reached, unless your own `reqwest::Client` brings TLS.
//!
//! When several are on (features add up across a dependency graph), `native-tls` wins over
//! `rustls-aws-lc`, which wins over `rustls-ring`: the default loses to any explicit choice.

/// The TLS stack this build of the runtime configures, for logs and diagnostics.
pub const TLS_BACKEND: &str = if cfg!(feature = "native-tls") {
    "native-tls"
} else if cfg!(feature = "rustls-aws-lc") {
    "rustls-aws-lc"
} else if cfg!(feature = "rustls-ring") {
    "rustls-ring"
} else {
    "none"
};

/// `reqwest::Client::builder()` with this build's TLS stack configured.
///
/// Under `rustls-ring` (and neither of the others) reqwest has no crypto provider of its own,
/// so the rustls configuration is built here; every other choice is reqwest's own setup.
pub(crate) fn reqwest_builder() -> Result<reqwest::ClientBuilder, String> {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"), not(feature = "native-tls")))]
    {
        Ok(reqwest::Client::builder().tls_backend_preconfigured(ring::client_config()?))
    }
    #[cfg(not(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"), not(feature = "native-tls"))))]
    {
        Ok(reqwest::Client::builder())
    }
}

#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"), not(feature = "native-tls")))]
mod ring {
    use std::sync::Arc;

    use rustls::crypto::CryptoProvider;
    use rustls_platform_verifier::BuilderVerifierExt;

    /// The rustls configuration reqwest gets: the process-default provider or `ring`, the
    /// platform verifier, rustls' safe protocol versions (TLS 1.2 and 1.3) and HTTP/1.1 as the
    /// only ALPN protocol (the runtime's reqwest speaks HTTP/1.1; reqwest sets the same list
    /// when it builds the configuration itself).
    pub(super) fn client_config() -> Result<rustls::ClientConfig, String> {
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS protocol versions: {e}"))?
            .with_platform_verifier()
            .map_err(|e| format!("platform certificate verifier: {e}"))?
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_builder_builds_a_client() {
        let builder = reqwest_builder().expect("this build's TLS configuration");
        builder.build().expect("a client with this build's TLS stack");
    }

    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"), not(feature = "native-tls")))]
    #[test]
    fn rustls_ring_uses_ring_and_http1_when_no_provider_is_installed() {
        // Tests never install a process-default provider, so the fallback is what is built.
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        let config = super::ring::client_config().unwrap();
        let ring = rustls::crypto::ring::default_provider();
        let suites = |p: &rustls::crypto::CryptoProvider| {
            p.cipher_suites.iter().map(|s| s.suite()).collect::<Vec<_>>()
        };
        assert_eq!(suites(config.crypto_provider()), suites(&ring));
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        assert_eq!(TLS_BACKEND, "rustls-ring");
    }
}
