-- A webhook to the partner's product that an operator's decision made moot (the work completed or
-- failed by hand before the product was told) is `cancelled`: never sent, kept with its attempts.
-- failed_at is when an event was given up or cancelled.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt as its documentation
-- says, with foreign keys off for the rebuild, which a migration cannot do (each runs in a
-- transaction, where they cannot be turned off). `Db::migrate` does it right after the
-- migrations, once (core/src/db/sqlite_rebuild_outbox_events.sql).
SELECT 1;
