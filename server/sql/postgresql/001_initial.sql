-- Hearth schema version 1 (PostgreSQL). Applied once; never edit an applied migration, add a new file.

CREATE TABLE identities (
    participant_id TEXT PRIMARY KEY,
    secret_hash    TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE rooms (
    id                BIGINT PRIMARY KEY,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    capacity          INTEGER NOT NULL,
    state             TEXT NOT NULL,
    allow_spectators  INTEGER NOT NULL,
    approval_required INTEGER NOT NULL,
    locked            INTEGER NOT NULL,
    is_public         INTEGER NOT NULL,
    password_hash     TEXT,
    host_id           TEXT,
    creator_id        TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    closed_at         BIGINT,
    peak_seats        INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX rooms_live_code ON rooms (code) WHERE closed_at IS NULL;

CREATE TABLE participants (
    room_id        BIGINT NOT NULL,
    participant_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    status         INTEGER NOT NULL,
    joined_seq     BIGINT NOT NULL,
    joined_at      BIGINT NOT NULL,
    last_seen      BIGINT NOT NULL,
    PRIMARY KEY (room_id, participant_id)
);

CREATE TABLE bans (
    room_id        BIGINT NOT NULL,
    participant_id TEXT NOT NULL,
    banned_by      TEXT NOT NULL,
    banned_at      BIGINT NOT NULL,
    PRIMARY KEY (room_id, participant_id)
);

CREATE TABLE events (
    room_id       BIGINT NOT NULL,
    seq           BIGINT NOT NULL,
    ts            BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    author_id     TEXT,
    client_msg_id TEXT,
    body          TEXT NOT NULL,
    PRIMARY KEY (room_id, seq)
);
