//! `/settings/orange` (administrators): how each Orange operation is answered, the fleet policy
//! and how long raw exchanges are kept. One form, posted to `/console/settings/orange`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_orange_settings;
use crate::model::ApiSettingsView;

/// The words for an operation code: its name and what it covers.
fn operation_text(operation: &str) -> (&'static str, &'static str) {
    match operation {
        "customer_creation" => ("Customer creation", "A productOrder without order items."),
        "licence_order" => ("Licence order", "A productOrder with order items."),
        "state_change" => ("State change", "Suspending or reactivating a licence."),
        "deletion" => ("Deletion", "Terminating a licence."),
        "offering_change" => ("Offering change", "Moving a licence to another offering."),
        _ => ("Other operation", ""),
    }
}

/// The fleet policies: code, name, one-line explanation.
const FLEET_POLICIES: [(&str, &str, &str); 3] = [
    (
        "perCustomer",
        "Per customer",
        "Every order of a customer goes into the customer's one fleet.",
    ),
    (
        "perOrder",
        "Per order",
        "Each order opens a new fleet, unless it names an existing fleet of the customer.",
    ),
    (
        "perOffering",
        "Per offering",
        "One fleet per customer and offer code.",
    ),
];

#[component]
pub fn OrangeSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_orange_settings());
    view! {
        <Title text="Orange API settings"/>
        <h1>"Orange API settings"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(settings) => view! { <SettingsForm settings/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(settings: ApiSettingsView) -> impl IntoView {
    let policy = settings.fleet_policy.clone();
    view! {
        <form method="post" action="/console/settings/orange" class="settings-form">
            <fieldset class="panel">
                <legend>"Answer mode"</legend>
                <p class="hint">
                    "Synchronous: the answer carries the result. Asynchronous: the answer says "
                    <code>"acknowledged"</code>
                    " and the result follows as an event. Validation errors are always answered at once."
                </p>
                <div class="grid-form">
                    {settings
                        .modes
                        .into_iter()
                        .map(|entry| {
                            let (name, help) = operation_text(&entry.operation);
                            let id = format!("mode-{}", entry.operation);
                            let is_async = entry.mode == "async";
                            view! {
                                <div class="field">
                                    <label for=id.clone()>{name}</label>
                                    <select id=id name=entry.operation.clone()>
                                        <option value="sync" selected=!is_async>"Synchronous"</option>
                                        <option value="async" selected=is_async>"Asynchronous"</option>
                                    </select>
                                    <p class="hint">{help}</p>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>"Fleet policy"</legend>
                <p class="hint">"How ordered licences are grouped into fleets (productRefIds)."</p>
                <div class="choices">
                    {FLEET_POLICIES
                        .into_iter()
                        .map(|(code, name, help)| {
                            let id = format!("policy-{code}");
                            view! {
                                <div class="choice">
                                    <input id=id.clone() type="radio" name="fleet_policy" value=code checked=policy == code/>
                                    <label for=id>
                                        {name}
                                        " "
                                        <code class="muted">{code}</code>
                                        <span class="hint">{help}</span>
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>"Raw exchanges"</legend>
                <div class="grid-form">
                    <div class="field">
                        <label for="retention">"Retention in days"</label>
                        <input id="retention" name="exchange_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.exchange_retention_days.to_string()/>
                        <p class="hint">"1 to 3650. Older exchanges are deleted."</p>
                    </div>
                </div>
            </fieldset>
            <p>
                <button type="submit" class="button primary">"Save settings"</button>
            </p>
        </form>
    }
}
