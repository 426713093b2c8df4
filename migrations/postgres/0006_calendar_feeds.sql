-- Private iCalendar feeds: a secret address (only its hash is kept) for one user's
-- sessions or one location's. Keep in step with ../sqlite/0006_calendar_feeds.sql.

CREATE TABLE calendar_feeds (
    id           UUID PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    owner_id     UUID NOT NULL REFERENCES users (id),
    location_id  UUID REFERENCES locations (id),
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX calendar_feeds_owner ON calendar_feeds (owner_id);
