//! Mutated specs never panic the generator.
//!
//! A small seeded mutator takes the fixture specs and the Glomo spec, applies a few
//! random mutations (drop a key, swap a value's type, dangling/external/odd `$ref`s,
//! deep nesting, huge and odd names, a subtree copied somewhere it does not belong) and
//! runs the whole generator on the result, as text, the way the CLI does. Any outcome
//! but a panic is fine: a generated crate, or errors.
//!
//! `cargo test` runs a fixed number of iterations from a fixed seed, so a failure
//! reproduces. `SDKGEN_FUZZ_ITERS=N` runs N iterations and `SDKGEN_FUZZ_SEED=S` starts
//! from another seed; a failing input is written to the temp directory.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on broken fixtures and on the panic it looks for"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Map, Value, json};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn seeds() -> Vec<(String, Value)> {
    let r = root();
    let mut files = vec![r.join("spec/glomo.openapi.yaml")];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(r.join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    fixtures.sort();
    files.extend(fixtures);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, sdkgen::load::parse_text(&text).unwrap())
        })
        .collect()
}

/// Every JSON pointer of the document (objects and arrays included).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                pointers(x, p, out);
            }
        }
        Value::Array(l) => {
            for (i, x) in l.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn odd_value(rng: &mut Rng) -> Value {
    let values = [
        json!(null),
        json!(true),
        json!("true"),
        json!(""),
        json!("x"),
        json!(0),
        json!(-1),
        json!(0.5),
        json!(-9_223_372_036_854_776_000.0_f64),
        json!(18_446_744_073_709_551_615_u64),
        json!(1e300),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"type": "string"}),
        json!({"$ref": "#/components/schemas/Nope"}),
        json!({"$ref": "other.yaml#/X"}),
        json!({"$ref": 5}),
        json!({"type": ["string", "null", 3]}),
        json!({"allOf": []}),
        json!({"oneOf": "x"}),
        json!({"type": "object", "properties": {"a": 1}, "required": true}),
    ];
    rng.pick(&values).clone()
}

fn odd_name(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => "x".repeat(3000),
        1 => String::new(),
        2 => "self".into(),
        3 => "123 456".into(),
        4 => "💥/{id}~".into(),
        5 => "__".into(),
        6 => "a".repeat(40) + &"B".repeat(40),
        _ => "type".into(),
    }
}

/// One random mutation somewhere in `doc`.
fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let at = rng.pick(&all).clone();
    let other = rng.pick(&all).clone();
    let copy = doc.pointer(&other).cloned();
    let Some(target) = doc.pointer_mut(&at) else {
        return;
    };
    match rng.below(8) {
        // Drop a key.
        0 => {
            if let Value::Object(m) = target {
                if !m.is_empty() {
                    let k = m.keys().nth(rng.below(m.len())).cloned().unwrap();
                    m.shift_remove(&k);
                }
            }
        }
        // Swap the value's type.
        1 | 2 => *target = odd_value(rng),
        // A reference to somewhere: existing, dangling, external, itself.
        3 => {
            let refs = [
                format!("#{other}"),
                format!("#{at}"),
                "#/components/schemas/Nope".to_string(),
                "https://example.com/x.json".to_string(),
                "#/paths".to_string(),
                "#".to_string(),
            ];
            let r = rng.pick(&refs).clone();
            if let Value::Object(m) = target {
                m.insert("$ref".into(), Value::String(r));
            } else {
                *target = json!({ "$ref": r });
            }
        }
        // Deep nesting.
        4 => {
            let mut v = std::mem::take(target);
            let depth = 1 + rng.below(40);
            for _ in 0..depth {
                v = match rng.below(4) {
                    0 => json!({"allOf": [v]}),
                    1 => json!({"type": "array", "items": v}),
                    2 => json!({"type": "object", "properties": {"n": v}}),
                    _ => json!({"anyOf": [v, {"type": "null"}]}),
                };
            }
            *target = v;
        }
        // Huge or odd names: rename a key.
        5 => {
            if let Value::Object(m) = target {
                if !m.is_empty() {
                    let i = rng.below(m.len());
                    let entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
                    let mut out = Map::new();
                    let name = odd_name(rng);
                    for (j, (k, v)) in entries.into_iter().enumerate() {
                        out.insert(if j == i { name.clone() } else { k }, v);
                    }
                    *m = out;
                }
            } else if target.is_string() {
                *target = Value::String(odd_name(rng));
            }
        }
        // A subtree copied where it does not belong.
        6 => {
            if let Some(c) = copy {
                *target = c;
            }
        }
        // An empty container.
        _ => {
            *target = match target {
                Value::Array(_) => json!([]),
                _ => json!({}),
            };
        }
    }
}

fn run(iterations: u64, seed: u64) -> (u64, std::time::Duration) {
    let seeds = seeds();
    let templates = sdkgen::read_templates(&root().join("templates")).unwrap();
    let config = sdkgen::config::Config::default();
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut generated = 0;
    for i in 0..iterations {
        // The Glomo spec is large; most rounds use the small fixtures.
        let (name, base) = if rng.below(10) == 0 {
            &seeds[0]
        } else {
            &seeds[1 + rng.below(seeds.len() - 1)]
        };
        let mut doc = base.clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut doc, &mut rng);
        }
        let text = serde_json::to_string(&doc).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            sdkgen::generate_str(&text, name, &config, &templates)
        }));
        match outcome {
            Ok(Ok(_)) => generated += 1,
            Ok(Err(errors)) => {
                assert!(!errors.is_empty(), "a failure must say why");
            }
            Err(_) => {
                let path = std::env::temp_dir().join(format!("sdkgen-fuzz-{seed}-{i}.json"));
                std::fs::write(&path, &text).unwrap();
                panic!(
                    "iteration {i} (seed {seed}, from {name}) panicked; input written to {}",
                    path.display()
                );
            }
        }
    }
    eprintln!(
        "fuzz: {iterations} iterations from seed {seed}, {generated} generated, {:?}",
        started.elapsed()
    );
    (generated, started.elapsed())
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn mutated_specs_never_panic_the_generator() {
    let iterations = env_u64("SDKGEN_FUZZ_ITERS").unwrap_or(100);
    let seed = env_u64("SDKGEN_FUZZ_SEED").unwrap_or(0x5eed_1234_abcd);
    // The CLI runs on a main thread (8 MiB of stack); test threads get less.
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || run(iterations, seed))
        .unwrap();
    let (generated, _) = handle
        .join()
        .unwrap_or_else(|_| panic!("see the message above"));
    // Most mutations are survivable: the loose fallbacks must actually be taken.
    assert!(
        generated * 2 >= iterations,
        "only {generated} of {iterations} mutated specs generated"
    );
}
