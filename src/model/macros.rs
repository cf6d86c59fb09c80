//! `entity!` and `line!`: one declaration gives the typed struct, its field
//! descriptors and the dynamic `Record` access the rest of the program uses.

/// Declares an entity. Each field names its Rust type and its descriptor; the field
/// name is taken from the Rust identifier.
///
/// ```ignore
/// entity! {
///     /// A sales territory.
///     Territory {
///         name: "territory", labels: ("Territory", "Gebiet"), key: KeyKind::Code,
///         fields: {
///             description: String = text("Description", "Beschreibung").required(),
///             salesperson: String = reference("salesperson", "Salesperson", "Verkäufer"),
///         },
///         checks: [],
///     }
/// }
/// ```
#[macro_export]
macro_rules! entity {
    (
        $(#[$meta:meta])*
        $ty:ident {
            name: $name:literal,
            labels: ($en:literal, $de:literal),
            key: $key:expr,
            fields: {
                $( $field:ident : $fty:ty = $ctor:ident ( $($arg:expr),* $(,)? ) $( . $modifier:ident ( $($marg:expr),* ) )* ),* $(,)?
            },
            checks: [ $($check:expr),* $(,)? ]
            $(, columns: [ $($column:literal),* $(,)? ] )? $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $ty {
            pub key: String,
            $( pub $field: $fty, )*
        }

        impl $ty {
            pub const FIELDS: &'static [$crate::model::FieldDef] = &[
                $( $crate::model::FieldDef::$ctor(stringify!($field), $($arg),*) $( .$modifier($($marg),*) )* ),*
            ];
            pub const ENTITY: $crate::model::EntityDef = $crate::model::EntityDef {
                name: $name,
                label_en: $en,
                label_de: $de,
                key: $key,
                fields: Self::FIELDS,
                checks: &[ $($check),* ],
                columns: &[ $($($column),*)? ],
                new_record: || Box::new(<$ty>::default()),
            };
        }

        impl $crate::model::Entity for $ty {
            const DEF: &'static $crate::model::EntityDef = &<$ty>::ENTITY;
        }

        impl $crate::model::Record for $ty {
            fn def(&self) -> &'static $crate::model::EntityDef {
                <$ty as $crate::model::Entity>::DEF
            }
            fn key(&self) -> &str {
                &self.key
            }
            fn set_key(&mut self, key: String) {
                self.key = key;
            }
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn get(&self, index: usize) -> $crate::model::Value {
                let mut i = 0usize;
                $(
                    if index == i {
                        return $crate::model::FieldValue::to_value(&self.$field);
                    }
                    i += 1;
                )*
                $crate::model::Value::Empty
            }
            #[allow(unused_assignments, unused_mut, unused_variables)]
            fn set(&mut self, index: usize, value: $crate::model::Value) -> Result<(), String> {
                let mut i = 0usize;
                $(
                    if index == i {
                        self.$field = $crate::model::FieldValue::from_value(value)?;
                        return Ok(());
                    }
                    i += 1;
                )*
                Err(format!("{} has no field number {}", $name, index))
            }
            fn as_any(&self) -> &dyn std::any::Any {
                self
            }
            fn clone_record(&self) -> Box<dyn $crate::model::Record> {
                Box::new(self.clone())
            }
            fn eq_record(&self, other: &dyn $crate::model::Record) -> bool {
                other.as_any().downcast_ref::<$ty>() == Some(self)
            }
        }
    };
}

/// Declares a child-line type (quote lines, opportunity items, forecast lines).
#[macro_export]
macro_rules! line {
    (
        $(#[$meta:meta])*
        $ty:ident {
            name: $name:literal,
            fields: {
                $( $field:ident : $fty:ty = $ctor:ident ( $($arg:expr),* $(,)? ) $( . $modifier:ident ( $($marg:expr),* ) )* ),* $(,)?
            } $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $ty {
            $( pub $field: $fty, )*
        }

        impl $ty {
            pub const LINE: $crate::model::LineDef = $crate::model::LineDef {
                name: $name,
                fields: &[
                    $( $crate::model::FieldDef::$ctor(stringify!($field), $($arg),*) $( .$modifier($($marg),*) )* ),*
                ],
            };
        }

        impl $crate::model::LineRecord for $ty {
            const DEF: &'static $crate::model::LineDef = &<$ty>::LINE;
            fn to_values(&self) -> Vec<$crate::model::Value> {
                vec![ $( $crate::model::FieldValue::to_value(&self.$field) ),* ]
            }
            fn from_values(values: Vec<$crate::model::Value>) -> Result<Self, String> {
                let mut values = values.into_iter();
                Ok($ty {
                    $( $field: $crate::model::FieldValue::from_value(values.next().unwrap_or_default())?, )*
                })
            }
        }
    };
}
