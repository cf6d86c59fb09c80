//! The welcome pane of an empty database: load demo data in the background
//! (the screen stays live and counts), start empty, or quit.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::App;
use crate::model::Lang;

impl App {
    pub(super) fn handle_welcome_key(&mut self, key: KeyEvent) {
        match key.code {
            // Loading takes a second or two: a thread does it, the screen stays live.
            KeyCode::Char('d') if self.demo_loading.is_none() => {
                let (tx, rx) = std::sync::mpsc::channel();
                let client = self.client.clone();
                let lang = self.lang;
                let progress = std::sync::Arc::clone(&self.demo_progress);
                progress.store(0, std::sync::atomic::Ordering::Relaxed);
                std::thread::spawn(move || {
                    let result = client.demo(10_000, 1, true, &|n| {
                        progress.store(n, std::sync::atomic::Ordering::Relaxed)
                    });
                    let _ = tx.send(match (result, lang) {
                        (Ok(r), Lang::En) => format!("loaded {} demo records", r.inserted),
                        (Ok(r), Lang::De) => format!("{} Demodatensätze geladen", r.inserted),
                        (Err(e), _) => e.to_string(),
                    });
                });
                self.demo_loading = Some(rx);
                self.status = match self.lang {
                    Lang::En => "loading demo data…".into(),
                    Lang::De => "Demodaten werden geladen…".into(),
                };
            }
            _ if self.demo_loading.is_some() => {}
            KeyCode::Char('e') | KeyCode::Enter => self.welcome = false,
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            _ => {}
        }
    }
}
