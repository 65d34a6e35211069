//! Turns the message catalogue (`locales/en.ftl`, `locales/fr.ftl`, in Fluent syntax) into Rust.
//!
//! The build fails, naming the file and line, when:
//! - a file does not parse, or uses what the generated code does not support (terms, attributes,
//!   message references, functions);
//! - a message is in one language and not in the other;
//! - a message's variables differ between the two languages.
//!
//! A message without variables becomes a variant of `Text` (`customers` becomes `Text::Customers`);
//! a message with variables becomes a function of module `say` taking the language and the
//! variables in the order the English text first uses them (`say::rows_applied(lang, done, total)`).
//! A variable used as a selector (`{ $count -> [one] … *[other] … }`) is a number, chosen by the
//! language's plural rules; the other variables take anything that displays.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use fluent_syntax::ast::{
    Entry, Expression, InlineExpression, Pattern, PatternElement, VariantKey,
};

const LANGS: [(&str, &str); 2] = [("En", "en"), ("Fr", "fr")];

/// One part of a message's text.
#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Var(String),
    Select {
        on: String,
        variants: Vec<(Key, Vec<Part>)>,
        default: usize,
    },
}

#[derive(Debug, Clone)]
enum Key {
    Category(String),
    Exactly(i64),
}

struct Message {
    line: usize,
    parts: Vec<Part>,
}

fn main() {
    // Read when the script runs, not when it was compiled: one compiled script may serve several
    // checkouts sharing a build folder.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("locales");
    // Relative to the package: the same build folder may serve several checkouts.
    println!("cargo::rerun-if-changed=locales");
    let mut catalogues = Vec::new();
    let mut problems = Vec::new();
    for (_, code) in LANGS {
        let path = dir.join(format!("{code}.ftl"));
        println!("cargo::rerun-if-changed=locales/{code}.ftl");
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        catalogues.push(read_catalogue(&path, &source, &mut problems));
    }

    let (english, french) = (&catalogues[0], &catalogues[1]);
    for (key, message) in english {
        match french.get(key) {
            None => problems.push(format!(
                "locales/en.ftl:{}: `{key}` has no French text in locales/fr.ftl",
                message.line
            )),
            Some(other) if !same_set(&variables(&message.parts), &variables(&other.parts)) => {
                problems.push(format!(
                    "locales/fr.ftl:{}: `{key}` uses the variables {:?}, the English text {:?}",
                    other.line,
                    names(&other.parts),
                    names(&message.parts)
                ))
            }
            Some(_) => {}
        }
    }
    for (key, message) in french {
        if !english.contains_key(key) {
            problems.push(format!(
                "locales/fr.ftl:{}: `{key}` has no English text in locales/en.ftl",
                message.line
            ));
        }
    }
    if !problems.is_empty() {
        for problem in &problems {
            println!("cargo::warning={problem}");
        }
        panic!(
            "the message catalogue has {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    let out =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo")).join("text.rs");
    std::fs::write(&out, generate(&catalogues)).expect("the generated catalogue is written");
}

fn read_catalogue(
    path: &Path,
    source: &str,
    problems: &mut Vec<String>,
) -> BTreeMap<String, Message> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count() + 1;
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            for error in errors {
                problems.push(format!(
                    "locales/{name}:{}: {:?}",
                    line_of(error.pos.start),
                    error.kind
                ));
            }
            resource
        }
    };
    let mut messages = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(message) => {
                let key = message.id.name.to_owned();
                let offset = source.find(&format!("\n{key} =")).map_or(0, |at| at + 1);
                let line = line_of(offset);
                let mut fail = |what: &str| {
                    problems.push(format!("locales/{name}:{line}: `{key}`: {what}"));
                };
                if !message.attributes.is_empty() {
                    fail("attributes are not supported");
                }
                let Some(value) = message.value else {
                    fail("has no text");
                    continue;
                };
                match parts(&value) {
                    Ok(parts) => {
                        if messages
                            .insert(key.clone(), Message { line, parts })
                            .is_some()
                        {
                            fail("is defined twice");
                        }
                    }
                    Err(error) => fail(&error),
                }
            }
            Entry::Term(term) => problems.push(format!(
                "locales/{name}: term `-{}`: terms are not supported",
                term.id.name
            )),
            Entry::Junk { content } => problems.push(format!(
                "locales/{name}:{}: cannot read `{}`",
                line_of(source.find(content).unwrap_or(0)),
                content.trim()
            )),
            Entry::Comment(_) | Entry::GroupComment(_) | Entry::ResourceComment(_) => {}
        }
    }
    messages
}

