-- Keep in step with ../postgres/0036_cost_benefit.sql.
-- The social cost-benefit of a programme (docs/cost-benefit.md). A programme's parameters, one row
-- per key (`partner_id` the nil id for the common value, a partner's id for its own hourly cost),
-- each with the text of its source; a key without a row takes the default of
-- crates/domain/src/cost_benefit.rs. Amounts are cents, rates basis points.
CREATE TABLE cost_benefit_parameters (
    programme_id  BLOB NOT NULL REFERENCES programmes (id),
    key           TEXT NOT NULL,
    partner_id    BLOB NOT NULL,
    value         INTEGER NOT NULL,
    source        TEXT NOT NULL,
    changed_by    BLOB REFERENCES users (id),
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (programme_id, key, partner_id)
);

-- Every change, for the history: who changed what, when, from what to what.
CREATE TABLE cost_benefit_changes (
    id            BLOB PRIMARY KEY,
    programme_id  BLOB NOT NULL REFERENCES programmes (id),
    key           TEXT NOT NULL,
    partner_id    BLOB NOT NULL,
    old_value     INTEGER,
    new_value     INTEGER,
    old_source    TEXT,
    new_source    TEXT,
    changed_by    BLOB REFERENCES users (id),
    changed_at    TEXT NOT NULL
);
CREATE INDEX cost_benefit_changes_programme ON cost_benefit_changes (programme_id, changed_at);

-- A coordinator's named scenario for their region: the values that differ, as JSON {key: value}.
CREATE TABLE cost_benefit_scenarios (
    id            BLOB PRIMARY KEY,
    programme_id  BLOB NOT NULL REFERENCES programmes (id),
    region_id     BLOB NOT NULL REFERENCES regions (id),
    name          TEXT NOT NULL,
    values_json   TEXT NOT NULL,
    created_by    BLOB REFERENCES users (id),
    created_at    TEXT NOT NULL,
    UNIQUE (programme_id, region_id, name)
);

-- An agreement's budget: the ESF's and the partners' own share, in cents (none recorded: NULL).
ALTER TABLE agreements ADD COLUMN esf_amount_cents INTEGER;
ALTER TABLE agreements ADD COLUMN own_share_cents INTEGER;

-- The dashboard counts gain the figures the cost-benefit reads (in work at each check-in after
-- exit, check-ins scheduled and recorded, steps by kind): start them afresh, so the first start
-- after this migration counts every trajectory again (store/src/dashboard/counts.rs, catch_up).
DELETE FROM dashboard_counts;
DELETE FROM dashboard_facts;
