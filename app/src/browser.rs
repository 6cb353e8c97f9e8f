//! Browser glue: the service worker, the language cookie, connectivity, files.
//! Compiled on every target but only ever called from the browser (effects and event
//! handlers, which never run on the server).

use crate::i18n::{I18n, Lang, LANG_COOKIE};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A page the service worker kept from before a language change still carries the old
/// texts: hydrate with them, then switch to the remembered language.
pub fn reconcile_lang(i18n: I18n) {
    if let Some(saved) = cookie_lang() {
        if saved != i18n.lang.get_untracked() {
            i18n.set(saved);
        }
    }
}

/// Registers `/sw.js`, which keeps the shell for offline starts.
pub fn register_service_worker() {
    if let Some(w) = web_sys::window() {
        let sw = w.navigator().service_worker();
        let _ = sw.register("/sw.js");
    }
}

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
}

/// The `lang` of the page as the server rendered it.
pub fn document_lang() -> Option<Lang> {
    let el = web_sys::window()?.document()?.document_element()?;
    Lang::from_tag(&el.get_attribute("lang")?)
}

fn cookie_lang() -> Option<Lang> {
    let cookies = html_document()?.cookie().ok()?;
    crate::cookies::find(&cookies, LANG_COOKIE).and_then(Lang::from_tag)
}

/// Remembers the estate to work in and reloads the screen for it.
pub fn choose_estate(estate_id: &str) {
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&format!(
            "{}={estate_id}; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::cookies::ESTATE_COOKIE
        ));
    }
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Remembers the language for a year and marks the page with it.
pub fn remember_lang(lang: Lang) {
    if let Some(doc) = html_document() {
        let _ = doc.set_cookie(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        ));
        if let Some(el) = doc.document_element() {
            let _ = el.set_attribute("lang", lang.code());
        }
    }
}

/// Keeps `online` equal to the browser's connectivity.
pub fn watch_online(online: RwSignal<bool>) {
    if let Some(w) = web_sys::window() {
        online.set(w.navigator().on_line());
    }
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
}

/// Asks the service worker to forget cached pages: they hold the signed-in person's data.
pub fn forget_cached_pages() {
    if let Some(ctrl) = web_sys::window().and_then(|w| w.navigator().service_worker().controller())
    {
        let _ = ctrl.post_message(&wasm_bindgen::JsValue::from_str("forget-pages"));
    }
}

/// Forgets kept pages when someone other than `user_id` was the last to sign in on this
/// browser: a sign-in posted before the app's script loaded skipped the sign-in screen's
/// own clean-up.
pub fn forget_pages_of_others(user_id: &str) {
    const KEY: &str = "propdesk.pages_owner";
    let Some(store) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let owner = store.get_item(KEY).ok().flatten();
    if owner.as_deref() != Some(user_id) {
        if owner.is_some() {
            forget_cached_pages();
        }
        let _ = store.set_item(KEY, user_id);
    }
}

/// A full page load of `path`, so the server renders it afresh for the new session.
pub fn load_page(path: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
}

/// The text of the file chosen in a file input, if any.
pub async fn chosen_file_text(input: &web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    text.as_string()
}

/// Sets `window.__propdesk_hydrated`, which browser tests wait for.
/// `__propdesk_hydrated_at` keeps when (ms since the page started), for the load measurement.
pub fn mark_hydrated() {
    if let Some(w) = web_sys::window() {
        if let Some(at) = w.performance().map(|p| p.now()) {
            let _ = js_sys::Reflect::set(&w, &"__propdesk_hydrated_at".into(), &at.into());
        }
        let _ = js_sys::Reflect::set(
            &w,
            &"__propdesk_hydrated".into(),
            &wasm_bindgen::JsValue::TRUE,
        );
        // What was typed, and a form submitted, before the app started (`js/early.js`).
        if let Ok(f) = js_sys::Reflect::get(&w, &"__propdesk_after_hydration".into()) {
            if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f) {
                let _ = f.call0(&w);
            }
        }
    }
}

/// The files chosen in the file input an event came from.
pub fn chosen_files(ev: &leptos::ev::Event) -> Vec<web_sys::File> {
    use wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let Some(list) = input.files() else {
        return Vec::new();
    };
    let files = (0..list.length()).filter_map(|i| list.get(i)).collect();
    // Let the same file be picked again later.
    input.set_value("");
    files
}

/// A date and time in the person's language and time zone.
pub fn format_time(ms: i64, lang: crate::i18n::Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string(lang.code(), &wasm_bindgen::JsValue::UNDEFINED))
}

/// A time of day (hours and minutes) in the person's language and time zone.
pub fn format_clock(ms: i64, lang: crate::i18n::Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&opts, &"minute".into(), &"2-digit".into());
    String::from(d.to_locale_time_string_with_options(lang.code(), &opts))
}

/// Asks the person to confirm; `false` outside a browser.
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Asks the service worker to fetch and keep these pages now, so that they open offline
/// even if the person never visited them online.
pub fn warm_pages(paths: &[&str]) {
    let Some(ctrl) = web_sys::window().and_then(|w| w.navigator().service_worker().controller())
    else {
        return;
    };
    let list = js_sys::Array::new();
    for p in paths {
        list.push(&wasm_bindgen::JsValue::from_str(p));
    }
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"warm".into(), &list);
    let _ = ctrl.post_message(&msg);
}

/// A time the same on the server and in the browser (for server-rendered logs), in UTC.
pub fn format_utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Now, ms since the epoch (the device's clock in the browser).
pub fn now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A `datetime-local` input's value as ms since the epoch, in the device's time zone.
pub fn parse_local_datetime(value: &str) -> Option<i64> {
    if value.is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    ms.is_finite().then_some(ms as i64)
}

/// Opens the browser's print dialog (the print style sheet makes one A4 page).
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Whether the browser can read QR codes from a picture (`BarcodeDetector`; Chrome on
/// Android and macOS has it, desktop Linux does not).
pub fn can_scan_qr() -> bool {
    web_sys::window()
        .map(|w| js_sys::Reflect::has(&w, &"BarcodeDetector".into()).unwrap_or(false))
        .unwrap_or(false)
}

/// The text of the first QR code in a picture the camera took, if the browser can read
/// one: `BarcodeDetector` accepts the picture's file as it is.
pub async fn read_qr(file: web_sys::File) -> Option<String> {
    use wasm_bindgen::JsCast;
    let w = web_sys::window()?;
    let ctor: js_sys::Function = js_sys::Reflect::get(&w, &"BarcodeDetector".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let opts = js_sys::Object::new();
    let formats = js_sys::Array::of1(&"qr_code".into());
    js_sys::Reflect::set(&opts, &"formats".into(), &formats).ok()?;
    let detector = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts)).ok()?;
    let detect: js_sys::Function = js_sys::Reflect::get(&detector, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = detect.call1(&detector, &file).ok()?.dyn_into().ok()?;
    let found = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let first = js_sys::Array::from(&found).get(0);
    js_sys::Reflect::get(&first, &"rawValue".into())
        .ok()?
        .as_string()
}
