-- Erasure, anonymisation and retention (issue 26, docs/retention.md).
-- Keep in step with ../sqlite/0050_erasure_retention.sql.

-- An anonymised participant keeps their row (coded facts for the figures) without anything that
-- identifies them: when, and why (a reason written without identifying data).
ALTER TABLE participants
    ADD COLUMN anonymised_at TIMESTAMPTZ,
    ADD COLUMN anonymisation_reason TEXT,
-- A legal hold keeps a file past its retention date (a dispute, an inspection), until lifted.
    ADD COLUMN legal_hold_reason TEXT,
    ADD COLUMN legal_hold_since TIMESTAMPTZ,
    ADD COLUMN legal_hold_by UUID REFERENCES users (id);
CREATE INDEX participants_legal_hold ON participants (legal_hold_since);

-- Years a person's file is kept after their last trajectory ended, per programme.
ALTER TABLE programmes ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 10
    CHECK (retention_years BETWEEN 1 AND 100);
-- The day of the operation's last payment: its files are kept five years from 31 December of
-- that year (Common Provisions Regulation, Art. 82).
ALTER TABLE esf_operations ADD COLUMN last_payment_on DATE;
