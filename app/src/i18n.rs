//! The translation layer: rust-i18n catalogues under `app/locales`, a reactive language in
//! context, and the cookie that makes the server render in the same language.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie that remembers the chosen language, read by the server for SSR.
pub const LANG_COOKIE: &str = "propdesk_lang";

/// A language the app ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    ZhCn,
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhCn, Lang::En, Lang::Es];

    /// The BCP 47 tag, also the catalogue's locale name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's name in itself, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "中文",
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// Reads a tag loosely: `zh`, `zh-CN`, `zh_cn`, `en-GB`, `es-MX` all map.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        let primary = t.split(['-', '_', ';']).next().unwrap_or("");
        match primary {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(Lang::from_tag)
    }
}

/// Translates a key in a language; unknown keys fall back to English, then to the key.
pub fn tr(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// The current language, in context for every component.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// The translation of a key in the current language; reactive when called in a closure.
    pub fn t(&self, key: &str) -> String {
        tr(self.lang.get(), key)
    }

    /// Switches the language and remembers it for the next visit and for the server.
    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
        crate::browser::remember_lang(lang);
    }
}

/// The translation layer of the current component tree.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The language to render this request in: the cookie, then `Accept-Language`, then
/// Chinese (the desk's default). In the browser it is the `lang` of the page the server
/// rendered, so hydration sees the same texts.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| lang_from_headers(&parts.headers))
            .unwrap_or(Lang::ZhCn)
    }
    #[cfg(not(feature = "ssr"))]
    {
        crate::browser::document_lang().unwrap_or(Lang::ZhCn)
    }
}

/// The language a request asks for: the cookie, then `Accept-Language`, then Chinese.
pub fn lang_from_headers(headers: &http::HeaderMap) -> Lang {
    let cookie =
        crate::cookies::from_headers(headers, LANG_COOKIE).and_then(|v| Lang::from_tag(&v));
    cookie
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::ZhCn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(
            Lang::from_accept_language("fr-FR,es;q=0.8,en;q=0.5"),
            Some(Lang::Es)
        );
    }

    #[test]
    fn translates_and_falls_back() {
        assert_eq!(tr(Lang::En, "app.name"), "propdesk");
        assert_ne!(tr(Lang::ZhCn, "nav.home"), tr(Lang::En, "nav.home"));
    }

    /// zh-CN and en are complete: every key of every catalogue has both, and no text is
    /// empty. Spanish may lag; it falls back to English.
    #[test]
    fn chinese_and_english_are_complete() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
        let mut keys = 0;
        for entry in std::fs::read_dir(dir).expect("locales dir") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("read catalogue");
            let doc: BTreeMap<String, serde_yaml::Value> =
                serde_yaml::from_str(&text).expect("catalogue is YAML");
            for (key, value) in doc.iter().filter(|(k, _)| *k != "_version") {
                keys += 1;
                for lang in ["en", "zh-CN"] {
                    let t = value.get(lang).and_then(|v| v.as_str()).unwrap_or("");
                    assert!(
                        !t.trim().is_empty(),
                        "{}: `{key}` has no {lang}",
                        path.display()
                    );
                }
            }
        }
        assert!(keys > 50, "catalogues found: {keys} keys");
    }
}
