//! The reference table of postcodes and their degree of urbanisation (EECO17, the rural area):
//! administrators see how many postcodes it lists and which of their participants' postcodes it
//! lacks, and replace it with a complete table (Eurostat's, docs/esf.md) from a CSV file.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::esf_reference::{self, MAX_ROWS, RawRow};
use onramp_domain::policy::Action;
use onramp_domain::validation::FieldErrors;
use onramp_store::audit::{self, Event};
use onramp_store::esf::{self, PostcodeTable};
use serde_json::json;
use uuid::Uuid;

pub async fn table(state: &AppState, ctx: &Ctx) -> Result<PostcodeTable, AppError> {
    require(&ctx.actor, Action::ManageEsfOperations)?;
    let mut conn = state.db.conn().await?;
    Ok(esf::postcode_table(&mut conn).await?)
}

/// Replaces the table with the rows of a CSV file (columns `postcode`, `municipality`, `degurba`,
/// in any order, separated by commas or semicolons); nothing changes unless every row is valid.
pub async fn replace(state: &AppState, ctx: &Ctx, csv: &[u8]) -> Result<PostcodeTable, AppError> {
    require(&ctx.actor, Action::ManageEsfOperations)?;
    let rows = read_csv(csv)?;
    let areas = esf_reference::parse_table(&rows).map_err(AppError::Invalid)?;
    let mut tx = state.db.begin().await?;
    let before = esf::postcode_count(&mut tx).await?;
    let written = esf::replace_postcode_table(&mut tx, &areas).await?;
    // The table is reference data, not anyone's: the entry keeps the counts, not the rows.
    let event = Event::new("postcode_degurba.replace", "postcode_degurba", Uuid::nil())
        .before(&json!({ "postcodes": before }))
        .after(&json!({ "postcodes": written }));
    audit::record(&mut tx, &ctx.who, event).await?;
    let table = esf::postcode_table(&mut tx).await?;
    tx.commit().await?;
    Ok(table)
}

const COLUMNS: [&str; 3] = ["postcode", "municipality", "degurba"];

/// The rows of the file, by the names of its header; unreadable text or a missing column is
/// named on `file` or `columns.<name>`.
fn read_csv(bytes: &[u8]) -> Result<Vec<RawRow>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| AppError::invalid("file", "unreadable-file"))?;
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::invalid("file", "unreadable-file"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut at = [0usize; 3];
    let mut errors = FieldErrors::new();
    for (i, column) in COLUMNS.iter().enumerate() {
        match names.iter().position(|n| n == column) {
            Some(p) => at[i] = p,
            None => errors.add_named(format!("columns.{column}"), "missing-column"),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| AppError::invalid("file", "unreadable-file"))?;
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(AppError::invalid("file", "too-many-postcodes"));
        }
        let cell = |i: usize| record.get(at[i]).unwrap_or_default().to_owned();
        rows.push((cell(0), cell(1), cell(2)));
    }
    Ok(rows)
}
