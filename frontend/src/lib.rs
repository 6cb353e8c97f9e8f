//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::browser::register_service_worker();
    leptos::mount::hydrate_body(app::App);
    app::browser::mark_hydrated();
}
