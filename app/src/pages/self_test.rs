//! `/settings/self-test` (administrators): runs Orange's side of the contract against this
//! installation and shows each step, green or red, with its request and answer; refreshes itself
//! while a run is under way. Also the sandbox switch (events to a sink built into Fleetdesk
//! instead of Orange) and the events that sink received.

use fleetdesk_vocab::{Label, Mode, SelfTestState, SelfTestStep, Text, say};
use leptos::prelude::*;
use leptos_meta::Meta;

use super::parts::{ConfirmTick, Page, TablePanel, rows};
use crate::api::fetch_self_test;
use crate::i18n::{When, use_lang};
use crate::model::{RunView, SandboxDelivery, SandboxView, SelfTestView};
use crate::posts;

#[component]
pub fn SelfTestPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_self_test());
    view! {
        <Page
            title=Text::SelfTest
            lead=Text::SelfTestLead
            data
            body=|view| view! { <SelfTestBody view/> }
        />
    }
}

#[component]
fn SelfTestBody(view: SelfTestView) -> impl IntoView {
    let SelfTestView {
        sandbox,
        mode,
        offers,
        run,
        received,
        received_total,
    } = view;
    view! {
        {view! { <SandboxSection sandbox/> }.into_any()}
        {view! { <RunSection mode offers run/> }.into_any()}
        {view! { <Received received total=received_total/> }.into_any()}
    }
}

