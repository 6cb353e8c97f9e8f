//! The browser entry point: starts the device (IndexedDB outbox, local replica, sync
//! loop), then hydrates the server-rendered page.

mod engine;
mod idb;
mod net;
mod photos;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::browser::register_service_worker();
    leptos::mount::hydrate_body(app::App);
    app::browser::mark_hydrated();
    wasm_bindgen_futures::spawn_local(engine::start());
}
