//! What the board says, in English and German, in one place.

use crate::model::Lang;

pub fn title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Pipeline board",
        Lang::De => "Pipeline-Tafel",
    }
}

/// What the palette says beside the board's entry.
pub fn palette_detail(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "board · open opportunities by stage",
        Lang::De => "board · offene Verkaufschancen nach Phase",
    }
}

pub fn too_small(lang: Lang, width: u16, height: u16) -> String {
    match lang {
        Lang::En => {
            format!("the board needs at least {width}×{height} characters: enlarge the window")
        }
        Lang::De => {
            format!("die Tafel braucht mindestens {width}×{height} Zeichen: Fenster vergrößern")
        }
    }
}

pub fn loading(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "loading the board…",
        Lang::De => "Tafel wird geladen…",
    }
}

pub fn no_stages(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "no stages: set them up in Setup › Opportunity Stages",
        Lang::De => "keine Phasen: unter Einrichtung › Phasen anlegen",
    }
}

pub fn more(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("+{n} more — filter with f"),
        Lang::De => format!("+{n} weitere — f: filtern"),
    }
}

pub fn none(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "(no cards)",
        Lang::De => "(keine Karten)",
    }
}

pub fn weighted(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "weighted",
        Lang::De => "gewichtet",
    }
}

pub fn bar_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " Σ weighted per stage ",
        Lang::De => " Σ gewichtet je Phase ",
    }
}

pub fn open_count(lang: Lang, n: u64) -> String {
    match lang {
        Lang::En => format!("{n} open"),
        Lang::De => format!("{n} offen"),
    }
}

/// Which lanes are on screen: "stages 2–4 of 5".
pub fn stages_shown(lang: Lang, first: usize, last: usize, of: usize) -> String {
    match lang {
        Lang::En => format!("stages {first}–{last} of {of}"),
        Lang::De => format!("Phasen {first}–{last} von {of}"),
    }
}

pub fn query(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "query: ",
        Lang::De => "Abfrage: ",
    }
}

pub fn query_running(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "query running… ",
        Lang::De => "Abfrage läuft… ",
    }
}

pub fn moved(lang: Lang, key: &str, stage: &str) -> String {
    match lang {
        Lang::En => format!("moved {key} to {stage}"),
        Lang::De => format!("{key} nach {stage} verschoben"),
    }
}

pub fn at_end(lang: Lang, key: &str, first: bool) -> String {
    match (lang, first) {
        (Lang::En, true) => format!("{key} is in the first stage already"),
        (Lang::En, false) => format!("{key} is in the last stage already"),
        (Lang::De, true) => format!("{key} ist schon in der ersten Phase"),
        (Lang::De, false) => format!("{key} ist schon in der letzten Phase"),
    }
}

pub fn no_card(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "no card selected",
        Lang::De => "keine Karte gewählt",
    }
}

pub fn not_a_stage(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "that lane holds opportunities without a known stage; choose a stage in the form"
        }
        Lang::De => {
            "diese Spalte hält Verkaufschancen ohne bekannte Phase; Phase im Formular wählen"
        }
    }
}

/// A table whose mask the board does not show was asked for it.
pub fn not_here(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "the board shows opportunities: press b in the Opportunities mask, or :board",
        Lang::De => "die Tafel zeigt Verkaufschancen: b in der Maske Verkaufschancen, oder :board",
    }
}
