-- The ESF+ indicators kept with each write (issue 24; store/src/esf_kept.rs, docs/esf.md): one row
-- per operation and participant with what the person counts in whatever the day
-- (`esf_indicators::Counted`), and per operation, year of first entry, figure and gender the number
-- of people; and per operation, date kind, day and entry year the people whose date it is. A report
-- reads the cells, and the dated cells after its day for the people whose standing turns on the day
-- (left less than six months ago). `counted` says an operation's rows are complete;
-- start-up counts the operations that are not. Keep in step with ../postgres/0048_esf_counted.sql.
ALTER TABLE esf_operations ADD COLUMN counted BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE esf_counted (
    operation_id    BLOB NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    participant_id  BLOB NOT NULL REFERENCES participants (id),
    entry_year      INTEGER NOT NULL,
    gender          TEXT NOT NULL,
    entered_on      TEXT NOT NULL,
    left_on         TEXT,
    -- space-separated: the codes, `declined:CODE`, `not_reached`, `still_in`
    figures         TEXT NOT NULL,
    -- space-separated fields missing whatever the day, and contradictions
    missing         TEXT NOT NULL,
    inconsistent    TEXT NOT NULL,
    leaving_due     TEXT,
    six_months_due  TEXT,
    missing_from    TEXT,
    PRIMARY KEY (operation_id, participant_id)
);
-- The list of people to complete reads an operation's rows with something missing or pending.
CREATE INDEX esf_counted_missing_from ON esf_counted (operation_id, missing_from) WHERE missing_from IS NOT NULL;
CREATE INDEX esf_counted_participant ON esf_counted (participant_id);

CREATE TABLE esf_cells (
    operation_id  BLOB NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    entry_year    INTEGER NOT NULL,
    figure        TEXT NOT NULL,
    gender        TEXT NOT NULL,
    people        INTEGER NOT NULL,
    PRIMARY KEY (operation_id, entry_year, figure, gender)
);

-- `kind` is `missing_from`, `leaving_due` or `six_months_due`: how many people of the operation and
-- entry year have that date on `due_on`.
CREATE TABLE esf_dates (
    operation_id  BLOB NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    entry_year    INTEGER NOT NULL,
    people        INTEGER NOT NULL,
    PRIMARY KEY (operation_id, kind, due_on, entry_year)
);
