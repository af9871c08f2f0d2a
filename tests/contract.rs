//! Contract tests: every operation of `spec/` called through the SDK against Prism
//! (`@stoplight/prism-cli`, pinned in `tests/contract/package.json`) serving the same
//! spec, with the local corrections of its overlay applied, on 127.0.0.1. Prism validates each request against the spec and reports what
//! is wrong in its `sl-violations` response header; any request violation, non-2xx
//! answer or undecodable body fails the operation. Violations Prism finds in its own
//! mock responses are problems of the spec's examples or schemas: they are printed as
//! findings (see `spec/README.md`), not failed. Then every documented error status is asked
//! for (`Prefer: code=404`) and must come back as the typed, decoded error.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use glomo_sdk::contract::{OPERATIONS, Outcome, call};
use glomo_sdk::{Client, RequestOptions};

/// The Prism process; killed when dropped, so also when a test fails or panics.
struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn contract_dir() -> PathBuf {
    sdk_tests::root().join("tests/contract")
}

/// Installs Prism if needed (same script as CI), with a clear message when it cannot.
fn prism_binary() -> PathBuf {
    let bin = contract_dir().join("node_modules/.bin/prism");
    if !bin.exists() {
        let status = Command::new(contract_dir().join("install-prism.sh")).status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => panic!(
                "installing Prism failed ({s}); run tests/contract/install-prism.sh to see why"
            ),
            Err(e) => panic!("cannot run tests/contract/install-prism.sh: {e}"),
        }
    }
    assert!(bin.exists(), "Prism is not at {}", bin.display());
    bin
}

fn start_prism() -> Prism {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    // Prism serves what the SDK was generated from: the vendor's file plus the overlay.
    let root = sdk_tests::root();
    let doc = sdkgen::overlaid_spec(
        &root.join("spec/glomo.openapi.yaml"),
        Some(&root.join("spec/sdkgen.yaml")),
    )
    .unwrap_or_else(|f| panic!("{f}"));
    let dir = root.join("target/contract");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join(format!("glomo.overlaid.{port}.json"));
    std::fs::write(&spec, serde_json::to_vec(&doc).unwrap()).unwrap();
    let child = Command::new(prism_binary())
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(&spec)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Prism: {e}"));
    let mut prism = Prism { child, port };
    // Wait until it answers, but not forever; a Prism that exits is reported at once.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return prism;
        }
        if let Ok(Some(status)) = prism.child.try_wait() {
            panic!("Prism exited before listening: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "Prism did not listen on port {port} within 90 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Splits Prism's `sl-violations` report into violations of the request (the SDK's
/// doing: they fail the test) and of Prism's own mock response (the spec's examples
/// or schemas: reported as findings).
fn split_violations(header: Option<&str>) -> (Vec<String>, Vec<String>) {
    let Some(header) = header else {
        return (Vec::new(), Vec::new());
    };
    let Ok(serde_json::Value::Array(list)) = serde_json::from_str::<serde_json::Value>(header)
    else {
        return (
            vec![format!("unparsable sl-violations header: {header}")],
            Vec::new(),
        );
    };
    let mut request = Vec::new();
    let mut response = Vec::new();
    for v in list {
        let message = v["message"].as_str().unwrap_or("?").to_owned();
        match v["location"][0].as_str() {
            Some("response") => response.push(message),
            _ => request.push(message),
        }
    }
    (request, response)
}

fn report(title: &str, failures: &[String], passed: usize, total: usize) {
    println!("{title}: {passed}/{total} passed");
    for f in failures {
        println!("  FAIL {f}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism() {
    let prism = start_prism();
    let client = Client::builder()
        .api_key("contract-test-key")
        .base_url(format!("http://127.0.0.1:{}", prism.port))
        .max_retries(0)
        .build()
        .unwrap();

    let mut failures = Vec::new();
    let mut findings = Vec::new();
    for (id, _) in OPERATIONS {
        let o: Outcome = call(&client, id, RequestOptions::new()).await;
        let (request, response) = split_violations(o.violations.as_deref());
        if !o.ok || !request.is_empty() {
            failures.push(format!(
                "{id}: status {:?}, request violations {request:?}, {}",
                o.status, o.detail
            ));
        }
        for r in response {
            findings.push(format!("{id}: {r}"));
        }
    }
    let passed = OPERATIONS.len() - failures.len();
    report("contract: operations", &failures, passed, OPERATIONS.len());
    println!(
        "contract: {} response finding(s) about the spec itself (not failures):",
        findings.len()
    );
    for f in &findings {
        println!("  spec: {f}");
    }

    let mut error_failures = Vec::new();
    let mut checked = 0;
    for (id, statuses) in OPERATIONS {
        for status in *statuses {
            checked += 1;
            let options = RequestOptions::new().header("prefer", format!("code={status}"));
            let o = call(&client, id, options).await;
            let (request, _) = split_violations(o.violations.as_deref());
            let good = o.status == Some(*status)
                && o.typed_error
                && o.error_body_decoded
                && request.is_empty();
            if !good {
                error_failures.push(format!(
                    "{id} {status}: got {:?}, {}, violations {:?}",
                    o.status, o.detail, o.violations
                ));
            }
        }
    }
    report(
        "contract: documented errors",
        &error_failures,
        checked - error_failures.len(),
        checked,
    );
    drop(prism);
    assert!(
        failures.is_empty() && error_failures.is_empty(),
        "{} operation(s) and {} error check(s) failed",
        failures.len(),
        error_failures.len()
    );
}
