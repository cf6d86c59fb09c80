//! The field-descriptor machinery: every entity declares its fields once, and the
//! store, the CLI (and later the tables, forms, CSV and queries) read that declaration.

use std::any::Any;
use std::fmt::Debug;

use super::value::Value;

/// What kind of value a field holds; decides parsing, display and validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    Text,
    Multiline,
    Email,
    Int,
    /// Integer minor units with an ISO currency.
    Money,
    /// 0–100.
    Percent,
    Date,
    DateTime,
    Bool,
    /// One of a fixed set of lower-case words.
    Choice(&'static [&'static str]),
    /// The key of a record of the named entity.
    Ref(&'static str),
    /// Keys of records of the named entity.
    RefList(&'static str),
    /// Child lines, each with fields of their own.
    Lines(&'static LineDef),
}

impl FieldKind {
    pub fn type_name(&self) -> String {
        match self {
            FieldKind::Text => "text".into(),
            FieldKind::Multiline => "multiline text".into(),
            FieldKind::Email => "e-mail".into(),
            FieldKind::Int => "integer".into(),
            FieldKind::Money => "money".into(),
            FieldKind::Percent => "percent".into(),
            FieldKind::Date => "date".into(),
            FieldKind::DateTime => "date-time".into(),
            FieldKind::Bool => "yes/no".into(),
            FieldKind::Choice(opts) => format!("one of {}", opts.join("|")),
            FieldKind::Ref(t) => format!("-> {t}"),
            FieldKind::RefList(t) => format!("list -> {t}"),
            FieldKind::Lines(l) => format!("lines of {}", l.name),
        }
    }

    /// The entity a reference points at, for `Ref` and `RefList`.
    pub fn target(&self) -> Option<&'static str> {
        match self {
            FieldKind::Ref(t) | FieldKind::RefList(t) => Some(t),
            _ => None,
        }
    }
}

/// One field of an entity or of a child line.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub label_en: &'static str,
    pub label_de: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub width: u16,
    /// Part of the record's quick-find text (`crm find`, the find popup): names,
    /// companies, e-mails, phones; only text and e-mail fields.
    pub search: bool,
    /// In the date index (a date field): the records due on a day are found
    /// without reading the others (event rules' date triggers, alerts).
    pub dated: bool,
    /// An integer or money field that may hold a negative value. Counts,
    /// quantities, prices, budgets and amounts may not: a field is unsigned unless
    /// declared `.signed()`.
    pub signed: bool,
}

impl FieldDef {
    const fn new(
        name: &'static str,
        kind: FieldKind,
        label_en: &'static str,
        label_de: &'static str,
        width: u16,
    ) -> FieldDef {
        FieldDef {
            name,
            label_en,
            label_de,
            kind,
            required: false,
            width,
            search: false,
            dated: false,
            signed: false,
        }
    }
    pub const fn text(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Text, en, de, 24)
    }
    pub const fn multiline(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Multiline, en, de, 30)
    }
    pub const fn email(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Email, en, de, 28)
    }
    pub const fn int(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Int, en, de, 8)
    }
    pub const fn money(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Money, en, de, 16)
    }
    pub const fn percent(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Percent, en, de, 5)
    }
    pub const fn date(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Date, en, de, 10)
    }
    pub const fn datetime(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::DateTime, en, de, 16)
    }
    pub const fn boolean(name: &'static str, en: &'static str, de: &'static str) -> FieldDef {
        Self::new(name, FieldKind::Bool, en, de, 5)
    }
    pub const fn choice(
        name: &'static str,
        options: &'static [&'static str],
        en: &'static str,
        de: &'static str,
    ) -> FieldDef {
        Self::new(name, FieldKind::Choice(options), en, de, 10)
    }
    pub const fn reference(
        name: &'static str,
        target: &'static str,
        en: &'static str,
        de: &'static str,
    ) -> FieldDef {
        Self::new(name, FieldKind::Ref(target), en, de, 12)
    }
    pub const fn ref_list(
        name: &'static str,
        target: &'static str,
        en: &'static str,
        de: &'static str,
    ) -> FieldDef {
        Self::new(name, FieldKind::RefList(target), en, de, 24)
    }
    pub const fn lines(
        name: &'static str,
        def: &'static LineDef,
        en: &'static str,
        de: &'static str,
    ) -> FieldDef {
        Self::new(name, FieldKind::Lines(def), en, de, 30)
    }
    pub const fn required(mut self) -> FieldDef {
        self.required = true;
        self
    }
    pub const fn width(mut self, width: u16) -> FieldDef {
        self.width = width;
        self
    }
    /// Makes the field part of the record's quick-find text.
    pub const fn search(mut self) -> FieldDef {
        self.search = true;
        self
    }

    pub const fn dated(mut self) -> FieldDef {
        self.dated = true;
        self
    }

    /// Lets an integer or money field hold negative values (a balance, a
    /// correction); without it a negative value is refused.
    pub const fn signed(mut self) -> FieldDef {
        self.signed = true;
        self
    }

    /// Why `value` does not fit the field's sign, when it does not.
    pub fn sign_error(&self, value: &Value) -> Option<String> {
        if self.signed {
            return None;
        }
        match (&self.kind, value) {
            (FieldKind::Int, Value::Int(n)) if *n < 0 => Some(format!(
                "{} cannot be negative ({n}); write 0 or more",
                self.name
            )),
            (FieldKind::Money, Value::Money(m)) if m.cents < 0 => Some(format!(
                "{} cannot be negative ({m}); credit notes are not supported",
                self.name
            )),
            _ => None,
        }
    }

    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.label_en,
            Lang::De => self.label_de,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    En,
    De,
}

