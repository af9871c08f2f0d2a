//! Generation time of the Glomo SDK, per pipeline stage.
#![allow(
    clippy::expect_used,
    reason = "a benchmark of known-good input fails loudly"
)]
//!
//! `cargo bench -p sdkgen --bench generate` prints the median of several runs for each
//! stage (in-process, templates already read). The whole process is timed on the
//! release binary: `/usr/bin/time target/release/sdkgen spec/glomo.openapi.yaml -o
//! generated-sdk -c spec/sdkgen.yaml -q`.

use std::time::{Duration, Instant};

const RUNS: usize = 9;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("spec/glomo.openapi.yaml")).expect("spec");
    let config_text = std::fs::read_to_string(root.join("spec/sdkgen.yaml")).expect("config");
    let config = sdkgen::config::Config::from_yaml(&config_text).expect("config parses");
    let templates = sdkgen::read_templates(&root.join("templates")).expect("templates");
    let (mut load, mut ir, mut emit) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t = Instant::now();
        let loaded = sdkgen::load::load_str(&text, &config.type_overrides).expect("loads");
        let t_load = t.elapsed();
        let (api, _) =
            sdkgen::ir::build::build(&loaded.doc, &config, "glomo.openapi.yaml").expect("builds");
        let t_ir = t.elapsed();
        let files = sdkgen::emit::emit(&api, &templates).expect("emits");
        let t_emit = t.elapsed();
        assert!(files.len() > 50);
        load.push(t_load);
        ir.push(t_ir - t_load);
        emit.push(t_emit - t_ir);
    }
    let (l, i, e) = (median(load), median(ir), median(emit));
    println!(
        "load {l:?}  ir {i:?}  emit {e:?}  total {:?}  (median of {RUNS})",
        l + i + e
    );
}
