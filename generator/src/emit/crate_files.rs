//! The crate around the models and resources: `lib.rs`, `config.rs`, module indexes,
//! `Cargo.toml`, `README.md`, and the runtime copied from `templates/`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, lines};
use super::models::{feature_cfg, ident, module_feature, type_def};
use super::operations::resource_module;
use super::{Pieces, Templates, format_file_from_ir};
use crate::diag::Diagnostic;
use crate::ir::{Api, ApiKeyLocation, Resource, SchemeKind, TypeDef};

fn fill(template: &str, api: &Api) -> String {
    let resource_features = api
        .resources
        .iter()
        .map(|r| format!("{:?}", r.feature))
        .collect::<Vec<_>>()
        .join(", ");
    let mut features: String = api
        .features
        .iter()
        .map(|f| format!("# {}\n{} = []\n", f.docs.replace('\n', " "), f.name))
        .collect();
    if !api.resources.is_empty() {
        features.push_str(
            "# One per resource (all on by default): its operations and the types only they use.\n",
        );
        for r in &api.resources {
            features.push_str(&format!("{} = []\n", r.feature));
        }
    }
    let mut feature_list: String = if api.features.is_empty() {
        "\nNo optional features.\n".to_string()
    } else {
        api.features
            .iter()
            .map(|f| format!("\n- `{}`: {}", f.name, f.docs.replace('\n', " ")))
            .collect::<String>()
            + "\n"
    };
    if !api.resources.is_empty() {
        let example = api
            .resources
            .iter()
            .take(2)
            .map(|r| format!("{:?}", r.feature))
            .collect::<Vec<_>>()
            .join(", ");
        let names = api
            .resources
            .iter()
            .map(|r| format!("`{}`", r.feature))
            .collect::<Vec<_>>()
            .join(", ");
        feature_list.push_str(&format!(
            "\nEach resource is a feature of its own, all on by default: {names}. A service that\nuses a few of them compiles only those, their types and the shared ones:\n\n```toml\n{} = {{ version = \"{}\", default-features = false, features = [{example}] }}\n```\n",
            api.info.crate_name, api.info.crate_version
        ));
        if api.webhooks.is_some() {
            feature_list.push_str(
                "\nA webhook event whose payload belongs to a resource that is off decodes as\n`Event::Unknown`.\n",
            );
        }
    }
    let env_note = match (
        api.client.api_key_env.as_str(),
        api.client.base_url_env.as_str(),
    ) {
        ("", _) => {
            "`Client::from_env()` reads nothing from the environment for this API.".to_string()
        }
        (key, "") => format!("`Client::from_env()` reads the API key from `{key}`."),
        (key, url) => format!(
            "`Client::from_env()` reads the API key from `{key}` and an optional base URL from `{url}`."
        ),
    };
    // `regex-lite` only when some field has a `pattern` to check.
    let has_pattern = api.types.iter().any(|t| match &t.kind {
        crate::ir::TypeKind::Struct(s) => s.fields.iter().any(|f| f.constraints.pattern.is_some()),
        _ => false,
    });
    let pattern_dependency = if has_pattern {
        "regex-lite = \"0.1\"\n"
    } else {
        ""
    };
    // `hmac` and `sha2` only when there are webhook signatures to check.
    let webhook_dependencies = if api.webhooks.is_some() {
        "hmac = \"0.12\"\n"
    } else {
        ""
    };
    let webhook_sha2 = if api.webhooks.is_some() {
        "sha2 = \"0.10\"\n"
    } else {
        ""
    };
    template
        .replace("{{pattern_dependency}}", pattern_dependency)
        .replace("{{webhook_dependency}}", webhook_dependencies)
        .replace("{{webhook_sha2_dependency}}", webhook_sha2)
        .replace("{{webhooks_section}}", &webhooks_section(api))
        .replace(
            "{{extra_dev_dependencies}}",
            &api.info
                .dev_dependencies
                .iter()
                .map(|(k, v)| format!("{k} = {v}\n"))
                .collect::<String>(),
        )
        .replace("{{env_note}}", &env_note)
        .replace("{{crate_name}}", &api.info.crate_name)
        .replace("{{crate_version}}", &api.info.crate_version)
        .replace("{{crate_description}}", &api.info.crate_description)
        .replace("{{crate_ident}}", &api.info.crate_name.replace('-', "_"))
        .replace("{{api_name}}", &api.info.api_name)
        .replace("{{api_version}}", &api.info.version)
        .replace("{{source}}", &api.info.source)
        .replace("{{api_key_env}}", &api.client.api_key_env)
        .replace("{{base_url_env}}", &api.client.base_url_env)
        .replace("{{cargo_features}}", &features)
        .replace("{{default_features}}", &resource_features)
        .replace("{{resource_features}}", &resource_features)
        .replace("{{features}}", &feature_list)
        .replace(
            "{{operation_count}}",
            &api.resources
                .iter()
                .map(|r| r.operations.len())
                .sum::<usize>()
                .to_string(),
        )
        .replace("{{type_count}}", &api.types.len().to_string())
}

