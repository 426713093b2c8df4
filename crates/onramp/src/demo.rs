//! Realistic synthetic demo data: the five regional partnerships of "We go to
//! work", the providers, ~40 partner organisations of the kinds the seeds name,
//! and accounts for every role. All names are invented.

use anyhow::Result;
use onramp_domain::identity::{Email, Language, Role};
use onramp_domain::organisations::{LocationInput, OrganisationInput, OrganisationKind};
use onramp_domain::regions::{FLEMISH_PROVINCES, RegionInput};
use onramp_store::audit::{self, Event, Who};
use onramp_store::{Db, Tx, locations, organisations, passwords, regions, users};
use uuid::Uuid;

/// The password of every demo account (shown in the README).
pub const PASSWORD: &str = "onramp-demo-2026";
pub const ADMIN: &str = "admin@onramp.demo";

use OrganisationKind::*;

/// Partners per region: (kind, name, town, postcode).
const PARTNERS: &[(&str, OrganisationKind, &str, &str, &str)] = &[
    (
        "antwerpen",
        RehabilitationHospital,
        "Revalidatieziekenhuis Scheldeoever",
        "Antwerpen",
        "2000",
    ),
    (
        "antwerpen",
        RehabilitationHospital,
        "Revalidatiecentrum De Kempen",
        "Turnhout",
        "2300",
    ),
    ("antwerpen", PainClinic, "Pijnkliniek Netevallei", "Lier", "2500"),
    (
        "antwerpen",
        UniversityClinic,
        "Universitair Revalidatiecentrum Antwerpen",
        "Edegem",
        "2650",
    ),
    ("antwerpen", WelfareCentre, "Welzijnshuis Noorderkempen", "Geel", "2440"),
    ("antwerpen", ActivityCentre, "Dagcentrum De Brug", "Mechelen", "2800"),
    (
        "antwerpen",
        ActivityCentre,
        "Activiteitencentrum Het Anker",
        "Mol",
        "2400",
    ),
    (
        "antwerpen",
        ActivityCentre,
        "Ontmoetingshuis De Vonk",
        "Antwerpen",
        "2060",
    ),
    (
        "limburg",
        RehabilitationHospital,
        "Revalidatieziekenhuis Maasland",
        "Hasselt",
        "3500",
    ),
    (
        "limburg",
        RehabilitationHospital,
        "Revalidatiecentrum Kempenheide",
        "Genk",
        "3600",
    ),
    ("limburg", PainClinic, "Pijnkliniek Haspengouw", "Sint-Truiden", "3800"),
    (
        "limburg",
        RehabilitationHospital,
        "Ziekenhuis Oost-Limburg Revalidatie",
        "Lanaken",
        "3620",
    ),
    (
        "limburg",
        WelfareCentre,
        "Welzijnscentrum Limburg-Noord",
        "Lommel",
        "3920",
    ),
    ("limburg", ActivityCentre, "Dagcentrum De Horizon", "Tongeren", "3700"),
    (
        "limburg",
        ActivityCentre,
        "Activiteitencentrum Mijnstreek",
        "Beringen",
        "3580",
    ),
    (
        "limburg",
        SicknessFund,
        "Ziekenfonds Limburg (regio)",
        "Hasselt",
        "3500",
    ),
    (
        "oost-vlaanderen",
        UniversityClinic,
        "Universitair Revalidatiecentrum Gent",
        "Gent",
        "9000",
    ),
    (
        "oost-vlaanderen",
        RehabilitationHospital,
        "Revalidatieziekenhuis Leiestreek",
        "Deinze",
        "9800",
    ),
    (
        "oost-vlaanderen",
        RehabilitationHospital,
        "Revalidatiecentrum Waasland",
        "Sint-Niklaas",
        "9100",
    ),
    ("oost-vlaanderen", PainClinic, "Pijnkliniek Dender", "Aalst", "9300"),
    (
        "oost-vlaanderen",
        RehabilitationHospital,
        "Revalidatieziekenhuis Vlaamse Ardennen",
        "Oudenaarde",
        "9700",
    ),
    (
        "oost-vlaanderen",
        WelfareCentre,
        "Welzijnshuis Meetjesland",
        "Eeklo",
        "9900",
    ),
    (
        "oost-vlaanderen",
        ActivityCentre,
        "Dagcentrum Het Atelier",
        "Gent",
        "9040",
    ),
    (
        "oost-vlaanderen",
        ActivityCentre,
        "Activiteitencentrum De Schakel",
        "Lokeren",
        "9160",
    ),
    (
        "oost-vlaanderen",
        SicknessFund,
        "Ziekenfonds Oost-Vlaanderen (regio)",
        "Gent",
        "9000",
    ),
    (
        "vlaams-brabant",
        RehabilitationHospital,
        "Revalidatieziekenhuis Dijleland",
        "Leuven",
        "3000",
    ),
    (
        "vlaams-brabant",
        RehabilitationHospital,
        "Revalidatiecentrum Pajottenland",
        "Halle",
        "1500",
    ),
    ("vlaams-brabant", PainClinic, "Pijnkliniek Hageland", "Tienen", "3300"),
    (
        "vlaams-brabant",
        RehabilitationHospital,
        "Revalidatieziekenhuis Zennevallei",
        "Vilvoorde",
        "1800",
    ),
    (
        "vlaams-brabant",
        WelfareCentre,
        "Welzijnscentrum Oost-Brabant",
        "Aarschot",
        "3200",
    ),
    (
        "vlaams-brabant",
        ActivityCentre,
        "Dagcentrum De Linde",
        "Leuven",
        "3010",
    ),
    (
        "west-vlaanderen",
        RehabilitationHospital,
        "Revalidatieziekenhuis Kust",
        "Oostende",
        "8400",
    ),
    (
        "west-vlaanderen",
        RehabilitationHospital,
        "Revalidatiecentrum Leiedal",
        "Kortrijk",
        "8500",
    ),
    ("west-vlaanderen", PainClinic, "Pijnkliniek Westhoek", "Ieper", "8900"),
    (
        "west-vlaanderen",
        RehabilitationHospital,
        "Revalidatieziekenhuis Brugse Polders",
        "Brugge",
        "8000",
    ),
    (
        "west-vlaanderen",
        RehabilitationHospital,
        "Revalidatiecentrum Mandelstreek",
        "Roeselare",
        "8800",
    ),
    (
        "west-vlaanderen",
        WelfareCentre,
        "Welzijnshuis Zuid-West-Vlaanderen",
        "Waregem",
        "8790",
    ),
    (
        "west-vlaanderen",
        ActivityCentre,
        "Dagcentrum De Meander",
        "Brugge",
        "8200",
    ),
    (
        "west-vlaanderen",
        ActivityCentre,
        "Activiteitencentrum Vlasland",
        "Kortrijk",
        "8501",
    ),
];

