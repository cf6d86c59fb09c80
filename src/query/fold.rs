//! Case- and accent-insensitive text: both the query and the record are folded to
//! lower case without diacritics before they are compared.

/// `Müller-Lüdenscheid, Straße` -> `muller-ludenscheid, strasse`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii() {
            out.push(ch.to_ascii_lowercase());
            continue;
        }
        match ch {
            'ä' | 'Ä' | 'á' | 'Á' | 'à' | 'À' | 'â' | 'Â' | 'ã' | 'Ã' | 'å' | 'Å' => {
                out.push('a')
            }
            'ö' | 'Ö' | 'ó' | 'Ó' | 'ò' | 'Ò' | 'ô' | 'Ô' | 'õ' | 'Õ' | 'ø' | 'Ø' => {
                out.push('o')
            }
            'ü' | 'Ü' | 'ú' | 'Ú' | 'ù' | 'Ù' | 'û' | 'Û' => out.push('u'),
            'é' | 'É' | 'è' | 'È' | 'ê' | 'Ê' | 'ë' | 'Ë' => out.push('e'),
            'í' | 'Í' | 'ì' | 'Ì' | 'î' | 'Î' | 'ï' | 'Ï' | 'ı' => out.push('i'),
            'ç' | 'Ç' | 'č' | 'Č' | 'ć' | 'Ć' => out.push('c'),
            'ñ' | 'Ñ' | 'ń' | 'Ń' => out.push('n'),
            'š' | 'Š' | 'ś' | 'Ś' => out.push('s'),
            'ž' | 'Ž' | 'ź' | 'Ź' | 'ż' | 'Ż' => out.push('z'),
            'ł' | 'Ł' => out.push('l'),
            'ý' | 'Ý' | 'ÿ' => out.push('y'),
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            other => out.extend(other.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_umlauts_and_accents() {
        assert_eq!(fold("Müller Straße"), "muller strasse");
        assert_eq!(fold("CAFÉ Ökö"), "cafe oko");
        assert_eq!(fold("Łódź"), "lodz");
    }
}
