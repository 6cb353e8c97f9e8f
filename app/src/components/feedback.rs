//! Showing errors and results to people.

use crate::domain::AppError;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// An error as a person reads it: the translated kind, and the detail where it helps.
#[component]
pub fn ErrorBox(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let key = err.label_key();
    let detail = match &err {
        AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::NotFound { .. } => {
            Some(err.to_string())
        }
        AppError::Throttled { retry_after_secs } => Some(format!("{retry_after_secs} s")),
        _ => None,
    };
    view! {
        <div class="error" role="alert" data-code=err.code()>
            <strong>{move || i18n.t(key)}</strong>
            {detail.map(|d| view! { <span class="detail">" " {d}</span> })}
        </div>
    }
}

/// The result of an action: nothing yet, an error, or a translated success line.
#[component]
pub fn ActionResult<T: Clone + Send + Sync + 'static>(
    value: RwSignal<Option<Result<T, AppError>>>,
    ok_key: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match value.get() {
        None => ().into_any(),
        Some(Ok(_)) => {
            view! { <p class="ok" role="status">{move || i18n.t(ok_key)}</p> }.into_any()
        }
        Some(Err(e)) => view! { <ErrorBox err=e/> }.into_any(),
    }
}

/// Wires an edit panel to its action: shows each new result, and closes the panel (sets
/// `open` to `None`) once the action succeeded. Results from before the panel opened are
/// ignored.
pub fn close_on_success<T, I, O>(
    action: ServerAction<I>,
    open: RwSignal<Option<T>>,
    result: RwSignal<Option<Result<O, AppError>>>,
) where
    T: Send + Sync + 'static,
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let started = action.version().get_untracked();
    Effect::new(move |_| {
        if action.version().get() > started {
            let v = action.value().get();
            if matches!(v, Some(Ok(_))) {
                open.set(None);
            }
            result.set(v);
        }
    });
}