/// Coaches: (first name, surname, region code).
const COACHES: &[(&str, &str, &str)] = &[
    ("An", "Peeters", "antwerpen"),
    ("Bram", "Janssens", "antwerpen"),
    ("Sofie", "Maes", "limburg"),
    ("Karim", "El Amrani", "limburg"),
    ("Lotte", "Claes", "oost-vlaanderen"),
    ("Pieter", "De Smet", "oost-vlaanderen"),
    ("Hanne", "Wouters", "vlaams-brabant"),
    ("Tom", "Goossens", "vlaams-brabant"),
    ("Elke", "Mertens", "west-vlaanderen"),
    ("Joris", "Vandamme", "west-vlaanderen"),
];

/// Fills an empty database. Returns false, changing nothing, when it already holds data.
pub async fn fill(db: &Db) -> Result<bool> {
    fill_with(db, true).await
}

/// The demo's organisations, locations, agreements and accounts without its participants, hours and
/// sessions: a database to import another's export into (docs/import.md). Returns false, changing
/// nothing, when it already holds data.
pub async fn fill_without_caseload(db: &Db) -> Result<bool> {
    fill_with(db, false).await
}

async fn fill_with(db: &Db, caseload: bool) -> Result<bool> {
    let mut conn = db.conn().await?;
    if users::count(&mut conn).await? > 0 {
        return Ok(false);
    }
    drop(conn);
    let hash = {
        let password = PASSWORD.to_owned();
        tokio::task::spawn_blocking(move || passwords::hash(&password)).await??
    };
    let mut tx = db.begin().await?;
    let mut region_ids = Vec::new();
    for (code, name) in FLEMISH_PROVINCES {
        let region = provincial_region(&mut tx, code, name).await?;
        region_ids.push((code, region));
    }
    let region = |code: &str| region_ids.iter().find(|(c, _)| *c == code).map(|(_, id)| *id);

    let gtb = organisation(&mut tx, "GTB Vlaanderen", Provider, None).await?;
    let stebo = organisation(&mut tx, "Stebo", Provider, None).await?;
    location(&mut tx, gtb, "GTB regiokantoor Brussel", "1000").await?;
    location(&mut tx, stebo, "Stebo Genk", "3600").await?;
    let vdab = organisation(&mut tx, "VDAB", PublicEmploymentService, None).await?;
    let idewe = organisation(
        &mut tx,
        "Arbeidsgeneeskundige dienst Centrum",
        OccupationalHealthService,
        region("vlaams-brabant"),
    )
    .await?;
    location(&mut tx, vdab, "VDAB Hoofdzetel", "1000").await?;
    location(&mut tx, idewe, "Arbeidsgeneeskundige dienst Leuven", "3001").await?;

    let mut partners: Vec<(&str, Uuid)> = Vec::new();
    for (code, kind, name, town, postcode) in PARTNERS {
        let id = organisation(&mut tx, name, *kind, region(code)).await?;
        location(&mut tx, id, &format!("{name} – campus {town}"), postcode).await?;
        if matches!(kind, RehabilitationHospital | UniversityClinic) {
            location(&mut tx, id, &format!("{name} – dagziekenhuis"), postcode).await?;
        }
        partners.push((code, id));
        agreement(&mut tx, gtb, id).await?;
    }
    let partners_in = |code: &str| {
        partners
            .iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, id)| *id)
            .collect::<Vec<_>>()
    };
    let mut coaches: Vec<(Uuid, Vec<Uuid>)> = Vec::new();

    let admin = account(
        &mut tx,
        &hash,
        ADMIN,
        "Programmabeheerder GTB",
        Role::Administrator,
        vec![gtb],
        vec![],
    )
    .await?;
    let mut coordinators = Vec::new();
    for (code, name) in FLEMISH_PROVINCES {
        let email = format!("coordinator.{code}@onramp.demo");
        let display = format!("Coördinator {name}");
        let id = account(
            &mut tx,
            &hash,
            &email,
            &display,
            Role::Coordinator,
            vec![gtb],
            vec![region(code).expect("region")],
        )
        .await?;
        coordinators.push((code, id));
    }
    for (index, (first, last, code)) in COACHES.iter().enumerate() {
        let email = format!(
            "{}.{}@gtb.demo",
            first.to_lowercase(),
            last.to_lowercase().replace(' ', "")
        );
        // Each coach works for the provider and at three or four partners of their region.
        let mut organisations = vec![if *code == "limburg" && index % 2 == 1 {
            stebo
        } else {
            gtb
        }];
        let works_at: Vec<Uuid> = partners_in(code).into_iter().skip(index % 2).step_by(2).collect();
        organisations.extend(works_at.iter().copied());
        let id = account(
            &mut tx,
            &hash,
            &email,
            &format!("{first} {last}"),
            Role::Coach,
            organisations,
            vec![],
        )
        .await?;
        coaches.push((id, works_at));
    }
    let care = [
        ("dr.vermeulen@scheldeoever.demo", "Dr. Els Vermeulen", "antwerpen"),
        ("psycholoog@maasland.demo", "Jan Willems (psycholoog)", "limburg"),
        (
            "sociaal.werker@leiestreek.demo",
            "Fatima Benali (sociaal werker)",
            "oost-vlaanderen",
        ),
    ];
    let mut care_members = Vec::new();
    for (email, name, code) in care {
        let first_partner: Vec<Uuid> = partners_in(code).into_iter().take(1).collect();
        let member = account(
            &mut tx,
            &hash,
            email,
            name,
            Role::CareTeam,
            first_partner.clone(),
            vec![],
        )
        .await?;
        care_members.extend(first_partner.into_iter().map(|organisation| (member, organisation)));
    }
    let peer_expert = account(
        &mut tx,
        &hash,
        "ervaringsdeskundige@gtb.demo",
        "Luc Hermans",
        Role::PeerExpert,
        vec![gtb],
        vec![],
    )
    .await?;
    account(
        &mut tx,
        &hash,
        "auditor@esf.demo",
        "ESF-auditor",
        Role::Funder,
        vec![],
        vec![],
    )
    .await?;
    // The university evaluating the programmes: research studies are given to this account.
    let researcher = account(
        &mut tx,
        &hash,
        "onderzoeker@ugent.demo",
        "Onderzoeker UGent",
        Role::Researcher,
        vec![],
        vec![],
    )
    .await?;
    // The programme's data protection officer: people's rights, retention and the audit log.
    account(
        &mut tx,
        &hash,
        "dpo@onramp.demo",
        "Functionaris gegevensbescherming",
        Role::DataProtectionOfficer,
        vec![],
        vec![],
    )
    .await?;

    if caseload {
        crate::demo_caseload::fill(&mut tx, &coaches, onramp_web::time::today()).await?;
        crate::demo_caseload::hours(&mut tx, &coaches, onramp_web::time::today()).await?;
        crate::demo_caseload::sessions(&mut tx, &coaches, peer_expert, onramp_web::time::today()).await?;
        // The portal first: the coach's message to a participant would answer a care question.
        crate::demo_portal::open_accounts(&mut tx, &coaches, &hash).await?;
        crate::demo_worklist::care_questions(&mut tx, &care_members, &coaches).await?;
        crate::demo_esf::operation_and_study(&mut tx, researcher, onramp_web::time::today()).await?;
        let limburg = coordinators.iter().find(|(c, _)| *c == "limburg").map(|(_, id)| *id);
        if let (Some(coordinator), Some(region)) = (limburg, region("limburg")) {
            let today = onramp_web::time::today();
            crate::demo_cost_benefit::fill(&mut tx, admin, coordinator, region, &coaches, today).await?;
            crate::demo_worklist::check_in_due(&mut tx, &coaches, region, today).await?;
        }
    }

    let who = Who::cli();
    audit::record(&mut tx, &who, Event::new("demo.load", "database", "demo")).await?;
    tx.commit().await?;
    Ok(true)
}

