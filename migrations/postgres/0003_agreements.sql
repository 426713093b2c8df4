-- Agreements between the provider and partners, with coach hours per location,
-- and contact persons of partners. Keep in step with ../sqlite/0003_agreements.sql.

CREATE TABLE agreements (
    id                     UUID PRIMARY KEY,
    provider_id            UUID NOT NULL REFERENCES organisations (id),
    partner_id             UUID NOT NULL REFERENCES organisations (id),
    starts_on              DATE NOT NULL,
    ends_on                DATE NOT NULL,
    signed_on              DATE,
    reach_target           INTEGER NOT NULL,
    steps_target_permille  INTEGER NOT NULL,
    fte_hundredths         INTEGER NOT NULL,
    esf_percent            INTEGER NOT NULL,
    notes                  TEXT,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX agreements_partner ON agreements (partner_id, starts_on);

CREATE TABLE agreement_locations (
    agreement_id          UUID NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    location_id           UUID NOT NULL REFERENCES locations (id),
    hours_individual      INTEGER NOT NULL,
    hours_group           INTEGER NOT NULL,
    hours_consultation    INTEGER NOT NULL,
    hours_administration  INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, location_id)
);
CREATE INDEX agreement_locations_location ON agreement_locations (location_id);

CREATE TABLE contacts (
    id               UUID PRIMARY KEY,
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    name             TEXT NOT NULL,
    role             TEXT,
    email            TEXT,
    phone            TEXT,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX contacts_organisation ON contacts (organisation_id, name);
