-- A webhook to the partner's product that an operator's decision made moot (the work completed or
-- failed by hand before the product was told) is `cancelled`: never sent, kept with its attempts.
-- failed_at is when an event was given up or cancelled.
ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_state_check;
ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_state_check
    CHECK (state IN ('pending', 'delivering', 'delivered', 'failed', 'cancelled'));
