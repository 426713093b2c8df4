//! The one authorisation policy. Every handler asks it; none decides on its own.
//!
//! A decision depends on the actor's role and scope (the organisations they
//! belong to, the regions they coordinate). Later parts add caseload and
//! consent to the same place. Refusals come in two kinds: `Forbidden` when the
//! actor may know the record exists, `Hidden` when even that would leak data.

use crate::identity::Role;
use crate::organisations::OrganisationRef;
use crate::worklist::Kind as WorkKind;
use uuid::Uuid;

/// The signed-in person, with the scope the policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
    pub organisations: Vec<Uuid>,
    pub regions: Vec<Uuid>,
}

/// The facts about a participant the policy decides on: where they were registered and by whom,
/// where their trajectories follow them (partner, region and coach), and the partners whose care
/// team the participant allowed to see the file. The store only loads these; what they mean for
/// access (such as "whoever registered a person follows them there") is decided here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipantRef {
    /// The partner that reached the person and registered them.
    pub registered_at: Option<OrganisationRef>,
    /// The account that registered them.
    pub registered_by: Option<Uuid>,
    /// Their trajectories.
    pub followed: Vec<FollowedAt>,
    pub shared_with: Vec<Uuid>,
}

impl ParticipantRef {
    /// Every place the person is followed at: each trajectory, and the partner that registered
    /// them, where whoever registered them follows them as their coach.
    pub fn places(&self) -> impl Iterator<Item = FollowedAt> + '_ {
        let registration = self.registered_at.as_ref().map(|at| FollowedAt {
            organisation_id: at.id,
            region_id: at.region_id,
            coach_id: self.registered_by,
        });
        registration.into_iter().chain(self.followed.iter().copied())
    }
}

/// Where a participant is followed: a trajectory's partner, region and responsible coach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowedAt {
    pub organisation_id: Uuid,
    pub region_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
}

/// One trajectory as the lists of people show it (the caseload, the check-ins due, the people
/// behind a dashboard figure): where it is followed, and the partners the participant shares
/// their file with. A list shows a trajectory for that trajectory's own place, not because the
/// actor sees the person through another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrajectoryRef {
    pub at: FollowedAt,
    pub shared_with: Vec<Uuid>,
}

/// Where a group session is held and who leads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRef {
    /// The partner hosting the series.
    pub organisation_id: Uuid,
    pub region_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub peer_expert_id: Option<Uuid>,
    /// Participants of other partners may join (the seeds' cross-organisation group modules).
    pub open_to_partners: bool,
}

/// What a dashboard counts, as the policy decides on it. All `None`: everything. The parts
/// narrow each other: a coach within a region counts that coach's trajectories in the region.
#[derive(Debug, Clone, Copy, Default)]
pub struct DashboardScope<'a> {
    /// A partner, or the partner of the chosen location.
    pub organisation: Option<&'a OrganisationRef>,
    pub region_id: Option<Uuid>,
    /// Whether a location of `organisation` is chosen.
    pub location: bool,
    /// The responsible coach of the trajectories counted (and the leader of the presence actions).
    pub coach_id: Option<Uuid>,
}

impl<'a> DashboardScope<'a> {
    pub fn partner(organisation: &'a OrganisationRef) -> Self {
        DashboardScope {
            organisation: Some(organisation),
            ..Default::default()
        }
    }

    pub fn region(region_id: Uuid) -> Self {
        DashboardScope {
            region_id: Some(region_id),
            ..Default::default()
        }
    }
}

/// The facts about a research study the policy decides on: the researchers on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudyRef {
    pub researchers: Vec<Uuid>,
}

/// A participant's portal account as the policy decides on it: the user account that is the
/// person (none when no portal account was opened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortalRef {
    pub account_user: Option<Uuid>,
}

