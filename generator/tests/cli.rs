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

fn sdkgen(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .args(args)
        .output()
        .unwrap()
}

fn two_tags(second: bool) -> String {
    let mut text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      tags: [alpha]\n      responses:\n        '204': {{description: ok}}\n"
    );
    if second {
        text.push_str("  /b:\n    get:\n      operationId: getB\n      tags: [beta]\n      responses:\n        '204': {description: ok}\n");
    }
    text
}

#[test]
fn regeneration_removes_only_files_it_wrote() {
    let dir = tmp("ownfiles");
    let spec = dir.join("spec.yaml");
    let out = dir.join("out");
    std::fs::write(&spec, two_tags(true)).unwrap();
    let o = sdkgen(&[spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("src/resources/beta.rs").exists());
    let manifest = std::fs::read_to_string(out.join(".sdkgen-manifest")).unwrap();
    assert!(manifest.contains("\nsrc/resources/beta.rs\n"), "{manifest}");
    // The user's own files in the crate: a module, notes, a CI file.
    std::fs::write(out.join("src/extra.rs"), "// mine").unwrap();
    std::fs::write(out.join("NOTES.md"), "mine").unwrap();
    std::fs::create_dir_all(out.join(".github")).unwrap();
    std::fs::write(out.join(".github/ci.yml"), "mine").unwrap();

    std::fs::write(&spec, two_tags(false)).unwrap();
    let o = sdkgen(&[spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !out.join("src/resources/beta.rs").exists(),
        "a file sdkgen wrote and no longer generates is removed"
    );
    for mine in ["src/extra.rs", "NOTES.md", ".github/ci.yml"] {
        assert!(out.join(mine).exists(), "{mine} must survive");
    }
    let check = sdkgen(&[
        spec.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--check".as_ref(),
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn a_non_empty_directory_without_earlier_output_is_refused_unless_forced() {
    let dir = tmp("foreign");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, two_tags(true)).unwrap();
    // A user's project.
    let out = dir.join("project");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    std::fs::write(out.join("src/main.rs"), "fn main() {}").unwrap();
    let o = sdkgen(&[spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds no earlier sdkgen output") && err.contains("--force"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("Cargo.toml")).unwrap(),
        "[package]\nname = \"mine\"\n",
        "nothing is written"
    );
    assert!(!out.join("src/lib.rs").exists());

    let o = sdkgen(&[
        spec.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--force".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("src/lib.rs").exists());
    assert!(
        out.join("src/main.rs").exists(),
        "--force overwrites, never deletes"
    );
    // From now on the directory holds earlier output: no --force needed.
    let o = sdkgen(&[spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("src/main.rs").exists());
}

#[test]
fn the_binary_carries_its_templates() {
    let dir = tmp("relocated");
    // The binary alone, in a directory of its own, run from another one.
    let bin_dir = dir.join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let bin = bin_dir.join(format!("sdkgen{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(env!("CARGO_BIN_EXE_sdkgen"), &bin).unwrap();
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("spec.yaml"), two_tags(false)).unwrap();
    let o = Command::new(&bin)
        .current_dir(&work)
        .args(["spec.yaml", "--out", "sdk"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates/runtime");
    for name in ["client.rs", "mod.rs", "error.rs"] {
        assert_eq!(
            std::fs::read_to_string(work.join("sdk/src/runtime").join(name)).unwrap(),
            std::fs::read_to_string(templates.join(name)).unwrap(),
            "{name} is the embedded template"
        );
    }
    // No path from the build machine is a default any more.
    let help = Command::new(&bin).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).to_string();
    assert!(help.contains("--templates"), "{help}");
    assert!(!help.contains(env!("CARGO_MANIFEST_DIR")), "{help}");
    // `--templates` still overrides: a missing directory is a clear error.
    let o = Command::new(&bin)
        .current_dir(&work)
        .args(["spec.yaml", "--out", "sdk2", "--templates", "no-such-dir"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read templates"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_names_that_are_not_rust_identifiers_are_diagnostics() {
    for (config, key, words) in [
        (
            "methods: {getA: create-link}\n",
            "#/methods/getA",
            "\"create-link\" is not a Rust identifier",
        ),
        ("methods: {getA: type}\n", "#/methods/getA", "Rust keyword"),
        (
            "resources: {alpha: 2fast}\n",
            "#/resources/alpha",
            "not a Rust identifier",
        ),
    ] {
        let dir = tmp("badname");
        let config_path = dir.join("sdkgen.yaml");
        std::fs::write(&config_path, config).unwrap();
        let (o, _spec, out) = run(
            &two_tags(false),
            "badname-run",
            &["--config", config_path.to_str().unwrap()],
        );
        assert_failed_cleanly(&o, &out, &config_path, key, words);
    }
}

#[test]
fn security_requirements_are_honoured_and_unsupported_schemes_warn() {
    let text = format!(
        "{HEAD}security: [{{key: []}}]\npaths:\n  /open:\n    get:\n      operationId: getOpen\n      tags: [t]\n      security: []\n      responses:\n        '204': {{description: ok}}\n  /closed:\n    get:\n      operationId: getClosed\n      tags: [t]\n      responses:\n        '204': {{description: ok}}\n  /odd:\n    get:\n      operationId: getOdd\n      tags: [t]\n      security: [{{digest: []}}, {{missing: []}}]\n      responses:\n        '204': {{description: ok}}\ncomponents:\n  securitySchemes:\n    key: {{type: apiKey, in: query, name: token}}\n    digest: {{type: http, scheme: digest}}\n    oidc: {{type: openIdConnect, openIdConnectUrl: 'https://id.example.com/.well-known/openid-configuration'}}\n"
    );
    let (o, spec, out) = run(&text, "security", &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let warned = |pointer: &str, words: &str| {
        err.lines().any(|l| {
            l.starts_with(&format!("{}: warning: {pointer}:", spec.display())) && l.contains(words)
        })
    };
    assert!(
        warned("#/components/securitySchemes/digest", "not supported"),
        "{err}"
    );
    assert!(
        warned("#/components/securitySchemes/oidc", "bearer token"),
        "{err}"
    );
    assert!(
        warned("#/paths/~1odd/get/security/1/missing", "not declared"),
        "{err}"
    );
    assert!(
        warned("#/paths/~1odd/get/security", "sent without credentials"),
        "{err}"
    );
    let resources = std::fs::read_to_string(out.join("src/resources/t.rs")).unwrap();
    let security_calls: Vec<&str> = resources
        .lines()
        .filter(|l| l.contains("req.security("))
        .map(str::trim)
        .collect();
    assert_eq!(
        security_calls,
        ["req.security(&[&[crate::config::SecurityScheme::Key]]);"],
        "only getClosed needs a credential"
    );
    let config = std::fs::read_to_string(out.join("src/config.rs")).unwrap();
    assert!(
        config.contains("Self::Key => crate::runtime::Placement::Query(\"token\")"),
        "{config}"
    );
}

fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_format_cache_changes_nothing_but_the_time_taken() {
    let dir = tmp("cache");
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        format!("{HEAD}paths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{name: {{type: string}}, owner: {{$ref: '#/components/schemas/Missing'}}}}}}\n"),
    )
    .unwrap();
    let changed = dir.join("changed.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &changed,
        text.replace(
            "{name: {type: string},",
            "{name: {type: string}, age: {type: integer},",
        ),
    )
    .unwrap();
    let cache = dir.join("cache");
    let gen_from = |spec: &Path, out: &str, extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
            .arg(spec)
            .arg("--out")
            .arg(dir.join(out))
            .args(extra)
            .env("SDKGEN_CACHE_DIR", &cache)
            .env("SDKGEN_TIMINGS", "1")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let err = stderr(&o);
        let found = |start: &str| {
            err.lines()
                .find(|l| l.starts_with(start))
                .unwrap_or_default()
                .to_string()
        };
        let line = format!("{} / {}", found("format cache:"), found("load cache:"));
        // Loading warns of the dangling reference, from the cache as without it.
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
        assert_eq!(warnings.len(), 1, "{err}");
        assert!(
            warnings[0].contains("#/components/schemas/Missing"),
            "{err}"
        );
        (tree(&dir.join(out)), line)
    };
    let gen_into = |out: &str, extra: &[&str]| gen_from(&spec, out, extra);
    let (cold, line) = gen_into("cold", &[]);
    assert!(
        line.starts_with("format cache: 0 file(s) reused whole; 0 piece(s) reused"),
        "{line}"
    );
    assert!(line.ends_with("description parsed"), "{line}");
    let (warm, line) = gen_into("warm", &[]);
    assert!(
        line.contains(" 0 formatted") && !line.contains(" 0 file(s) reused whole"),
        "every file comes from the cache: {line}"
    );
    assert!(line.ends_with("description reused"), "{line}");
    assert_eq!(cold, warm);
    let (uncached, line) = gen_into("uncached", &["--no-cache"]);
    assert_eq!(
        line,
        "format cache: 0 file(s) reused whole; 0 piece(s) reused, 0 formatted / load cache: description parsed"
    );
    assert_eq!(cold, uncached);
    // A changed description misses the entries of the old IR; the model file is
    // formatted anew and everything comes out as it does without the cache.
    let (changed_warm, line) = gen_from(&changed, "changed", &[]);
    assert!(!line.contains(" 0 formatted"), "{line}");
    // Only the pieces whose tokens changed are formatted: the other files' are reused.
    assert!(!line.contains(" 0 piece(s) reused"), "{line}");
    assert!(line.ends_with("description parsed"), "{line}");
    let (changed_uncached, _) = gen_from(&changed, "changed-uncached", &["--no-cache"]);
    assert_eq!(changed_warm, changed_uncached);
    assert_ne!(changed_warm, cold);
    // Damaged entries are formatted anew, to the same text.
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        std::fs::write(e.path(), format!("x{text}")).unwrap();
    }
    let (repaired, line) = gen_into("repaired", &[]);
    assert!(
        line.starts_with("format cache: 0 file(s) reused whole; 0 piece(s) reused"),
        "{line}"
    );
    assert!(line.ends_with("description parsed"), "{line}");
    assert_eq!(cold, repaired);
}