fn parts(pattern: &Pattern<&str>) -> Result<Vec<Part>, String> {
    let mut out = Vec::new();
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => push_text(&mut out, value),
            PatternElement::Placeable { expression } => match expression {
                Expression::Inline(inline) => inline_part(&mut out, inline)?,
                Expression::Select { selector, variants } => {
                    let InlineExpression::VariableReference { id } = selector else {
                        return Err("only a variable can choose between variants".into());
                    };
                    let mut chosen = Vec::new();
                    let mut default = 0;
                    for (index, variant) in variants.iter().enumerate() {
                        let key = match &variant.key {
                            VariantKey::Identifier { name } => {
                                if !["zero", "one", "two", "few", "many", "other"].contains(name) {
                                    return Err(format!(
                                        "`[{name}]` is not a plural category (zero, one, two, few, many, other) or a number"
                                    ));
                                }
                                Key::Category((*name).to_owned())
                            }
                            VariantKey::NumberLiteral { value } => Key::Exactly(
                                value
                                    .parse()
                                    .map_err(|_| format!("`[{value}]` is not a whole number"))?,
                            ),
                        };
                        if variant.default {
                            default = index;
                        }
                        chosen.push((key, parts(&variant.value)?));
                    }
                    out.push(Part::Select {
                        on: id.name.to_owned(),
                        variants: chosen,
                        default,
                    });
                }
            },
        }
    }
    Ok(out)
}

fn inline_part(out: &mut Vec<Part>, inline: &InlineExpression<&str>) -> Result<(), String> {
    match inline {
        InlineExpression::StringLiteral { value } => {
            push_text(
                out,
                &fluent_syntax::unicode::unescape_unicode_to_string(value),
            );
            Ok(())
        }
        InlineExpression::NumberLiteral { value } => {
            push_text(out, value);
            Ok(())
        }
        InlineExpression::VariableReference { id } => {
            out.push(Part::Var(id.name.to_owned()));
            Ok(())
        }
        InlineExpression::Placeable { expression } => match expression.as_ref() {
            Expression::Inline(inner) => inline_part(out, inner),
            Expression::Select { .. } => Err("a choice inside braces is not supported".into()),
        },
        InlineExpression::FunctionReference { .. } => Err("functions are not supported".into()),
        InlineExpression::MessageReference { .. } => {
            Err("references to other messages are not supported".into())
        }
        InlineExpression::TermReference { .. } => Err("terms are not supported".into()),
    }
}

fn push_text(out: &mut Vec<Part>, text: &str) {
    if let Some(Part::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Part::Text(text.to_owned()));
    }
}

/// The variables a message uses, in the order it first uses them, and whether each chooses.
fn variables(parts: &[Part]) -> Vec<(String, bool)> {
    fn walk(parts: &[Part], found: &mut Vec<(String, bool)>) {
        for part in parts {
            match part {
                Part::Text(_) => {}
                Part::Var(name) => note(found, name, false),
                Part::Select { on, variants, .. } => {
                    note(found, on, true);
                    for (_, inner) in variants {
                        walk(inner, found);
                    }
                }
            }
        }
    }
    fn note(found: &mut Vec<(String, bool)>, name: &str, chooses: bool) {
        match found.iter_mut().find(|(known, _)| known == name) {
            Some((_, known)) => *known |= chooses,
            None => found.push((name.to_owned(), chooses)),
        }
    }
    let mut found = Vec::new();
    walk(parts, &mut found);
    found
}

/// Whether two languages' texts of a message use the same variables (one may choose its words by a
/// count that the other only shows).
fn same_set(one: &[(String, bool)], other: &[(String, bool)]) -> bool {
    let names = |vars: &[(String, bool)]| {
        let mut names: Vec<String> = vars.iter().map(|(name, _)| name.clone()).collect();
        names.sort();
        names
    };
    names(one) == names(other)
}

fn names(parts: &[Part]) -> Vec<String> {
    variables(parts).into_iter().map(|(name, _)| name).collect()
}

