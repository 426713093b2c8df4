//! The `onramp` binary's library: command-line interface and demo data.

mod audit;
mod backup;
pub mod bench;
mod bench_audit;
mod bench_cost_benefit;
mod bench_durability;
mod bench_esf;
mod bench_memory;
mod bench_requests;
pub mod cli;
pub mod demo;
mod demo_caseload;
mod demo_cost_benefit;
mod demo_esf;
mod demo_portal;
mod demo_worklist;
pub mod generate;
mod generate_audit;
mod retention;
mod sso_args;
