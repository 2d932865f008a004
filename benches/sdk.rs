//! `cargo bench --bench sdk`: what the SDK costs over hand-written code, as ratios.
//!
//! Issue 10. Every figure is a ratio to a baseline measured side by side in the same run, so
//! it holds on a busy shared machine where absolute times do not: each round times the
//! baseline and the SDK back to back (order alternating), the round's ratio is SDK / baseline,
//! and the figure reported is the median of the round ratios.
//!
//! * `get_subscription`, `list_subscriptions(100)`: a generated `cleeng-core` call (`call()`)
//!   against hand-written `reqwest` + `serde_json` for the same request to the same in-process
//!   axum server on 127.0.0.1. Both decode into the same `types::*` struct, so the ratio is the
//!   SDK's own machinery (builder, context, credentials, retry bookkeeping, tracing span,
//!   error mapping). Target ≤ 1.05.
//! * `decode 1000 subscriptions`: `serde_json::from_slice` of a ~1 MB list into the generated
//!   `types::SubscriptionList` against into `serde_json::Value`. Target ≤ 0.6.
//! * `webhook verify+decode`: `cleeng_webhooks::Verifier::verify` of a 2 KB `transactionCreated`
//!   delivery against bare HMAC-SHA256 (`hmac` + `sha2`) and `serde_json::from_slice::<Value>`.
//!   Target ≤ 2.
//! * `regen`: `cleeng_codegen::generate` for all five specs in-process (warm), and the
//!   `cargo xtask regen --check` command once (after a warm-up run); ratio to the 2 s budget.
//!
//! Options (after `--`): a word filters the benches by name (`get`, `list`, `decode`, `webhook`,
//! `regen`); `--quick` runs fewer rounds. `CLEENG_BENCH_NO_COMMAND=1` skips the xtask command.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use cleeng::core_api::{
    types, Client, ClientConfig, ClientSubscriptionsExt, Environment, PublisherToken,
};
use cleeng::webhooks::{Event, Verifier};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const TOKEN: &str = "bench-publisher-token";
const WEBHOOK_SECRET: &str = "whsec_bench_0123456789abcdef";

/// Command-line options.
struct Options {
    filter: Option<String>,
    quick: bool,
}

impl Options {
    fn parse() -> Options {
        let mut filter = None;
        let mut quick = false;
        for arg in std::env::args().skip(1) {
            match arg.as_str() {
                "--quick" => quick = true,
                // cargo bench passes `--bench`; ignore it and any other flag.
                a if a.starts_with('-') => {}
                a => filter = Some(a.to_string()),
            }
        }
        Options { filter, quick }
    }

    fn wants(&self, name: &str) -> bool {
        self.filter.as_deref().is_none_or(|f| name.contains(f))
    }

    fn rounds(&self) -> usize {
        if self.quick {
            11
        } else {
            41
        }
    }
}

/// One measured comparison.
struct Figure {
    name: &'static str,
    baseline: &'static str,
    base_per_iter: Duration,
    cand_per_iter: Duration,
    ratio: f64,
    spread: (f64, f64),
    target: f64,
}

impl Figure {
    fn print(&self) {
        let verdict = if self.ratio <= self.target {
            "ok"
        } else {
            "MISSED"
        };
        println!(
            "{:<28} {:>10} vs {:>10} ({})  ratio {:.3}  [q1 {:.3}, q3 {:.3}]  target <= {:.2}  {}",
            self.name,
            fmt_duration(self.cand_per_iter),
            fmt_duration(self.base_per_iter),
            self.baseline,
            self.ratio,
            self.spread.0,
            self.spread.1,
            self.target,
            verdict
        );
    }
}

fn fmt_duration(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} us", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn quartiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(|a, b| a.total_cmp(b));
    (values[values.len() / 4], values[values.len() * 3 / 4])
}