#[component]
fn SandboxSection(sandbox: SandboxView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let state = if sandbox.on {
        view! {
            <div class="banner paused" role="note" data-testid="sandbox-state">
                <p>
                    <strong>{t(Text::SandboxIsOn)}</strong>
                    " "
                    {t(Text::SandboxIsOnDetail)}
                    " ("
                    {sandbox.by.clone()}
                    ", "
                    <When at=sandbox.since.clone()/>
                    ")"
                </p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="banner running" data-testid="sandbox-state">
                <p><strong>{t(Text::SandboxIsOff)}</strong> " " {t(Text::SandboxIsOffDetail)}</p>
            </div>
        }
        .into_any()
    };
    let switch = if sandbox.on {
        view! {
            <form method="post" action=posts::SANDBOX_OFF.path()>
                <button type="submit" class="button primary">{t(Text::SwitchTheSandboxOff)}</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action=posts::SANDBOX_ON.path() class="confirm-form">
                <ConfirmTick text=Text::IUnderstandNoEventReachesOrange/>
                <p><button type="submit" class="button secondary">{t(Text::SwitchTheSandboxOn)}</button></p>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="panel" data-testid="sandbox">
            <h2>{t(Text::Sandbox)}</h2>
            <p class="hint">{t(Text::SandboxLead)}</p>
            {state}
            <dl class="facts">
                <dt>{t(Text::SandboxSinkAddress)}</dt>
                <dd><code>{sandbox.sink_url}</code></dd>
            </dl>
            {switch}
        </section>
    }
}

#[component]
fn RunSection(mode: Option<Mode>, offers: Vec<String>, run: Option<RunView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let mode_text = match mode {
        Some(Mode::Sync) => t(Text::SelfTestModeSync),
        Some(Mode::Async) => t(Text::SelfTestModeAsync),
        None => t(Text::SelfTestMixedModes),
    };
    let offers_text = if offers.len() == 2 {
        format!("{} {}", t(Text::SelfTestOffers), offers.join(", "))
    } else {
        t(Text::SelfTestNeedsTwoOfferings).to_owned()
    };
    let running = run
        .as_ref()
        .is_some_and(|run| run.state == SelfTestState::Running);
    view! {
        <section class="panel" data-testid="self-test-run">
            <h2>{t(Text::SelfTestRun)}</h2>
            <p class="hint">{mode_text}</p>
            <p class="hint">{offers_text}</p>
            <form method="post" action=posts::RUN_SELF_TEST.path()>
                <button type="submit" class="button primary" disabled=running>{t(Text::RunTheSelfTest)}</button>
            </form>
            {match run {
                Some(run) => view! { <RunReport run/> }.into_any(),
                None => view! { <p class="muted" data-testid="self-test-state">{t(Text::SelfTestNoRun)}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn RunReport(run: RunView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let total = run.steps.len();
    let (class, role) = match run.state {
        SelfTestState::Running => ("banner running", "status"),
        SelfTestState::Passed => ("banner running", "status"),
        SelfTestState::Failed | SelfTestState::Interrupted => ("banner paused", "alert"),
    };
    let counts = say::self_test_steps(lang, total as i64, run.passed, run.failed);
    let started = say::self_test_started_by(lang, &run.started_by, &run.mode, &run.target);
    let running = run.state == SelfTestState::Running;
    view! {
        <h3>{t(Text::SelfTestLastRun)}</h3>
        {running.then(|| view! { <Meta http_equiv="refresh" content="2"/> })}
        <div class=class role=role>
            <p>
                <strong data-testid="self-test-state" data-state=run.state.as_str()>{run.state.label(lang)}</strong>
                " · "
                <span data-testid="self-test-counts">{counts}</span>
            </p>
            <p class="hint">
                {started}
                " · "
                <When at=run.started_at.clone()/>
                {run.finished_at.clone().map(|at| view! { " · " {t(Text::SelfTestEnded)} " " <When at/> })}
            </p>
            {running.then(|| view! { <progress aria-label=t(Text::Progress)></progress> })}
            {run.problem.clone().map(|problem| view! { <p>{problem}</p> })}
        </div>
        <ol class="self-test-steps" data-testid="self-test-steps">
            {run.steps.into_iter().map(|step| view! { <StepItem step/> }).collect_view()}
        </ol>
    }
}

#[component]
fn StepItem(step: SelfTestStep) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let (class, mark) = if step.passed {
        ("step passed", "✓")
    } else {
        ("step failed", "✗")
    };
    let outcome = if step.passed {
        SelfTestState::Passed
    } else {
        SelfTestState::Failed
    };
    let section = say::contract_section(lang, &step.section);
    let has_detail = !step.request.is_empty() || !step.answer.is_empty() || !step.passed;
    let summary = view! {
        <span class="step-mark" aria-hidden="true">{mark}</span>
        " "
        <span class="visually-hidden">{outcome.label(lang)} " "</span>
        <span class="step-name">{step.name.clone()}</span>
        " "
        <span class="muted">{section} " · " {format!("{} ms", step.duration_ms)}</span>
    };
    if !has_detail {
        return view! { <li class=class data-passed=step.passed.to_string()><p class="step-summary">{summary}</p></li> }
            .into_any();
    }
    let failure = (!step.passed).then(|| {
        view! {
            <dl class="facts step-failure">
                <dt>{t(Text::StepRuleBroken)}</dt>
                <dd><code>{step.rule.clone()}</code></dd>
                <dt>{t(Text::StepRequires)}</dt>
                <dd>{step.requirement.clone()}</dd>
                <dt>{t(Text::StepFound)}</dt>
                <dd>{step.found.clone()}</dd>
            </dl>
        }
    });
    let request = (!step.request.is_empty()).then(|| {
        view! {
            <h4>{t(Text::Request)}</h4>
            <pre class="code" tabindex="0">{step.request.clone()}</pre>
        }
    });
    let answer = (!step.answer.is_empty()).then(|| {
        view! {
            <h4>{t(Text::Answer)}</h4>
            <pre class="code" tabindex="0">{step.answer.clone()}</pre>
        }
    });
    view! {
        <li class=class data-passed=step.passed.to_string()>
            <details open=!step.passed>
                <summary class="step-summary">{summary}</summary>
                {failure}
                {request}
                {answer}
            </details>
        </li>
    }
    .into_any()
}

#[component]
fn Received(received: Vec<SandboxDelivery>, total: u64) -> impl IntoView {
    let lang = use_lang();
    let count = i64::try_from(total).unwrap_or(i64::MAX);
    let row = move |delivery: SandboxDelivery| {
        view! {
            <tr>
                <td><When at=delivery.received_at/></td>
                <td><code>{delivery.event_type}</code></td>
                <td><code>{delivery.resource_id}</code></td>
                <td>{delivery.state}</td>
                <td><code>{delivery.event_id}</code></td>
                <td>{delivery.attempt}</td>
                <td>{delivery.status}</td>
            </tr>
        }
    };
    view! {
        <TablePanel
            heading=Text::EventsReceivedByTheSandbox
            testid="sandbox-events"
            empty=Text::SandboxNoEventYet
            columns=vec![
                Text::Received,
                Text::EventType,
                Text::Resource,
                Text::State,
                Text::EventId,
                Text::Attempts,
                Text::Answered,
            ]
            rows=rows(received, row)
        >
            <p class="hint">{say::sandbox_received_total(lang, count)}</p>
        </TablePanel>
    }
}
