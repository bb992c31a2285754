-- Hearth schema version 1 (SQLite). Applied once; never edit an applied migration, add a new file.

CREATE TABLE identities (
    participant_id TEXT PRIMARY KEY,       -- public id derived from the identity id
    secret_hash    TEXT NOT NULL,          -- hex SHA-256 of the identity secret
    created_at     INTEGER NOT NULL        -- ms since epoch
);

CREATE TABLE rooms (
    id                INTEGER PRIMARY KEY, -- random 62-bit id, chosen by the server
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    capacity          INTEGER NOT NULL,
    state             TEXT NOT NULL,       -- waiting | active | finished
    allow_spectators  INTEGER NOT NULL,
    approval_required INTEGER NOT NULL,
    locked            INTEGER NOT NULL,
    is_public         INTEGER NOT NULL,
    password_hash     TEXT,                -- salt$pbkdf2 hex, NULL when no password
    host_id           TEXT,
    creator_id        TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    closed_at         INTEGER,             -- NULL while live
    peak_seats        INTEGER NOT NULL DEFAULT 0
);

-- A code is unique among live rooms; a closed room frees its code.
CREATE UNIQUE INDEX rooms_live_code ON rooms (code) WHERE closed_at IS NULL;

CREATE TABLE participants (
    room_id        INTEGER NOT NULL,
    participant_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,          -- host | member | spectator
    status         INTEGER NOT NULL,       -- StatusFlags bits
    joined_seq     INTEGER NOT NULL,
    joined_at      INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    PRIMARY KEY (room_id, participant_id)
) WITHOUT ROWID;

CREATE TABLE bans (
    room_id        INTEGER NOT NULL,
    participant_id TEXT NOT NULL,
    banned_by      TEXT NOT NULL,
    banned_at      INTEGER NOT NULL,
    PRIMARY KEY (room_id, participant_id)
) WITHOUT ROWID;

-- Every room event, in sequence. body is the event's JSON exactly as pushed to members.
CREATE TABLE events (
    room_id       INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    ts            INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    author_id     TEXT,
    client_msg_id TEXT,
    body          TEXT NOT NULL,
    PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;
