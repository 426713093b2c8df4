//! The rooms of this crate, checked: `pages/` and `api/` stand side by side and never import each
//! other, `service/` imports neither, no module imports in a circle (counting `crate::`, `super::`
//! and child paths, `mod` declarations aside), and no source file grows past 600 lines.
//! Run alone with `cargo nextest run -p onramp-web layering`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

/// Every source file of the crate by module path (`pages::layout`; the root is ``).
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("under src").with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            (parts.join("::"), path)
        })
        .collect()
}

/// The source without its `#[cfg(test)]` part and without comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a readable source file");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a module names: `crate::a::b`, `super::c` (made absolute), the items of
/// `use crate::{a, b::c}` groups, and in a parent module the paths that start with a child's name.
fn named_paths(module: &str, source: &str, children: &BTreeSet<String>) -> Vec<String> {
    let parent: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
    let is_parent = children
        .iter()
        .any(|c| c.starts_with(&format!("{module}::")) || module.is_empty());
    let mut found = Vec::new();
    let tokens: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < tokens.len() {
        let rest: String = tokens[i..tokens.len().min(i + 7)].iter().collect();
        let boundary = i == 0 || !(tokens[i - 1].is_alphanumeric() || tokens[i - 1] == '_' || tokens[i - 1] == ':');
        let (prefix, base): (usize, Vec<String>) = if boundary && rest.starts_with("crate::") {
            (7, Vec::new())
        } else if boundary && rest.starts_with("super::") {
            // `super` of `a::b` is `a`, whether `b` is a file or a folder with a `mod.rs`.
            let up = parent.len().saturating_sub(1);
            (7, parent[..up].iter().map(|s| s.to_string()).collect())
        } else {
            i += 1;
            continue;
        };
        i += prefix;
        let (paths, next) = read_tree(&tokens, i);
        for path in paths {
            let mut full = base.clone();
            full.extend(path);
            found.push(full.join("::"));
        }
        i = next;
    }
    if is_parent {
        for line in source.lines() {
            let line = line.trim_start();
            let Some(used) = line.strip_prefix("use ").or_else(|| line.strip_prefix("pub use ")) else {
                continue;
            };
            let first: String = used.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let child = if module.is_empty() {
                first.clone()
            } else {
                format!("{module}::{first}")
            };
            if children.contains(&child) {
                found.push(child);
            }
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` from `at`; returns the paths and where reading stopped.
fn read_tree(tokens: &[char], mut at: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        let word: String = tokens[at..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if !word.is_empty() {
            at += word.chars().count();
            prefix.push(word);
            if tokens.get(at) == Some(&':') && tokens.get(at + 1) == Some(&':') {
                at += 2;
                continue;
            }
            return (vec![prefix], at);
        }
        if tokens.get(at) == Some(&'{') {
            let mut paths = Vec::new();
            at += 1;
            loop {
                while tokens.get(at).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    at += 1;
                }
                if tokens.get(at).is_none_or(|c| *c == '}') {
                    return (paths, at + 1);
                }
                let (inner, next) = read_tree(tokens, at);
                for path in inner {
                    let mut full = prefix.clone();
                    full.extend(path);
                    paths.push(full);
                }
                at = next;
                // Skip `as name` and anything else up to the next item.
                while tokens.get(at).is_some_and(|c| *c != ',' && *c != '}') {
                    at += 1;
                }
            }
        }
        return (vec![prefix], at);
    }
}

/// The module a path lands in: the longest prefix that is a source file.
fn resolve(path: &str, modules: &BTreeMap<String, PathBuf>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
}

/// Which module imports which (the crate root, which only declares and assembles, aside).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(module, path)| {
            let targets = named_paths(module, &code(path), &names)
                .iter()
                .filter_map(|p| resolve(p, &modules))
                .filter(|target| target != module && !target.is_empty())
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

fn layer(module: &str) -> &str {
    module.split("::").next().unwrap_or_default()
}

#[test]
fn pages_and_api_never_import_each_other_and_the_service_imports_neither() {
    let forbidden = [
        ("pages", "api"),
        ("api", "pages"),
        ("service", "api"),
        ("service", "pages"),
    ];
    let mut wrong = Vec::new();
    for (module, targets) in imports() {
        for target in targets {
            if forbidden.contains(&(layer(&module), layer(&target))) {
                wrong.push(format!("{module} -> {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports across the rooms: {wrong:#?}");
}

#[test]
fn no_module_imports_in_a_circle() {
    let graph = imports();
    // Depth-first search; a grey module met again closes a circle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        circles: &mut Vec<String>,
    ) {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                0 => visit(next, graph, state, stack, circles),
                1 => {
                    let from = stack.iter().position(|m| m == next).unwrap_or(0);
                    circles.push(format!("{} -> {next}", stack[from..].join(" -> ")));
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    let mut circles = Vec::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            visit(node, &graph, &mut state, &mut Vec::new(), &mut circles);
        }
    }
    assert!(circles.is_empty(), "imports in a circle: {circles:#?}");
}

#[test]
fn no_source_file_is_longer_than_six_hundred_lines() {
    let long: Vec<String> = modules()
        .values()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path).ok()?.lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by capability: {long:#?}");
}

#[test]
fn the_check_sees_an_import_across_the_rooms_and_a_circle() {
    let names: BTreeSet<String> = ["pages", "pages::sessions", "pages::layout", "api", "api::extract"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let found = named_paths(
        "pages::sessions",
        "use super::layout::{Page, render};\nuse crate::{api::extract::ApiJson, time};\nfn f() { crate::api::x(); }",
        &names,
    );
    assert_eq!(
        found,
        [
            "pages::layout::Page",
            "pages::layout::render",
            "api::extract::ApiJson",
            "time",
            "api::x"
        ]
    );
    let parent = named_paths("pages", "mod layout;\nuse layout::Page;\n", &names);
    assert_eq!(parent, ["pages::layout"]);
}
