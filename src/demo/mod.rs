//! Placeholder until the generator lands (being written now).
pub fn generate(
    _records: usize,
    _seed: u64,
) -> impl Iterator<Item = Box<dyn crate::model::Record>> {
    std::iter::empty()
}
