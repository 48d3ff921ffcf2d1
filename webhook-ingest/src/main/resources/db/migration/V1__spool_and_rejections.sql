-- webhook-ingest's own schema. No outbox/inbox: ingest changes no state, see docs/services/webhook-ingest.md.

-- Write-ahead spool: every accepted delivery is inserted here before it is published. The relay publishes rows in
-- seq order inside Kafka transactions that also commit "highest seq published" (a consumer-group offset), then
-- deletes them; after a crash the committed marker says exactly which rows are already on Kafka.
CREATE TABLE webhook_spool (
    seq          BIGSERIAL   PRIMARY KEY,
    owner        TEXT        NOT NULL,          -- tartan.ingest.instance-id that accepted it
    delivery_id  UUID        NOT NULL UNIQUE,   -- envelope id
    topic        TEXT        NOT NULL,
    record_key   TEXT        NOT NULL,          -- Kafka key = envelope subject
    event_type   TEXT        NOT NULL,          -- plaid.webhook.<TYPE>.<CODE>
    envelope     TEXT        NOT NULL,          -- the envelope JSON, exactly the Kafka record value
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_spool_owner_seq ON webhook_spool (owner, seq);

-- Rejection audit for operators: never the body (it may carry tokens), only what identifies the attempt.
CREATE TABLE webhook_rejection (
    id             BIGSERIAL   PRIMARY KEY,
    rejected_at    TIMESTAMPTZ NOT NULL,
    reason         TEXT        NOT NULL,
    http_status    INT         NOT NULL,
    detail         TEXT,
    source_address TEXT,
    kid            TEXT,
    body_sha256    TEXT,
    body_bytes     INT
);
CREATE INDEX webhook_rejection_at ON webhook_rejection (rejected_at);