/// Times `baseline` and `candidate` in paired rounds. Each closure runs its workload `n` times
/// and returns the elapsed time. The batch size is calibrated so one batch takes about
/// `batch_target`; rounds alternate which side runs first.
fn compare(
    name: &'static str,
    baseline_name: &'static str,
    target: f64,
    rounds: usize,
    batch_target: Duration,
    mut baseline: impl FnMut(u64) -> Duration,
    mut candidate: impl FnMut(u64) -> Duration,
) -> Figure {
    // Warm up both (connections, allocator, caches) and calibrate on the baseline.
    let mut n: u64 = 1;
    loop {
        candidate(n);
        let t = baseline(n);
        if t >= batch_target || n >= 1 << 20 {
            break;
        }
        let scale = (batch_target.as_secs_f64() / t.as_secs_f64().max(1e-9)).clamp(1.5, 100.0);
        n = ((n as f64) * scale).ceil() as u64;
    }
    let mut ratios = Vec::with_capacity(rounds);
    let mut base_times = Vec::with_capacity(rounds);
    let mut cand_times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (b, c) = if round % 2 == 0 {
            let b = baseline(n);
            (b, candidate(n))
        } else {
            let c = candidate(n);
            (baseline(n), c)
        };
        let b = b.as_secs_f64() / n as f64;
        let c = c.as_secs_f64() / n as f64;
        base_times.push(b);
        cand_times.push(c);
        ratios.push(c / b);
    }
    let ratio = median(&mut ratios);
    let spread = quartiles(&mut ratios);
    Figure {
        name,
        baseline: baseline_name,
        base_per_iter: Duration::from_secs_f64(median(&mut base_times)),
        cand_per_iter: Duration::from_secs_f64(median(&mut cand_times)),
        ratio,
        spread,
        target,
    }
}

// ---------------------------------------------------------------- data

/// One subscription, shaped like `components/schemas/Subscription` in `specs/core.yaml`, with
/// values varied by `i` (status, trial, nullable fields present or null, enum values).
fn subscription(i: u64) -> Value {
    let statuses = ["active", "stopped", "terminated", "paused"];
    let terminations = [
        "userCancel",
        "transferCancel",
        "publisherCancel",
        "finished",
        "paymentCancel",
    ];
    let units = ["day", "week", "month", "year", "season"];
    let countries = ["US", "NL", "PL", "GB", "DE", "FR"];
    let id = 900_000_000 + i * 7;
    let from = 1_700_000_000 + i as i64 * 3_600;
    json!({
        "subscriptionId": id,
        "publisherId": 123456789,
        "customerId": 100_000_000 + i * 13,
        "status": statuses[(i % 4) as usize],
        "dateFrom": from,
        "dateTo": from + 2_592_000,
        "subscriptionExternalId": format!("ext-{i:08}-{:x}", id * 31),
        "offerId": format!("S{:09}_{}", 100_000_000 + (i % 50), countries[(i % 6) as usize]),
        "paymentCountry": countries[(i % 6) as usize],
        "ipAddress": if i.is_multiple_of(3) { Value::Null } else { json!(format!("10.{}.{}.{}", i % 256, (i / 7) % 256, (i / 3) % 256)) },
        "inTrial": i.is_multiple_of(5),
        "couponCode": if i.is_multiple_of(4) { json!(format!("SPRING{}", i % 90)) } else { Value::Null },
        "coupon": {"discountRate": (i % 10) as f64 * 0.05, "usageLeft": i % 3},
        "pendingSwitchId": if i.is_multiple_of(7) { json!(format!("6f1c2d3e-{:04x}-4a5b-9c8d-{:012x}", i % 65536, id)) } else { Value::Null },
        "paymentMethodId": 700_000_000 + (i % 9),
        "paymentDetailsId": if i.is_multiple_of(6) { Value::Null } else { json!(800_000_000 + i) },
        "nextPaymentAction": if i.is_multiple_of(2) { "capture" } else { "authorise" },
        "nextPaymentActionDate": from + 2_592_000 - 86_400,
        "externalProperties": {
            "plan": format!("plan-{}", i % 12),
            "campaign": format!("spring-{}", i % 4),
            "referrer": "https://example.com/promo/landing?utm_source=newsletter",
            "seats": i % 5 + 1,
            "familySharing": i.is_multiple_of(2)
        },
        "isExternallyManaged": i.is_multiple_of(11),
        "latestPaymentExternalId": format!("psp-{:016x}", id * 2_654_435_761),
        "replacedBy": if i.is_multiple_of(8) { json!({"subscriptionId": id + 1, "reason": "transfer", "date": from + 100}) } else { Value::Null },
        "originatedFrom": {"subscriptionId": id - 1, "reason": "revival", "date": from - 86_400},
        "source": if i.is_multiple_of(10) { "samsung" } else { "cleeng" },
        "renewalCycle": {"completed": i % 24, "unit": units[(i % 5) as usize], "amount": 1 + i % 3},
        "terminationType": if i % 4 == 2 { json!(terminations[(i % 5) as usize]) } else { Value::Null },
        "pause": if i % 4 == 3 {
            json!({"requestedAt": from + 10, "pauseDate": from + 86_400, "resumeDate": from + 864_000, "failedResumes": [from + 900_000, from + 990_000]})
        } else { Value::Null },
        "id": id,
        "userId": 100_000_000 + i * 13,
        "paymentGateway": "adyen"
    })
}

