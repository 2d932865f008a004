//! `cleeng-mock`: runs the mock server until Ctrl-C.
//!
//! ```text
//! cleeng-mock [--port PORT] [--publisher-token TOKEN]
//! ```
//! Binds 127.0.0.1 only (default port 8787) and prints each family's base URL and the seeded
//! demo credentials.

use cleeng_mock::{Family, MockConfig, MockServer};

fn usage() -> ! {
    eprintln!("usage: cleeng-mock [--port PORT] [--publisher-token TOKEN]");
    std::process::exit(2);
}

#[tokio::main]
async fn main() {
    let mut config = MockConfig::new().port(8787);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(port) => config = config.port(port),
                None => usage(),
            },
            "--publisher-token" => match args.next() {
                Some(token) => config = config.publisher_token(token),
                None => usage(),
            },
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    let server = match MockServer::start_with(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cleeng-mock: {e}");
            std::process::exit(1);
        }
    };
    println!("cleeng-mock listening on {}", server.url());
    for family in Family::ALL {
        println!("  {:<10} {}", family.name(), server.url_for(family));
    }
    println!(
        "  demo customer: {} / {} (id {})",
        cleeng_mock::DEMO_EMAIL,
        cleeng_mock::DEMO_PASSWORD,
        cleeng_mock::DEMO_CUSTOMER_ID
    );
    println!(
        "  offers: {} (subscription), {} (pass), {} (giftable subscription)",
        cleeng_mock::DEMO_SUBSCRIPTION_OFFER,
        cleeng_mock::DEMO_PASS_OFFER,
        cleeng_mock::DEMO_GIFT_OFFER
    );
    let _ = tokio::signal::ctrl_c().await;
    server.stop();
}
