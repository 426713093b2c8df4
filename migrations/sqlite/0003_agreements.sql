-- Agreements between the provider and partners, with coach hours per location,
-- and contact persons of partners. Keep in step with ../postgres/0003_agreements.sql.

CREATE TABLE agreements (
    id                     BLOB PRIMARY KEY,
    provider_id            BLOB NOT NULL REFERENCES organisations (id),
    partner_id             BLOB NOT NULL REFERENCES organisations (id),
    starts_on              TEXT NOT NULL,
    ends_on                TEXT NOT NULL,
    signed_on              TEXT,
    reach_target           INTEGER NOT NULL,
    steps_target_permille  INTEGER NOT NULL,
    fte_hundredths         INTEGER NOT NULL,
    esf_percent            INTEGER NOT NULL,
    notes                  TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX agreements_partner ON agreements (partner_id, starts_on);

CREATE TABLE agreement_locations (
    agreement_id          BLOB NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    location_id           BLOB NOT NULL REFERENCES locations (id),
    hours_individual      INTEGER NOT NULL,
    hours_group           INTEGER NOT NULL,
    hours_consultation    INTEGER NOT NULL,
    hours_administration  INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, location_id)
);
CREATE INDEX agreement_locations_location ON agreement_locations (location_id);

CREATE TABLE contacts (
    id               BLOB PRIMARY KEY,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    name             TEXT NOT NULL,
    role             TEXT,
    email            TEXT,
    phone            TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX contacts_organisation ON contacts (organisation_id, name);
