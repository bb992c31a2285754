-- Hearth schema version 2 (SQLite only; PostgreSQL has no rowids). Applied once; never edit an
-- applied migration, add a new file.
--
-- identities is read and written by participant_id only. As a rowid table with a TEXT primary
-- key it kept two B-trees, the table and the key's index, and every new identity (one per
-- first hello) wrote a page of each; without a rowid it is one B-tree keyed by participant_id.

CREATE TABLE identities_by_participant (
    participant_id TEXT PRIMARY KEY,       -- public id derived from the identity id
    secret_hash    TEXT NOT NULL,          -- hex SHA-256 of the identity secret
    created_at     INTEGER NOT NULL        -- ms since epoch
) WITHOUT ROWID;

INSERT INTO identities_by_participant (participant_id, secret_hash, created_at)
    SELECT participant_id, secret_hash, created_at FROM identities;

DROP TABLE identities;

ALTER TABLE identities_by_participant RENAME TO identities;
