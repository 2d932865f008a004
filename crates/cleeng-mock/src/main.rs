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
    let mut token: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(port) => config = config.port(port),
                None => usage(),
            },
            "--publisher-token" => match args.next() {
                Some(t) => {
                    config = config.publisher_token(t.clone());
                    token = Some(t);
                }
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
    match &token {
        Some(_) => println!("  publisher token: only the one given with --publisher-token (X-Publisher-Token)"),
        None => println!("  publisher token: any non-empty X-Publisher-Token value"),
    }
    println!("  customer JWT: the one MediaStore login returns (signed by the mock, key id {})", cleeng_mock::KEY_ID);
    println!("  Integration Hub secret: any non-empty bearer value");
    println!(
        "  demo customer: {} / {} (id {})",
        cleeng_mock::DEMO_EMAIL,
        cleeng_mock::DEMO_PASSWORD,
        cleeng_mock::DEMO_CUSTOMER_ID
    );
    println!(
        "  offers: {sub}_US (subscription), {pass}_US (pass), {gift}_US (giftable subscription); short ids {sub}, {pass}, {gift}",
        sub = cleeng_mock::DEMO_SUBSCRIPTION_OFFER,
        pass = cleeng_mock::DEMO_PASS_OFFER,
        gift = cleeng_mock::DEMO_GIFT_OFFER
    );
    println!("  publisher id: {}", cleeng_mock::PUBLISHER_ID);
    let _ = tokio::signal::ctrl_c().await;
    server.stop();
}