/// `{success, data, message}` with `count` subscriptions.
fn subscription_list(count: u64) -> Vec<u8> {
    let data: Vec<Value> = (0..count).map(subscription).collect();
    serde_json::to_vec(&json!({"success": true, "data": data, "message": ""}))
        .expect("serializable")
}

/// A `transactionCreated` delivery of about 2 KB (the newer payload shape, with publisher data
/// in `externalData` making up the size).
fn webhook_body() -> Vec<u8> {
    let mut event = json!({
        "broadcasterId": 123456789,
        "topic": "transactionCreated",
        "data": {
            "offerId": "S123123123_US",
            "transactionId": "T111333222",
            "customerId": 987654321,
            "paymentId": 555444333,
            "offerPrice": 9.99,
            "offerCurrency": "USD",
            "discountRate": 0,
            "subscriptionPlanId": 42,
            "externalData": "",
            "customerEmail": "viewer@example.com",
            "customerExternalId": "crm-000123",
            "paymentGateway": "adyen",
            "transactionCountry": "US",
            "taxRate": "0.0825",
            "transactionCurrency": "USD",
            "transactionDate": 1_717_171_717,
            "transactionPriceExclTax": "9.23",
            "transactionPriceInclTax": "9.99",
            "applicableTax": "0.76",
            "appliedExchangeRate": "1.0000"
        }
    });
    let base = serde_json::to_vec(&event).expect("serializable").len();
    let filler: String = (0..2048usize.saturating_sub(base))
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    event["data"]["externalData"] = json!(filler);
    let body = serde_json::to_vec(&event).expect("serializable");
    assert_eq!(body.len(), 2048, "the webhook body is 2 KB");
    body
}

// ---------------------------------------------------------------- loopback server

