-- The ESF+ indicators kept with each write (issue 24; store/src/esf_kept.rs, docs/esf.md): one row
-- per operation and participant with what the person counts in whatever the day
-- (`esf_indicators::Counted`), and per operation, year of first entry, figure and gender the number
-- of people. A report reads the cells and counts the few people whose standing turns on the day
-- (left less than six months ago) by their dates. `counted` says an operation's rows are complete;
-- start-up counts the operations that are not. Keep in step with ../sqlite/0048_esf_counted.sql.
ALTER TABLE esf_operations ADD COLUMN counted BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE esf_counted (
    operation_id    UUID NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    participant_id  UUID NOT NULL REFERENCES participants (id),
    entry_year      INTEGER NOT NULL,
    gender          TEXT NOT NULL,
    entered_on      DATE NOT NULL,
    left_on         DATE,
    -- space-separated: the codes, `declined:CODE`, `not_reached`, `still_in`
    figures         TEXT NOT NULL,
    -- space-separated fields missing whatever the day, and contradictions
    missing         TEXT NOT NULL,
    inconsistent    TEXT NOT NULL,
    leaving_due     DATE,
    six_months_due  DATE,
    missing_from    DATE,
    PRIMARY KEY (operation_id, participant_id)
);
CREATE INDEX esf_counted_leaving_due ON esf_counted (operation_id, leaving_due) WHERE leaving_due IS NOT NULL;
CREATE INDEX esf_counted_six_months_due ON esf_counted (operation_id, six_months_due) WHERE six_months_due IS NOT NULL;
CREATE INDEX esf_counted_missing_from ON esf_counted (operation_id, missing_from) WHERE missing_from IS NOT NULL;
CREATE INDEX esf_counted_participant ON esf_counted (participant_id);

CREATE TABLE esf_cells (
    operation_id  UUID NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    entry_year    INTEGER NOT NULL,
    figure        TEXT NOT NULL,
    gender        TEXT NOT NULL,
    people        BIGINT NOT NULL,
    PRIMARY KEY (operation_id, entry_year, figure, gender)
);
