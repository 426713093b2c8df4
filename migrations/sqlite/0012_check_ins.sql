-- Check-ins after exit, due at the months the programme's follow-up schedule names.
-- Keep in step with ../postgres/0012_check_ins.sql.

CREATE TABLE check_ins (
    id                  BLOB PRIMARY KEY,
    trajectory_id       BLOB NOT NULL REFERENCES trajectories (id),
    participant_id      BLOB NOT NULL REFERENCES participants (id),
    months_after_exit   INTEGER NOT NULL,
    due_on              TEXT NOT NULL,
    done_on             TEXT,
    contact_made        BOOLEAN,
    situation           TEXT,
    needs_more_service  BOOLEAN,
    note                TEXT,
    recorded_by         BLOB REFERENCES users (id),
    UNIQUE (trajectory_id, months_after_exit)
);
CREATE INDEX check_ins_due ON check_ins (due_on) WHERE done_on IS NULL;
CREATE INDEX check_ins_participant ON check_ins (participant_id, due_on);
