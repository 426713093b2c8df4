-- Private iCalendar feeds: a secret address (only its hash is kept) for one user's
-- sessions or one location's. Keep in step with ../postgres/0006_calendar_feeds.sql.

CREATE TABLE calendar_feeds (
    id           BLOB PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    owner_id     BLOB NOT NULL REFERENCES users (id),
    location_id  BLOB REFERENCES locations (id),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX calendar_feeds_owner ON calendar_feeds (owner_id);
