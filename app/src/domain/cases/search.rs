//! Full-text search over cases, one normalisation for both sides: the server indexes the
//! tokens in SQLite FTS5 (or a PostgreSQL `simple` text-search vector) and the browser
//! searches its replica with the same tokens offline.
//!
//! Chinese has no spaces between words, so every CJK character is its own token and a
//! query term matches as a phrase of adjacent characters: `漏水` finds `卫生间漏水`. Latin
//! words and numbers are tokens lowercased; the last token of a term matches as a prefix.

use super::Case;

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

/// Lowercased words and single CJK characters, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// What of a case is searched: its words, place, contact, people and id.
pub fn document(case: &Case) -> String {
    let mut parts: Vec<&str> = vec![&case.title, &case.description, &case.id];
    parts.extend(case.unit_label.as_deref());
    parts.extend(case.location.as_deref());
    if let Some(c) = &case.contact {
        parts.push(&c.name);
        parts.push(&c.phone);
    }
    parts.push(&case.created_by_name);
    if let Some(a) = &case.assignee {
        parts.push(&a.name);
    }
    tokens(&parts.join(" ")).join(" ")
}

/// A query as terms (whitespace-separated), each a list of tokens; at most 8 terms.
pub fn query_terms(q: &str) -> Vec<Vec<String>> {
    q.split_whitespace()
        .map(tokens)
        .filter(|t| !t.is_empty())
        .take(8)
        .collect()
}

/// Whether a tokenised document (`document`'s output) matches every term: each term's
/// tokens appear adjacent and in order, the last as a prefix.
pub fn matches(document: &str, terms: &[Vec<String>]) -> bool {
    let doc: Vec<&str> = document.split(' ').collect();
    terms.iter().all(|term| {
        let n = term.len();
        n <= doc.len()
            && (0..=doc.len() - n).any(|i| {
                term.iter().enumerate().all(|(k, t)| {
                    if k + 1 == n {
                        doc[i + k].starts_with(t.as_str())
                    } else {
                        doc[i + k] == t
                    }
                })
            })
    })
}

/// The FTS5 MATCH expression for the terms: each a quoted phrase, the last token a
/// prefix; tokens are alphanumeric so quoting cannot break out.
pub fn fts5_query(terms: &[Vec<String>]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.join(" ")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The PostgreSQL `to_tsquery('simple', …)` text for the terms: adjacent tokens with
/// `<->`, the last a prefix.
pub fn tsquery(terms: &[Vec<String>]) -> String {
    terms
        .iter()
        .map(|t| {
            let mut s = t.join(" <-> ");
            s.push_str(":*");
            format!("({s})")
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_matches_as_adjacent_characters() {
        let doc = tokens("卫生间漏水 A-1203 Water leaking").join(" ");
        assert_eq!(doc, "卫 生 间 漏 水 a 1203 water leaking");
        assert!(matches(&doc, &query_terms("漏水")));
        assert!(matches(&doc, &query_terms("a-1203 leak")));
        assert!(!matches(&doc, &query_terms("水漏")));
        assert!(!matches(&doc, &query_terms("漏水 elevator")));
        assert_eq!(
            fts5_query(&query_terms("漏水 a-12")),
            "\"漏 水\"* AND \"a 12\"*"
        );
        assert_eq!(tsquery(&query_terms("漏水")), "(漏 <-> 水:*)");
    }

    #[test]
    fn punctuation_cannot_reach_the_query_language() {
        let terms = query_terms("\" OR * NEAR( ) -- ;");
        assert!(terms.is_empty() || fts5_query(&terms).chars().all(|c| c != '(' && c != ';'));
        assert_eq!(fts5_query(&query_terms("a\"b")), "\"a b\"*");
    }
}
