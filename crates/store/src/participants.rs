//! Participant records, duplicate detection and what the policy needs to know of them.

use crate::bulk::Value;
use crate::{Access, Result, StoreError, decode, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::esf::{Answer, Degurba, EsfProfile};
use onramp_domain::identity::Language;
use onramp_domain::organisations::OrganisationRef;
use onramp_domain::participants::{Education, Gender, HealthCategory, ParticipantInput, Situation};
use onramp_domain::policy::{Actor, FollowedAt, ParticipantRef, caseload_scope};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Participant {
    pub id: Uuid,
    #[serde(flatten)]
    pub record: ParticipantInput,
    /// The partner organisation where the person was reached.
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// The degree of urbanisation of the postcode's municipality (the reference table); `None`
    /// without a postcode, or for one the table does not list.
    pub degurba: Option<Degurba>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    first_name: String,
    last_name: String,
    birth_date: NaiveDate,
    national_register: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    language: String,
    gender: String,
    education: String,
    health_category: String,
    incapacity_since: Option<NaiveDate>,
    situation: String,
    referrer: Option<String>,
    notes: Option<String>,
    unemployed_months: Option<i32>,
    disability: String,
    third_country_national: String,
    foreign_background: String,
    minority: String,
    homeless: String,
    postcode: Option<String>,
    degurba: Option<i32>,
    organisation_id: Uuid,
    organisation_name: String,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Participant {
    type Error = StoreError;

    /// The participant, or `Corrupt` for a code no enum knows.
    fn try_from(r: Row) -> Result<Self> {
        Ok(Participant {
            id: r.id,
            record: ParticipantInput {
                first_name: r.first_name,
                last_name: r.last_name,
                birth_date: r.birth_date,
                national_register: r.national_register,
                email: r.email,
                phone: r.phone,
                language: decode("participants.language", &r.language, Language::parse)?,
                gender: decode("participants.gender", &r.gender, Gender::parse)?,
                education: decode("participants.education", &r.education, Education::parse)?,
                health_category: decode(
                    "participants.health_category",
                    &r.health_category,
                    HealthCategory::parse,
                )?,
                incapacity_since: r.incapacity_since,
                situation: decode("participants.situation", &r.situation, Situation::parse)?,
                referrer: r.referrer,
                notes: r.notes,
                esf: EsfProfile {
                    unemployed_months: r.unemployed_months,
                    disability: decode("participants.disability", &r.disability, Answer::parse)?,
                    third_country_national: decode(
                        "participants.third_country_national",
                        &r.third_country_national,
                        Answer::parse,
                    )?,
                    foreign_background: decode(
                        "participants.foreign_background",
                        &r.foreign_background,
                        Answer::parse,
                    )?,
                    minority: decode("participants.minority", &r.minority, Answer::parse)?,
                    homeless: decode("participants.homeless", &r.homeless, Answer::parse)?,
                    postcode: r.postcode,
                },
            },
            organisation_id: r.organisation_id,
            organisation_name: r.organisation_name,
            degurba: r.degurba.and_then(Degurba::from_class),
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.first_name, p.last_name, p.birth_date, p.national_register, p.email, p.phone,
        p.language, p.gender, p.education, p.health_category, p.incapacity_since, p.situation, p.referrer, p.notes,
        p.unemployed_months, p.disability, p.third_country_national, p.foreign_background, p.minority, p.homeless,
        p.postcode, d.degurba,
        p.organisation_id, o.name AS organisation_name, p.created_by, p.created_at, p.updated_at
    FROM participants p JOIN organisations o ON o.id = p.organisation_id
    LEFT JOIN postcode_degurba d ON d.postcode = p.postcode";

pub async fn create(
    tx: &mut impl Access,
    input: &ParticipantInput,
    organisation_id: Uuid,
    created_by: Option<Uuid>,
) -> Result<Participant> {
    create_with_id(tx, Uuid::now_v7(), input, organisation_id, created_by).await
}

/// Creates a participant with a given id (an import that carries ids from an export).
pub async fn create_with_id(
    tx: &mut impl Access,
    id: Uuid,
    input: &ParticipantInput,
    organisation_id: Uuid,
    created_by: Option<Uuid>,
) -> Result<Participant> {
    let at = now();
    let sql = "INSERT INTO participants (id, first_name, last_name, name_search, birth_date, national_register, email,
                   phone, language, gender, education, health_category, incapacity_since, situation, referrer, notes,
                   organisation_id, created_by, created_at, updated_at, unemployed_months, disability,
                   third_country_national, foreign_background, minority, homeless, postcode)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19,
                       $20, $21, $22, $23, $24, $25, $26)";
    let esf = &input.esf;
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(&input.first_name).bind(&input.last_name).bind(input.name_search()).bind(input.birth_date)
        .bind(&input.national_register).bind(&input.email).bind(&input.phone).bind(input.language.as_str())
        .bind(input.gender.as_str()).bind(input.education.as_str()).bind(input.health_category.as_str())
        .bind(input.incapacity_since).bind(input.situation.as_str()).bind(&input.referrer).bind(&input.notes)
        .bind(organisation_id).bind(created_by).bind(at)
        .bind(esf.unemployed_months).bind(esf.disability.as_str()).bind(esf.third_country_national.as_str())
        .bind(esf.foreign_background.as_str()).bind(esf.minority.as_str()).bind(esf.homeless.as_str())
        .bind(&esf.postcode)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("national_register"))?;
    index_name(tx, &[(id, input.name_search())]).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// The rows of `participant_name_words` for one person's folded name.
pub fn name_word_rows(id: Uuid, name_search: &str) -> Vec<Vec<crate::bulk::Value>> {
    onramp_domain::validation::later_name_words(name_search)
        .into_iter()
        .map(|word| vec![crate::bulk::Value::Text(word.to_owned()), crate::bulk::Value::Id(id)])
        .collect()
}

/// The columns of [`name_word_rows`], for a bulk insert.
pub const NAME_WORD_COLUMNS: &[&str] = &["word", "participant_id"];

/// Adds the words of these names to the search index (the people have no words yet).
async fn index_name(tx: &mut impl Access, names: &[(Uuid, String)]) -> Result<()> {
    let rows: Vec<_> = names.iter().flat_map(|(id, name)| name_word_rows(*id, name)).collect();
    crate::bulk::insert(tx, "participant_name_words", NAME_WORD_COLUMNS, &rows).await?;
    Ok(())
}

/// A person to register together with others (an import), checked before: no duplicates among
/// them or with those registered.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    pub id: Uuid,
    pub input: ParticipantInput,
    /// Where they were reached, and its name (for what is returned).
    pub organisation_id: Uuid,
    pub organisation_name: String,
}

/// Registers many people with a few statements; returns them as [`get`] would.
pub async fn create_many(
    tx: &mut impl Access,
    people: Vec<NewParticipant>,
    by: Option<Uuid>,
) -> Result<Vec<Participant>> {
    use crate::bulk::Value::{At, Date, Id, OptDate, OptId, OptInt, OptText, Text};
    let at = now();
    let rows: Vec<_> = people
        .iter()
        .map(|p| {
            let r = &p.input;
            vec![
                Id(p.id),
                Text(r.first_name.clone()),
                Text(r.last_name.clone()),
                Text(r.name_search()),
                Date(r.birth_date),
                OptText(r.national_register.clone()),
                OptText(r.email.clone()),
                OptText(r.phone.clone()),
                Text(r.language.as_str().to_owned()),
                Text(r.gender.as_str().to_owned()),
                Text(r.education.as_str().to_owned()),
                Text(r.health_category.as_str().to_owned()),
                OptDate(r.incapacity_since),
                Text(r.situation.as_str().to_owned()),
                OptText(r.referrer.clone()),
                OptText(r.notes.clone()),
                Id(p.organisation_id),
                OptId(by),
                At(at),
                At(at),
                OptInt(r.esf.unemployed_months),
                Text(r.esf.disability.as_str().to_owned()),
                Text(r.esf.third_country_national.as_str().to_owned()),
                Text(r.esf.foreign_background.as_str().to_owned()),
                Text(r.esf.minority.as_str().to_owned()),
                Text(r.esf.homeless.as_str().to_owned()),
                OptText(r.esf.postcode.clone()),
            ]
        })
        .collect();
    let columns = &[
        "id",
        "first_name",
        "last_name",
        "name_search",
        "birth_date",
        "national_register",
        "email",
        "phone",
        "language",
        "gender",
        "education",
        "health_category",
        "incapacity_since",
        "situation",
        "referrer",
        "notes",
        "organisation_id",
        "created_by",
        "created_at",
        "updated_at",
        "unemployed_months",
        "disability",
        "third_country_national",
        "foreign_background",
        "minority",
        "homeless",
        "postcode",
    ];
    crate::bulk::insert(tx, "participants", columns, &rows).await?;
    let degurba = degurba_of(tx, people.iter().filter_map(|p| p.input.esf.postcode.clone()).collect()).await?;
    let names: Vec<_> = people.iter().map(|p| (p.id, p.input.name_search())).collect();
    index_name(tx, &names).await?;
    Ok(people
        .into_iter()
        .map(|p| Participant {
            id: p.id,
            degurba: p
                .input
                .esf
                .postcode
                .as_ref()
                .and_then(|code| degurba.get(code).copied()),
            record: p.input,
            organisation_id: p.organisation_id,
            organisation_name: p.organisation_name,
            created_by: by,
            created_at: at,
            updated_at: at,
        })
        .collect())
}

/// Replaces the record; when the name changes, its copies on the trajectories and its words for
/// search follow in the same transaction.
pub async fn update(tx: &mut impl Access, id: Uuid, input: &ParticipantInput) -> Result<Participant> {
    let sql = "SELECT name_search FROM participants WHERE id = $1";
    let before: Option<String> = run!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_optional(c).await)?;
    let Some(before) = before else {
        return Err(StoreError::NotFound);
    };
    let name = input.name_search();
    let sql = "UPDATE participants SET first_name = $1, last_name = $2, name_search = $3, birth_date = $4,
                   national_register = $5, email = $6, phone = $7, language = $8, gender = $9, education = $10,
                   health_category = $11, incapacity_since = $12, situation = $13, referrer = $14, notes = $15,
                   updated_at = $16, unemployed_months = $18, disability = $19, third_country_national = $20,
                   foreign_background = $21, minority = $22, homeless = $23, postcode = $24
               WHERE id = $17";
    let esf = &input.esf;
    run!(tx, c => sqlx::query(sql)
        .bind(&input.first_name).bind(&input.last_name).bind(&name).bind(input.birth_date)
        .bind(&input.national_register).bind(&input.email).bind(&input.phone).bind(input.language.as_str())
        .bind(input.gender.as_str()).bind(input.education.as_str()).bind(input.health_category.as_str())
        .bind(input.incapacity_since).bind(input.situation.as_str()).bind(&input.referrer).bind(&input.notes)
        .bind(now()).bind(id)
        .bind(esf.unemployed_months).bind(esf.disability.as_str()).bind(esf.third_country_national.as_str())
        .bind(esf.foreign_background.as_str()).bind(esf.minority.as_str()).bind(esf.homeless.as_str())
        .bind(&esf.postcode)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("national_register"))?;
    // The record was read above in this transaction, so the update found it.
    if before != name {
        let sql = "UPDATE trajectories SET participant_name = $1 WHERE participant_id = $2";
        run!(tx, c => sqlx::query(sql).bind(&name).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        let sql = "DELETE FROM participant_name_words WHERE participant_id = $1";
        run!(tx, c => sqlx::query(sql).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        index_name(tx, &[(id, name)]).await?;
    }
    // The day the incapacity began places the trajectories in a band of months of sickness.
    crate::dashboard::counts::refresh(tx, id).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// The degree of urbanisation of these postcodes, as the reference table has them.
pub async fn degurba_of(conn: &mut impl Access, mut postcodes: Vec<String>) -> Result<HashMap<String, Degurba>> {
    postcodes.sort();
    postcodes.dedup();
    let mut found = HashMap::new();
    for chunk in postcodes.chunks(500) {
        let list = vec!["?"; chunk.len()].join(", ");
        let sql = format!("SELECT postcode, degurba FROM postcode_degurba WHERE postcode IN ({list})");
        let values: Vec<Value> = chunk.iter().map(|p| Value::Text(p.clone())).collect();
        let rows: Vec<(String, i32)> = crate::bulk::fetch_all(conn, &sql, &values).await?;
        found.extend(
            rows.into_iter()
                .filter_map(|(p, class)| Some((p, Degurba::from_class(class)?))),
        );
    }
    Ok(found)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Participant>> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    let row = run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?;
    row.map(Participant::try_from).transpose()
}

/// A possible duplicate found at intake.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Candidate {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    /// True when the national register numbers match (certain); false for name and birth date.
    pub same_national_register: bool,
}

/// People already registered with the same national register number, or the same name and birth date.
pub async fn find_duplicates(conn: &mut impl Access, input: &ParticipantInput) -> Result<Vec<Candidate>> {
    // Two branches, each on its own index: with one OR, SQLite read the whole table in id order.
    let sql = "SELECT id, first_name, last_name, birth_date, same_national_register FROM (
                   SELECT id, first_name, last_name, birth_date,
                          (national_register IS NOT NULL AND $3 IS NOT NULL AND national_register = $3)
                              AS same_national_register
                   FROM participants WHERE birth_date = $1 AND name_search = $2
                   UNION
                   SELECT id, first_name, last_name, birth_date, TRUE AS same_national_register
                   FROM participants WHERE $3 IS NOT NULL AND national_register = $3
               ) found ORDER BY id LIMIT 10";
    Ok(run!(conn, c => sqlx::query_as::<_, Candidate>(sql)
        .bind(input.birth_date).bind(input.name_search()).bind(&input.national_register)
        .fetch_all(c).await)?)
}

/// [`find_duplicates`] for many people at once (an import's), each list in the order of `inputs`.
pub async fn find_duplicates_many(conn: &mut impl Access, inputs: &[&ParticipantInput]) -> Result<Vec<Vec<Candidate>>> {
    #[derive(sqlx::FromRow)]
    struct Found {
        id: Uuid,
        first_name: String,
        last_name: String,
        birth_date: NaiveDate,
        name_search: String,
        national_register: Option<String>,
    }
    let mut found: Vec<Found> = Vec::new();
    for chunk in inputs.chunks(200) {
        // One indexed branch per person, and one for the register numbers.
        let columns = "SELECT id, first_name, last_name, birth_date, name_search, national_register FROM participants";
        let mut branches = vec![format!("{columns} WHERE birth_date = ? AND name_search = ?"); chunk.len()];
        let registers: Vec<&str> = chunk.iter().filter_map(|i| i.national_register.as_deref()).collect();
        if !registers.is_empty() {
            let list = vec!["?"; registers.len()].join(", ");
            branches.push(format!("{columns} WHERE national_register IN ({list})"));
        }
        let mut values: Vec<Value> = chunk
            .iter()
            .flat_map(|input| [Value::Date(input.birth_date), Value::Text(input.name_search())])
            .collect();
        values.extend(registers.iter().map(|register| Value::Text((*register).to_owned())));
        let rows: Vec<Found> = crate::bulk::fetch_all(conn, &branches.join(" UNION "), &values).await?;
        found.extend(rows);
    }
    found.sort_by_key(|f| f.id);
    found.dedup_by_key(|f| f.id);
    Ok(inputs
        .iter()
        .map(|input| {
            let name = input.name_search();
            found
                .iter()
                .filter_map(|f| {
                    let same_register = f.national_register.is_some() && f.national_register == input.national_register;
                    (same_register || (f.birth_date == input.birth_date && f.name_search == name)).then(|| Candidate {
                        id: f.id,
                        first_name: f.first_name.clone(),
                        last_name: f.last_name.clone(),
                        birth_date: f.birth_date,
                        same_national_register: same_register,
                    })
                })
                .take(10)
                .collect()
        })
        .collect())
}

/// The facts the policy decides on: where and by whom the participant was registered, where their
/// trajectories follow them, and with whom they share their file. What these mean for access (the
/// one who registered a person follows them there) is the policy's.
pub async fn access_ref(conn: &mut impl Access, id: Uuid) -> Result<Option<ParticipantRef>> {
    Ok(access_refs(conn, &[id]).await?.remove(&id))
}

/// What the policy needs for several participants at once: three queries whatever their number
/// (each a statement per 500 people, `bulk::select_in`).
pub async fn access_refs(conn: &mut impl Access, ids: &[Uuid]) -> Result<HashMap<Uuid, ParticipantRef>> {
    let mut refs = HashMap::new();
    if ids.is_empty() {
        return Ok(refs);
    }
    // An anonymised file is no longer a person's: no one opens it (docs/retention.md).
    let sql = "SELECT p.id, p.organisation_id, o.region_id, p.created_by FROM participants p
               JOIN organisations o ON o.id = p.organisation_id WHERE p.anonymised_at IS NULL AND p.id IN";
    let homes: Vec<(Uuid, Uuid, Option<Uuid>, Option<Uuid>)> = crate::bulk::select_in(conn, sql, ids).await?;
    for (id, organisation_id, region_id, created_by) in homes {
        refs.insert(
            id,
            ParticipantRef {
                registered_at: Some(OrganisationRef {
                    id: organisation_id,
                    region_id,
                }),
                registered_by: created_by,
                followed: Vec::new(),
                shared_with: Vec::new(),
            },
        );
    }
    let sql = "SELECT participant_id, organisation_id, region_id, coach_id FROM trajectories WHERE participant_id IN";
    let rows: Vec<(Uuid, Uuid, Option<Uuid>, Option<Uuid>)> = crate::bulk::select_in(conn, sql, ids).await?;
    for (id, organisation_id, region_id, coach_id) in rows {
        if let Some(reference) = refs.get_mut(&id) {
            reference.followed.push(FollowedAt {
                organisation_id,
                region_id,
                coach_id,
            });
        }
    }
    let sql = format!(
        "SELECT c.participant_id, c.organisation_id FROM consents c
         WHERE c.purpose = 'share_care_team' AND {} AND c.organisation_id IS NOT NULL
           AND c.participant_id IN",
        crate::consents::holds("c")
    );
    let shared: Vec<(Uuid, Uuid)> = crate::bulk::select_in(conn, &sql, ids).await?;
    for (id, organisation_id) in shared {
        if let Some(reference) = refs.get_mut(&id) {
            reference.shared_with.push(organisation_id);
        }
    }
    Ok(refs)
}

/// Participants with no trajectory yet whose registration is in the actor's caseload scope (the
/// partner that registered them, their region, or the actor as the one who registered them), by
/// name: for such people the scope is the policy's `ViewParticipant`.
pub async fn without_trajectory(conn: &mut impl Access, actor: &Actor) -> Result<Vec<Uuid>> {
    let scope = caseload_scope(actor);
    let (visible, ids) = crate::scope::caseload_condition(scope, actor, &crate::scope::REGISTRATION, 1);
    let sql = format!(
        "SELECT p.id FROM participants p JOIN organisations o ON o.id = p.organisation_id
         WHERE NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.participant_id = p.id) AND {visible}
         ORDER BY p.name_search, p.id"
    );
    Ok(run!(conn, c => {
        let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(&*sql));
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?)
}

pub async fn count(conn: &mut impl Access) -> Result<i64> {
    Ok(run!(conn, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM participants").fetch_one(c).await)?)
}

/// Many participants by id, a few statements whatever their number (an export's pages).
pub async fn get_many(conn: &mut impl Access, ids: &[Uuid]) -> Result<HashMap<Uuid, Participant>> {
    let rows: Vec<Row> = crate::bulk::select_in(conn, &format!("{SELECT} WHERE p.id IN"), ids).await?;
    rows.into_iter()
        .map(|r| {
            let p = Participant::try_from(r)?;
            Ok((p.id, p))
        })
        .collect()
}

/// A file a data-subject request may be about, as the data protection officer confirms it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Named {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub organisation_name: String,
}

/// How a request names the person: their national register number, or their birth date and a
/// name (folded as `name_search`, any part of it).
#[derive(Debug, Clone)]
pub enum RequestedBy {
    Register(String),
    BirthAndName(NaiveDate, String),
}

/// The files a data-subject request names (at most 20), through the register number's unique
/// index or the birth date's.
pub async fn find_for_request(conn: &mut impl Access, by: &RequestedBy) -> Result<Vec<Named>> {
    let (register, birth, name) = match by {
        RequestedBy::Register(number) => (Some(number.as_str()), None, None),
        RequestedBy::BirthAndName(date, name) => (None, Some(*date), Some(format!("%{name}%"))),
    };
    let sql = "SELECT p.id, p.first_name, p.last_name, p.birth_date, o.name AS organisation_name
               FROM participants p JOIN organisations o ON o.id = p.organisation_id
               WHERE p.national_register = $1 OR (p.birth_date = $2 AND p.name_search LIKE $3)
               ORDER BY p.last_name, p.first_name, p.id
               LIMIT 20";
    Ok(run!(conn, c => sqlx::query_as::<_, Named>(sql).bind(register).bind(birth).bind(&name).fetch_all(c).await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(gender: &str, situation: &str) -> Row {
        Row {
            id: Uuid::now_v7(),
            first_name: "An".into(),
            last_name: "Peeters".into(),
            birth_date: NaiveDate::from_ymd_opt(1980, 5, 1).unwrap(),
            national_register: None,
            email: None,
            phone: None,
            language: "nl".into(),
            gender: gender.into(),
            education: "isced_3_4".into(),
            health_category: "chronic_pain".into(),
            incapacity_since: None,
            situation: situation.into(),
            referrer: None,
            notes: None,
            unemployed_months: None,
            disability: "not_recorded".into(),
            third_country_national: "yes".into(),
            foreign_background: "declined".into(),
            minority: "no".into(),
            homeless: "not_recorded".into(),
            postcode: None,
            degurba: None,
            organisation_id: Uuid::now_v7(),
            organisation_name: "GTB".into(),
            created_by: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_participant_with_a_code_no_enum_knows_is_an_error_not_a_default() {
        let read = Participant::try_from(row("female", "unemployed")).unwrap();
        assert_eq!(
            (read.record.gender, read.record.situation),
            (Gender::Female, Situation::Unemployed)
        );
        // Before, these read as "not recorded" and "other".
        let error = Participant::try_from(row("f", "unemployed")).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { column: "participants.gender", ref value } if value == "f"));
        let error = Participant::try_from(row("female", "retired")).unwrap_err();
        assert!(matches!(
            error,
            StoreError::Corrupt {
                column: "participants.situation",
                ..
            }
        ));
    }
}
