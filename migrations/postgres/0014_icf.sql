-- The ICF profile: reference categories (the Brief ICF Core Set for vocational rehabilitation,
-- extensible by administrators) and measurements of a participant, each rating some categories
-- with an ICF qualifier and some self-rated competences on 0-10.
-- Keep in step with ../sqlite/0014_icf.sql.

CREATE TABLE icf_categories (
    code        TEXT PRIMARY KEY,
    -- b body functions, d activities and participation, e environmental factors
    component   TEXT NOT NULL,
    title_nl    TEXT NOT NULL,
    title_fr    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    -- 'brief' for the shipped core set; NULL for categories an administrator added
    core_set    TEXT,
    position    INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

INSERT INTO icf_categories (code, component, title_nl, title_fr, title_en, core_set, position, created_at) VALUES
 ('b130', 'b', 'Energie- en driftfuncties', 'Fonctions de l''énergie et des pulsions', 'Energy and drive functions', 'brief', 1, '2026-01-01T00:00:00Z'),
 ('b164', 'b', 'Hogere cognitieve functies', 'Fonctions cognitives de niveau supérieur', 'Higher-level cognitive functions', 'brief', 2, '2026-01-01T00:00:00Z'),
 ('b455', 'b', 'Functies van inspanningstolerantie', 'Fonctions de tolérance à l''effort', 'Exercise tolerance functions', 'brief', 3, '2026-01-01T00:00:00Z'),
 ('d155', 'd', 'Vaardigheden verwerven', 'Acquérir un savoir-faire', 'Acquiring skills', 'brief', 4, '2026-01-01T00:00:00Z'),
 ('d240', 'd', 'Omgaan met stress en andere psychische eisen', 'Gérer le stress et autres exigences psychologiques', 'Handling stress and other psychological demands', 'brief', 5, '2026-01-01T00:00:00Z'),
 ('d720', 'd', 'Complexe tussenmenselijke interacties', 'Interactions complexes avec autrui', 'Complex interpersonal interactions', 'brief', 6, '2026-01-01T00:00:00Z'),
 ('d845', 'd', 'Werk verkrijgen, behouden en beëindigen', 'Obtenir, garder et quitter un emploi', 'Acquiring, keeping and terminating a job', 'brief', 7, '2026-01-01T00:00:00Z'),
 ('d850', 'd', 'Betaald werk', 'Travail rémunéré', 'Remunerative employment', 'brief', 8, '2026-01-01T00:00:00Z'),
 ('d855', 'd', 'Onbetaald werk', 'Travail non rémunéré', 'Non-remunerative employment', 'brief', 9, '2026-01-01T00:00:00Z'),
 ('e310', 'e', 'Directe familie', 'Famille proche', 'Immediate family', 'brief', 10, '2026-01-01T00:00:00Z'),
 ('e330', 'e', 'Mensen in gezagsposities', 'Personnes en position d''autorité', 'People in positions of authority', 'brief', 11, '2026-01-01T00:00:00Z'),
 ('e580', 'e', 'Diensten, systemen en beleid met betrekking tot gezondheid', 'Services, systèmes et politiques de santé', 'Health services, systems and policies', 'brief', 12, '2026-01-01T00:00:00Z'),
 ('e590', 'e', 'Diensten, systemen en beleid met betrekking tot arbeid en werkgelegenheid', 'Services, systèmes et politiques de travail et d''emploi', 'Labour and employment services, systems and policies', 'brief', 13, '2026-01-01T00:00:00Z');

CREATE TABLE icf_measurements (
    id              UUID PRIMARY KEY,
    participant_id  UUID NOT NULL REFERENCES participants (id),
    trajectory_id   UUID REFERENCES trajectories (id),
    measured_on     DATE NOT NULL,
    -- intake, during, exit, follow_up
    moment          TEXT NOT NULL,
    -- coach, care_partner, participant (self-rating)
    rater           TEXT NOT NULL,
    note            TEXT,
    recorded_by     UUID REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX icf_measurements_participant ON icf_measurements (participant_id, measured_on);

-- One qualifier per category and measurement, as ICF writes it: 0-4, 8, 9; environmental
-- factors also +0..+4 and +8 (facilitators).
CREATE TABLE icf_ratings (
    measurement_id  UUID NOT NULL REFERENCES icf_measurements (id),
    category_code   TEXT NOT NULL REFERENCES icf_categories (code),
    qualifier       TEXT NOT NULL,
    PRIMARY KEY (measurement_id, category_code)
);

-- Self-rated competences (motivation, coping with stress, personal network) on 0-10.
CREATE TABLE competence_ratings (
    measurement_id  UUID NOT NULL REFERENCES icf_measurements (id),
    competence      TEXT NOT NULL,
    score           INTEGER NOT NULL,
    PRIMARY KEY (measurement_id, competence)
);