/// The region of a province: shipped as reference data by the migrations (it may have been renamed
/// since), created only where an administrator removed its code.
pub(crate) async fn provincial_region(tx: &mut Tx, code: &str, name: &str) -> Result<Uuid> {
    if let Some(region) = regions::find_by_code(tx, code).await? {
        return Ok(region.id);
    }
    let input = RegionInput::parse(code, name).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(regions::create(tx, &input).await?.id)
}

pub(crate) async fn organisation(
    tx: &mut Tx,
    name: &str,
    kind: OrganisationKind,
    region_id: Option<Uuid>,
) -> Result<Uuid> {
    let region = region_id.map(|r| r.to_string()).unwrap_or_default();
    let input = OrganisationInput::parse(name, kind.as_str(), &region).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(organisations::create(tx, &input).await?.id)
}

/// This year's agreement with GTB: the seeds' norms, 350 hours at the partner's first location.
async fn agreement(tx: &mut Tx, provider: Uuid, partner: Uuid) -> Result<()> {
    use onramp_domain::agreements::{AgreementFields, AgreementInput, DEFAULT_HOURS, LocationHours};
    let year = onramp_web::time::today().format("%Y").to_string();
    let fields = AgreementFields {
        provider_id: provider.to_string(),
        starts_on: format!("{year}-01-01"),
        ends_on: format!("{year}-12-31"),
        signed_on: format!("{year}-01-15"),
        reach_target: "200".into(),
        steps_target_percent: "15".into(),
        fte: "1".into(),
        esf_percent: "80".into(),
        esf_amount: "48000".into(),
        own_share: "12000".into(),
        notes: String::new(),
    };
    let input = AgreementInput::parse(&fields).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let created = onramp_store::agreements::create(tx, partner, &input).await?;
    if let Some(first) = locations::list_for_organisation(tx, partner).await?.first() {
        let hours = LocationHours {
            location_id: first.id,
            hours: DEFAULT_HOURS,
        };
        onramp_store::agreements::set_hours(tx, created.id, &hours).await?;
    }
    let contact =
        onramp_domain::agreements::ContactInput::parse("Diensthoofd revalidatie", "Contact for the agreement", "", "")
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    onramp_store::agreements::add_contact(tx, partner, &contact).await?;
    Ok(())
}

pub(crate) async fn location(tx: &mut Tx, organisation_id: Uuid, name: &str, postcode: &str) -> Result<()> {
    let input = LocationInput::parse(name, "", postcode, "").map_err(|e| anyhow::anyhow!("{e:?}"))?;
    locations::create(tx, organisation_id, &input).await?;
    Ok(())
}

pub(crate) async fn account(
    tx: &mut Tx,
    hash: &str,
    email: &str,
    name: &str,
    role: Role,
    organisations: Vec<Uuid>,
    regions: Vec<Uuid>,
) -> Result<Uuid> {
    let input = users::UserInput {
        email: Email::parse(email).map_err(|e| anyhow::anyhow!("{email}: {e}"))?,
        display_name: name.to_owned(),
        role,
        language: Language::Nl,
        active: true,
        organisations,
        regions,
    };
    Ok(users::create(tx, &input, hash).await?.id)
}
