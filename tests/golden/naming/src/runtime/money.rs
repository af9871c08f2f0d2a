//! Amounts read together with their currency.

/// An amount in its currency's smallest unit (cents for USD, paise for INR: `29900`
/// USD is 299.00), with that currency.
///
/// Models whose amount field is paired with a currency field (by the generator's
/// config) have an accessor returning both as one value, so that an amount is never
/// read without the currency that gives it meaning. Converting to major units is left
/// to the caller, who knows each currency's number of decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money<C> {
    /// The amount in the currency's smallest unit.
    pub amount: i64,
    /// The currency the amount is in.
    pub currency: C,
}

impl<C> Money<C> {
    /// An amount in `currency`'s smallest unit.
    pub fn new(amount: i64, currency: C) -> Self {
        Self { amount, currency }
    }
}
