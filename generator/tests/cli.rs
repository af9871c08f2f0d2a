//! The CLI on bad input: one clear line naming the file and JSON pointer, a non-zero
#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test loudly on I/O errors"
)]
//! exit, nothing written, never a panic; loose constructs warn and still generate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sdkgen-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(spec_text: &str, name: &str, extra: &[&str]) -> (Output, PathBuf, PathBuf) {
    let dir = tmp(name);
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    let out = dir.join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    (output, spec, out)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn assert_failed_cleanly(o: &Output, out: &Path, spec: &Path, pointer: &str, words: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&spec.display().to_string()),
        "names the file: {first}"
    );
    assert!(
        first.contains(pointer),
        "names the pointer {pointer}: {first}"
    );
    assert!(first.contains(words), "says {words:?}: {first}");
    assert!(!out.exists(), "nothing is written on error");
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n";

#[test]
fn not_yaml_or_json() {
    let (o, spec, out) = run("{ this is: [not json", "garbage", &[]);
    assert_failed_cleanly(&o, &out, &spec, "#", "not valid JSON");
    let (o, spec, out) = run(":\n  - : :\n\t", "garbage2", &[]);
    assert_failed_cleanly(&o, &out, &spec, "#", "not valid YAML");
}

#[test]
fn not_openapi() {
    let (o, spec, out) = run("name: my-package\nversion: 1\n", "notoas", &[]);
    assert_failed_cleanly(&o, &out, &spec, "#", "not an OpenAPI description");
    let (o, spec, out) = run("openapi: 2.0.0\n", "oldoas", &[]);
    assert_failed_cleanly(&o, &out, &spec, "#/openapi", "not supported");
}

/// A vendor defect: generation goes on, the warning names the file and the pointer,
/// and the spot is typed `serde_json::Value`.
fn assert_warned_and_generated(o: &Output, out: &Path, spec: &Path, pointer: &str, words: &str) {
    let err = stderr(o);
    assert!(o.status.success(), "{err}");
    let line = err.lines().find(|l| l.contains(pointer));
    assert!(line.is_some(), "no warning at {pointer}: {err}");
    let line = line.unwrap_or_default();
    assert!(
        line.starts_with(&format!("{}: warning: ", spec.display())),
        "{line}"
    );
    assert!(line.contains(words), "says {words:?}: {line}");
    assert!(out.join("src/lib.rs").exists(), "the crate is written");
}

#[test]
fn dangling_external_and_non_string_refs_warn_and_generate() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Missing'}}\n        c: {{$ref: 'other.yaml#/C'}}\n        d: {{$ref: 5}}\n"
    );
    let (o, spec, out) = run(&text, "dangling", &[]);
    let pointer = "#/components/schemas/A/properties/b/$ref";
    assert_warned_and_generated(&o, &out, &spec, pointer, "dangling reference");
    let pointer = "#/components/schemas/A/properties/c/$ref";
    assert_warned_and_generated(&o, &out, &spec, pointer, "external reference");
    let pointer = "#/components/schemas/A/properties/d/$ref";
    assert_warned_and_generated(&o, &out, &spec, pointer, "not a string");
    let models = std::fs::read_to_string(out.join("src/models/common.rs")).unwrap();
    for field in ["b", "c", "d"] {
        assert!(
            models.contains(&format!("pub {field}: Option<serde_json::Value>")),
            "{models}"
        );
    }
}

#[test]
fn unrepresentable_reference_cycle() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
    );
    let (o, spec, out) = run(&text, "cycle", &[]);
    assert_warned_and_generated(&o, &out, &spec, "#/components/schemas/A/$ref", "cycle");
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n      - $ref: '#/components/schemas/B'\n    B:\n      allOf:\n      - $ref: '#/components/schemas/A'\n      - type: object\n        properties: {{x: {{type: string}}}}\n"
    );
    let (o, spec, out) = run(&text, "allof-cycle", &[]);
    assert_failed_cleanly(&o, &out, &spec, "#/components/schemas/", "no finite type");
}

#[test]
fn unknown_request_media_type_warns_and_is_sent_as_bytes() {
    let text = format!(
        "{HEAD}paths:\n  /x:\n    post:\n      requestBody:\n        content:\n          application/xml:\n            schema: {{type: object}}\n      responses:\n        '200': {{description: ok}}\n"
    );
    let (o, spec, out) = run(&text, "xml", &[]);
    assert_warned_and_generated(
        &o,
        &out,
        &spec,
        "#/paths/~1x/post/requestBody/content/application~1xml",
        "sent as raw bytes",
    );
}

#[test]
fn api_key_header_that_is_not_a_header_name() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  securitySchemes:\n    k: {{type: apiKey, in: header, name: 'bad name'}}\n"
    );
    let (o, spec, out) = run(&text, "badheader", &[]);
    assert_failed_cleanly(
        &o,
        &out,
        &spec,
        "#/components/securitySchemes/k/name",
        "not a valid HTTP header name",
    );
}

#[test]
fn loose_construct_warns_and_generates() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        odd:\n          not: {{type: string}}\n"
    );
    let (o, spec, out) = run(&text, "loose", &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "{}: warning: #/components/schemas/A/properties/odd",
            spec.display()
        )),
        "{err}"
    );
    let models = std::fs::read_to_string(out.join("src/models/common.rs")).unwrap();
    assert!(
        models.contains("pub odd: Option<serde_json::Value>"),
        "{models}"
    );
}

#[test]
fn pattern_the_sdk_cannot_check_warns() {
    let text = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        code: {{type: string, pattern: '(?<=x)y'}}\n"
    );
    let (o, spec, out) = run(&text, "pattern", &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "{}: warning: #/components/schemas/A/properties/code/pattern",
            spec.display()
        )),
        "{err}"
    );
    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        !cargo.contains("regex-lite"),
        "no unchecked pattern, no dependency"
    );
}

#[test]
fn check_mode_lists_stale_files_and_writes_nothing() {
    let text =
        format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: string, enum: [a]}}\n");
    let (o, spec, out) = run(&text, "check", &["--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("added     src/lib.rs"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let generate = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .arg(&spec)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(generate.status.success());
    let again = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .arg(&spec)
        .arg("-o")
        .arg(&out)
        .arg("--check")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[test]
fn help_describes_the_command() {
    let o = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        text.contains("--check") && text.contains("--out") && text.contains("--config"),
        "{text}"
    );
}