/// How a record gets its key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyKind {
    /// The user types the code (`NORTH`); stored upper-case.
    Code,
    /// Generated from a per-entity counter: prefix + seven digits (`OPP0000123`).
    Generated(&'static str),
}

/// A rule that spans two fields of one record.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// The second date must not lie before the first.
    DateOrder(&'static str, &'static str),
    /// At most one of the two fields may be set.
    NotBoth(&'static str, &'static str),
    /// Exactly one of the two fields must be set.
    OneOf(&'static str, &'static str),
}

/// The declaration of one entity: its names, key, fields and cross-field rules.
#[derive(Debug)]
pub struct EntityDef {
    pub name: &'static str,
    pub label_en: &'static str,
    pub label_de: &'static str,
    pub key: KeyKind,
    pub fields: &'static [FieldDef],
    pub checks: &'static [Check],
    /// The columns a table of it shows first (`crate::model::columns` names:
    /// `description`, `customer|prospect`, `customer.key`); empty: every field.
    pub columns: &'static [&'static str],
    pub new_record: fn() -> Box<dyn Record>,
}

impl EntityDef {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.label_en,
            Lang::De => self.label_de,
        }
    }

    /// The fields that name a record to a person, joined by a space: its `name`,
    /// else a person's first and last name, else its `description`; none for a
    /// record only its key names (a quote, an order).
    pub fn title_fields(&self) -> Vec<usize> {
        let by_name = |names: &[&str]| -> Option<Vec<usize>> {
            names.iter().map(|n| self.field_index(n)).collect()
        };
        by_name(&["name"])
            .or_else(|| by_name(&["first_name", "last_name"]))
            .or_else(|| by_name(&["description"]))
            .unwrap_or_default()
    }

    /// The fields a list of records shows beside the key: the first few single-line
    /// fields in declaration order (which is the order a user reads the form in).
    pub fn list_fields(&self) -> Vec<usize> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                !matches!(
                    f.kind,
                    FieldKind::Multiline | FieldKind::Lines(_) | FieldKind::RefList(_)
                )
            })
            .map(|(i, _)| i)
            .take(LIST_COLUMNS)
            .collect()
    }
}

/// How many fields beside the key a list row carries.
pub const LIST_COLUMNS: usize = 6;

/// The declaration of a child-line type (quote lines, opportunity items, ...).
#[derive(Debug)]
pub struct LineDef {
    pub name: &'static str,
    pub fields: &'static [FieldDef],
}

/// A record of any entity, reached through its declaration.
pub trait Record: Any + Debug + Send + Sync {
    fn def(&self) -> &'static EntityDef;
    fn key(&self) -> &str;
    fn set_key(&mut self, key: String);
    /// The value of the field at `index` in `def().fields`.
    fn get(&self, index: usize) -> Value;
    /// Sets the field at `index`; the value must already fit the field's kind.
    fn set(&mut self, index: usize, value: Value) -> Result<(), String>;
    fn as_any(&self) -> &dyn Any;
    fn clone_record(&self) -> Box<dyn Record>;
    fn eq_record(&self, other: &dyn Record) -> bool;
}

impl dyn Record {
    /// The value of a field by name; `Value::Empty` for an unknown name.
    pub fn value(&self, name: &str) -> Value {
        match self.def().field_index(name) {
            Some(i) => self.get(i),
            None => Value::Empty,
        }
    }
    pub fn downcast_ref<E: Entity>(&self) -> Option<&E> {
        self.as_any().downcast_ref::<E>()
    }
}

impl Clone for Box<dyn Record> {
    fn clone(&self) -> Self {
        self.clone_record()
    }
}

impl PartialEq for dyn Record {
    fn eq(&self, other: &Self) -> bool {
        self.eq_record(other)
    }
}

/// A typed entity: the struct the `entity!` macro declares.
pub trait Entity:
    Record + Clone + Default + PartialEq + serde::Serialize + serde::de::DeserializeOwned
{
    const DEF: &'static EntityDef;
}

/// A typed child line: the struct the `line!` macro declares.
pub trait LineRecord:
    Debug + Clone + Default + PartialEq + serde::Serialize + serde::de::DeserializeOwned
{
    const DEF: &'static LineDef;
    fn to_values(&self) -> Vec<Value>;
    fn from_values(values: Vec<Value>) -> Result<Self, String>;
}

impl PartialEq for LineDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// Entities are declared once; two declarations are the same entity when their
/// names are.
impl PartialEq for EntityDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// Fields are declared once per entity; two declarations are the same field when
/// their names and kinds are.
impl PartialEq for FieldDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.kind == other.kind
    }
}
