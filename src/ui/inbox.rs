//! The home pane's inbox section: the messages the event rules posted to this
//! user, unread first then newest, one line each — when, rule, record, text —
//! with held changes marked by where their approval stands.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::api::events::{ApprovalState, InboxItem};
use crate::model::Lang;
use crate::util::safe_text;

/// At most this many messages are read for the section.
pub const LIMIT: usize = 200;

/// Unread first, then newest.
pub fn sort(items: &mut [InboxItem]) {
    items.sort_by_key(|i| {
        (
            i.message.read,
            std::cmp::Reverse((i.message.at_ms, i.message.id)),
        )
    });
}

/// The approval of an item, if it is still waiting for an answer.
pub fn pending(item: &InboxItem) -> Option<u64> {
    item.approval
        .as_ref()
        .filter(|a| a.state == ApprovalState::Pending)
        .map(|a| a.id)
}

/// Where an item's approval stands: "[approve?]" while it waits, its state after.
fn marker(item: &InboxItem, lang: Lang) -> Option<&'static str> {
    let approval = item.approval.as_ref()?;
    Some(match (&approval.state, lang) {
        (ApprovalState::Pending, Lang::En) => "[approve?]",
        (ApprovalState::Pending, Lang::De) => "[genehmigen?]",
        (ApprovalState::Approved { .. }, Lang::En) => "[approved]",
        (ApprovalState::Approved { .. }, Lang::De) => "[genehmigt]",
        (ApprovalState::Rejected { .. }, Lang::En) => "[rejected]",
        (ApprovalState::Rejected { .. }, Lang::De) => "[abgelehnt]",
        (ApprovalState::Stale { .. }, Lang::En) => "[stale]",
        (ApprovalState::Stale { .. }, Lang::De) => "[überholt]",
    })
}

/// "when key text · rule": what it says first (a line is cut at the pane's
/// edge), its key's prefix telling the entity; every part made safe for the
/// terminal.
pub fn text(item: &InboxItem, lang: Lang) -> String {
    let m = &item.message;
    let key = if m.key.is_empty() { "(new)" } else { &m.key };
    let mut line = format!("{} {key} ", crate::api::local_time(m.at_ms));
    if let Some(mark) = marker(item, lang) {
        line.push_str(mark);
        line.push(' ');
    }
    line.push_str(&m.text);
    if !m.rule.is_empty() {
        line.push_str(&format!(" · {}", m.rule));
    }
    safe_text(&line)
}

/// One line of the section: unread ones bold with a dot, the selected reversed.
pub fn line(item: &InboxItem, selected: bool, lang: Lang) -> Line<'static> {
    let mut style = Style::default();
    if !item.message.read {
        style = style.add_modifier(Modifier::BOLD);
    }
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let dot = if item.message.read { "  " } else { "• " };
    Line::from(Span::styled(format!("{dot}{}", text(item, lang)), style))
}

/// The section's heading.
pub fn title(items: &[InboxItem], lang: Lang) -> String {
    let unread = items.iter().filter(|i| !i.message.read).count();
    let n = items.len();
    // The keys are the hint bar's: it names those of the keymap in use.
    match lang {
        Lang::En => format!("Inbox ({unread} unread of {n})"),
        Lang::De => format!("Posteingang ({unread} ungelesen von {n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::events::{Approval, Message};

    fn item(id: u64, at_ms: i64, read: bool, text: &str) -> InboxItem {
        InboxItem {
            message: Message {
                id,
                to: "me".into(),
                at_ms,
                rule: "R".into(),
                entity: "opportunity".into(),
                key: "OPP1".into(),
                text: text.into(),
                read,
                approval: None,
            },
            approval: None,
        }
    }

    #[test]
    fn unread_first_then_newest_and_text_made_safe() {
        let mut items = vec![
            item(1, 10, false, "old unread"),
            item(2, 30, true, "new read"),
            item(3, 20, false, "new unread\x1b[2J"),
        ];
        sort(&mut items);
        let ids: Vec<u64> = items.iter().map(|i| i.message.id).collect();
        assert_eq!(ids, [3, 1, 2]);
        let t = text(&items[0], Lang::En);
        assert!(t.contains(" OPP1 new unread·[2J · R"), "{t}");
        assert!(!t.chars().any(char::is_control));
    }

    #[test]
    fn approvals_are_marked_by_their_state() {
        let mut i = item(1, 10, false, "amount over 900,000");
        i.approval = Some(Approval {
            id: 7,
            rule: "R".into(),
            at_ms: 10,
            requester: "sam".into(),
            approvers: vec!["me".into()],
            entity: "opportunity".into(),
            key: "OPP1".into(),
            base_rev: 1,
            proposed: Default::default(),
            changes: Vec::new(),
            reason: "amount over 900,000".into(),
            state: ApprovalState::Pending,
        });
        assert!(text(&i, Lang::En).contains("[approve?] amount"));
        assert_eq!(pending(&i), Some(7));
        i.approval.as_mut().unwrap().state = ApprovalState::Rejected {
            by: "me".into(),
            at_ms: 11,
            reason: "no".into(),
        };
        assert!(text(&i, Lang::En).contains("[rejected]"));
        assert_eq!(pending(&i), None);
    }
}
