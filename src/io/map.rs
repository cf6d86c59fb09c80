//! The one mapping step: a sheet's columns onto an entity's fields, by field name
//! or by English or German label; the address books' dialects through `contacts`.