/// What the actor wants to do, with the record it touches.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Read and act on a participant's own records through the portal (docs/portal.md): only the
    /// participant's own account; everyone else, staff included, finds nothing there.
    UsePortal(&'a PortalRef),
    /// Invite a participant to the portal, or end their access: who changes the file.
    InviteToPortal(&'a ParticipantRef),
    /// Open a participant file (identity, consents, trajectories, timeline).
    ViewParticipant(&'a ParticipantRef),
    /// Read the free-text notes of a file: the coaches who follow the person and administrators.
    ViewParticipantNotes(&'a ParticipantRef),
    /// Change a participant file, its consents and trajectories.
    EditParticipant(&'a ParticipantRef),
    /// Read a plan of the participant's trajectory at `organisation_id` (action plan, recovery
    /// plan, canvas) and comment on it. The care team reads only a version shared with them
    /// (`shared`), of a trajectory at their own partner, and only with the participant's consent
    /// for sharing with that partner; the coaches and coordinators who see the file read every
    /// version. Writing a plan is `EditParticipant`.
    ViewPlan {
        participant: &'a ParticipantRef,
        organisation_id: Uuid,
        shared: bool,
    },
    /// Register a new participant reached at this organisation.
    CreateParticipant(&'a OrganisationRef),
    /// Register people at all (the intake and import offered on the caseload): administrators and
    /// coaches. Each person is then `CreateParticipant` at the partner that reached them.
    RegisterParticipants,
    /// Import participants and trajectories from a spreadsheet: administrators and coaches.
    ImportParticipants,
    /// Export the participants of one's caseload as a spreadsheet: whoever has a caseload; each
    /// row is then a trajectory of the caseload or a person `ViewParticipant` allows.
    ExportParticipants,
    /// The forms that enrol, discuss or record the people one follows (group sessions, case
    /// consultations, presence actions) offer a picker of one's caseload: to those who change
    /// participant files. Each person picked is then `EditParticipant`.
    PickParticipants,
    /// See a trajectory in a list of people: the caseload, and the people behind a dashboard
    /// figure. The trajectory's own place must be in the actor's caseload scope.
    ViewTrajectory(&'a TrajectoryRef),
    /// See a trajectory's check-ins due after exit in one's list of check-ins: the caseload scope
    /// without the care team's part, since care teams follow up through the coach.
    FollowUpCheckIns(&'a TrajectoryRef),
    /// Read the decisions of a case and team consultation, wherever it is shown (the files of the
    /// participants discussed, a partner's list of consultations): those who may read the notes
    /// (`ViewParticipantNotes`) of every participant discussed. The notes rule with no one
    /// discussed leaves the role's part: the roles that read notes.
    ViewConsultationDecisions(&'a [ParticipantRef]),
    /// Read the programme templates: everyone who runs or supports programmes; funders see
    /// aggregates only.
    ViewProgrammes,
    ManageProgrammes,
    /// See a group session: when and where, who leads it, how many are enrolled.
    ViewSession(&'a SessionRef),
    /// Change a session and take its attendance: its coach, the host's coaches, administrators.
    /// They take it for everyone enrolled, whichever partner follows the person (`ViewEnrolment`).
    ManageSession(&'a SessionRef),
    /// See who an enrolled participant is on a session's list: their name and id, the least that
    /// taking attendance needs, not their file (that stays `ViewParticipant`). Those who manage
    /// the session, for everyone enrolled (an open series takes other partners' people); and
    /// whoever may open the person's file, on a session they see.
    ViewEnrolment {
        session: &'a SessionRef,
        participant: &'a ParticipantRef,
    },
    /// The programme dashboard's aggregate figures for a scope (see [`DashboardScope`]):
    /// administrators anything; funders anything but one coach's work; coordinators a region of
    /// theirs, or a partner, a location or a coach within it; coaches their own partners (and
    /// their locations) and their own work, nobody else's; care-team members their own partners.
    ViewDashboard(DashboardScope<'a>),
    /// The lists behind the dashboard's figures of activity for a scope: the presence actions
    /// behind its reach, the agreements behind its coach FTE and hours. They name who led what
    /// and where: those who see the scope's dashboard with exact figures (staff and the care
    /// relationship); funders see the figures only.
    ViewDashboardActivities(DashboardScope<'a>),
    /// The monitoring reports for a scope (barriers over time, the ICF change of a cohort, trends,
    /// per coach and per location; docs/monitoring.md): for the programme's steering, so
    /// administrators anything, coordinators as their dashboard (their region, or a partner, a
    /// location or a coach within it), funders anything but one coach's work, with small cells
    /// hidden. Coaches and care teams run the work and have their dashboard; they are refused.
    ViewMonitoring(DashboardScope<'a>),
    /// Write and edit the recommendations kept beside a monitoring report: administrators, and
    /// coordinators for the scopes of their region.
    WriteRecommendations(DashboardScope<'a>),
    /// Plan a series of group sessions hosted by this partner.
    PlanSessions(&'a OrganisationRef),
    /// Plan group sessions at some partner (the planner is offered; the host chosen there is then
    /// `PlanSessions`): administrators and coaches.
    PlanSessionsSomewhere,
    /// Subscribe to the calendar of a location of this organisation: administrators, the region's
    /// coordinator, the organisation's coaches.
    SubscribeLocation(&'a OrganisationRef),
    /// Agreements and contact persons of a partner: administrators and the partner's regional coordinator.
    ManageAgreements(&'a OrganisationRef),
    ViewOrganisation(&'a OrganisationRef),
    /// The coach hours used at a partner against its agreements: administrators, the region's
    /// coordinator, and the partner's own coaches and care team.
    ViewHours(&'a OrganisationRef),
    /// Register one's own hours at a partner: its coaches. Hours always belong to a coach.
    RegisterHours(&'a OrganisationRef),
    EditOrganisation(&'a OrganisationRef),
    CreateOrganisation,
    ViewRegions,
    ManageRegions,
    ManageUsers,
    /// Add reference data, such as ICF categories beyond the shipped core set: administrators.
    ManageReferenceData,
    /// The audit log: administrators and the data protection officer.
    ViewAudit,
    /// Answer a participant's data-protection rights, whoever follows them (who consulted the file,
    /// the access export, anonymisation and erasure): administrators and the data protection
    /// officer. It opens the file's data-protection page, not the file.
    HandleDataRights,
    /// The retention rules, the files due for anonymisation and their legal holds: administrators
    /// and the data protection officer.
    ManageRetention,
    /// Create and change research studies (their programmes, period and researchers).
    ManageStudies,
    /// The list of studies: administrators see all, researchers the studies they are on.
    ViewStudies,
    /// See a study and download its pseudonymised export: its researchers and administrators.
    /// A researcher not on the study learns nothing of it.
    ViewStudy(&'a StudyRef),
    /// Record ESF operations (the projects the indicators are reported for): administrators.
    ManageEsfOperations,
    /// The ESF+ indicators of an operation: administrators and coordinators exactly, funders with
    /// small cells hidden (`sees_exact_figures`). The list of participants with missing data behind
    /// them is `ViewParticipant` for each person listed.
    ViewEsfIndicators,
    /// The cost-benefit of a programme for a scope (docs/cost-benefit.md): administrators
    /// anything, coordinators their region or a partner within it, funders anything with small
    /// cells hidden; not one coach's work, and not coaches, the care team or peer experts.
    ViewCostBenefit(DashboardScope<'a>),
    /// The participants and hours behind the cost-benefit's figures: those who see the
    /// scope's cost-benefit with exact figures (not funders).
    ViewCostBenefitRecords(DashboardScope<'a>),
    /// Set a programme's cost-benefit parameters: administrators.
    SetCostBenefitParameters,
    /// Save a named cost-benefit scenario for a region: administrators, and the region's coordinator.
    SaveCostBenefitScenario {
        region_id: Uuid,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 403: the actor may know the record exists but may not do this.
    Forbidden,
    /// 404: the record is outside the actor's scope; its existence is not revealed.
    Hidden,
}

/// Which organisations a list shows the actor. The store turns this into SQL
/// (`all`, or membership of the actor, or the actor's coordinated regions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganisationScope {
    pub all: bool,
    pub by_membership: bool,
    pub by_region: bool,
}

impl OrganisationScope {
    pub fn is_empty(self) -> bool {
        !(self.all || self.by_membership || self.by_region)
    }
}

pub fn organisation_scope(actor: &Actor) -> OrganisationScope {
    match actor.role {
        Role::Administrator => OrganisationScope {
            all: true,
            by_membership: true,
            by_region: true,
        },
        Role::Coordinator => OrganisationScope {
            all: false,
            by_membership: true,
            by_region: true,
        },
        Role::Coach | Role::CareTeam | Role::PeerExpert => OrganisationScope {
            all: false,
            by_membership: true,
            by_region: false,
        },
        // Funders and auditors see aggregates only, never the organisation records behind them;
        // researchers only their studies' pseudonymised exports.
        Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => OrganisationScope {
            all: false,
            by_membership: false,
            by_region: false,
        },
    }
}

fn sees_organisation(actor: &Actor, organisation: &OrganisationRef) -> bool {
    let scope = organisation_scope(actor);
    scope.all
        || (scope.by_membership && actor.organisations.contains(&organisation.id))
        || (scope.by_region && organisation.region_id.is_some_and(|r| actor.regions.contains(&r)))
}

/// Which trajectories (and registrations) a caseload shows the actor. The store turns every flag
/// into SQL in one function (`onramp_store::scope`); `in_caseload_scope` is the same rule in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseloadScope {
    pub all: bool,
    /// Trajectories the actor is the responsible coach of (and people the actor registered).
    pub as_coach: bool,
    /// Trajectories at organisations the actor belongs to.
    pub by_membership: bool,
    pub by_region: bool,
    /// Membership counts only where the participant consented to sharing with that organisation.
    pub needs_share_consent: bool,
}

impl CaseloadScope {
    /// The scope that shows nothing.
    pub const NONE: CaseloadScope = CaseloadScope {
        all: false,
        as_coach: false,
        by_membership: false,
        by_region: false,
        needs_share_consent: false,
    };

    pub fn is_empty(self) -> bool {
        !(self.all || self.as_coach || self.by_membership || self.by_region)
    }
}

pub fn caseload_scope(actor: &Actor) -> CaseloadScope {
    let none = CaseloadScope::NONE;
    match actor.role {
        Role::Administrator => CaseloadScope { all: true, ..none },
        Role::Coordinator => CaseloadScope {
            by_region: true,
            ..none
        },
        Role::Coach => CaseloadScope {
            as_coach: true,
            by_membership: true,
            ..none
        },
        Role::CareTeam => CaseloadScope {
            by_membership: true,
            needs_share_consent: true,
            ..none
        },
        // Peer experts see the sessions they lead (later); funders only aggregates.
        Role::PeerExpert | Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => none,
    }
}

/// Which trajectories' check-ins due after exit the actor lists (`FollowUpCheckIns`): the
/// caseload, except where it rests on the participant's consent to share with a care team. Care
/// teams follow up through the coach.
pub fn check_in_scope(actor: &Actor) -> CaseloadScope {
    match actor.role {
        Role::Administrator | Role::Coordinator | Role::Coach => caseload_scope(actor),
        Role::CareTeam
        | Role::PeerExpert
        | Role::Funder
        | Role::Researcher
        | Role::DataProtectionOfficer
        | Role::Participant => CaseloadScope::NONE,
    }
}

/// Whether a place a participant is followed at falls in `scope` for the actor: the rule the
/// store writes as SQL from the same flags.
pub fn in_caseload_scope(scope: CaseloadScope, actor: &Actor, at: &FollowedAt, shared_with: &[Uuid]) -> bool {
    scope.all
        || (scope.as_coach && at.coach_id == Some(actor.user_id))
        || (scope.by_region && at.region_id.is_some_and(|r| actor.regions.contains(&r)))
        || (scope.by_membership
            && actor.organisations.contains(&at.organisation_id)
            && (!scope.needs_share_consent || shared_with.contains(&at.organisation_id)))
}

/// A participant is in the caseload when one of the places they are followed at is.
fn sees_participant(actor: &Actor, participant: &ParticipantRef) -> bool {
    let scope = caseload_scope(actor);
    participant
        .places()
        .any(|at| in_caseload_scope(scope, actor, &at, &participant.shared_with))
}

fn sees_trajectory(actor: &Actor, trajectory: &TrajectoryRef) -> bool {
    in_caseload_scope(caseload_scope(actor), actor, &trajectory.at, &trajectory.shared_with)
}

/// The roles that read the free-text notes of the files in their caseload (and so consultation
/// decisions).
fn reads_notes(role: Role) -> bool {
    match role {
        Role::Administrator | Role::Coach => true,
        Role::Coordinator
        | Role::CareTeam
        | Role::PeerExpert
        | Role::Funder
        | Role::Researcher
        | Role::DataProtectionOfficer
        | Role::Participant => false,
    }
}

/// The roles that change the files in their caseload, and register and import people.
fn changes_files(role: Role) -> bool {
    match role {
        Role::Administrator | Role::Coach => true,
        Role::Coordinator
        | Role::CareTeam
        | Role::PeerExpert
        | Role::Funder
        | Role::Researcher
        | Role::DataProtectionOfficer
        | Role::Participant => false,
    }
}

fn allow_if(allowed: bool) -> Decision {
    if allowed { Decision::Allow } else { Decision::Forbidden }
}

/// What a person's worklist holds (`onramp_store::worklist`): the work that is theirs to do, within
/// what they may see. A coach's is their own trajectories (not their colleagues' at the same
/// partner) and the sessions they lead; a care team's the people who share their file with it;
/// a peer expert's the sessions they lead; a coordinator's their regions, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorklistScope {
    /// The trajectories whose work is listed.
    pub trajectories: CaseloadScope,
    /// The kinds of work listed, in order.
    pub kinds: &'static [WorkKind],
    /// Sessions the actor leads, as coach or peer expert.
    pub sessions_led: bool,
    /// Sessions of the regions the actor coordinates.
    pub sessions_by_region: bool,
    /// Whether a step shows what it is (its description): not to the care team, who read only the
    /// plan versions shared with them while the steps come from the latest.
    pub step_texts: bool,
    /// Shown as a number per kind on the home page, the list a link away.
    pub counted: bool,
}

impl WorklistScope {
    pub const NONE: WorklistScope = WorklistScope {
        trajectories: CaseloadScope::NONE,
        kinds: &[],
        sessions_led: false,
        sessions_by_region: false,
        step_texts: false,
        counted: false,
    };

    pub fn is_empty(self) -> bool {
        self.kinds.is_empty()
    }

    pub fn has(self, kind: WorkKind) -> bool {
        self.kinds.contains(&kind)
    }
}

pub fn worklist_scope(actor: &Actor) -> WorklistScope {
    use WorkKind::*;
    let none = WorklistScope::NONE;
    match actor.role {
        Role::Coach => WorklistScope {
            trajectories: CaseloadScope {
                as_coach: true,
                ..CaseloadScope::NONE
            },
            kinds: WorkKind::ALL,
            sessions_led: true,
            step_texts: true,
            ..none
        },
        // They read and comment; the steps and the end date are theirs to know about.
        Role::CareTeam => WorklistScope {
            trajectories: caseload_scope(actor),
            kinds: &[Step, Ending],
            ..none
        },
        Role::PeerExpert => WorklistScope {
            kinds: &[Session, Attendance],
            sessions_led: true,
            ..none
        },
        Role::Coordinator => WorklistScope {
            trajectories: caseload_scope(actor),
            kinds: WorkKind::ALL,
            sessions_by_region: true,
            step_texts: true,
            counted: true,
            ..none
        },
        // Administrators manage; funders and researchers see figures only.
        Role::Administrator | Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => none,
    }
}

/// Which group sessions the actor sees; the store turns this into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionScope {
    pub all: bool,
    /// Sessions the actor leads, as coach or peer expert.
    pub led: bool,
    /// Sessions open to participants of every partner (coaches enrol their people there).
    pub open_to_partners: bool,
    pub by_membership: bool,
    pub by_region: bool,
}

/// Administrators see every session, coordinators their region's, coaches their partners', the ones
/// they lead and the open ones; peer experts only the ones they lead.
pub fn session_scope(actor: &Actor) -> SessionScope {
    let none = SessionScope {
        all: false,
        led: false,
        open_to_partners: false,
        by_membership: false,
        by_region: false,
    };
    match actor.role {
        Role::Administrator => SessionScope { all: true, ..none },
        Role::Coordinator => SessionScope {
            led: true,
            by_region: true,
            ..none
        },
        Role::Coach => SessionScope {
            led: true,
            open_to_partners: true,
            by_membership: true,
            ..none
        },
        Role::PeerExpert => SessionScope { led: true, ..none },
        Role::CareTeam | Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => none,
    }
}

fn sees_session(actor: &Actor, session: &SessionRef) -> bool {
    let scope = session_scope(actor);
    scope.all
        || (scope.led && (session.coach_id == Some(actor.user_id) || session.peer_expert_id == Some(actor.user_id)))
        || (scope.open_to_partners && session.open_to_partners)
        || (scope.by_membership && actor.organisations.contains(&session.organisation_id))
        || (scope.by_region && session.region_id.is_some_and(|r| actor.regions.contains(&r)))
}

/// A participant's account reaches its own records through the portal and nothing else: every
/// other action is refused as if the record did not exist.
fn decide_for_participant(actor: &Actor, action: Action<'_>) -> Decision {
    match action {
        Action::UsePortal(portal) if portal.account_user == Some(actor.user_id) => Decision::Allow,
        _ => Decision::Hidden,
    }
}

fn admin_only(actor: &Actor) -> Decision {
    if actor.role == Role::Administrator {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

pub fn decide(actor: &Actor, action: Action<'_>) -> Decision {
    if actor.role == Role::Participant {
        return decide_for_participant(actor, action);
    }
    match action {
        Action::UsePortal(_) => Decision::Hidden,
        Action::InviteToPortal(participant) => decide(actor, Action::EditParticipant(participant)),
        Action::ViewOrganisation(organisation) => {
            if sees_organisation(actor, organisation) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        Action::EditOrganisation(organisation) => {
            if !sees_organisation(actor, organisation) {
                Decision::Hidden
            } else {
                admin_only(actor)
            }
        }
        Action::CreateOrganisation
        | Action::ManageRegions
        | Action::ManageReferenceData
        | Action::ManageUsers
        | Action::ManageProgrammes
        | Action::ManageEsfOperations
        | Action::ManageStudies => admin_only(actor),
        Action::ViewAudit | Action::HandleDataRights | Action::ManageRetention => {
            allow_if(matches!(actor.role, Role::Administrator | Role::DataProtectionOfficer))
        }
        Action::ViewStudies => allow_if(matches!(actor.role, Role::Administrator | Role::Researcher)),
        Action::ViewStudy(study) => match actor.role {
            Role::Administrator => Decision::Allow,
            Role::Researcher if study.researchers.contains(&actor.user_id) => Decision::Allow,
            Role::Researcher => Decision::Hidden,
            _ => Decision::Forbidden,
        },
        Action::ViewCostBenefit(scope) => view_cost_benefit(actor, scope),
        Action::ViewCostBenefitRecords(scope) => match view_cost_benefit(actor, scope) {
            Decision::Allow if sees_exact_figures(actor) => Decision::Allow,
            Decision::Allow => Decision::Forbidden,
            refused => refused,
        },
        Action::SetCostBenefitParameters => allow_if(actor.role == Role::Administrator),
        Action::SaveCostBenefitScenario { region_id } => allow_if(match actor.role {
            Role::Administrator => true,
            Role::Coordinator => actor.regions.contains(&region_id),
            _ => false,
        }),
        Action::ViewEsfIndicators => allow_if(match actor.role {
            Role::Administrator | Role::Coordinator | Role::Funder => true,
            Role::Coach
            | Role::CareTeam
            | Role::PeerExpert
            | Role::Researcher
            | Role::DataProtectionOfficer
            | Role::Participant => false,
        }),
        Action::ManageAgreements(organisation) => {
            let coordinates =
                actor.role == Role::Coordinator && organisation.region_id.is_some_and(|r| actor.regions.contains(&r));
            if !sees_organisation(actor, organisation) {
                Decision::Hidden
            } else if actor.role == Role::Administrator || coordinates {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        Action::ViewSession(session) => {
            if sees_session(actor, session) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        Action::ManageSession(session) => {
            let leads = actor.role == Role::Coach
                && (session.coach_id == Some(actor.user_id) || actor.organisations.contains(&session.organisation_id));
            if !sees_session(actor, session) {
                Decision::Hidden
            } else if actor.role == Role::Administrator || leads {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        Action::ViewEnrolment { session, participant } => {
            let manages = decide(actor, Action::ManageSession(session)) == Decision::Allow;
            if manages || (sees_session(actor, session) && sees_participant(actor, participant)) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        Action::PlanSessions(organisation) => {
            let works_there = actor.role == Role::Coach && actor.organisations.contains(&organisation.id);
            if actor.role == Role::Administrator || works_there {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        Action::ViewDashboard(scope) => view_dashboard(actor, scope),
        Action::ViewMonitoring(scope) => match actor.role {
            Role::Administrator | Role::Coordinator | Role::Funder => view_dashboard(actor, scope),
            Role::Coach
            | Role::CareTeam
            | Role::PeerExpert
            | Role::Researcher
            | Role::DataProtectionOfficer
            | Role::Participant => Decision::Forbidden,
        },
        Action::WriteRecommendations(scope) => match actor.role {
            Role::Administrator | Role::Coordinator => view_dashboard(actor, scope),
            _ => Decision::Forbidden,
        },
        Action::ViewDashboardActivities(scope) => match view_dashboard(actor, scope) {
            Decision::Allow if sees_exact_figures(actor) => Decision::Allow,
            Decision::Allow => Decision::Forbidden,
            refused => refused,
        },
        Action::SubscribeLocation(organisation) => {
            let coordinates =
                actor.role == Role::Coordinator && organisation.region_id.is_some_and(|r| actor.regions.contains(&r));
            let works_there = actor.role == Role::Coach && actor.organisations.contains(&organisation.id);
            if !sees_organisation(actor, organisation) {
                Decision::Hidden
            } else if actor.role == Role::Administrator || coordinates || works_there {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        Action::ViewHours(organisation) => {
            if !sees_organisation(actor, organisation) {
                Decision::Hidden
            } else if actor.role == Role::PeerExpert {
                Decision::Forbidden
            } else {
                Decision::Allow
            }
        }
        Action::RegisterHours(organisation) => {
            if !sees_organisation(actor, organisation) {
                Decision::Hidden
            } else if actor.role == Role::Coach && actor.organisations.contains(&organisation.id) {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        Action::ViewParticipant(participant) => {
            if sees_participant(actor, participant) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        Action::ViewPlan {
            participant,
            organisation_id,
            shared,
        } => {
            let reads = match actor.role {
                Role::Administrator | Role::Coach | Role::Coordinator => true,
                // Consent to share with one partner opens no plan of a trajectory at another.
                Role::CareTeam => {
                    shared
                        && actor.organisations.contains(&organisation_id)
                        && participant.shared_with.contains(&organisation_id)
                }
                Role::PeerExpert
                | Role::Funder
                | Role::Researcher
                | Role::DataProtectionOfficer
                | Role::Participant => false,
            };
            if sees_participant(actor, participant) && reads {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        Action::ViewParticipantNotes(participant) => {
            if !sees_participant(actor, participant) {
                Decision::Hidden
            } else {
                allow_if(reads_notes(actor.role))
            }
        }
        Action::EditParticipant(participant) => {
            if !sees_participant(actor, participant) {
                Decision::Hidden
            } else {
                allow_if(changes_files(actor.role))
            }
        }
        Action::ViewConsultationDecisions(discussed) => allow_if(
            reads_notes(actor.role)
                && discussed
                    .iter()
                    .all(|p| decide(actor, Action::ViewParticipantNotes(p)) == Decision::Allow),
        ),
        Action::ViewTrajectory(trajectory) => {
            if sees_trajectory(actor, trajectory) {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        }
        Action::FollowUpCheckIns(trajectory) => {
            if in_caseload_scope(check_in_scope(actor), actor, &trajectory.at, &trajectory.shared_with) {
                Decision::Allow
            } else if sees_trajectory(actor, trajectory) {
                Decision::Forbidden
            } else {
                Decision::Hidden
            }
        }
        Action::RegisterParticipants => allow_if(match actor.role {
            Role::Administrator | Role::Coach => true,
            Role::Coordinator
            | Role::CareTeam
            | Role::PeerExpert
            | Role::Funder
            | Role::Researcher
            | Role::DataProtectionOfficer
            | Role::Participant => false,
        }),
        Action::ImportParticipants => allow_if(match actor.role {
            Role::Administrator | Role::Coach => true,
            Role::Coordinator
            | Role::CareTeam
            | Role::PeerExpert
            | Role::Funder
            | Role::Researcher
            | Role::DataProtectionOfficer
            | Role::Participant => false,
        }),
        Action::ExportParticipants => allow_if(!caseload_scope(actor).is_empty()),
        Action::PickParticipants => allow_if(changes_files(actor.role)),
        Action::PlanSessionsSomewhere => allow_if(match actor.role {
            Role::Administrator | Role::Coach => true,
            Role::Coordinator
            | Role::CareTeam
            | Role::PeerExpert
            | Role::Funder
            | Role::Researcher
            | Role::DataProtectionOfficer
            | Role::Participant => false,
        }),
        Action::ViewProgrammes => allow_if(match actor.role {
            Role::Administrator | Role::Coordinator | Role::Coach | Role::CareTeam | Role::PeerExpert => true,
            // Funders see aggregates only; researchers their studies' exports only.
            Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => false,
        }),
        Action::CreateParticipant(organisation) => {
            let works_there = actor.role == Role::Coach && actor.organisations.contains(&organisation.id);
            if actor.role == Role::Administrator || works_there {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
        Action::ViewRegions => {
            if matches!(
                actor.role,
                Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant
            ) {
                Decision::Forbidden
            } else {
                Decision::Allow
            }
        }
    }
}

/// The dashboard's scopes. A coordinator's scope must stay within a region they coordinate (a
/// partner or location there, or the region itself, which bounds a coach's figures); a coach's
/// names no other coach; one coach's work is no funder's business, nor a care team's.
fn view_dashboard(actor: &Actor, scope: DashboardScope<'_>) -> Decision {
    let own_partner = |o: &OrganisationRef| actor.organisations.contains(&o.id);
    match actor.role {
        Role::Administrator => Decision::Allow,
        Role::Funder | Role::CareTeam if scope.coach_id.is_some() => Decision::Forbidden,
        Role::Funder => Decision::Allow,
        Role::Coordinator => {
            let in_region = |r: Option<Uuid>| r.is_some_and(|r| actor.regions.contains(&r));
            match (scope.organisation, scope.region_id) {
                (Some(o), _) if in_region(o.region_id) => Decision::Allow,
                (None, Some(r)) if actor.regions.contains(&r) => Decision::Allow,
                (None, None) => Decision::Forbidden,
                _ => Decision::Hidden,
            }
        }
        Role::Coach if scope.coach_id.is_some_and(|c| c != actor.user_id) => Decision::Forbidden,
        Role::Coach | Role::CareTeam => match scope.organisation {
            Some(o) if own_partner(o) => Decision::Allow,
            Some(_) => Decision::Hidden,
            // A coach's own work, wherever it was done (and within a region).
            None if scope.coach_id == Some(actor.user_id) => Decision::Allow,
            None => Decision::Forbidden,
        },
        Role::PeerExpert | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => Decision::Forbidden,
    }
}

/// The dashboard's scopes for the programme's staff and funders; never one coach's work.
fn view_cost_benefit(actor: &Actor, scope: DashboardScope<'_>) -> Decision {
    match actor.role {
        Role::Administrator | Role::Coordinator | Role::Funder if scope.coach_id.is_none() => {
            view_dashboard(actor, scope)
        }
        _ => Decision::Forbidden,
    }
}

/// Whether the actor sees aggregate figures exactly (the programme's staff and those in the care
/// relationship) or with small cells hidden (funders; see `disclosure`).
pub fn sees_exact_figures(actor: &Actor) -> bool {
    match actor.role {
        Role::Administrator | Role::Coordinator | Role::Coach | Role::CareTeam => true,
        Role::PeerExpert | Role::Funder | Role::Researcher | Role::DataProtectionOfficer | Role::Participant => false,
    }
}

/// The parts of the application a role's navigation offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Menu {
    pub caseload: bool,
    pub sessions: bool,
    pub hours: bool,
    pub dashboard: bool,
    pub programmes: bool,
    pub organisations: bool,
    pub regions: bool,
    pub users: bool,
    /// ICF categories and barrier codes, which administrators extend.
    pub reference_data: bool,
    pub audit: bool,
    /// Research studies: administrators manage them, researchers download their own.
    pub studies: bool,
    /// ESF operations and their indicators.
    pub esf: bool,
    /// The programmes' cost-benefit (as `ViewCostBenefit` allows some scope).
    pub cost_benefit: bool,
    /// The monitoring reports.
    pub monitoring: bool,
    /// Data protection: people's rights and retention.
    pub privacy: bool,
}

pub fn menu(actor: &Actor) -> Menu {
    Menu {
        caseload: !caseload_scope(actor).is_empty(),
        sessions: matches!(
            actor.role,
            Role::Administrator | Role::Coordinator | Role::Coach | Role::PeerExpert
        ),
        // As ViewHours: the care team sees its own partner's hours too.
        hours: matches!(
            actor.role,
            Role::Administrator | Role::Coordinator | Role::Coach | Role::CareTeam
        ),
        dashboard: !matches!(
            actor.role,
            Role::PeerExpert | Role::Researcher | Role::DataProtectionOfficer | Role::Participant
        ),
        programmes: decide(actor, Action::ViewProgrammes) == Decision::Allow,
        organisations: !organisation_scope(actor).is_empty(),
        regions: decide(actor, Action::ViewRegions) == Decision::Allow,
        users: decide(actor, Action::ManageUsers) == Decision::Allow,
        reference_data: decide(actor, Action::ManageReferenceData) == Decision::Allow,
        audit: decide(actor, Action::ViewAudit) == Decision::Allow,
        studies: decide(actor, Action::ViewStudies) == Decision::Allow,
        esf: decide(actor, Action::ViewEsfIndicators) == Decision::Allow,
        cost_benefit: matches!(actor.role, Role::Administrator | Role::Coordinator | Role::Funder),
        monitoring: matches!(actor.role, Role::Administrator | Role::Coordinator | Role::Funder),
        privacy: decide(actor, Action::HandleDataRights) == Decision::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn actor(role: Role) -> Actor {
        // Member of organisation 10; coordinates region 1.
        Actor {
            user_id: id(99),
            role,
            organisations: vec![id(10)],
            regions: vec![id(1)],
        }
    }

    const OWN: OrganisationRef = OrganisationRef {
        id: Uuid::from_u128(10),
        region_id: Some(Uuid::from_u128(2)),
    };
    const IN_REGION: OrganisationRef = OrganisationRef {
        id: Uuid::from_u128(11),
        region_id: Some(Uuid::from_u128(1)),
    };
    const ELSEWHERE: OrganisationRef = OrganisationRef {
        id: Uuid::from_u128(12),
        region_id: Some(Uuid::from_u128(3)),
    };

    /// The policy as a table: role, action, expected decision.
    #[test]
    fn policy_table() {
        let table: &[(Role, Action, Decision)] = &[
            (Role::Administrator, Action::ViewOrganisation(&ELSEWHERE), Allow),
            (Role::Administrator, Action::EditOrganisation(&ELSEWHERE), Allow),
            (Role::Administrator, Action::CreateOrganisation, Allow),
            (Role::Administrator, Action::ManageUsers, Allow),
            (Role::Administrator, Action::ManageRegions, Allow),
            (Role::Administrator, Action::ManageReferenceData, Allow),
            (Role::Coordinator, Action::ManageReferenceData, Forbidden),
            (Role::Coach, Action::ManageReferenceData, Forbidden),
            (Role::Administrator, Action::ViewAudit, Allow),
            (Role::Coordinator, Action::ViewOrganisation(&IN_REGION), Allow),
            (Role::Coordinator, Action::ViewOrganisation(&OWN), Allow),
            (Role::Coordinator, Action::ViewOrganisation(&ELSEWHERE), Hidden),
            (Role::Coordinator, Action::EditOrganisation(&IN_REGION), Forbidden),
            (Role::Coordinator, Action::EditOrganisation(&ELSEWHERE), Hidden),
            (Role::Coordinator, Action::CreateOrganisation, Forbidden),
            (Role::Coordinator, Action::ManageUsers, Forbidden),
            (Role::Coordinator, Action::ViewAudit, Forbidden),
            (Role::Coordinator, Action::ViewRegions, Allow),
            (Role::Coach, Action::ViewOrganisation(&OWN), Allow),
            (Role::Coach, Action::ViewOrganisation(&IN_REGION), Hidden),
            (Role::Coach, Action::EditOrganisation(&OWN), Forbidden),
            (Role::Coach, Action::ManageRegions, Forbidden),
            (Role::CareTeam, Action::ViewOrganisation(&OWN), Allow),
            (Role::CareTeam, Action::ViewOrganisation(&ELSEWHERE), Hidden),
            (Role::CareTeam, Action::ViewAudit, Forbidden),
            (Role::PeerExpert, Action::ViewOrganisation(&OWN), Allow),
            (Role::PeerExpert, Action::ManageUsers, Forbidden),
            (Role::Funder, Action::ViewOrganisation(&OWN), Hidden),
            (Role::Funder, Action::ViewRegions, Forbidden),
            (Role::Funder, Action::ViewAudit, Forbidden),
        ];
        for (role, action, expected) in table {
            assert_eq!(decide(&actor(*role), *action), *expected, "{role:?} {action:?}");
        }
    }

    /// The worklist: whose work each role is shown, and whether named or counted.
    #[test]
    fn worklist_policy_table() {
        use WorkKind::*;
        let coach = worklist_scope(&actor(Role::Coach));
        assert!(
            coach.trajectories.as_coach && !coach.trajectories.by_membership,
            "only their own people"
        );
        assert!(coach.sessions_led && coach.step_texts && !coach.counted && coach.has(Comment));
        let care = worklist_scope(&actor(Role::CareTeam));
        assert!(care.trajectories.needs_share_consent && care.has(Step) && !care.has(CheckIn) && !care.step_texts);
        let peer = worklist_scope(&actor(Role::PeerExpert));
        assert!(peer.trajectories.is_empty() && peer.sessions_led && peer.has(Attendance) && !peer.has(Step));
        let coordinator = worklist_scope(&actor(Role::Coordinator));
        assert!(coordinator.counted && coordinator.trajectories.by_region && coordinator.sessions_by_region);
        assert!(!coordinator.sessions_led);
        for role in [
            Role::Administrator,
            Role::Funder,
            Role::Researcher,
            Role::DataProtectionOfficer,
        ] {
            assert!(worklist_scope(&actor(role)).is_empty(), "{role:?}");
        }
    }

    fn followed(organisation: u128, region: u128, coach: Option<u128>) -> FollowedAt {
        FollowedAt {
            organisation_id: id(organisation),
            region_id: Some(id(region)),
            coach_id: coach.map(id),
        }
    }

    /// Reading a plan of the participant's first trajectory.
    fn plan(participant: &ParticipantRef, shared: bool) -> Action<'_> {
        let organisation_id = participant.followed[0].organisation_id;
        Action::ViewPlan {
            participant,
            organisation_id,
            shared,
        }
    }

    /// Participant files: who opens, reads notes of, and changes them.
    #[test]
    fn participant_policy_table() {
        // Followed at the actor's organisation 10 (region 2) by another coach.
        let at_own = ParticipantRef {
            followed: vec![followed(10, 2, Some(50))],
            shared_with: vec![],
            ..Default::default()
        };
        let at_own_shared = ParticipantRef {
            followed: vec![followed(10, 2, Some(50))],
            shared_with: vec![id(10)],
            ..Default::default()
        };
        // Followed elsewhere (organisation 12, region 1 = the coordinator's) by the actor as coach.
        let mine_elsewhere = ParticipantRef {
            followed: vec![followed(12, 1, Some(99))],
            shared_with: vec![],
            ..Default::default()
        };
        let stranger = ParticipantRef {
            followed: vec![followed(13, 3, Some(51))],
            shared_with: vec![id(13)],
            ..Default::default()
        };
        // Followed at organisation 13 and at the care team's own 10, with consent for 10 only: that
        // opens the plans of the trajectory at 10, not those of the one at 13.
        let both_shared_with_one = ParticipantRef {
            followed: vec![followed(13, 3, Some(51)), followed(10, 2, Some(50))],
            shared_with: vec![id(10)],
            ..Default::default()
        };
        let both_shared_with_own = ParticipantRef {
            followed: vec![followed(10, 2, Some(50)), followed(13, 3, Some(51))],
            shared_with: vec![id(10)],
            ..Default::default()
        };
        let table: &[(Role, Action, Decision)] = &[
            (Role::Administrator, Action::ViewParticipant(&stranger), Allow),
            (Role::Administrator, Action::EditParticipant(&stranger), Allow),
            (Role::Coach, Action::ViewParticipant(&at_own), Allow),
            (Role::Coach, Action::ViewParticipant(&mine_elsewhere), Allow),
            (Role::Coach, Action::EditParticipant(&mine_elsewhere), Allow),
            (Role::Coach, Action::ViewParticipantNotes(&at_own), Allow),
            (Role::Coach, Action::ViewParticipant(&stranger), Hidden),
            (Role::CareTeam, Action::ViewParticipant(&at_own), Hidden),
            (Role::CareTeam, Action::ViewParticipant(&at_own_shared), Allow),
            (Role::CareTeam, Action::ViewParticipantNotes(&at_own_shared), Forbidden),
            (Role::CareTeam, Action::EditParticipant(&at_own_shared), Forbidden),
            (Role::CareTeam, Action::ViewParticipant(&stranger), Hidden),
            // Plans: the care team reads a shared version, and only with consent to share with them.
            (Role::CareTeam, plan(&at_own_shared, true), Allow),
            (Role::CareTeam, plan(&at_own_shared, false), Hidden),
            (Role::CareTeam, plan(&at_own, true), Hidden),
            (Role::CareTeam, plan(&both_shared_with_one, true), Hidden),
            (Role::CareTeam, plan(&both_shared_with_own, true), Allow),
            (Role::Coach, plan(&at_own, false), Allow),
            (Role::Coach, plan(&stranger, true), Hidden),
            (Role::Coordinator, plan(&mine_elsewhere, false), Allow),
            (Role::PeerExpert, plan(&at_own_shared, true), Hidden),
            (Role::Funder, plan(&at_own_shared, true), Hidden),
            (Role::Coordinator, Action::ViewParticipant(&mine_elsewhere), Allow),
            (
                Role::Coordinator,
                Action::ViewParticipantNotes(&mine_elsewhere),
                Forbidden,
            ),
            (Role::Coordinator, Action::ViewParticipant(&at_own), Hidden),
            (Role::PeerExpert, Action::ViewParticipant(&at_own_shared), Hidden),
            (Role::Funder, Action::ViewParticipant(&at_own_shared), Hidden),
            (Role::Coach, Action::CreateParticipant(&OWN), Allow),
            (Role::Coach, Action::CreateParticipant(&ELSEWHERE), Forbidden),
            (Role::Coordinator, Action::CreateParticipant(&IN_REGION), Forbidden),
            (Role::Administrator, Action::ManageProgrammes, Allow),
            (Role::Coordinator, Action::ManageAgreements(&IN_REGION), Allow),
            (Role::Coordinator, Action::ManageAgreements(&OWN), Forbidden),
            (Role::Coordinator, Action::ManageAgreements(&ELSEWHERE), Hidden),
            (Role::Coach, Action::ManageAgreements(&OWN), Forbidden),
            (Role::Administrator, Action::ManageAgreements(&ELSEWHERE), Allow),
            (Role::Coach, Action::ManageProgrammes, Forbidden),
            (Role::Coach, Action::ViewHours(&OWN), Allow),
            (Role::Coach, Action::ViewHours(&IN_REGION), Hidden),
            (Role::Coach, Action::RegisterHours(&OWN), Allow),
            (Role::Coordinator, Action::ViewHours(&IN_REGION), Allow),
            (Role::Coordinator, Action::RegisterHours(&IN_REGION), Forbidden),
            (Role::CareTeam, Action::ViewHours(&OWN), Allow),
            (Role::CareTeam, Action::RegisterHours(&OWN), Forbidden),
            (Role::PeerExpert, Action::ViewHours(&OWN), Forbidden),
            (Role::Funder, Action::ViewHours(&OWN), Hidden),
            (Role::Administrator, Action::RegisterHours(&ELSEWHERE), Forbidden),
        ];
        for (role, action, expected) in table {
            assert_eq!(decide(&actor(*role), *action), *expected, "{role:?} {action:?}");
        }
    }

    /// Group sessions: who sees them, who runs them.
    #[test]
    fn session_policy_table() {
        let session =
            |organisation: u128, region: u128, coach: Option<u128>, peer: Option<u128>, open: bool| SessionRef {
                organisation_id: id(organisation),
                region_id: Some(id(region)),
                coach_id: coach.map(id),
                peer_expert_id: peer.map(id),
                open_to_partners: open,
            };
        let at_own = session(10, 2, Some(50), None, false);
        let led_by_actor_elsewhere = session(12, 3, Some(99), None, false);
        let peer_led_elsewhere = session(12, 3, Some(50), Some(99), false);
        let closed_elsewhere = session(12, 3, Some(50), None, false);
        let open_elsewhere = session(12, 3, Some(50), None, true);
        let in_region = session(11, 1, Some(50), None, false);
        let table: &[(Role, Action, Decision)] = &[
            (Role::Administrator, Action::ManageSession(&closed_elsewhere), Allow),
            (Role::Coach, Action::ManageSession(&at_own), Allow),
            (Role::Coach, Action::ManageSession(&led_by_actor_elsewhere), Allow),
            (Role::Coach, Action::ViewSession(&closed_elsewhere), Hidden),
            (Role::Coach, Action::ViewSession(&open_elsewhere), Allow),
            (Role::Coach, Action::ManageSession(&open_elsewhere), Forbidden),
            (Role::PeerExpert, Action::ViewSession(&peer_led_elsewhere), Allow),
            (Role::PeerExpert, Action::ManageSession(&peer_led_elsewhere), Forbidden),
            (Role::PeerExpert, Action::ViewSession(&at_own), Hidden),
            (Role::Coordinator, Action::ViewSession(&in_region), Allow),
            (Role::Coordinator, Action::ManageSession(&in_region), Forbidden),
            (Role::Coordinator, Action::ViewSession(&closed_elsewhere), Hidden),
            (Role::CareTeam, Action::ViewSession(&at_own), Hidden),
            (Role::Funder, Action::ViewSession(&open_elsewhere), Hidden),
            (Role::Coach, Action::PlanSessions(&OWN), Allow),
            (Role::Coach, Action::PlanSessions(&ELSEWHERE), Forbidden),
            (Role::PeerExpert, Action::PlanSessions(&OWN), Forbidden),
            (Role::Coach, Action::SubscribeLocation(&OWN), Allow),
            (Role::Coach, Action::SubscribeLocation(&ELSEWHERE), Hidden),
            (Role::Coordinator, Action::SubscribeLocation(&IN_REGION), Allow),
            (Role::CareTeam, Action::SubscribeLocation(&OWN), Forbidden),
        ];
        for (role, action, expected) in table {
            assert_eq!(decide(&actor(*role), *action), *expected, "{role:?} {action:?}");
        }
    }

    /// The monitoring reports' scopes: the steering's (administrators, coordinators in their
    /// region, funders but not one coach's work); recommendations by administrators and coordinators.
    #[test]
    fn monitoring_scope_policy_table() {
        let everything = DashboardScope::default();
        let coach_in_region = DashboardScope {
            region_id: Some(id(1)),
            coach_id: Some(id(50)),
            ..Default::default()
        };
        let view = Action::ViewMonitoring;
        let write = Action::WriteRecommendations;
        let table: &[(Role, Action, Decision)] = &[
            (Role::Administrator, view(everything), Allow),
            (Role::Administrator, write(everything), Allow),
            (Role::Coordinator, view(DashboardScope::region(id(1))), Allow),
            (Role::Coordinator, write(DashboardScope::region(id(1))), Allow),
            (Role::Coordinator, view(DashboardScope::region(id(3))), Hidden),
            (Role::Coordinator, write(DashboardScope::region(id(3))), Hidden),
            (Role::Coordinator, view(DashboardScope::partner(&IN_REGION)), Allow),
            (Role::Coordinator, view(coach_in_region), Allow),
            (Role::Coordinator, view(everything), Forbidden),
            (Role::Funder, view(everything), Allow),
            (Role::Funder, view(DashboardScope::region(id(3))), Allow),
            (Role::Funder, view(coach_in_region), Forbidden),
            (Role::Funder, write(everything), Forbidden),
            (Role::Coach, view(DashboardScope::partner(&OWN)), Forbidden),
            (
                Role::Coach,
                view(DashboardScope {
                    coach_id: Some(id(99)),
                    ..Default::default()
                }),
                Forbidden,
            ),
            (Role::CareTeam, view(DashboardScope::partner(&OWN)), Forbidden),
            (Role::PeerExpert, view(everything), Forbidden),
            (Role::Researcher, view(everything), Forbidden),
        ];
        for (role, action, expected) in table {
            assert_eq!(decide(&actor(*role), *action), *expected, "{role:?} {action:?}");
        }
        assert!(menu(&actor(Role::Coordinator)).monitoring && menu(&actor(Role::Funder)).monitoring);
        assert!(!menu(&actor(Role::Coach)).monitoring && !menu(&actor(Role::CareTeam)).monitoring);
    }

    /// The dashboard's scopes: a partner, a region, a location of a partner and a coach.
    #[test]
    fn dashboard_scope_policy_table() {
        let everything = DashboardScope::default();
        let dash = |organisation: Option<&'static OrganisationRef>,
                    region: Option<u128>,
                    location: bool,
                    coach: Option<u128>| {
            Action::ViewDashboard(DashboardScope {
                organisation,
                region_id: region.map(id),
                location,
                coach_id: coach.map(id),
            })
        };
        let lists = |organisation: Option<&'static OrganisationRef>, region: Option<u128>, coach: Option<u128>| {
            Action::ViewDashboardActivities(DashboardScope {
                organisation,
                region_id: region.map(id),
                location: false,
                coach_id: coach.map(id),
            })
        };
        // The actor is user 99, at organisation 10 (region 2), coordinating region 1.
        let table: &[(Role, Action, Decision)] = &[
            // As before: partners and regions.
            (Role::Administrator, Action::ViewDashboard(everything), Allow),
            (Role::Funder, Action::ViewDashboard(everything), Allow),
            (
                Role::Coordinator,
                Action::ViewDashboard(DashboardScope::region(id(1))),
                Allow,
            ),
            (
                Role::Coordinator,
                Action::ViewDashboard(DashboardScope::region(id(3))),
                Hidden,
            ),
            (
                Role::Coordinator,
                Action::ViewDashboard(DashboardScope::partner(&IN_REGION)),
                Allow,
            ),
            (Role::Coordinator, Action::ViewDashboard(everything), Forbidden),
            (Role::Coach, Action::ViewDashboard(DashboardScope::partner(&OWN)), Allow),
            (
                Role::Coach,
                Action::ViewDashboard(DashboardScope::partner(&ELSEWHERE)),
                Hidden,
            ),
            (
                Role::Coach,
                Action::ViewDashboard(DashboardScope::region(id(1))),
                Forbidden,
            ),
            (
                Role::PeerExpert,
                Action::ViewDashboard(DashboardScope::partner(&OWN)),
                Forbidden,
            ),
            // Administrators: any coach and any location.
            (Role::Administrator, dash(None, None, false, Some(50)), Allow),
            (Role::Administrator, dash(Some(&ELSEWHERE), None, true, Some(50)), Allow),
            // Coordinators: a coach or a location within a region of theirs, nowhere else.
            (Role::Coordinator, dash(None, Some(1), false, Some(50)), Allow),
            (Role::Coordinator, dash(Some(&IN_REGION), None, true, None), Allow),
            (Role::Coordinator, dash(Some(&IN_REGION), None, true, Some(50)), Allow),
            (Role::Coordinator, dash(None, None, false, Some(50)), Forbidden),
            (Role::Coordinator, dash(None, Some(3), false, Some(50)), Hidden),
            (Role::Coordinator, dash(Some(&ELSEWHERE), None, true, None), Hidden),
            (
                Role::Coordinator,
                dash(Some(&ELSEWHERE), Some(1), false, Some(50)),
                Hidden,
            ),
            // Coaches: themselves only, anywhere or at a partner of theirs; their partners' locations.
            (Role::Coach, dash(None, None, false, Some(99)), Allow),
            (Role::Coach, dash(None, Some(3), false, Some(99)), Allow),
            (Role::Coach, dash(Some(&OWN), None, true, Some(99)), Allow),
            (Role::Coach, dash(Some(&OWN), None, true, None), Allow),
            (Role::Coach, dash(None, None, false, Some(50)), Forbidden),
            (Role::Coach, dash(Some(&OWN), None, false, Some(50)), Forbidden),
            (Role::Coach, dash(Some(&ELSEWHERE), None, true, None), Hidden),
            (Role::Coach, dash(Some(&ELSEWHERE), None, false, Some(99)), Hidden),
            // Care teams: their partner and its locations, never a coach.
            (Role::CareTeam, dash(Some(&OWN), None, true, None), Allow),
            (Role::CareTeam, dash(Some(&OWN), None, false, Some(50)), Forbidden),
            (Role::CareTeam, dash(None, None, false, Some(99)), Forbidden),
            // Funders: as before (small cells hidden), locations too, never one coach's work.
            (Role::Funder, dash(Some(&ELSEWHERE), None, true, None), Allow),
            (Role::Funder, dash(None, Some(3), false, None), Allow),
            (Role::Funder, dash(None, None, false, Some(50)), Forbidden),
            (Role::Funder, dash(None, Some(3), false, Some(50)), Forbidden),
            (Role::PeerExpert, dash(None, None, false, Some(99)), Forbidden),
            // The lists behind the figures of activity: as the dashboard, but never for funders.
            (Role::Coordinator, lists(None, Some(1), Some(50)), Allow),
            (Role::Coordinator, lists(None, Some(3), None), Hidden),
            (Role::Coach, lists(None, None, Some(99)), Allow),
            (Role::Coach, lists(None, None, Some(50)), Forbidden),
            (Role::CareTeam, lists(Some(&OWN), None, None), Allow),
            (Role::Administrator, lists(None, None, None), Allow),
            (Role::Funder, lists(None, None, None), Forbidden),
            (Role::Funder, lists(Some(&ELSEWHERE), None, None), Forbidden),
            (Role::PeerExpert, lists(Some(&OWN), None, None), Forbidden),
        ];
        for (role, action, expected) in table {
            assert_eq!(decide(&actor(*role), *action), *expected, "{role:?} {action:?}");
        }
    }

    /// An open series hosted at organisation 10 takes a participant followed at 13 by coach 51,
    /// who shares the file with nobody: the host's coaches take everyone's attendance, so they see
    /// the name (not the file); the person's own coach sees them through the file; nobody else.
    #[test]
    fn the_host_sees_whom_it_takes_attendance_of_and_no_more() {
        let hosted = SessionRef {
            organisation_id: id(10),
            region_id: Some(id(2)),
            coach_id: Some(id(50)),
            peer_expert_id: Some(id(99)),
            open_to_partners: true,
        };
        let guest = ParticipantRef {
            followed: vec![followed(13, 3, Some(51))],
            ..Default::default()
        };
        let enrolment = |session| Action::ViewEnrolment {
            session,
            participant: &guest,
        };
        let host = actor(Role::Coach);
        assert_eq!(decide(&host, enrolment(&hosted)), Allow, "the host's coach");
        assert_eq!(
            decide(&host, Action::ViewParticipant(&guest)),
            Hidden,
            "but not the file"
        );
        assert_eq!(decide(&host, Action::ManageSession(&hosted)), Allow);
        // The guest's own coach: not a member of the host, follows the person.
        let own = Actor {
            user_id: id(51),
            organisations: vec![id(13)],
            ..actor(Role::Coach)
        };
        assert_eq!(decide(&own, enrolment(&hosted)), Allow, "through the file");
        assert_eq!(
            decide(&own, Action::ManageSession(&hosted)),
            Forbidden,
            "the host takes attendance"
        );
        // A coach of a third partner sees the open series, not who is in it.
        let third = Actor {
            user_id: id(52),
            organisations: vec![id(14)],
            ..actor(Role::Coach)
        };
        assert_eq!(decide(&third, Action::ViewSession(&hosted)), Allow);
        assert_eq!(decide(&third, enrolment(&hosted)), Hidden);
        // The peer expert leading it sees the session, no names; nor does the care team.
        assert_eq!(decide(&actor(Role::PeerExpert), enrolment(&hosted)), Hidden);
        assert_eq!(decide(&actor(Role::CareTeam), enrolment(&hosted)), Hidden);
        assert_eq!(decide(&actor(Role::Administrator), enrolment(&hosted)), Allow);
        // A closed series elsewhere: the person's coach does not see the session at all.
        let closed_elsewhere = SessionRef {
            organisation_id: id(12),
            open_to_partners: false,
            peer_expert_id: None,
            ..hosted
        };
        assert_eq!(decide(&own, enrolment(&closed_elsewhere)), Hidden);
    }

    /// Exact aggregate figures for the programme's staff and the care relationship; small cells
    /// hidden for everyone else.
    #[test]
    fn only_staff_and_the_care_relationship_see_exact_figures() {
        let exact: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|role| sees_exact_figures(&actor(*role)))
            .collect();
        assert_eq!(
            exact,
            [Role::Administrator, Role::Coordinator, Role::Coach, Role::CareTeam]
        );
    }

    #[test]
    fn menus_follow_the_policy() {
        let admin = menu(&actor(Role::Administrator));
        assert!(admin.users && admin.audit && admin.organisations && admin.regions && admin.reference_data);
        let coach = menu(&actor(Role::Coach));
        assert!(coach.organisations && !coach.users && !coach.audit && !coach.reference_data);
        let funder = menu(&actor(Role::Funder));
        assert!(!funder.organisations && !funder.users && !funder.regions && !funder.studies && funder.esf);
        assert!(admin.esf && !coach.esf);
        assert!(admin.cost_benefit && funder.cost_benefit && !coach.cost_benefit);
        // A researcher's menu holds their studies and nothing of the programme's work.
        let researcher = menu(&actor(Role::Researcher));
        assert_eq!(
            researcher,
            Menu {
                caseload: false,
                sessions: false,
                hours: false,
                dashboard: false,
                programmes: false,
                organisations: false,
                regions: false,
                users: false,
                reference_data: false,
                audit: false,
                studies: true,
                esf: false,
                cost_benefit: false,
                monitoring: false,
                privacy: false,
            }
        );
        // A data protection officer's: the audit log and people's rights, no file, no figure.
        let officer = menu(&actor(Role::DataProtectionOfficer));
        assert!(officer.audit && officer.privacy);
        assert!(!officer.caseload && !officer.dashboard && !officer.organisations && !officer.esf);
        assert!(admin.privacy && !coach.privacy && !funder.privacy && !researcher.privacy);
    }

    /// A researcher downloads the studies they are on; of another study they learn nothing.
    #[test]
    fn researchers_see_their_own_studies_only() {
        let researcher = actor(Role::Researcher);
        let theirs = StudyRef {
            researchers: vec![id(5), researcher.user_id],
        };
        let another = StudyRef {
            researchers: vec![id(5)],
        };
        assert_eq!(decide(&researcher, Action::ViewStudy(&theirs)), Allow);
        assert_eq!(decide(&researcher, Action::ViewStudy(&another)), Hidden);
        assert_eq!(decide(&researcher, Action::ManageStudies), Forbidden);
        assert_eq!(decide(&actor(Role::Administrator), Action::ViewStudy(&another)), Allow);
        assert_eq!(decide(&actor(Role::Coach), Action::ViewStudy(&theirs)), Forbidden);
    }

    // The kinds of action, one per variant of `Action`: `kind` maps an action to its kind without a
    // wildcard, so a new action does not compile until it has a kind here; then `every_action` and
    // `expected` (matches over `Kind`, without a wildcard either) need their arm, and the table test
    // runs it for every role.
    macro_rules! kinds {
        ($($kind:ident),+ $(,)?) => {
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            enum Kind { $($kind),+ }
            const KINDS: &[Kind] = &[$(Kind::$kind),+];
        };
    }

    kinds!(
        UsePortal,
        InviteToPortal,
        ViewParticipant,
        ViewParticipantNotes,
        EditParticipant,
        ViewPlan,
        CreateParticipant,
        RegisterParticipants,
        ImportParticipants,
        ExportParticipants,
        PickParticipants,
        ViewTrajectory,
        FollowUpCheckIns,
        ViewConsultationDecisions,
        ViewProgrammes,
        ManageProgrammes,
        ViewSession,
        ManageSession,
        ViewEnrolment,
        ViewDashboard,
        ViewDashboardActivities,
        ViewMonitoring,
        WriteRecommendations,
        PlanSessions,
        PlanSessionsSomewhere,
        SubscribeLocation,
        ManageAgreements,
        ViewOrganisation,
        ViewHours,
        RegisterHours,
        EditOrganisation,
        CreateOrganisation,
        ViewRegions,
        ManageRegions,
        ManageUsers,
        ManageReferenceData,
        ViewAudit,
        HandleDataRights,
        ManageRetention,
        ManageStudies,
        ViewStudies,
        ViewStudy,
        ManageEsfOperations,
        ViewEsfIndicators,
        ViewCostBenefit,
        ViewCostBenefitRecords,
        SetCostBenefitParameters,
        SaveCostBenefitScenario,
    );

    fn kind(action: &Action) -> Kind {
        match action {
            Action::UsePortal(_) => Kind::UsePortal,
            Action::InviteToPortal(_) => Kind::InviteToPortal,
            Action::ViewParticipant(_) => Kind::ViewParticipant,
            Action::ViewParticipantNotes(_) => Kind::ViewParticipantNotes,
            Action::EditParticipant(_) => Kind::EditParticipant,
            Action::ViewPlan { .. } => Kind::ViewPlan,
            Action::CreateParticipant(_) => Kind::CreateParticipant,
            Action::RegisterParticipants => Kind::RegisterParticipants,
            Action::ImportParticipants => Kind::ImportParticipants,
            Action::ExportParticipants => Kind::ExportParticipants,
            Action::PickParticipants => Kind::PickParticipants,
            Action::ViewTrajectory(_) => Kind::ViewTrajectory,
            Action::FollowUpCheckIns(_) => Kind::FollowUpCheckIns,
            Action::ViewConsultationDecisions(_) => Kind::ViewConsultationDecisions,
            Action::ViewProgrammes => Kind::ViewProgrammes,
            Action::ManageProgrammes => Kind::ManageProgrammes,
            Action::ViewSession(_) => Kind::ViewSession,
            Action::ManageSession(_) => Kind::ManageSession,
            Action::ViewEnrolment { .. } => Kind::ViewEnrolment,
            Action::ViewDashboard(..) => Kind::ViewDashboard,
            Action::ViewDashboardActivities(..) => Kind::ViewDashboardActivities,
            Action::ViewMonitoring(..) => Kind::ViewMonitoring,
            Action::WriteRecommendations(..) => Kind::WriteRecommendations,
            Action::PlanSessions(_) => Kind::PlanSessions,
            Action::PlanSessionsSomewhere => Kind::PlanSessionsSomewhere,
            Action::SubscribeLocation(_) => Kind::SubscribeLocation,
            Action::ManageAgreements(_) => Kind::ManageAgreements,
            Action::ViewOrganisation(_) => Kind::ViewOrganisation,
            Action::ViewHours(_) => Kind::ViewHours,
            Action::RegisterHours(_) => Kind::RegisterHours,
            Action::EditOrganisation(_) => Kind::EditOrganisation,
            Action::CreateOrganisation => Kind::CreateOrganisation,
            Action::ViewRegions => Kind::ViewRegions,
            Action::ManageRegions => Kind::ManageRegions,
            Action::ManageUsers => Kind::ManageUsers,
            Action::ManageReferenceData => Kind::ManageReferenceData,
            Action::ViewAudit => Kind::ViewAudit,
            Action::HandleDataRights => Kind::HandleDataRights,
            Action::ManageRetention => Kind::ManageRetention,
            Action::ManageStudies => Kind::ManageStudies,
            Action::ViewStudies => Kind::ViewStudies,
            Action::ViewStudy(_) => Kind::ViewStudy,
            Action::ManageEsfOperations => Kind::ManageEsfOperations,
            Action::ViewEsfIndicators => Kind::ViewEsfIndicators,
            Action::ViewCostBenefit(..) => Kind::ViewCostBenefit,
            Action::ViewCostBenefitRecords(..) => Kind::ViewCostBenefitRecords,
            Action::SetCostBenefitParameters => Kind::SetCostBenefitParameters,
            Action::SaveCostBenefitScenario { .. } => Kind::SaveCostBenefitScenario,
        }
    }

    /// The fixed world of the exhaustive table, around the actor of `actor` (user 99, member of
    /// organisation 10, coordinator of region 1): everything is at organisation 10 in region 1,
    /// followed or led by coach 50, and the participant shares the file with organisation 10.
    struct World {
        organisation: OrganisationRef,
        participant: ParticipantRef,
        discussed: Vec<ParticipantRef>,
        trajectory: TrajectoryRef,
        session: SessionRef,
        /// A study the actor is a researcher of.
        study: StudyRef,
        /// The participant's portal account: the actor's own (for the participant's role).
        portal: PortalRef,
    }

    fn world() -> World {
        let organisation = OrganisationRef {
            id: id(10),
            region_id: Some(id(1)),
        };
        let at = followed(10, 1, Some(50));
        let participant = ParticipantRef {
            registered_at: Some(organisation.clone()),
            registered_by: Some(id(50)),
            followed: vec![at],
            shared_with: vec![id(10)],
        };
        World {
            organisation,
            discussed: vec![participant.clone()],
            participant,
            trajectory: TrajectoryRef {
                at,
                shared_with: vec![id(10)],
            },
            session: SessionRef {
                organisation_id: id(10),
                region_id: Some(id(1)),
                coach_id: Some(id(50)),
                peer_expert_id: None,
                open_to_partners: false,
            },
            study: StudyRef {
                researchers: vec![id(99)],
            },
            portal: PortalRef {
                account_user: Some(id(99)),
            },
        }
    }

    /// Each kind of action against the world.
    fn every_action(kind: Kind, w: &World) -> Action<'_> {
        match kind {
            Kind::UsePortal => Action::UsePortal(&w.portal),
            Kind::InviteToPortal => Action::InviteToPortal(&w.participant),
            Kind::ViewParticipant => Action::ViewParticipant(&w.participant),
            Kind::ViewParticipantNotes => Action::ViewParticipantNotes(&w.participant),
            Kind::EditParticipant => Action::EditParticipant(&w.participant),
            Kind::ViewPlan => Action::ViewPlan {
                participant: &w.participant,
                organisation_id: w.organisation.id,
                shared: true,
            },
            Kind::CreateParticipant => Action::CreateParticipant(&w.organisation),
            Kind::RegisterParticipants => Action::RegisterParticipants,
            Kind::ImportParticipants => Action::ImportParticipants,
            Kind::ExportParticipants => Action::ExportParticipants,
            Kind::PickParticipants => Action::PickParticipants,
            Kind::ViewTrajectory => Action::ViewTrajectory(&w.trajectory),
            Kind::FollowUpCheckIns => Action::FollowUpCheckIns(&w.trajectory),
            Kind::ViewConsultationDecisions => Action::ViewConsultationDecisions(&w.discussed),
            Kind::ViewProgrammes => Action::ViewProgrammes,
            Kind::ManageProgrammes => Action::ManageProgrammes,
            Kind::ViewSession => Action::ViewSession(&w.session),
            Kind::ManageSession => Action::ManageSession(&w.session),
            Kind::ViewEnrolment => Action::ViewEnrolment {
                session: &w.session,
                participant: &w.participant,
            },
            Kind::ViewDashboard => Action::ViewDashboard(DashboardScope::partner(&w.organisation)),
            Kind::ViewDashboardActivities => Action::ViewDashboardActivities(DashboardScope::partner(&w.organisation)),
            Kind::ViewMonitoring => Action::ViewMonitoring(DashboardScope::partner(&w.organisation)),
            Kind::WriteRecommendations => Action::WriteRecommendations(DashboardScope::partner(&w.organisation)),
            Kind::PlanSessions => Action::PlanSessions(&w.organisation),
            Kind::PlanSessionsSomewhere => Action::PlanSessionsSomewhere,
            Kind::SubscribeLocation => Action::SubscribeLocation(&w.organisation),
            Kind::ManageAgreements => Action::ManageAgreements(&w.organisation),
            Kind::ViewOrganisation => Action::ViewOrganisation(&w.organisation),
            Kind::ViewHours => Action::ViewHours(&w.organisation),
            Kind::RegisterHours => Action::RegisterHours(&w.organisation),
            Kind::EditOrganisation => Action::EditOrganisation(&w.organisation),
            Kind::CreateOrganisation => Action::CreateOrganisation,
            Kind::ViewRegions => Action::ViewRegions,
            Kind::ManageRegions => Action::ManageRegions,
            Kind::ManageUsers => Action::ManageUsers,
            Kind::ManageReferenceData => Action::ManageReferenceData,
            Kind::ViewAudit => Action::ViewAudit,
            Kind::HandleDataRights => Action::HandleDataRights,
            Kind::ManageRetention => Action::ManageRetention,
            Kind::ManageStudies => Action::ManageStudies,
            Kind::ViewStudies => Action::ViewStudies,
            Kind::ViewStudy => Action::ViewStudy(&w.study),
            Kind::ManageEsfOperations => Action::ManageEsfOperations,
            Kind::ViewEsfIndicators => Action::ViewEsfIndicators,
            Kind::ViewCostBenefit => Action::ViewCostBenefit(DashboardScope::partner(&w.organisation)),
            Kind::ViewCostBenefitRecords => Action::ViewCostBenefitRecords(DashboardScope::partner(&w.organisation)),
            Kind::SetCostBenefitParameters => Action::SetCostBenefitParameters,
            Kind::SaveCostBenefitScenario => Action::SaveCostBenefitScenario { region_id: id(1) },
        }
    }

    /// One decision per role, in the order of `Role::ALL`: a new role makes every row too short.
    type Row = [Decision; Role::ALL.len()];

    /// The expected decisions in the world, for: administrator, coordinator, coach, care team,
    /// peer expert, funder, researcher, data protection officer.
    fn expected(kind: Kind) -> Row {
        match kind {
            Kind::UsePortal => [Hidden, Hidden, Hidden, Hidden, Hidden, Hidden, Hidden, Hidden, Allow],
            Kind::InviteToPortal => [
                Allow, Forbidden, Allow, Forbidden, Hidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::ViewParticipant => [Allow, Allow, Allow, Allow, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::ViewParticipantNotes => [
                Allow, Forbidden, Allow, Forbidden, Hidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::EditParticipant => [
                Allow, Forbidden, Allow, Forbidden, Hidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::ViewPlan => [Allow, Allow, Allow, Allow, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::CreateParticipant => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::RegisterParticipants => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ImportParticipants => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ExportParticipants => [
                Allow, Allow, Allow, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::PickParticipants => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewTrajectory => [Allow, Allow, Allow, Allow, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::FollowUpCheckIns => [Allow, Allow, Allow, Forbidden, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::ViewConsultationDecisions => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewProgrammes => [
                Allow, Allow, Allow, Allow, Allow, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ManageProgrammes => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewSession => [Allow, Allow, Allow, Hidden, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::ManageSession => [Allow, Forbidden, Allow, Hidden, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::ViewEnrolment => [Allow, Allow, Allow, Hidden, Hidden, Hidden, Hidden, Hidden, Hidden],
            Kind::ViewDashboard => [
                Allow, Allow, Allow, Allow, Forbidden, Allow, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewDashboardActivities => [
                Allow, Allow, Allow, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewMonitoring => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Allow, Forbidden, Forbidden, Hidden,
            ],
            Kind::WriteRecommendations => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::PlanSessions => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::PlanSessionsSomewhere => [
                Allow, Forbidden, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::SubscribeLocation => [
                Allow, Allow, Allow, Forbidden, Forbidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::ManageAgreements => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::ViewOrganisation => [Allow, Allow, Allow, Allow, Allow, Hidden, Hidden, Hidden, Hidden],
            Kind::ViewHours => [Allow, Allow, Allow, Allow, Forbidden, Hidden, Hidden, Hidden, Hidden],
            Kind::RegisterHours => [
                Forbidden, Forbidden, Allow, Forbidden, Forbidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::EditOrganisation => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Hidden, Hidden, Hidden, Hidden,
            ],
            Kind::CreateOrganisation => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewRegions => [
                Allow, Allow, Allow, Allow, Allow, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ManageRegions => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ManageUsers => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ManageReferenceData => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewAudit => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Allow, Hidden,
            ],
            Kind::HandleDataRights => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Allow, Hidden,
            ],
            Kind::ManageRetention => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Allow, Hidden,
            ],
            Kind::ManageStudies => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewStudies => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Allow, Forbidden, Hidden,
            ],
            Kind::ViewStudy => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Allow, Forbidden, Hidden,
            ],
            Kind::ManageEsfOperations => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewEsfIndicators => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Allow, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewCostBenefit => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Allow, Forbidden, Forbidden, Hidden,
            ],
            Kind::ViewCostBenefitRecords => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::SetCostBenefitParameters => [
                Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
            Kind::SaveCostBenefitScenario => [
                Allow, Allow, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Hidden,
            ],
        }
    }

    /// Every action for every role, in one world.
    #[test]
    fn every_action_for_every_role() {
        let w = world();
        assert_eq!(
            Role::ALL,
            [
                Role::Administrator,
                Role::Coordinator,
                Role::Coach,
                Role::CareTeam,
                Role::PeerExpert,
                Role::Funder,
                Role::Researcher,
                Role::DataProtectionOfficer,
                Role::Participant
            ],
            "the columns of `expected`"
        );
        let mut failures = Vec::new();
        for &k in KINDS {
            let action = every_action(k, &w);
            assert_eq!(kind(&action), k, "every_action builds a {k:?}");
            for (role, expected) in Role::ALL.iter().zip(expected(k)) {
                let decided = decide(&actor(*role), action);
                if decided != expected {
                    failures.push(format!("{role:?} {k:?}: {decided:?}, expected {expected:?}"));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    /// A participant's account reaches only the portal of the person it is, never another's, nor
    /// a portal that has no account; staff never use a portal, not even an administrator.
    #[test]
    fn a_portal_is_its_own_participants_alone() {
        let participant = Actor {
            user_id: id(70),
            role: Role::Participant,
            organisations: vec![],
            regions: vec![],
        };
        let own = PortalRef {
            account_user: Some(id(70)),
        };
        let other = PortalRef {
            account_user: Some(id(71)),
        };
        assert_eq!(decide(&participant, Action::UsePortal(&own)), Allow);
        assert_eq!(decide(&participant, Action::UsePortal(&other)), Hidden);
        assert_eq!(decide(&participant, Action::UsePortal(&PortalRef::default())), Hidden);
        let admin = Actor {
            user_id: id(70),
            ..actor(Role::Administrator)
        };
        assert_eq!(decide(&admin, Action::UsePortal(&own)), Hidden);
    }

    /// "Whoever registered a person follows them" is the policy's: the partner that registered
    /// them counts as a place they are followed at, with the registering account as its coach.
    #[test]
    fn the_registration_is_a_place_the_person_is_followed_at() {
        let registered = |at: OrganisationRef, by: u128, shared: &[u128]| ParticipantRef {
            registered_at: Some(at),
            registered_by: Some(id(by)),
            followed: vec![],
            shared_with: shared.iter().copied().map(id).collect(),
        };
        let table: &[(Role, ParticipantRef, Decision)] = &[
            // Registered elsewhere by the actor: theirs as a coach.
            (Role::Coach, registered(ELSEWHERE, 99, &[]), Allow),
            (Role::Coach, registered(ELSEWHERE, 50, &[]), Hidden),
            // At the actor's partner, by someone else.
            (Role::Coach, registered(OWN, 50, &[]), Allow),
            (Role::CareTeam, registered(OWN, 50, &[]), Hidden),
            (Role::CareTeam, registered(OWN, 50, &[10]), Allow),
            // Registering someone makes no coordinator or care team their coach.
            (Role::CareTeam, registered(ELSEWHERE, 99, &[]), Hidden),
            (Role::Coordinator, registered(ELSEWHERE, 99, &[]), Hidden),
            (Role::Coordinator, registered(IN_REGION, 50, &[]), Allow),
            (Role::Administrator, registered(ELSEWHERE, 50, &[]), Allow),
            (Role::Funder, registered(OWN, 99, &[10]), Hidden),
        ];
        for (role, participant, expected) in table {
            assert_eq!(
                decide(&actor(*role), Action::ViewParticipant(participant)),
                *expected,
                "{role:?} {participant:?}"
            );
        }
        // The store only loads the facts: without a registration there is no such place.
        let unregistered = ParticipantRef::default();
        assert_eq!(unregistered.places().count(), 0);
        assert_eq!(
            decide(&actor(Role::Coach), Action::ViewParticipant(&unregistered)),
            Hidden
        );
    }

    /// The lists of people decide per trajectory: another trajectory of the same person in the
    /// actor's scope does not bring this one; check-ins leave the care team's part out.
    #[test]
    fn lists_decide_per_trajectory() {
        let trajectory = |organisation: u128, region: u128, coach: u128, shared: &[u128]| TrajectoryRef {
            at: followed(organisation, region, Some(coach)),
            shared_with: shared.iter().copied().map(id).collect(),
        };
        let table: &[(Role, TrajectoryRef, Decision, Decision)] = &[
            // (role, trajectory, ViewTrajectory, FollowUpCheckIns)
            (Role::Coach, trajectory(12, 3, 99, &[]), Allow, Allow),
            (Role::Coach, trajectory(10, 2, 50, &[]), Allow, Allow),
            (Role::Coach, trajectory(12, 3, 50, &[12]), Hidden, Hidden),
            (Role::CareTeam, trajectory(10, 2, 50, &[10]), Allow, Forbidden),
            (Role::CareTeam, trajectory(10, 2, 50, &[12]), Hidden, Hidden),
            (Role::Coordinator, trajectory(12, 1, 50, &[]), Allow, Allow),
            (Role::Coordinator, trajectory(10, 2, 99, &[]), Hidden, Hidden),
            (Role::Administrator, trajectory(12, 3, 50, &[]), Allow, Allow),
            (Role::PeerExpert, trajectory(10, 1, 99, &[10]), Hidden, Hidden),
            (Role::Funder, trajectory(10, 1, 99, &[10]), Hidden, Hidden),
        ];
        for (role, t, view, follow_up) in table {
            let a = actor(*role);
            assert_eq!(decide(&a, Action::ViewTrajectory(t)), *view, "{role:?} {t:?}");
            assert_eq!(decide(&a, Action::FollowUpCheckIns(t)), *follow_up, "{role:?} {t:?}");
            // The list rule and the file rule agree: a trajectory in a list opens its person's file.
            let person = ParticipantRef {
                followed: vec![t.at],
                shared_with: t.shared_with.clone(),
                ..Default::default()
            };
            let file = decide(&a, Action::ViewParticipant(&person));
            assert_eq!(file == Allow, *view == Allow, "{role:?} {t:?}");
        }
    }

    /// A consultation's decisions: those who read the notes of every participant discussed.
    #[test]
    fn consultation_decisions_follow_the_notes_of_everyone_discussed() {
        let at = |organisation: u128, region: u128, coach: u128| ParticipantRef {
            followed: vec![followed(organisation, region, Some(coach))],
            ..Default::default()
        };
        let own = at(10, 2, 50);
        let mine_elsewhere = at(12, 3, 99);
        let stranger = at(13, 3, 51);
        let decisions = |role: Role, discussed: &[ParticipantRef]| {
            decide(&actor(role), Action::ViewConsultationDecisions(discussed))
        };
        assert_eq!(decisions(Role::Coach, &[own.clone(), mine_elsewhere.clone()]), Allow);
        assert_eq!(decisions(Role::Coach, &[own.clone(), stranger.clone()]), Forbidden);
        assert_eq!(decisions(Role::Coach, &[]), Allow, "no one discussed: the role's part");
        assert_eq!(decisions(Role::CareTeam, &[]), Forbidden);
        assert_eq!(
            decisions(Role::Coordinator, std::slice::from_ref(&mine_elsewhere)),
            Forbidden
        );
        assert_eq!(decisions(Role::Administrator, std::slice::from_ref(&stranger)), Allow);
        for discussed in [vec![own.clone()], vec![own, stranger]] {
            for role in Role::ALL {
                let each = discussed
                    .iter()
                    .all(|p| decide(&actor(*role), Action::ViewParticipantNotes(p)) == Allow);
                assert_eq!(decisions(*role, &discussed) == Allow, each, "{role:?}");
            }
        }
    }

    /// The check-ins' scope is part of the caseload's.
    #[test]
    fn check_ins_are_listed_within_the_caseload() {
        for role in Role::ALL {
            let (caseload, check_ins) = (caseload_scope(&actor(*role)), check_in_scope(&actor(*role)));
            assert!(!check_ins.all || caseload.all, "{role:?}");
            assert!(!check_ins.as_coach || caseload.as_coach, "{role:?}");
            assert!(!check_ins.by_region || caseload.by_region, "{role:?}");
            assert!(
                !check_ins.by_membership || (caseload.by_membership && !check_ins.needs_share_consent),
                "{role:?}"
            );
        }
    }
}
