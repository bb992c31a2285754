-- Hearth schema version 3 (SQLite). Applied once; never edit an applied migration, add a new file.
--
-- Protocol version 2: a client no longer sends its identity's own secret in hello, but a secret
-- derived for this host (docs/protocol.md, "Trust"). The stored hashes are of the version 1
-- secrets, so every returning client would be refused with identity_rejected. The hashes are
-- forgotten: each identity's next hello registers the derived secret again. Nothing references
-- identities by a foreign key (participants, rooms and bans keep the participant id, which
-- does not change), so seats, rooms, bans and host roles stay as they were.

DELETE FROM identities;
