-- The daily digest: each user may switch it off; one row per user and day claims the sending,
-- so that with several nodes running only one sends.
ALTER TABLE users ADD COLUMN digest BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE digests_sent (
    user_id  BLOB NOT NULL REFERENCES users (id),
    on_date  TEXT NOT NULL,
    PRIMARY KEY (user_id, on_date)
);
