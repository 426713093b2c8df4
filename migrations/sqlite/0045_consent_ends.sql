-- A consent may be given for a limited time: `ends_on` is its last day (none: until withdrawn).
-- Past it the consent counts as withdrawn, in every check that reads consents (compared with
-- today's date there, no job). Keep in step with ../postgres/0045_consent_ends.sql.
ALTER TABLE consents ADD COLUMN ends_on TEXT CHECK (ends_on IS NULL OR ends_on >= given_on);