/// Starts an axum server on 127.0.0.1:0 on its own thread and runtime, serving one subscription
/// at `/subscriptions/{id}` and a list of 100 at `/subscriptions`. Returns its address.
fn start_server(one: Vec<u8>, hundred: Vec<u8>) -> SocketAddr {
    use axum::{http::header, routing::get, Router};
    let one = bytes::Bytes::from(one);
    let hundred = bytes::Bytes::from(hundred);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let app = Router::new()
                .route(
                    "/subscriptions/{id}",
                    get(move || {
                        let body = one.clone();
                        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
                    }),
                )
                .route(
                    "/subscriptions",
                    get(move || {
                        let body = hundred.clone();
                        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1:0");
            tx.send(listener.local_addr().expect("local address"))
                .expect("report address");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    rx.recv().expect("server address")
}

// ---------------------------------------------------------------- per-call overhead

/// The hand-written client: the same reqwest configuration a careful user would write after
/// reading Cleeng's guidance (8 s timeout), the token header, `Accept: application/json`.
fn hand_client() -> reqwest::Client {
    // Under the SDK's default `rustls-ring` feature reqwest has no crypto provider of its own:
    // a hand-written program installs one (the SDK then uses the same one).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(8))
        .timeout(Duration::from_secs(8))
        .user_agent("hand-written/0.1")
        .build()
        .expect("reqwest client")
}

async fn hand_get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str) -> T {
    let response = http
        .get(url)
        .header("x-publisher-token", TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("loopback request");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.bytes().await.expect("loopback body");
    serde_json::from_slice(&body).expect("decodes")
}

fn per_call(options: &Options, figures: &mut Vec<Figure>) {
    let one = serde_json::to_vec(&subscription(7)).expect("serializable");
    let hundred = subscription_list(100);
    let addr = start_server(one, hundred);
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let sdk = Client::from_config(
        ClientConfig::new(Environment::Custom(base.clone()))
            .publisher_token(PublisherToken::new(TOKEN)),
    )
    .expect("sdk client");
    let http = hand_client();
    let one_url = format!("{base}/subscriptions/900000049");
    let list_url = format!("{base}/subscriptions?customerId=100000091&limit=100");

    // Both sides get the same answer, or the comparison means nothing.
    runtime.block_on(async {
        let a = sdk
            .get_subscription()
            .subscription_id(900000049)
            .call()
            .await
            .expect("sdk get");
        let b: types::Subscription = hand_get(&http, &one_url).await;
        assert_eq!(
            serde_json::to_value(a).expect("serializable"),
            serde_json::to_value(b).expect("serializable")
        );
        let a = sdk
            .list_subscriptions()
            .customer_id(100000091)
            .limit(100)
            .call()
            .await
            .expect("sdk list");
        let b: types::SubscriptionList = hand_get(&http, &list_url).await;
        assert_eq!(a.data.len(), 100);
        assert_eq!(
            serde_json::to_value(a).expect("serializable"),
            serde_json::to_value(b).expect("serializable")
        );
    });

    let rounds = options.rounds();
    if options.wants("get_subscription") {
        figures.push(compare(
            "get_subscription",
            "reqwest+serde_json",
            1.05,
            rounds,
            Duration::from_millis(20),
            |n| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        black_box(hand_get::<types::Subscription>(&http, &one_url).await);
                    }
                    start.elapsed()
                })
            },
            |n| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        let r = sdk
                            .get_subscription()
                            .subscription_id(900000049)
                            .call()
                            .await;
                        black_box(r.expect("sdk get"));
                    }
                    start.elapsed()
                })
            },
        ));
        figures.last().expect("pushed").print();
    }
    if options.wants("list_subscriptions") {
        figures.push(compare(
            "list_subscriptions(100)",
            "reqwest+serde_json",
            1.05,
            rounds,
            Duration::from_millis(30),
            |n| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        black_box(hand_get::<types::SubscriptionList>(&http, &list_url).await);
                    }
                    start.elapsed()
                })
            },
            |n| {
                runtime.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        let r = sdk
                            .list_subscriptions()
                            .customer_id(100000091)
                            .limit(100)
                            .call()
                            .await;
                        black_box(r.expect("sdk list"));
                    }
                    start.elapsed()
                })
            },
        ));
        figures.last().expect("pushed").print();
    }
}

// ---------------------------------------------------------------- typed decode

fn decode(options: &Options, figures: &mut Vec<Figure>) {
    let body = subscription_list(1000);
    println!("  (1000-subscription list: {} bytes)", body.len());
    let typed: types::SubscriptionList = serde_json::from_slice(&body).expect("decodes");
    assert_eq!(typed.data.len(), 1000);
    figures.push(compare(
        "decode 1000 subscriptions",
        "serde_json::Value",
        0.6,
        options.rounds(),
        Duration::from_millis(40),
        |n| {
            let start = Instant::now();
            for _ in 0..n {
                black_box(serde_json::from_slice::<Value>(black_box(&body)).expect("json"));
            }
            start.elapsed()
        },
        |n| {
            let start = Instant::now();
            for _ in 0..n {
                black_box(
                    serde_json::from_slice::<types::SubscriptionList>(black_box(&body))
                        .expect("json"),
                );
            }
            start.elapsed()
        },
    ));
    figures.last().expect("pushed").print();
}

// ---------------------------------------------------------------- webhook

