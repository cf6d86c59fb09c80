//! The one place that encodes and decodes stored values: a format-version byte
//! followed by bincode 2 (serde, standard configuration). A stored record is
//! version 2: the byte, its revision (a varint), then the record; version 1 (a
//! record without its revision, as databases before revisions hold them) reads as
//! revision 1.

use serde::{de::DeserializeOwned, Serialize};

use crate::model::{Entity, EntityDef, Record};

/// The first byte of every stored value.
pub const FORMAT_VERSION: u8 = 1;

/// The most a decode may claim: bincode allocates what a length in the input
/// says before it reads the bytes, so without a limit a damaged value (or a
/// peer's frame) that claims a string of 2^40 bytes aborts the process.
/// Containers claim their elements' in-memory size first, hence well over
/// the largest frame.
pub const DECODE_LIMIT: usize = 256 << 20;

/// The configuration every decode uses: the standard one, with `DECODE_LIMIT`.
pub type Decoding = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<DECODE_LIMIT>,
>;

pub fn decoding() -> Decoding {
    bincode::config::standard().with_limit::<DECODE_LIMIT>()
}

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    // Encoding into a Vec cannot fail for our plain data structs.
    bincode::serde::encode_into_std_write(value, &mut out, bincode::config::standard())
        .expect("encoding plain data into a Vec does not fail");
    out
}

/// The first byte of a stored record that carries its revision.
pub const RECORD_VERSION: u8 = 2;

/// The revision a stored record's bytes carry (1 for a record stored before
/// revisions; 0 for bytes that are no record).
pub fn rev_of(bytes: &[u8]) -> u64 {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, _)) => 1,
        Some((&RECORD_VERSION, body)) => {
            bincode::serde::decode_from_slice::<u64, _>(body, decoding())
                .map(|(v, _)| v)
                .unwrap_or(0)
        }
        _ => 0,
    }
}

fn encode_with_rev<T: Serialize>(value: &T, rev: u64) -> Vec<u8> {
    let mut out = vec![RECORD_VERSION];
    bincode::serde::encode_into_std_write((rev, value), &mut out, bincode::config::standard())
        .expect("encoding plain data into a Vec does not fail");
    out
}

pub fn decode_stored<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match bytes.split_first() {
        Some((&RECORD_VERSION, body)) => {
            bincode::serde::decode_from_slice::<(u64, T), _>(body, decoding())
                .map(|((_, v), _)| v)
                .map_err(|e| format!("undecodable value: {e}"))
        }
        _ => decode(bytes),
    }
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, body)) => bincode::serde::decode_from_slice(body, decoding())
            .map(|(v, _)| v)
            .map_err(|e| format!("undecodable value: {e}")),
        Some((v, _)) => Err(format!("unknown format version {v}")),
        None => Err("empty value".to_string()),
    }
}

/// Bytes written as one run (serde's default writes a `Vec<u8>` element by
/// element, which dominated the cost of sending records): records over the wire,
/// a record's state in the history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl serde::Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Bytes, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Bytes, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Bytes(out))
            }
        }
        de.deserialize_byte_buf(Visit)
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// Reads one stored value of a known entity.
pub type DecodeFn = fn(&[u8]) -> Result<Box<dyn Record>, String>;

/// Encoding and decoding of one entity through `dyn Record`.
#[derive(Clone, Copy)]
pub struct Codec {
    /// The record without a revision (what crosses the wire).
    pub encode: fn(&dyn Record) -> Vec<u8>,
    /// The record as stored, with its revision.
    pub encode_at: fn(&dyn Record, u64) -> Vec<u8>,
    /// Reads either form.
    pub decode: DecodeFn,
}

fn encode_record<E: Entity>(record: &dyn Record) -> Vec<u8> {
    match record.downcast_ref::<E>() {
        Some(e) => encode(e),
        None => unreachable!("codec of {} used for {}", E::DEF.name, record.def().name),
    }
}

fn encode_record_at<E: Entity>(record: &dyn Record, rev: u64) -> Vec<u8> {
    match record.downcast_ref::<E>() {
        Some(e) => encode_with_rev(e, rev),
        // A record of another entity never reaches this codec: `codec_for` is looked
        // up from the record's own declaration.
        None => unreachable!("codec of {} used for {}", E::DEF.name, record.def().name),
    }
}

fn decode_record<E: Entity>(bytes: &[u8]) -> Result<Box<dyn Record>, String> {
    decode_stored::<E>(bytes).map(|e| Box::new(e) as Box<dyn Record>)
}

macro_rules! codec_table {
    ($( $module:ident :: $ty:ident ),* $(,)?) => {
        /// The codec of an entity.
        pub fn codec_for(def: &EntityDef) -> Codec {
            $(
                if def.name == <crate::model::$ty as Entity>::DEF.name {
                    return Codec {
                        encode: encode_record::<crate::model::$ty>,
                        encode_at: encode_record_at::<crate::model::$ty>,
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
        assert_eq!(
            rev_of(&(c.encode)(&o)),
            1,
            "a record without a revision is at 1"
        );
        let stored = (c.encode_at)(&o, 300);
        assert_eq!(stored[0], RECORD_VERSION);
        assert_eq!(rev_of(&stored), 300);
        assert!((c.decode)(&stored).unwrap().eq_record(&o));
    }
}
