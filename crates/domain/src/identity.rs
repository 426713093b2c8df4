//! Who uses onramp: accounts, roles, interface languages, credentials.

use serde::Serialize;

/// An e-mail address used as a sign-in name; stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err("required");
        }
        if value.len() > 254 {
            return Err("too-long");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err("invalid-email");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains('@') || local.chars().any(char::is_whitespace) || !domain_ok {
            return Err("invalid-email");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password as chosen by a person. Length is what matters (NIST SP 800-63B):
/// at least 12 characters, at most 256 so hashing stays bounded.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let chars = input.chars().count();
        if chars == 0 {
            Err("required")
        } else if chars < Self::MIN_CHARS {
            Err("password-too-short")
        } else if chars > 256 {
            Err("too-long")
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The values as the API and the exchange format write them.
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(input: &str) -> Result<Self, &'static str> {
                match input.trim() {
                    $($text => Ok($name::$variant),)+
                    "" => Err("required"),
                    // The values go with the code, for the client to choose from.
                    _ => Err(concat!("invalid-choice:", $($text, " "),+)),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// What a user does in the programme; the policy decides what each role may see and change.
    Role {
        Administrator = "administrator",
        Coordinator = "coordinator",
        Coach = "coach",
        CareTeam = "care_team",
        PeerExpert = "peer_expert",
        Funder = "funder",
        /// A researcher of a study: downloads the pseudonymised exports of their studies, nothing else.
        Researcher = "researcher",
        /// The programme's data protection officer: answers people's data-protection rights (who
        /// consulted their file, the access export, anonymisation and erasure, retention and legal
        /// holds) and reads the audit log; opens no file in daily work (docs/privacy.md).
        DataProtectionOfficer = "data_protection_officer",
        /// A participant's own portal account (docs/portal.md): linked to exactly one participant,
        /// it sees that person's own records through the portal and nothing else.
        Participant = "participant",
    }
}

impl Role {
    /// The roles of the programme's staff: what an administrator gives an account. A portal
    /// account is opened by its participant from an invitation, never made by hand.
    pub const STAFF: [Role; 8] = [
        Role::Administrator,
        Role::Coordinator,
        Role::Coach,
        Role::CareTeam,
        Role::PeerExpert,
        Role::Funder,
        Role::Researcher,
        Role::DataProtectionOfficer,
    ];
    pub const STAFF_VALUES: [&'static str; 8] = [
        "administrator",
        "coordinator",
        "coach",
        "care_team",
        "peer_expert",
        "funder",
        "researcher",
        "data_protection_officer",
    ];

    pub fn is_staff(self) -> bool {
        self != Role::Participant
    }

    /// Whether `--require-two-factor` asks this role for a second factor: every staff role that
    /// reads data about participants, pseudonymised study data included. Funders see aggregate
    /// figures only, with small cells hidden, and participants choose for themselves
    /// (docs/security.md).
    pub fn needs_second_factor(self) -> bool {
        match self {
            Role::Administrator
            | Role::Coordinator
            | Role::Coach
            | Role::CareTeam
            | Role::PeerExpert
            | Role::Researcher
            | Role::DataProtectionOfficer => true,
            Role::Funder | Role::Participant => false,
        }
    }

    /// A staff role by its code; `invalid-choice` (with the staff roles) for anything else, the
    /// participant's included.
    pub fn parse_staff(value: &str) -> Result<Role, &'static str> {
        match Role::parse(value) {
            Ok(Role::Participant) | Err(_) if !value.trim().is_empty() => Err(
                "invalid-choice:administrator coordinator coach care_team peer_expert funder researcher \
                 data_protection_officer ",
            ),
            found => found,
        }
    }
}

string_enum! {
    /// Interface languages. Dutch first: most users work in Flanders.
    Language {
        Nl = "nl",
        Fr = "fr",
        En = "en",
    }
}

impl Language {
    /// Picks the first supported language of an HTTP Accept-Language header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut choices: Vec<(f32, usize, Language)> = Vec::new();
        for (position, part) in header.split(',').enumerate() {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Ok(language) = Language::parse(primary)
                && quality > 0.0
            {
                choices.push((quality, position, language));
            }
        }
        choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        choices.first().map(|c| c.2)
    }
}

/// A person's name as shown to colleagues.
pub fn parse_display_name(input: &str) -> Result<String, &'static str> {
    crate::validation::required_text(input, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse(" An.Peeters@GTB.be ").unwrap().as_str(),
            "an.peeters@gtb.be"
        );
        for bad in [
            "",
            "no-at-sign",
            "@gtb.be",
            "an@",
            "an@gtb",
            "an@.be",
            "a n@gtb.be",
            "a@b@c.be",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn staff_roles_are_every_role_but_the_participant() {
        let staff: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.is_staff()).collect();
        assert_eq!(staff, Role::STAFF);
        assert_eq!(Role::STAFF.map(Role::as_str), Role::STAFF_VALUES);
        assert_eq!(Role::parse_staff("coach"), Ok(Role::Coach));
        assert_eq!(Role::parse_staff(""), Err("required"));
        let refused = Role::parse_staff("participant").unwrap_err();
        assert!(
            refused.starts_with("invalid-choice:") && !refused.contains("participant"),
            "{refused}"
        );
        assert_eq!(Role::parse_staff("boss"), Err(refused));
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert_eq!(NewPassword::parse("short").unwrap_err(), "password-too-short");
        assert_eq!(NewPassword::parse("").unwrap_err(), "required");
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }

    #[test]
    fn accept_language_picks_best_supported() {
        assert_eq!(
            Language::from_accept_language("fr-BE,fr;q=0.9,en;q=0.8"),
            Some(Language::Fr)
        );
        assert_eq!(
            Language::from_accept_language("de-DE,en;q=0.5,nl;q=0.7"),
            Some(Language::Nl)
        );
        assert_eq!(Language::from_accept_language("de,es"), None);
        assert_eq!(Language::from_accept_language("nl;q=0,en"), Some(Language::En));
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(*role));
        }
        let refused = Role::parse("superuser").unwrap_err();
        let (code, allowed) = crate::validation::split_code(refused);
        assert_eq!(code, "invalid-choice");
        assert_eq!(
            allowed,
            [
                "administrator",
                "coordinator",
                "coach",
                "care_team",
                "peer_expert",
                "funder",
                "researcher",
                "data_protection_officer",
                "participant"
            ]
        );
    }
}

/// The scope a role needs: coordinators work for regions, the others for organisations.
/// Administrators, funders, researchers and data protection officers need none.
pub fn check_scope(role: Role, organisations: usize, regions: usize) -> Result<(), (&'static str, &'static str)> {
    match role {
        Role::Coordinator if regions == 0 => Err(("regions", "required")),
        Role::Coach | Role::CareTeam | Role::PeerExpert if organisations == 0 => Err(("organisations", "required")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod scope_tests {
    use super::*;

    #[test]
    fn each_role_needs_its_scope() {
        assert_eq!(check_scope(Role::Coordinator, 1, 0), Err(("regions", "required")));
        assert_eq!(check_scope(Role::Coordinator, 0, 1), Ok(()));
        assert_eq!(check_scope(Role::CareTeam, 0, 2), Err(("organisations", "required")));
        assert_eq!(check_scope(Role::Administrator, 0, 0), Ok(()));
        assert_eq!(check_scope(Role::Funder, 0, 0), Ok(()));
        assert_eq!(check_scope(Role::Researcher, 0, 0), Ok(()));
    }
}
