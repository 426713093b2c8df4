-- Programmes choose the competences participants rate themselves on (0-10) in an ICF measurement.
-- They are programme steps of kind 'competence', like phases and modules. Programmes that exist
-- already measure the seeds' three, as onramp did before they became configurable.
-- Keep in step with ../postgres/0017_programme_competences.sql.

INSERT INTO programme_steps (programme_id, kind, position, code, name)
SELECT id, 'competence', 0, 'motivation', 'Motivation' FROM programmes;
INSERT INTO programme_steps (programme_id, kind, position, code, name)
SELECT id, 'competence', 1, 'coping_with_stress', 'Coping with stress' FROM programmes;
INSERT INTO programme_steps (programme_id, kind, position, code, name)
SELECT id, 'competence', 2, 'personal_network', 'Personal network' FROM programmes;