fn camel(key: &str) -> String {
    key.split(['-', '_'])
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

fn snake(key: &str) -> String {
    key.replace('-', "_")
}

fn generate(catalogues: &[BTreeMap<String, Message>]) -> String {
    let english = &catalogues[0];
    let mut out =
        String::from("// Generated by build.rs from locales/*.ftl: edit those files.\n\n");

    let plain: Vec<&String> = english
        .iter()
        .filter(|(_, message)| variables(&message.parts).is_empty())
        .map(|(key, _)| key)
        .collect();

    out.push_str("/// A text of the catalogue that takes no variables; [`Lang::t`] gives it in a language.\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Text {\n");
    for key in &plain {
        let english_text = plain_text(&english[*key].parts);
        let _ = writeln!(out, "    /// {}\n    {},", doc(&english_text), camel(key));
    }
    out.push_str("}\n\nimpl Text {\n");
    out.push_str(
        "    /// Every text, in the catalogue's order.\n    pub const ALL: &'static [Text] = &[\n",
    );
    for key in &plain {
        let _ = writeln!(out, "        Text::{},", camel(key));
    }
    out.push_str("    ];\n\n    /// The key in the catalogue files.\n    pub fn key(self) -> &'static str {\n        match self {\n");
    for key in &plain {
        let _ = writeln!(out, "            Text::{} => {key:?},", camel(key));
    }
    out.push_str("        }\n    }\n\n    /// The text in a language.\n    pub fn in_lang(self, lang: Lang) -> &'static str {\n        match lang {\n");
    for (index, (variant, _)) in LANGS.iter().enumerate() {
        let _ = writeln!(out, "            Lang::{variant} => match self {{");
        for key in &plain {
            let text = plain_text(&catalogues[index][*key].parts);
            let _ = writeln!(out, "                Text::{} => {text:?},", camel(key));
        }
        out.push_str("            },\n");
    }
    out.push_str("        }\n    }\n}\n\n");

    out.push_str(
        "/// The texts of the catalogue that take variables, one function each.\npub mod say {\n",
    );
    out.push_str("    #![allow(clippy::too_many_arguments, unused_mut)]\n");
    out.push_str(
        "    use std::fmt::{Display, Write as _};\n\n    use super::{Lang, Number, plural};\n\n",
    );
    for (key, message) in english {
        let mut vars = variables(&message.parts);
        if vars.is_empty() {
            continue;
        }
        // A variable is a number if any language chooses its words by it.
        for other in &catalogues[1..] {
            for (name, chooses) in variables(&other[key].parts) {
                if let Some(known) = vars.iter_mut().find(|(known, _)| *known == name) {
                    known.1 |= chooses;
                }
            }
        }
        let _ = writeln!(out, "    /// {}", doc(&sample(&message.parts)));
        let params: Vec<String> = vars
            .iter()
            .map(|(name, chooses)| {
                if *chooses {
                    format!("{}: impl Number", snake(name))
                } else {
                    format!("{}: impl Display", snake(name))
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "    pub fn {}(lang: Lang, {}) -> String {{\n        let mut out = String::new();\n        match lang {{",
            snake(key),
            params.join(", ")
        );
        for (index, (variant, _)) in LANGS.iter().enumerate() {
            let _ = writeln!(out, "            Lang::{variant} => {{");
            write_parts(&mut out, &catalogues[index][key].parts, 4);
            out.push_str("            }\n");
        }
        out.push_str("        }\n        out\n    }\n\n");
    }
    out.push_str("}\n");
    out
}

fn write_parts(out: &mut String, parts: &[Part], depth: usize) {
    let pad = "    ".repeat(depth);
    for part in parts {
        match part {
            Part::Text(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(only), None) => {
                        let _ = writeln!(out, "{pad}out.push({only:?});");
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}out.push_str({text:?});");
                    }
                }
            }
            Part::Var(name) => {
                let _ = writeln!(out, "{pad}let _ = write!(out, \"{{}}\", {});", snake(name));
            }
            Part::Select {
                on,
                variants,
                default,
            } => {
                let on = snake(on);
                if variants.len() == 1 {
                    // Only the default: the number chooses nothing in this language.
                    let _ = writeln!(out, "{pad}let _ = {on};");
                    write_parts(out, &variants[*default].1, depth);
                    continue;
                }
                let _ = writeln!(out, "{pad}let value = {on}.value();");
                let by_category = variants
                    .iter()
                    .enumerate()
                    .any(|(index, (key, _))| index != *default && matches!(key, Key::Category(_)));
                if by_category {
                    let _ = writeln!(out, "{pad}let category = plural(lang, value);");
                }
                let mut first = true;
                // As Fluent chooses: an exact number before a plural category.
                let mut order: Vec<usize> = (0..variants.len()).filter(|i| i != default).collect();
                order.sort_by_key(|i| matches!(variants[*i].0, Key::Category(_)));
                for (key, inner) in order.iter().map(|i| &variants[*i]) {
                    let condition = match key {
                        Key::Exactly(number) => format!("value == {number}"),
                        Key::Category(name) => format!("category == {:?}", name),
                    };
                    let _ = writeln!(
                        out,
                        "{pad}{}if {condition} {{",
                        if first { "" } else { "} else " }
                    );
                    write_parts(out, inner, depth + 1);
                    first = false;
                }
                if first {
                    write_parts(out, &variants[*default].1, depth);
                } else {
                    let _ = writeln!(out, "{pad}}} else {{");
                    write_parts(out, &variants[*default].1, depth + 1);
                    let _ = writeln!(out, "{pad}}}");
                }
            }
        }
    }
}

fn plain_text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.as_str(),
            Part::Var(_) | Part::Select { .. } => "",
        })
        .collect()
}

/// The English text with its variables named, for the generated documentation.
fn sample(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.clone(),
            Part::Var(name) => format!("{{${name}}}"),
            Part::Select {
                on,
                variants,
                default,
            } => {
                format!("{{${on} → {}}}", sample(&variants[*default].1))
            }
        })
        .collect()
}

fn doc(text: &str) -> String {
    format!("“{}”", text.replace('\n', " "))
}