/// Marks around the README template's generic quickstart.
const QUICKSTART_BEGIN: &str = "{{quickstart:begin}}\n";
const QUICKSTART_END: &str = "{{quickstart:end}}\n";

/// The README template with its generic quickstart, or the config's hand-written one
/// in its place; the marks themselves never reach the output.
fn with_quickstart(template: &str, quickstart: Option<&str>) -> String {
    match (
        template.find(QUICKSTART_BEGIN),
        template.find(QUICKSTART_END),
        quickstart,
    ) {
        (Some(b), Some(e), Some(q)) if b < e => {
            let mut q = q.trim_end().to_string();
            q.push('\n');
            format!(
                "{}{q}{}",
                &template[..b],
                &template[e + QUICKSTART_END.len()..]
            )
        }
        _ => template
            .replace(QUICKSTART_BEGIN, "")
            .replace(QUICKSTART_END, ""),
    }
}

/// The runtime file with the signature checks: copied into `src/webhooks/` only for
/// APIs with webhooks (it needs `hmac` and `sha2`).
const WEBHOOKS_RUNTIME: &str = "webhooks.rs";

/// The README section on webhooks, with a compiled example (empty without webhooks).
fn webhooks_section(api: &Api) -> String {
    let Some(w) = &api.webhooks else {
        return String::new();
    };
    let header = w
        .signature_header
        .as_deref()
        .map_or("the signature header".to_string(), |h| {
            format!("the `{h}` header")
        });
    let mut s = r##"
## Verifying webhooks

`webhooks::construct_event` checks the signature from {header} (HMAC-SHA256 of the raw
body, hex, compared in constant time) and only then decodes the body into a typed
`webhooks::Event`; events this version does not know arrive as `Event::Unknown` with
their JSON. Pass the body bytes exactly as received, not re-serialised JSON.

```rust
use {krate}::webhooks::{construct_event, Event, WebhookError};

/// One webhook request: the body as received and the signature header's value.
fn handle(body: &[u8], signature: &str, secret: &[u8]) -> Result<(), WebhookError> {
    // On `Err`, answer 400 and do nothing else: the body is not authentic.
    match construct_event(body, signature, secret)? {
        Event::Unknown(json) => println!("not known to this SDK version: {json}"),
        event => println!("received {:?}", event.webhook_name()),
    }
    Ok(())
}
# let secret = b"whsec_test";
# let body = br#"{"kind":"test"}"#;
# let signature = {krate}::webhooks::sign(body, secret);
# assert!(handle(body, &signature, secret).is_ok());
# assert!(handle(b"{}", &signature, secret).is_err());
```
"##
    .replace("{header}", &header)
    .replace("{krate}", &api.info.crate_name.replace('-', "_"));
    if let Some(c) = &w.callback {
        let args: String = c.fields.iter().map(|f| format!("{f}, ")).collect();
        s.push_str(&format!(
            "\n`webhooks::{}({args}signature, secret)` checks the signature of a callback\n(HMAC-SHA256 of the fields joined by `{}`).\n",
            c.function, c.separator
        ));
    }
    s
}

