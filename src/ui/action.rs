//! `Action`: the one vocabulary of the TUI. Keymaps bind keys to actions by their
//! serde names, the palette lists them, help and the hint bar describe them.

use serde::{Deserialize, Serialize};

/// Where a key is pressed; each context has its own section in a keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Table,
    Form,
    Picker,
    Palette,
    Confirm,
    Help,
    Home,
    Board,
    Chart,
    Group,
    Sort,
    Columns,
}

impl Context {
    pub const ALL: [Context; 13] = [
        Context::Global,
        Context::Table,
        Context::Form,
        Context::Picker,
        Context::Palette,
        Context::Confirm,
        Context::Help,
        Context::Home,
        Context::Board,
        Context::Chart,
        Context::Group,
        Context::Sort,
        Context::Columns,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Table => "table",
            Context::Form => "form",
            Context::Picker => "picker",
            Context::Palette => "palette",
            Context::Confirm => "confirm",
            Context::Help => "help",
            Context::Home => "home",
            Context::Board => "board",
            Context::Chart => "chart",
            Context::Group => "group",
            Context::Sort => "sort",
            Context::Columns => "columns",
        }
    }
}

macro_rules! actions {
    ($( $variant:ident = $name:literal ),* $(,)?) => {
        /// Everything a key, the palette or a script can ask the TUI to do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Action {
            $( #[serde(rename = $name)] $variant, )*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[ $( Action::$variant ),* ];
            /// The serde name, as written in keymap files and shown in the palette.
            pub fn name(self) -> &'static str {
                match self { $( Action::$variant => $name, )* }
            }
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $( $name => Some(Action::$variant), )* _ => None }
            }
        }
    };
}

actions! {
    // global
    Quit = "quit",
    Help = "help",
    Palette = "palette",
    Find = "find",
    NextTab = "next_tab",
    PrevTab = "prev_tab",
    Tab1 = "tab_1",
    Tab2 = "tab_2",
    Tab3 = "tab_3",
    Tab4 = "tab_4",
    Tab5 = "tab_5",
    Tab6 = "tab_6",
    Tab7 = "tab_7",
    Tab8 = "tab_8",
    Tab9 = "tab_9",
    Messages = "messages",
    Back = "back",
    Home = "home",
    // moving in lists (table, picker, palette, help)
    Up = "up",
    Down = "down",
    PageUp = "page_up",
    PageDown = "page_down",
    Top = "top",
    Bottom = "bottom",
    Left = "left",
    Right = "right",
    // table
    Open = "open",
    Filter = "filter",
    QueryFilter = "query_filter",
    ClearFilter = "clear_filter",
    SortNext = "sort_next",
    SortReverse = "sort_reverse",
    SortBy = "sort_by",
    // the column chooser
    Columns = "columns",
    ColumnEarlier = "column_earlier",
    ColumnLater = "column_later",
    ColumnsReset = "columns_reset",
    // group-by (table and group view)
    GroupBy = "group_by",
    Ungroup = "ungroup",
    NewRecord = "new_record",
    CopyRecord = "copy_record",
    DeleteRecord = "delete_record",
    ConvertRecord = "convert_record",
    // marks and exchange (table)
    ToggleMark = "toggle_mark",
    MarkAll = "mark_all",
    Export = "export",
    Import = "import",
    // workflows (table and form)
    LogInteraction = "log_interaction",
    MarkDone = "mark_done",
    AcceptQuote = "accept_quote",
    RejectQuote = "reject_quote",
    AddOpportunities = "add_opportunities",
    SubmitForecast = "submit_forecast",
    // history
    Undo = "undo",
    // home
    ToggleAll = "toggle_all",
    InboxRead = "inbox_read",
    Approve = "approve",
    Reject = "reject",
    // chart (the Reports masks)
    ReportPeriod = "report_period",
    ReportRange = "report_range",
    ReportFilter = "report_filter",
    ReportBy = "report_by",
    Reload = "reload",
    ToggleTable = "toggle_table",
    // form
    NextField = "next_field",
    PrevField = "prev_field",
    Save = "save",
    PickReference = "pick_reference",
    // the pipeline board (`board` opens it from the Opportunities table)
    Board = "board",
    StageNext = "stage_next",
    StagePrev = "stage_prev",
    // picker, palette, confirm
    Select = "select",
    Cancel = "cancel",
    Yes = "yes",
    No = "no",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(*a));
        }
        assert_eq!(Action::from_name("no_such_action"), None);
    }
}
