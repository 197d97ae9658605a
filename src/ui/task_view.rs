//! The task as people read it: every member formatted, the machine value in `data-value`.

use fuota_core::campaign::descriptor::Descriptor;
use fuota_core::campaign::task::TaskAnswer;
use fuota_core::campaign::task::{FieldValue, TaskField};
use fuota_core::wire::time::Timestamp;
use leptos::prelude::*;

use crate::browser::clock;

fn time_view(t: Timestamp) -> impl IntoView {
    let utc = t.rfc3339();
    view! {
        <time datetime=utc.clone()>{clock::local_time(t.epoch_millis())}</time>
        <span class="utc">{format!(" ({utc})")}</span>
    }
}

fn descriptor_view(d: Descriptor) -> AnyView {
    match d {
        Descriptor::Decoded { base64, hex, text } => view! {
            <span class="descriptor">
                {text.map(|t| view! { <span class="text">{t}</span> })}
                <code class="hex" title="hex">{hex}</code>
                <code class="b64" title="base64">{base64}</code>
            </span>
        }
        .into_any(),
        Descriptor::Undecodable { raw } => view! {
            <span class="descriptor"><code>{raw}</code><span class="note">" (not valid base64; shown as received)"</span></span>
        }
        .into_any(),
    }
}

fn value_view(value: FieldValue) -> AnyView {
    match value {
        FieldValue::Text(s) => view! { <span class="text">{s}</span> }.into_any(),
        FieldValue::Integer(i) => view! { <span class="number">{i.to_string()}</span> }.into_any(),
        FieldValue::Time(t) => time_view(t).into_any(),
        FieldValue::Status(s) => {
            let class = format!("badge tone-{}", s.tone());
            let raw = (s.label() != s.as_str()).then(|| format!(" {}", s.as_str()));
            view! { <span class=class>{s.label().to_owned()}</span><code class="raw-status">{raw}</code> }.into_any()
        }
        FieldValue::Descriptor(d) => descriptor_view(d),
    }
}

fn field_row(field: TaskField) -> impl IntoView {
    let data_value = field.value.as_ref().map(FieldValue::data_value);
    let absent = field.value.is_none();
    view! {
        <div class="field" class:absent=absent data-field=field.name data-value=data_value>
            <dt>{field.label}</dt>
            <dd>{match field.value {
                Some(v) => value_view(v),
                None => view! { <span class="none">"not returned"</span> }.into_any(),
            }}</dd>
        </div>
    }
}

#[component]
pub fn TaskView(answer: TaskAnswer) -> impl IntoView {
    let title = answer.task.name.clone().or_else(|| answer.task.id.clone()).unwrap_or_else(|| "FUOTA task".to_owned());
    view! {
        <article class="task">
            <h2>{title}</h2>
            <dl class="fields">{answer.task.fields().into_iter().map(field_row).collect_view()}</dl>
            <details class="raw">
                <summary>"Raw JSON"</summary>
                <pre data-raw-json="" tabindex="0" role="region" aria-label="Raw JSON of the answer">{answer.raw_json}</pre>
            </details>
            {answer.request_id.map(|id| view! { <p class="request-id">"Request id " <code>{id}</code></p> })}
        </article>
    }
}