/// What a receiver writes without the SDK: find the header, hex-decode it, HMAC-SHA256 the raw
/// body, constant-time compare, parse the JSON.
fn bare_verify(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Value {
    let signature = headers
        .get("x-cleeng-signature")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| hex::decode(v).ok())
        .expect("signature header");
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(WEBHOOK_SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    mac.verify_slice(&signature).expect("valid signature");
    serde_json::from_slice(body).expect("json")
}

fn webhook(options: &Options, figures: &mut Vec<Figure>) {
    let body = webhook_body();
    let verifier = Verifier::new(WEBHOOK_SECRET, cleeng::webhooks::SIGNATURE_HEADER).expect("a long secret");
    let headers = verifier.signed_headers(&body);
    match verifier.verify(&headers, &body).expect("verifies") {
        Event::TransactionCreated { data, .. } => {
            assert_eq!(data.transaction_id.as_deref(), Some("T111333222"))
        }
        other => panic!("decoded as {}", other.topic()),
    }
    assert_eq!(bare_verify(&headers, &body)["topic"], "transactionCreated");
    figures.push(compare(
        "webhook verify+decode 2KB",
        "hmac+serde_json::Value",
        2.0,
        options.rounds(),
        Duration::from_millis(10),
        |n| {
            let start = Instant::now();
            for _ in 0..n {
                black_box(bare_verify(black_box(&headers), black_box(&body)));
            }
            start.elapsed()
        },
        |n| {
            let start = Instant::now();
            for _ in 0..n {
                black_box(
                    verifier
                        .verify(black_box(&headers), black_box(&body))
                        .expect("verifies"),
                );
            }
            start.elapsed()
        },
    ));
    figures.last().expect("pushed").print();
}

// ---------------------------------------------------------------- regeneration

const REGEN_BUDGET: Duration = Duration::from_secs(2);

fn print_budget(name: &str, elapsed: Duration, note: &str) {
    let ratio = elapsed.as_secs_f64() / REGEN_BUDGET.as_secs_f64();
    let verdict = if ratio <= 1.0 { "ok" } else { "MISSED" };
    println!(
        "{name:<28} {:>10} vs {:>10} (budget)  ratio {ratio:.3}  {note}  target <= 1.00  {verdict}",
        fmt_duration(elapsed),
        fmt_duration(REGEN_BUDGET),
    );
}

fn regen(options: &Options) -> Vec<(String, f64)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let generate_all = || {
        let start = Instant::now();
        for family in cleeng_codegen::Family::ALL {
            let generated = cleeng_codegen::generate(root, family).expect("generates");
            black_box(generated.source.len());
        }
        start.elapsed()
    };
    generate_all(); // warm: files in the page cache, allocator primed
    let runs = if options.quick { 3 } else { 7 };
    let mut times: Vec<f64> = (0..runs).map(|_| generate_all().as_secs_f64()).collect();
    let elapsed = Duration::from_secs_f64(median(&mut times));
    print_budget(
        "regen 5 specs (in-process)",
        elapsed,
        &format!("median of {runs}"),
    );
    out.push(("regen in-process".to_string(), elapsed.as_secs_f64() / 2.0));

    if std::env::var_os("CLEENG_BENCH_NO_COMMAND").is_some() {
        println!("  (cargo xtask regen --check skipped: CLEENG_BENCH_NO_COMMAND)");
        return out;
    }
    // The command as a developer runs it: `cargo xtask regen --check` (same generation work,
    // writes nothing). Run once to build/warm, then time once.
    let run = || {
        let start = Instant::now();
        let status =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["xtask", "regen", "--check"])
                .current_dir(root)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        (start.elapsed(), status)
    };
    println!("  (warming `cargo xtask regen --check`: from a fresh clone this first builds xtask)");
    let _ = run();
    let (elapsed, status) = run();
    let note = match status {
        Ok(s) if s.success() => "warm, once".to_string(),
        Ok(s) => format!("warm, once; exit {s} (a spec is out of date)"),
        Err(e) => format!("could not run: {e}"),
    };
    print_budget("cargo xtask regen --check", elapsed, &note);
    out.push(("regen command".to_string(), elapsed.as_secs_f64() / 2.0));
    out
}

fn main() {
    let options = Options::parse();
    println!(
        "cleeng-rs benches ({} rounds per comparison; ratio = median over rounds of SDK time / baseline time)",
        options.rounds()
    );
    let mut figures = Vec::new();
    if options.wants("get_subscription") || options.wants("list_subscriptions") {
        per_call(&options, &mut figures);
    }
    if options.wants("decode") {
        decode(&options, &mut figures);
    }
    if options.wants("webhook") {
        webhook(&options, &mut figures);
    }
    let budgets = if options.wants("regen") {
        regen(&options)
    } else {
        Vec::new()
    };

    println!();
    println!("summary (ratio, target):");
    for f in &figures {
        println!("  {:<28} {:.3}  <= {:.2}", f.name, f.ratio, f.target);
    }
    for (name, ratio) in &budgets {
        println!("  {name:<28} {ratio:.3}  <= 1.00 (of 2 s)");
    }
}