/// Every file of the generated crate by relative path.
pub fn emit_crate(
    api: &Api,
    templates: &Templates,
) -> Result<BTreeMap<String, String>, Diagnostic> {
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_string(), fill(&templates.cargo_toml, api));
    files.insert(
        "README.md".to_string(),
        fill(
            &with_quickstart(&templates.readme, templates.quickstart.as_deref()),
            api,
        ),
    );
    // The public API as data: the old side of the next regeneration's change report.
    files.insert(
        "api-surface.json".to_string(),
        crate::diff::Surface::of(api).to_json(),
    );
    for (name, text) in &templates.runtime {
        if name == WEBHOOKS_RUNTIME {
            continue;
        }
        files.insert(format!("src/runtime/{name}"), text.clone());
    }
    if api.webhooks.is_some() {
        if let Some(text) = templates.runtime.get(WEBHOOKS_RUNTIME) {
            files.insert("src/webhooks/signature.rs".into(), text.clone());
        }
    }
    for (path, text) in &templates.extra {
        files.insert(path.clone(), fill(text, api));
    }

    // Every Rust file built from many IR items (models, resources, the tests, the
    // config, webhooks) is built and formatted on its own, spread over the cores,
    // heaviest first so that no large file starts last.
    let modules: BTreeSet<&str> = api.types.iter().map(|t| t.module.as_str()).collect();
    let mut jobs: Vec<RustFile<'_>> = modules
        .iter()
        .map(|m| RustFile::Models(m))
        .chain(api.resources.iter().map(RustFile::Resource))
        .chain([RustFile::ExampleTests, RustFile::Contract, RustFile::Config])
        .chain(api.webhooks.as_ref().map(RustFile::Webhooks))
        .collect();
    jobs.sort_by_key(|j| std::cmp::Reverse(j.weight(api)));
    // Which types callers build decides constructors and setters; computed once, and
    // only when a file's tokens are built.
    let inputs = std::sync::OnceLock::new();
    let ir = crate::cache::ir_key(api);
    let mut has_examples = false;
    for rendered in in_parallel(&jobs, |job| render(api, ir, &inputs, job)) {
        if let Some((path, text)) = rendered? {
            has_examples |= path == EXAMPLE_TESTS;
            files.insert(path, text);
        }
    }
    // The module indexes and `lib.rs`: one piece each, built only when the IR changed.
    let small = |path: &str, tokens: &dyn Fn() -> TokenStream| -> Result<String, Diagnostic> {
        let text = format_file_from_ir(api, ir, path, || {
            Some(Box::new(std::iter::once(tokens())) as Pieces<'_>)
        })?;
        Ok(text.unwrap_or_default())
    };
    let models_mod = || {
        let mods = modules.iter().map(|m| {
            let cfg = feature_cfg(module_feature(api, m).map(str::to_string).as_ref(), None);
            let m = ident(m);
            quote! { #cfg mod #m; #cfg pub use #m::*; }
        });
        quote! {
            //! Every type of the API description, re-exported flat: names are unique crate-wide.
            #(#mods)*
        }
    };
    files.insert(
        "src/models/mod.rs".into(),
        small("src/models/mod.rs", &models_mod)?,
    );

    let resources_mod = || {
        let res_mods = api.resources.iter().map(|r| {
            let m = ident(&r.module);
            let cfg = feature_cfg([&r.feature], None);
            quote! { #cfg pub mod #m; }
        });
        let accessors = api.resources.iter().map(|r| {
            let cfg = feature_cfg([&r.feature], None);
            let m = ident(&r.module);
            let a = ident(&r.accessor);
            let t = ident(&r.type_name);
            let doc = doc_attrs(Some(
                r.docs
                    .as_deref()
                    .unwrap_or(&format!("Operations tagged `{}`.", r.tag)),
            ));
            quote! {
                #doc
                #cfg
                pub fn #a(&self) -> #m::#t<'_> {
                    #m::#t::new(self)
                }
            }
        });
        quote! {
            //! One accessor per API resource (tag); each module holds the request builders and
            //! error kinds of its operations.
            #(#res_mods)*

            impl crate::Client {
                #(#accessors)*
            }
        }
    };
    files.insert(
        "src/resources/mod.rs".into(),
        small("src/resources/mod.rs", &resources_mod)?,
    );

    let lib = || {
        lib_rs(
            has_examples,
            api.resources.iter().any(|r| !r.operations.is_empty()),
            api.webhooks.is_some(),
        )
    };
    files.insert("src/lib.rs".into(), small("src/lib.rs", &lib)?);
    Ok(files)
}

/// Where the example round-trip tests go.
const EXAMPLE_TESTS: &str = "src/example_tests.rs";

/// A Rust file built from many IR items.
enum RustFile<'a> {
    /// The model module of one type family.
    Models(&'a str),
    /// The module of one resource.
    Resource(&'a Resource),
    /// The example round-trip tests (absent when there is nothing to test).
    ExampleTests,
    /// The contract-test driver.
    Contract,
    /// `config.rs`.
    Config,
    /// The `webhooks` module.
    Webhooks(&'a crate::ir::Webhooks),
}

impl RustFile<'_> {
    /// The file's path in the crate.
    fn path(&self) -> String {
        match self {
            RustFile::Models(m) => format!("src/models/{m}.rs"),
            RustFile::Resource(r) => format!("src/resources/{}.rs", r.module),
            RustFile::ExampleTests => EXAMPLE_TESTS.to_string(),
            RustFile::Contract => "src/contract.rs".to_string(),
            RustFile::Config => "src/config.rs".to_string(),
            RustFile::Webhooks(_) => "src/webhooks/mod.rs".to_string(),
        }
    }

    /// A rough measure of the work, to start the largest files first.
    fn weight(&self, api: &Api) -> usize {
        let ops: usize = api.resources.iter().map(|r| r.operations.len()).sum();
        match self {
            RustFile::Models(m) => 4 * api.types.iter().filter(|t| t.module == *m).count(),
            RustFile::Resource(r) => 8 * r.operations.len(),
            RustFile::ExampleTests => 2 * api.types.len(),
            RustFile::Contract => 3 * ops,
            RustFile::Config => 1,
            RustFile::Webhooks(w) => 4 * w.events.len(),
        }
    }
}

fn render(
    api: &Api,
    ir: Option<u128>,
    inputs: &std::sync::OnceLock<std::collections::BTreeSet<String>>,
    job: &RustFile<'_>,
) -> Result<Option<(String, String)>, Diagnostic> {
    let path = job.path();
    let text = format_file_from_ir(api, ir, &path, || {
        pieces(api, inputs.get_or_init(|| api.input_types()), job)
    })?;
    Ok(text.map(|text| (path, text)))
}

/// The tokens of a file, in pieces; `None` for a file with nothing in it (no example
/// tests). A model module comes in runs of types (see [`runs`]); other files are one
/// piece.
fn pieces<'a>(
    api: &'a Api,
    inputs: &'a std::collections::BTreeSet<String>,
    job: &RustFile<'a>,
) -> Option<Pieces<'a>> {
    use crate::timings::{Stage, time};
    let one = |tokens: TokenStream| -> Pieces<'a> { Box::new(std::iter::once(tokens)) };
    Some(match job {
        RustFile::Models(m) => {
            let m: &'a str = m;
            let have = module_feature(api, m);
            let doc = if m == "common" {
                " Types shared by several resources, or by none.".to_string()
            } else {
                format!(" Types used only by the `{m}` resource.")
            };
            let mut head = Some(quote! { #![doc = #doc] });
            let types: Vec<&'a TypeDef> = api.types.iter().filter(|t| t.module == m).collect();
            Box::new(runs(types).into_iter().map(move |run| {
                time(Stage::Quote, || {
                    let items = run.iter().map(|t| {
                        let items = type_def(api, t, inputs);
                        // A type needing features beyond its module's (shared types
                        // that mention several resources' types) is compiled only
                        // with all of them.
                        let cfg = feature_cfg(api.gates.get(&t.name).into_iter().flatten(), have);
                        if cfg.is_empty() {
                            return items;
                        }
                        let inner = quote::format_ident!(
                            "gated_{}",
                            heck::ToSnakeCase::to_snake_case(t.name.as_str())
                        );
                        quote! {
                            #cfg
                            mod #inner { #items }
                            #cfg
                            pub use #inner::*;
                        }
                    });
                    let head = head.take().unwrap_or_default();
                    quote! { #head #(#items)* }
                })
            }))
        }
        RustFile::Resource(r) => one(time(Stage::Quote, || {
            let body = resource_module(api, r);
            let doc = format!(" Operations tagged `{}`.", r.tag);
            quote! { #![doc = #doc] #body }
        })),
        RustFile::ExampleTests => one(time(Stage::Quote, || {
            super::example_tests::example_tests(api)
        })?),
        RustFile::Contract => one(time(Stage::Quote, || super::contract::contract_module(api))),
        RustFile::Config => one(time(Stage::Quote, || config_rs(api))),
        RustFile::Webhooks(w) => one(time(Stage::Quote, || {
            super::webhooks::webhooks_module(api, w)
        })),
    })
}

/// A module's types (in file order) cut into runs, each built, formatted and cached on
/// its own. A run ends after a type whose name hashes to 0 modulo 16, so runs hold 16
/// types on average and where they end depends only on the names: adding, removing or
/// changing a type touches its own run only (and the next, when the type ended its run).
fn runs(types: Vec<&TypeDef>) -> Vec<Vec<&TypeDef>> {
    runs_by(types, |t| t.name.as_str())
}

fn runs_by<T>(items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<Vec<T>> {
    let mut runs = vec![Vec::new()];
    for t in items {
        // FNV-1a: fixed, so the cut points stay put from one build to the next.
        let hash = name(&t).bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        if let Some(last) = runs.last_mut() {
            last.push(t);
        }
        if hash % 16 == 0 {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Runs `f` over `jobs` on up to one thread per core, each thread taking the next
/// job when it is done with one; results come back in job order, so the output does
/// not depend on scheduling.
fn in_parallel<J: Sync, R: Send>(jobs: &[J], f: impl Fn(&J) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return done;
            };
            done.push((i, f(job)));
        }
    };
    let mut slots: Vec<Option<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut slots: Vec<Option<R>> = (0..jobs.len()).map(|_| None).collect();
        // This thread works too.
        let mine = work();
        for h in handles {
            // A worker only panics if `f` does; re-raise it here unchanged.
            let done = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (i, r) in done {
                slots[i] = Some(r);
            }
        }
        for (i, r) in mine {
            slots[i] = Some(r);
        }
        slots
    });
    slots.iter_mut().filter_map(Option::take).collect()
}

fn config_rs(api: &Api) -> TokenStream {
    let name = &api.info.crate_name;
    let version = &api.info.crate_version;
    let key_env = &api.client.api_key_env;
    let url_env = &api.client.base_url_env;
    let rid = &api.client.request_id_headers;
    let security = security_items(api);
    let envs = &api.servers.environments;
    let variants = envs.iter().enumerate().map(|(i, e)| {
        let n = ident(&e.name);
        let doc = lines(&format!(
            "{}\n\nBase URL: `{}`.",
            super::docs::sanitize(&e.docs),
            e.url
        ));
        let default = if i == 0 {
            quote!(#[default])
        } else {
            TokenStream::new()
        };
        quote! { #doc #default #n, }
    });
    // Every server an operation overrides, once each, for the client to resolve
    // against its base URL when it is built.
    let mut overrides: Vec<&crate::ir::ServerOverride> = Vec::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        if let Some(s) = &op.server {
            if !overrides.contains(&s) {
                overrides.push(s);
            }
        }
    }
    let overrides = overrides.into_iter().map(super::operations::server_tokens);
    let urls = envs.iter().map(|e| {
        let n = ident(&e.name);
        let u = &e.url;
        quote! { Self::#n => #u, }
    });
    quote! {
        //! Settings taken from the API description and its generator config.

        /// Package name, sent in the `User-Agent`.
        pub(crate) const SDK_NAME: &str = #name;
        /// Package version, sent in the `User-Agent`.
        pub(crate) const SDK_VERSION: &str = #version;
        /// Environment variable read by `Client::from_env` for the API key (empty: none).
        pub(crate) const API_KEY_ENV: &str = #key_env;
        /// Environment variable read by `Client::from_env` for the base URL (empty: none).
        pub(crate) const BASE_URL_ENV: &str = #url_env;
        /// Response headers that carry the server's request id, in order of preference.
        pub(crate) const REQUEST_ID_HEADERS: &[&str] = &[#(#rid),*];
        #security
        /// The servers that some operations use instead of the root server.
        pub(crate) const SERVER_OVERRIDES: &[crate::runtime::ServerOverride] = &[#(#overrides),*];

        /// Where the API is deployed. The first variant is the default.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variants)*
        }

        impl Environment {
            /// The base URL operations are resolved against.
            pub fn base_url(self) -> &'static str {
                match self {
                    #(#urls)*
                }
            }
        }
    }
}

/// The `SecurityScheme` enum, where each scheme's credential goes, the scheme
/// `api_key` sets and the servers credentials may be sent to.
fn security_items(api: &Api) -> TokenStream {
    let schemes = &api.client.security_schemes;
    let variants = schemes.iter().map(|s| {
        let n = ident(&s.name);
        let placed = match &s.kind {
            SchemeKind::Bearer { flow: None } => "Sent as `Authorization: Bearer <token>`.".to_string(),
            SchemeKind::Bearer { flow: Some(flow) } => format!(
                "An {flow} access token, sent as `Authorization: Bearer <token>`; the SDK does not run the {flow} flow, obtain the token yourself."
            ),
            SchemeKind::Basic => {
                "HTTP basic: set it with `Credential::basic(username, password)`.".to_string()
            }
            SchemeKind::ApiKey { location, name } => {
                let place = match location {
                    ApiKeyLocation::Header => "header",
                    ApiKeyLocation::Query => "query parameter",
                    ApiKeyLocation::Cookie => "cookie",
                };
                format!("An API key in the `{name}` {place}.")
            }
        };
        let text = match &s.docs {
            Some(d) => format!("`{}`: {}\n\n{placed}", s.key, super::docs::sanitize(d)),
            None => format!("`{}`. {placed}", s.key),
        };
        let doc = lines(&text);
        quote! { #doc #n, }
    });
    let names = schemes.iter().map(|s| {
        let n = ident(&s.name);
        let key = &s.key;
        quote! { Self::#n => #key, }
    });
    let placements = schemes.iter().map(|s| {
        let n = ident(&s.name);
        let p = match &s.kind {
            SchemeKind::Bearer { .. } => quote!(Bearer),
            SchemeKind::Basic => quote!(Basic),
            SchemeKind::ApiKey { location, name } => match location {
                ApiKeyLocation::Header => {
                    let name = name.to_ascii_lowercase();
                    quote!(Header(#name))
                }
                ApiKeyLocation::Query => quote!(Query(#name)),
                ApiKeyLocation::Cookie => quote!(Cookie(#name)),
            },
        };
        quote! { Self::#n => crate::runtime::Placement::#p, }
    });
    let all = schemes.iter().map(|s| {
        let n = ident(&s.name);
        quote!(SecurityScheme::#n)
    });
    let api_key_scheme = match &api.client.api_key_scheme {
        Some(n) => {
            let n = ident(n);
            quote!(Some(SecurityScheme::#n))
        }
        None => quote!(None),
    };
    let servers = &api.client.trusted_servers;
    quote! {
        /// The security schemes of the API description. Set a credential for one with
        /// [`ClientBuilder::credential`](crate::ClientBuilder::credential); each request
        /// carries the credentials its operation asks for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum SecurityScheme {
            #(#variants)*
        }

        impl SecurityScheme {
            /// The scheme's name in the API description.
            pub fn name(self) -> &'static str {
                match self {
                    #(#names)*
                }
            }

            /// Where the scheme's credential goes.
            pub(crate) fn placement(self) -> crate::runtime::Placement {
                match self {
                    #(#placements)*
                }
            }
        }

        /// Every security scheme.
        #[allow(dead_code, reason = "read by runtime checks and tests")]
        pub(crate) const SECURITY_SCHEMES: &[SecurityScheme] = &[#(#all),*];
        /// The scheme `ClientBuilder::api_key` sets (none: the API has no token scheme).
        pub(crate) const API_KEY_SCHEME: Option<SecurityScheme> = #api_key_scheme;
        /// Servers of the API description and the configured environments: besides the
        /// client's base URL, the only origins credentials are sent to.
        pub(crate) const TRUSTED_SERVERS: &[&str] = &[#(#servers),*];
    }
}

fn lib_rs(has_examples: bool, has_operations: bool, has_webhooks: bool) -> TokenStream {
    // A description without operations (components or webhooks only) is only models:
    // the request machinery is still shipped but nothing in the crate calls it.
    let unused = if has_operations {
        TokenStream::new()
    } else {
        quote!(#[allow(dead_code)])
    };
    let webhooks_mod = if has_webhooks {
        quote!(
            pub mod webhooks;
        )
    } else {
        TokenStream::new()
    };
    let example_mod = if has_examples {
        quote!(
            #[cfg(test)]
            mod example_tests;
        )
    } else {
        TokenStream::new()
    };
    quote! {
        // The README is the crate documentation, so its quickstart is compiled as a doctest.
        #![doc = include_str!("../README.md")]
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        #unused
        pub mod config;
        pub mod models;
        pub mod resources;
        #unused
        pub mod runtime;
        #webhooks_mod
        #example_mod
        #[cfg(feature = "contract-tests")]
        #[doc(hidden)]
        pub mod contract;

        /// The date and time types of the models: `jiff::Timestamp` for `date-time`
        /// values (instants, written as RFC 3339 in UTC) and `jiff::civil::Date` for
        /// `date` values; re-exported so callers build them with the same version.
        pub use jiff;
        pub use config::{Environment, SecurityScheme};
        pub use runtime::{
            ApiError, BuildError, CallFuture, Client, ClientBuilder, CollectAll, Credential, DecodeError, DuplicateError, DuplicateReason, Error, FilePart, Money, PageStream,
            RequestOptions, Response, ValidationError,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::{runs_by, with_quickstart};

    #[test]
    fn runs_are_cut_by_names_alone() {
        let names: Vec<String> = (0..400).map(|i| format!("Type{i}")).collect();
        let cut =
            |names: &[String]| -> Vec<Vec<String>> { runs_by(names.to_vec(), |n| n.as_str()) };
        let runs = cut(&names);
        // Everything is kept, in order, in runs of 16 on average.
        assert_eq!(runs.concat(), names);
        assert!((10..=40).contains(&runs.len()), "{} runs", runs.len());
        // Removing one type changes its own run only.
        let mut fewer = names.clone();
        let gone = fewer.remove(200);
        let after = cut(&fewer);
        let changed: Vec<_> = runs.iter().filter(|r| !after.contains(r)).collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(changed[0].contains(&gone));
    }

    const TEMPLATE: &str =
        "# Crate\n\n## Quickstart\n\n{{quickstart:begin}}\ngeneric\n{{quickstart:end}}\n\nmore\n";

    #[test]
    fn the_configured_quickstart_replaces_the_generic_one() {
        let out = with_quickstart(TEMPLATE, Some("```rust\nreal();\n```\n\n\n"));
        assert_eq!(
            out,
            "# Crate\n\n## Quickstart\n\n```rust\nreal();\n```\n\nmore\n"
        );
    }

    #[test]
    fn without_one_the_generic_quickstart_stays_and_the_marks_go() {
        let out = with_quickstart(TEMPLATE, None);
        assert_eq!(out, "# Crate\n\n## Quickstart\n\ngeneric\n\nmore\n");
    }
}
