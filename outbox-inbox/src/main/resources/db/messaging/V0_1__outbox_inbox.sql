-- Shared by every Tartan service (each in its own database); versions below 1 so they run before
-- the service's own migrations in db/migration.

-- Transactional outbox: rows written in the same transaction as the state change that causes them,
-- relayed to Kafka in seq order by one relay at a time (see OutboxRelay), then deleted.
CREATE TABLE outbox_event (
    seq            BIGSERIAL PRIMARY KEY,
    id             TEXT        NOT NULL UNIQUE,      -- the event id (envelope id)
    topic          TEXT        NOT NULL,
    aggregate_type TEXT        NOT NULL,             -- e.g. item, user
    aggregate_id   TEXT        NOT NULL,             -- the Kafka key: keeps one aggregate's events ordered
    type           TEXT        NOT NULL,             -- the event type, e.g. tartan.relink.requested.v1
    payload        TEXT        NOT NULL,             -- the envelope JSON
    traceparent    TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts       INT         NOT NULL DEFAULT 0,
    last_error     TEXT
);

-- Inbox: one row per (consumer, message) applied, inserted first in the handler's transaction.
CREATE TABLE inbox_message (
    consumer     TEXT        NOT NULL,
    message_id   TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX inbox_message_processed_at ON inbox_message (processed_at);
