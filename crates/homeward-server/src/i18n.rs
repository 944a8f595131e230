//! The interface's words: one Fluent message file per language in `locales/`, embedded at build
//! time. English is the fallback for a message another language lacks (a test keeps the files
//! complete, so that only happens while a translation is being written).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/locales.rs"));
}

type Bundle = FluentBundle<FluentResource>;

/// Why the message files could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LocaleError {
    /// A file's name is not a language tag.
    #[error("`{0}.ftl` is not named by a language tag such as `en` or `el`")]
    Tag(String),
    /// A file has a syntax error.
    #[error("`{tag}.ftl` has errors: {errors}")]
    Syntax { tag: String, errors: String },
    /// There is no English file to fall back on.
    #[error("there is no `en.ftl`")]
    NoEnglish,
}

/// Every language of the interface.
pub struct Locales {
    /// English first: the fallback.
    bundles: Vec<(String, Bundle)>,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.bundles.iter().map(|(tag, _)| tag)).finish()
    }
}

impl Locales {
    /// Only an English bundle with no messages: every lookup answers its id.
    pub fn empty() -> Self {
        Self::from_sources(&[("en", "")]).unwrap_or(Self { bundles: Vec::new() })
    }

    /// The message files built into the binary.
    pub fn embedded() -> Result<Self, LocaleError> {
        Self::from_sources(embedded::LOCALES)
    }

    /// Messages from (language tag, Fluent source) pairs.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Self, LocaleError> {
        let mut bundles = Vec::with_capacity(sources.len());
        for (tag, source) in sources {
            let id: LanguageIdentifier = tag.parse().map_err(|_| LocaleError::Tag((*tag).to_owned()))?;
            let resource =
                FluentResource::try_new((*source).to_owned()).map_err(|(_, errors)| LocaleError::Syntax {
                    tag: (*tag).to_owned(),
                    errors: errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "),
                })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Names are wrapped in <bdi> by the templates; Fluent's own isolation marks would
            // only get in the way of copying text.
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errors| LocaleError::Syntax {
                tag: (*tag).to_owned(),
                errors: errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "),
            })?;
            bundles.push(((*tag).to_owned(), bundle));
        }
        let english = bundles.iter().position(|(tag, _)| tag == "en").ok_or(LocaleError::NoEnglish)?;
        bundles.swap(0, english);
        Ok(Self { bundles })
    }

    /// True when the interface speaks this language.
    pub fn has(&self, tag: &str) -> bool {
        self.bundles.iter().any(|(t, _)| t == tag)
    }

    /// The language tags, English first.
    pub fn tags(&self) -> Vec<&str> {
        self.bundles.iter().map(|(t, _)| t.as_str()).collect()
    }

    /// The messages of one language; English when the interface does not speak it.
    pub fn get(&self, tag: &str) -> Tr<'_> {
        let (english_tag, english) = &self.bundles[0];
        let (lang, bundle) =
            self.bundles.iter().find(|(t, _)| t == tag).map(|(t, b)| (t, b)).unwrap_or((english_tag, english));
        Tr { lang, bundle, fallback: english, locales: self }
    }

    /// Picks the first language of an `Accept-Language` header that the interface speaks.
    pub fn negotiate(&self, accept_language: Option<&str>) -> &str {
        let wanted = accept_language.unwrap_or_default().split(',').filter_map(|part| {
            let tag = part.split(';').next()?.trim();
            let primary = tag.split('-').next()?.to_ascii_lowercase();
            self.bundles.iter().find(|(t, _)| *t == primary).map(|(t, _)| t.as_str())
        });
        wanted.into_iter().next().unwrap_or(self.bundles[0].0.as_str())
    }

    /// (tag, the language's own name) for every language, for a language menu.
    pub fn menu(&self) -> Vec<(&str, String)> {
        self.bundles.iter().map(|(tag, _)| (tag.as_str(), self.get(tag).t("language-name"))).collect()
    }

    /// The message ids of one language, sorted (for the completeness test).
    pub fn ids(&self, tag: &str) -> Vec<String> {
        let source = embedded::LOCALES.iter().find(|(t, _)| *t == tag).map(|(_, s)| *s).unwrap_or_default();
        let mut ids: Vec<String> = source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect();
        ids.sort();
        ids
    }
}

/// The messages of one language.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    /// The language tag, for `<html lang>`.
    pub lang: &'a str,
    bundle: &'a Bundle,
    fallback: &'a Bundle,
    /// Every language, for the language menu.
    pub locales: &'a Locales,
}

impl Tr<'_> {
    /// A message without arguments.
    pub fn t(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with one argument.
    pub fn t1(&self, id: &str, name: &str, value: impl Into<FluentValue<'static>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), value);
        self.format(id, Some(&args))
    }

    /// A message with any number of arguments.
    pub fn args(&self, id: &str, args: &FluentArgs<'_>) -> String {
        self.format(id, Some(args))
    }

    /// A message with two arguments.
    pub fn t2(
        &self,
        id: &str,
        (name1, value1): (&str, FluentValue<'static>),
        (name2, value2): (&str, FluentValue<'static>),
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name1.to_owned(), value1);
        args.set(name2.to_owned(), value2);
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for bundle in [self.bundle, self.fallback] {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
                if !errors.is_empty() {
                    tracing::warn!(id, ?errors, "a message could not be formatted in full");
                }
                return text;
            }
        }
        tracing::warn!(id, lang = self.lang, "no such message");
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_exactly_the_english_messages() {
        let locales = Locales::embedded().unwrap();
        let english = locales.ids("en");
        assert!(english.len() > 100, "{} messages", english.len());
        for tag in locales.tags() {
            let ids = locales.ids(tag);
            let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{tag}: missing {missing:?}, not in English {extra:?}");
        }
    }

    #[test]
    fn every_message_the_code_asks_for_exists() {
        let locales = Locales::embedded().unwrap();
        let english = locales.ids("en");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut asked = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for call in [".t(\"", ".t1(\"", ".t2(\"", ".args(\""] {
                for (i, _) in source.match_indices(call) {
                    let rest = &source[i + call.len()..];
                    let id = &rest[..rest.find('"').unwrap()];
                    asked.push(id.to_owned());
                }
            }
        }
        assert!(asked.len() > 50, "found only {} message lookups", asked.len());
        let unknown: Vec<_> = asked.iter().filter(|id| !english.contains(id)).collect();
        assert!(unknown.is_empty(), "messages the code asks for but en.ftl lacks: {unknown:?}");
    }

    #[test]
    fn plurals_and_arguments_follow_the_language() {
        let locales = Locales::embedded().unwrap();
        assert_eq!(locales.get("en").t1("desk-count", "total", 1), "One case");
        assert_eq!(locales.get("en").t1("desk-count", "total", 40), "40 cases");
        assert_eq!(locales.get("el").t1("desk-count", "total", 40), "40 υποθέσεις");
        assert_eq!(locales.get("xx").lang, "en", "an unknown language falls back to English");
    }

    #[test]
    fn accept_language_picks_a_spoken_language() {
        let locales = Locales::embedded().unwrap();
        assert_eq!(locales.negotiate(Some("el-GR,el;q=0.9,en;q=0.8")), "el");
        assert_eq!(locales.negotiate(Some("fr-BE, nl;q=0.5")), "en");
        assert_eq!(locales.negotiate(None), "en");
    }
}
