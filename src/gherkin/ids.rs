//! Ids of AST nodes and pickles: the official "incrementing" scheme, `"0"`, `"1"`, … in the
//! order the official parser gives them (a node gets its id when it is complete: a step after
//! its table's rows, a scenario after its tags, a feature's tags last; pickles continue the
//! sequence), so documents and pickles compare equal to the official test data.

/// The next id to give.
#[derive(Debug, Default, Clone)]
pub struct IdGenerator {
    next: u64,
}

impl IdGenerator {
    /// A generator starting at `"0"`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next id.
    pub fn next_id(&mut self) -> String {
        let id = self.next.to_string();
        self.next += 1;
        id
    }
}
