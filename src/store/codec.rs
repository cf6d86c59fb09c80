//! The one place that encodes and decodes stored values: a format-version byte
//! followed by bincode 2 (serde, standard configuration).

use serde::{de::DeserializeOwned, Serialize};

use crate::model::{Entity, EntityDef, Record};

/// The first byte of every stored value.
pub const FORMAT_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    // Encoding into a Vec cannot fail for our plain data structs.
    bincode::serde::encode_into_std_write(value, &mut out, bincode::config::standard())
        .expect("encoding plain data into a Vec does not fail");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, body)) => {
            bincode::serde::decode_from_slice(body, bincode::config::standard())
                .map(|(v, _)| v)
                .map_err(|e| format!("undecodable value: {e}"))
        }
        Some((v, _)) => Err(format!("unknown format version {v}")),
        None => Err("empty value".to_string()),
    }
}

/// Reads one stored value of a known entity.
pub type DecodeFn = fn(&[u8]) -> Result<Box<dyn Record>, String>;

/// Encoding and decoding of one entity through `dyn Record`.
#[derive(Clone, Copy)]
pub struct Codec {
    pub encode: fn(&dyn Record) -> Vec<u8>,
    pub decode: DecodeFn,
}

fn encode_record<E: Entity>(record: &dyn Record) -> Vec<u8> {
    match record.downcast_ref::<E>() {
        Some(e) => encode(e),
        // A record of another entity never reaches this codec: `codec_for` is looked
        // up from the record's own declaration.
        None => unreachable!("codec of {} used for {}", E::DEF.name, record.def().name),
    }
}

fn decode_record<E: Entity>(bytes: &[u8]) -> Result<Box<dyn Record>, String> {
    decode::<E>(bytes).map(|e| Box::new(e) as Box<dyn Record>)
}

macro_rules! codec_table {
    ($( $module:ident :: $ty:ident ),* $(,)?) => {
        /// The codec of an entity.
        pub fn codec_for(def: &EntityDef) -> Codec {
            $(
                if def.name == <crate::model::$ty as Entity>::DEF.name {
                    return Codec {
                        encode: encode_record::<crate::model::$ty>,
                        decode: decode_record::<crate::model::$ty>,
                    };
                }
            )*
            unreachable!("every registered entity has a codec")
        }
    };
}
crate::with_entities!(codec_table);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, Opportunity};

    #[test]
    fn version_byte_leads_and_round_trips() {
        let o = Opportunity {
            key: "OPP0000001".into(),
            description: "Fräsmaschinen für Müller & Söhne".into(),
            amount: Some(Money::eur(123_456)),
            ..Default::default()
        };
        let bytes = encode(&o);
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(decode::<Opportunity>(&bytes).unwrap(), o);
        let mut wrong = bytes.clone();
        wrong[0] = 99;
        assert!(decode::<Opportunity>(&wrong)
            .unwrap_err()
            .contains("version 99"));
        let c = codec_for(Opportunity::DEF);
        let back = (c.decode)(&(c.encode)(&o)).unwrap();
        assert!(back.eq_record(&o));
    }
}
