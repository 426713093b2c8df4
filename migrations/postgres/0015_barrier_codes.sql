-- Barrier codes an administrator added beyond the built-in ones (which live in the code, with
-- their names in the locale files). Keep in step with ../sqlite/0015_barrier_codes.sql.

CREATE TABLE barrier_codes (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
