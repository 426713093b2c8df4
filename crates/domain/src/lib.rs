//! onramp's domain: the types and rules of outreach return-to-work programmes.
//!
//! Pure code: no I/O, no HTTP, no SQL. Input from the outside world is parsed
//! into these types once, at the edge; a value of a domain type is valid.

pub mod activities;
pub mod agreements;
pub mod consents;
pub mod cost_benefit;
pub mod disclosure;
pub mod erasure;
pub mod esf;
pub mod esf_counted;
pub mod esf_indicators;
pub mod esf_reference;
pub mod icf;
pub mod identity;
pub mod monitoring;
pub mod organisations;
pub mod outcomes;
pub mod participants;
pub mod plan_steps;
pub mod plans;
pub mod policy;
pub mod presence;
pub mod programmes;
pub mod purposes;
pub mod refusal;
pub mod regions;
pub mod research;
pub mod sessions;
pub mod trajectories;
pub mod validation;
pub mod worklist;

pub use validation::{FieldError, FieldErrors};
