//! The simulator's report: every step with its outcome, readable as text, serialisable as JSON
//! (`--json`) and writable as JUnit XML (`--report`) for CI systems.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::{Options, Step};

/// Everything a run found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub target: String,
    pub mode: super::Mode,
    /// The prefix of every reference this run sent (unique per run).
    pub run: String,
    pub started_at: String,
    pub duration_ms: u64,
    pub passed: usize,
    pub failed: usize,
    pub steps: Vec<Step>,
}

impl Report {
    pub(super) fn new(
        options: &Options,
        run: String,
        started_at: String,
        took: Duration,
        steps: Vec<Step>,
    ) -> Report {
        let passed = steps.iter().filter(|s| s.passed).count();
        Report {
            target: options.target.clone(),
            mode: options.mode,
            run,
            started_at,
            duration_ms: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            passed,
            failed: steps.len() - passed,
            steps,
        }
    }

    /// True when there was at least one step and every step passed.
    pub fn success(&self) -> bool {
        self.failed == 0 && !self.steps.is_empty()
    }

    /// The failed steps.
    pub fn failures(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| !s.passed)
    }

    /// The names of the rules broken, in the order of the steps.
    pub fn broken_rules(&self) -> Vec<&'static str> {
        self.failures()
            .filter_map(|s| s.failure.as_ref().map(|f| f.rule))
            .collect()
    }

    /// The readable report: a summary, then each failure with its request, answer and rule.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Simulation {} against {} ({} mode): {} steps, {} passed, {} failed, {:.1} s.",
            self.run,
            self.target,
            self.mode.as_str(),
            self.steps.len(),
            self.passed,
            self.failed,
            self.duration_ms as f64 / 1000.0
        );
        for step in self.failures() {
            let _ = writeln!(out);
            let _ = writeln!(out, "FAILED  {} (section {})", step.name, step.section);
            if let Some(failure) = &step.failure {
                let _ = writeln!(out, "  rule:     {}", failure.rule);
                let _ = writeln!(out, "  requires: {}", failure.requirement);
                let _ = writeln!(out, "  found:    {}", failure.found);
            }
            if let Some(request) = &step.request {
                let _ = writeln!(
                    out,
                    "  request:  {} {} (auth: {})",
                    request.method, request.path, request.auth
                );
                if let Some(body) = &request.body {
                    let _ = writeln!(out, "            {}", super::checks::short(body));
                }
            }
            if let Some(answer) = &step.answer {
                let headers: Vec<String> = answer
                    .headers
                    .iter()
                    .map(|(name, value)| format!("{name}: {value}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "  answer:   HTTP {} {}",
                    answer.status,
                    headers.join("; ")
                );
                let _ = writeln!(out, "            {}", super::checks::short(&answer.body));
            }
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            if self.success() {
                "All steps passed."
            } else {
                "Some steps failed: the installation does not yet follow the contract."
            }
        );
        out
    }

    /// Writes [`Report::junit`] to `path`.
    pub fn write_junit(&self, path: &std::path::Path) -> std::io::Result<()> {
        std::fs::write(path, self.junit())
    }

    /// Writes the report as JSON (the `--json` file) to `path`.
    pub fn write_json(&self, path: &std::path::Path) -> std::io::Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path, json)
    }

    /// JUnit XML: one test suite, one test case per step, a failure element per failed step.
    pub fn junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"fleetdesk simulate\" tests=\"{}\" failures=\"{}\" time=\"{:.3}\">",
            self.steps.len(),
            self.failed,
            self.duration_ms as f64 / 1000.0
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" timestamp=\"{}\" time=\"{:.3}\">",
            escape(&self.target),
            self.mode.as_str(),
            self.steps.len(),
            self.failed,
            escape(&self.started_at),
            self.duration_ms as f64 / 1000.0
        );
        for step in &self.steps {
            let _ = write!(
                out,
                "    <testcase classname=\"section {}\" name=\"{}\" time=\"{:.3}\"",
                escape(&step.section),
                escape(&step.name),
                step.duration_ms as f64 / 1000.0
            );
            match &step.failure {
                None => out.push_str("/>\n"),
                Some(failure) => {
                    let mut detail = format!(
                        "requires: {}\nfound: {}\n",
                        failure.requirement, failure.found
                    );
                    if let Some(request) = &step.request {
                        let _ = writeln!(
                            detail,
                            "request: {} {} (auth: {}) {}",
                            request.method,
                            request.path,
                            request.auth,
                            request
                                .body
                                .as_ref()
                                .map(super::checks::short)
                                .unwrap_or_default()
                        );
                    }
                    if let Some(answer) = &step.answer {
                        let _ = writeln!(
                            detail,
                            "answer: HTTP {} {}",
                            answer.status,
                            super::checks::short(&answer.body)
                        );
                    }
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                        escape(failure.rule),
                        escape(&failure.requirement),
                        escape(&detail)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

/// XML text and attribute escaping (the five predefined entities); control characters other
/// than tab and line breaks are not allowed in XML 1.0 and are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::checks::broken;

    fn step(name: &str, failure: Option<crate::simulate::Broken>) -> Step {
        Step {
            name: name.to_owned(),
            section: "3".to_owned(),
            passed: failure.is_none(),
            request: None,
            answer: None,
            failure,
            duration_ms: 5,
        }
    }

    #[test]
    fn junit_has_a_case_per_step_and_escapes_text() {
        let report = Report {
            target: "http://a&b".to_owned(),
            mode: crate::simulate::Mode::Sync,
            run: "SIM-1".to_owned(),
            started_at: "2026-12-06T01:00:00Z".to_owned(),
            duration_ms: 10,
            passed: 1,
            failed: 1,
            steps: vec![
                step("ping", None),
                step(
                    "a <bad> one",
                    Some(broken("status", "HTTP 200 \"here\"", "HTTP 500")),
                ),
            ],
        };
        let xml = report.junit();
        assert!(xml.contains("tests=\"2\" failures=\"1\""));
        assert!(xml.contains("name=\"a &lt;bad&gt; one\""));
        assert!(xml.contains("<failure type=\"status\" message=\"HTTP 200 &quot;here&quot;\">"));
        assert!(xml.contains("http://a&amp;b"));
        assert!(!report.success());
        assert_eq!(report.broken_rules(), vec!["status"]);
        assert!(report.text().contains("rule:     status"));
    }
}
