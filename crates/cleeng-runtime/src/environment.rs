//! Which Cleeng deployment a client talks to.

/// Production and sandbox base URLs of one API family (taken from its spec's `servers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiHosts {
    /// Base URL in production, e.g. `https://api.cleeng.com/3.1`.
    pub production: &'static str,
    /// Base URL in the sandbox, e.g. `https://api.sandbox.cleeng.com/3.1`.
    pub sandbox: &'static str,
}

/// Where requests go. Cleeng runs separate production and sandbox deployments with separate
/// credentials; `Custom` points every family at one base URL of yours (a mock server, a proxy).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Environment {
    /// Cleeng's live systems: real customers, real money.
    Production,
    /// Cleeng's sandbox: test data and test payments. The default, so that a client built
    /// without thinking never charges anyone.
    #[default]
    Sandbox,
    /// A base URL of your choice (scheme, host, optional port and path prefix).
    Custom(String),
}

impl Environment {
    /// The base URL for a family whose hosts are `hosts`. A trailing `/` is removed, since the
    /// generated paths start with one.
    pub fn base_url(&self, hosts: &ApiHosts) -> String {
        let url = match self {
            Environment::Production => hosts.production,
            Environment::Sandbox => hosts.sandbox,
            Environment::Custom(url) => url.as_str(),
        };
        url.trim_end_matches('/').to_string()
    }

    /// `true` for [`Environment::Custom`]: per-operation host overrides are not applied there,
    /// because a custom base URL stands for every Cleeng host at once.
    pub fn is_custom(&self) -> bool {
        matches!(self, Environment::Custom(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTS: ApiHosts = ApiHosts {
        production: "https://api.example/3.1",
        sandbox: "https://sandbox.example/3.1",
    };

    #[test]
    fn resolves_each_environment() {
        assert_eq!(Environment::Production.base_url(&HOSTS), "https://api.example/3.1");
        assert_eq!(Environment::Sandbox.base_url(&HOSTS), "https://sandbox.example/3.1");
        assert_eq!(
            Environment::Custom("http://127.0.0.1:8080/".into()).base_url(&HOSTS),
            "http://127.0.0.1:8080"
        );
        assert_eq!(Environment::default(), Environment::Sandbox);
    }
}
