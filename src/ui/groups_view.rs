//! The task's multicast groups: each group's class, band and size, and its session's radio
//! parameters, each with its machine value in `data-value`.

use fuota_core::campaign::lists::MulticastSession;
use leptos::prelude::*;

use fuota_core::run::actions::TaskAction;
use fuota_core::run::targets::TargetKind;

use super::campaign::{CampaignState, GroupInfo};
use super::error_view::ErrorView;
use super::intent::{RunControl, RunView};

fn session_view(session: MulticastSession) -> impl IntoView {
    let labels = ["Data rate (DR)", "Frequency (Hz)", "Session start", "Session timeout (s)", "Ping-slot period"];
    view! {
        <dl class="fields session">
            {session.fields().into_iter().zip(labels).map(|((name, value), label)| {
                let shown = value.clone().unwrap_or_else(|| "not returned".to_owned());
                view! {
                    <div class="field" data-session-field=name data-value=value>
                        <dt>{label}</dt>
                        <dd>{shown}</dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

fn group_view(info: GroupInfo, removable: Option<RunControl>) -> impl IntoView {
    let remove = removable.map(|control| {
        let id = info.id.clone();
        view! {
            <button type="button" class="secondary small" data-action="remove-target" data-target-id=id.clone()
                on:click=move |_| control.view.set(Some(RunView::Remove { kind: TargetKind::Groups, id: id.clone() }))>"Remove"</button>
        }
    });
    let group = info.group.clone().unwrap_or_default();
    let count = |n: Option<i64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
    view! {
        <article class="group" data-multicast-group-id=info.id.clone()
            data-dl-class=group.dl_class.clone().unwrap_or_default() data-rf-region=group.rf_region.clone().unwrap_or_default()>
            <h3>{group.name.clone().unwrap_or_else(|| info.id.clone())}</h3>
            {remove}
            <p>
                <code>{info.id.clone()}</code> " · " {group.dl_class.clone().unwrap_or_else(|| "class not returned".to_owned())}
                " · " {group.rf_region.clone().unwrap_or_default()} " · status " {group.status.clone().unwrap_or_else(|| "not returned".to_owned())}
                " · devices " {count(group.devices_in_group)} " in group of " {count(group.devices_requested)} " requested"
            </p>
            {info.session.map(session_view)}
            {info.error.map(|e| view! { <ErrorView error=e /> })}
        </article>
    }
}

#[component]
pub fn GroupsView(campaign: CampaignState) -> impl IntoView {
    let control = use_context::<RunControl>();
    view! {
        <section class="groups" data-view="groups" aria-labelledby="groups-title">
            <h2 id="groups-title">"Multicast groups"</h2>
            {move || campaign.groups_error.get().map(|e| view! { <ErrorView error=e /> })}
            {move || {
                let groups = campaign.groups.get();
                if groups.is_empty() && !campaign.loading.get() {
                    view! { <p class="none">"This task has no multicast groups: its devices are updated one by one."</p> }.into_any()
                } else {
                    let removable = control.filter(|c| c.allows(TaskAction::RemoveTarget));
                    groups.into_iter().map(|g| group_view(g, removable)).collect_view().into_any()
                }
            }}
        </section>
    }
}
