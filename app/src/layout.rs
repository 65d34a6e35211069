//! The frame of every signed-in page: top bar with navigation, the operator and sign-out, the
//! flash message, then the page.

use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::api::fetch_console_context;
use crate::model::{Flash, FlashKind, OperatorView};
use crate::pages::ErrorPanel;

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let context = Resource::new(|| (), |()| fetch_console_context());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(context) => view! {
                        <TopBar operator=context.operator/>
                        <main id="main" class="page">
                            <FlashMessage flash=context.flash/>
                            <Outlet/>
                        </main>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <main id="main" class="page">
                            <ErrorPanel error/>
                            <p><a href="/login">"Sign in"</a></p>
                        </main>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TopBar(operator: OperatorView) -> impl IntoView {
    let is_admin = operator.is_admin();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"F"</span>
                "Fleetdesk"
            </a>
            <nav class="nav" aria-label="Main">
                <a href="/">"Overview"</a>
                <a href="/offerings">"Offerings"</a>
                <a href="/exchanges">"Exchanges"</a>
                <a href="/events">"Events"</a>
                {is_admin.then(|| view! {
                    <a href="/settings/credentials">"Credentials"</a>
                    <a href="/settings/orange">"Orange settings"</a>
                    <a href="/settings/delivery">"Delivery settings"</a>
                    <a href="/reference">"API reference"</a>
                    <a href="/operators">"Operators"</a>
                })}
            </nav>
            <div class="who" data-testid="current-operator">
                <span class="who-name">{operator.display_name}</span>
                <span class=format!("badge role-{}", operator.role)>{operator.role.clone()}</span>
            </div>
            <form method="post" action="/auth/logout" class="signout">
                <button type="submit" class="button secondary">"Sign out"</button>
            </form>
        </header>
    }
}

#[component]
fn FlashMessage(flash: Option<Flash>) -> impl IntoView {
    flash.map(|flash| {
        let details = (!flash.details.is_empty()).then(|| {
            view! {
                <ul class="flash-details">
                    {flash.details.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            }
        });
        match flash.kind {
            FlashKind::Success => view! {
                <div class="flash success" role="status"><p>{flash.text}</p>{details}</div>
            }
            .into_any(),
            FlashKind::Error => view! {
                <div class="flash error" role="alert"><p>{flash.text}</p>{details}</div>
            }
            .into_any(),
        }
    })
}
