-- beacon-service's own schema. The outbox and inbox tables come from db/messaging (outbox-inbox).

-- One Beacon user per end user, always under the client_user_id link-service uses.
CREATE TABLE beacon_user (
    beacon_user_id    TEXT PRIMARY KEY,                 -- becusr_...
    client_user_id    TEXT        NOT NULL UNIQUE,
    program_id        TEXT        NOT NULL,
    status            TEXT        NOT NULL,             -- pending_review | cleared | rejected
    plaid_version     INT         NOT NULL,
    plaid_updated_at  TIMESTAMPTZ,
    pii_key_id        TEXT,                             -- user data, AES-256-GCM (null when the user was created elsewhere)
    pii_ciphertext    TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every status we observed, oldest first: the user's full status history.
CREATE TABLE beacon_status_history (
    id               BIGSERIAL PRIMARY KEY,
    beacon_user_id   TEXT        NOT NULL REFERENCES beacon_user (beacon_user_id),
    status           TEXT        NOT NULL,
    previous_status  TEXT,
    plaid_version    INT         NOT NULL,
    plaid_updated_at TIMESTAMPTZ,
    cause            TEXT        NOT NULL,              -- api_create, api_update, review, webhook:<CODE>, item_linked, backfill
    audit_source     TEXT,                              -- Plaid's audit_trail.source
    plaid_request_id TEXT,
    observed_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX beacon_status_history_user ON beacon_status_history (beacon_user_id, id);

-- A review episode: from entering pending_review to leaving it. One fraud-review command per episode.
CREATE TABLE review_episode (
    id              TEXT PRIMARY KEY,                   -- the review_id of the command
    beacon_user_id  TEXT        NOT NULL REFERENCES beacon_user (beacon_user_id),
    opened_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    closed_at       TIMESTAMPTZ,
    outcome         TEXT,
    evidence        TEXT        NOT NULL                -- JSON sent with the command (no PII)
);
-- at most one open episode per user, enforced by the database as well
CREATE UNIQUE INDEX review_episode_one_open ON review_episode (beacon_user_id) WHERE closed_at IS NULL;

-- Fraud reports on our users (ours, filed through the API or the backfill; or seen through REPORT_* webhooks).
CREATE TABLE beacon_report (
    id               TEXT PRIMARY KEY,                  -- becrpt_...
    beacon_user_id   TEXT        NOT NULL,
    type             TEXT        NOT NULL,
    fraud_date       DATE,
    event_date       DATE,
    amount_value     NUMERIC(14, 2),
    amount_currency  TEXT,
    active           BOOLEAN     NOT NULL DEFAULT TRUE, -- false once Plaid says it was removed
    source           TEXT        NOT NULL,              -- api, backfill, webhook
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX beacon_report_user ON beacon_report (beacon_user_id);

-- Network reports matching one of our users (REPORT_SYNDICATION_CREATED), with Plaid's match analysis.
CREATE TABLE beacon_syndication (
    id              TEXT PRIMARY KEY,                   -- becrsn_...
    beacon_user_id  TEXT        NOT NULL,
    report_type     TEXT,
    fraud_date      DATE,
    analysis        TEXT        NOT NULL,               -- JSON: field -> match | partial_match | no_match | no_data
    confirmed       BOOLEAN     NOT NULL,               -- some identifying field fully matches
    fetched_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX beacon_syndication_user ON beacon_syndication (beacon_user_id);

-- Duplicates detected between two of our users (DUPLICATE_DETECTED).
CREATE TABLE beacon_duplicate (
    id               TEXT PRIMARY KEY,                  -- becdup_...
    beacon_user1_id  TEXT        NOT NULL,
    beacon_user2_id  TEXT        NOT NULL,
    analysis         TEXT        NOT NULL,
    fetched_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX beacon_duplicate_u1 ON beacon_duplicate (beacon_user1_id);
CREATE INDEX beacon_duplicate_u2 ON beacon_duplicate (beacon_user2_id);

-- Items of each end user (from item.linked), for evidence and fraud events.
CREATE TABLE user_item (
    item_id         TEXT PRIMARY KEY,
    client_user_id  TEXT        NOT NULL,
    beacon_product  BOOLEAN     NOT NULL,
    associated_at   TIMESTAMPTZ,                        -- /beacon/user/update with its access token succeeded
    insights        TEXT,                               -- JSON of the tripped rules (no PII), null if none/not fetched
    linked_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX user_item_user ON user_item (client_user_id);

-- Backfill imports: the uploaded file is staged row by row (PII encrypted), then worked off at a rate.
CREATE TABLE backfill_job (
    id           TEXT PRIMARY KEY,
    file_name    TEXT        NOT NULL,
    format       TEXT        NOT NULL,
    total_rows   INT         NOT NULL,
    invalid_rows INT         NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);

CREATE TABLE backfill_row (
    job_id          TEXT        NOT NULL REFERENCES backfill_job (id),
    line            BIGINT      NOT NULL,
    client_user_id  TEXT,
    pii_key_id      TEXT,
    pii_ciphertext  TEXT,
    report          TEXT,                               -- JSON of the report to file (no PII), or null
    state           TEXT        NOT NULL,               -- pending, calling, created, reported, skipped, failed, uncertain
    beacon_user_id  TEXT,
    error           TEXT,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, line)
);
CREATE INDEX backfill_row_open ON backfill_row (job_id, state, line);
