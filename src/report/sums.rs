//! Amounts summed per currency: a sum never adds two currencies together.

use crate::model::{Currency, Money};

/// Amounts by currency (reports rarely mix them, but a sum never hides one), in
/// the order the currencies first appeared.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sums(Vec<(Currency, i64)>);

impl Sums {
    /// Adds an amount; an error (and nothing added) when the sum in its currency
    /// would exceed the largest amount.
    pub fn add(&mut self, m: Money) -> std::result::Result<(), String> {
        match self.0.iter_mut().find(|(c, _)| *c == m.currency) {
            Some((c, v)) => {
                *v = Money::new(*v, *c).checked_add(m)?.cents;
            }
            None => self.0.push((m.currency, m.cents)),
        }
        Ok(())
    }

    /// Whether `add` would take the amount (its currency's sum stays within the
    /// largest amount), without adding it.
    pub fn check(&self, m: Money) -> std::result::Result<(), String> {
        match self.0.iter().find(|(c, _)| *c == m.currency) {
            Some((c, v)) => Money::new(*v, *c).checked_add(m).map(|_| ()),
            None => Ok(()),
        }
    }

    pub fn merge(&mut self, other: &Sums) -> std::result::Result<(), String> {
        for (c, v) in &other.0 {
            self.add(Money::new(*v, *c))?;
        }
        Ok(())
    }

    /// The amount in `currency` (0 when none).
    pub fn cents(&self, currency: Currency) -> i64 {
        self.0
            .iter()
            .find(|(c, _)| *c == currency)
            .map_or(0, |(_, v)| *v)
    }

    /// The first currency's amount: the only one, usually.
    pub fn first(&self) -> Option<Money> {
        self.0.first().map(|(c, v)| Money::new(*v, *c))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for Sums {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return write!(f, "0.00");
        }
        let mut sorted = self.0.clone();
        sorted.sort_by_key(|a| a.0);
        let parts: Vec<String> = sorted
            .iter()
            .map(|(c, v)| Money::new(*v, *c).to_string())
            .collect();
        write!(f, "{}", parts.join(" + "))
    }
}

impl Sums {
    /// Each currency's amount, in the order the currencies first appeared.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.iter().map(|(c, v)| Money::new(*v, *c))
    }

    /// How many currencies the sum holds.
    pub fn currencies(&self) -> usize {
        self.0.len()
    }
}
