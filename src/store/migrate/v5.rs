//! Version 5 → 6: a sales contact has the fields an address book carries (home
//! phone, fax, second and third e-mail, web page, region, birthday), so that an
//! import keeps them. Stored contacts and their states in the history are
//! rewritten with the new fields empty, each at its own revision.

use serde::Deserialize;

use crate::model::{Entity, SalesContact};
use crate::store::{codec, Result, Store, StoreError};

/// A sales contact as version 5 stored it.
#[derive(Deserialize, serde::Serialize, Default)]
pub(super) struct Old {
    pub key: String,
    pub last_name: String,
    pub first_name: String,
    pub title: String,
    pub company: String,
    pub phone: String,
    pub mobile: String,
    pub email: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub no_promotions: bool,
    pub no_calls: bool,
    pub no_email: bool,
    pub notes: String,
}

fn upgrade(key: &[u8], bytes: &[u8]) -> Result<Vec<u8>> {
    let old: Old = codec::decode_stored(bytes).map_err(|message| StoreError::Corrupt {
        entity: SalesContact::DEF.name.to_string(),
        key: String::from_utf8_lossy(key).into_owned(),
        message,
    })?;
    let new = SalesContact {
        key: old.key,
        last_name: old.last_name,
        first_name: old.first_name,
        title: old.title,
        company: old.company,
        phone: old.phone,
        mobile: old.mobile,
        email: old.email,
        street: old.street,
        postal_code: old.postal_code,
        city: old.city,
        country: old.country,
        no_promotions: old.no_promotions,
        no_calls: old.no_calls,
        no_email: old.no_email,
        notes: old.notes,
        ..SalesContact::default()
    };
    let encode_at = codec::codec_for(SalesContact::DEF).encode_at;
    Ok(encode_at(&new, codec::rev_of(bytes).max(1)))
}

pub fn contact_fields(store: &Store) -> Result<()> {
    super::rewrite(store, SalesContact::DEF, upgrade)
}
