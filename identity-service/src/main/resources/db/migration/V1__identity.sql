-- identity-service: Items it verifies, the sealed KYC profiles, owner snapshots, decisions, reviews.

-- Items known from item.linked. The access token is kept only sealed (gateway key ring, Item id as AAD).
CREATE TABLE identity_item (
    item_id             TEXT PRIMARY KEY,
    client_user_id      TEXT        NOT NULL,
    institution_id      TEXT,
    token_key_id        TEXT,
    token_ciphertext    TEXT,
    identity_consented  BOOLEAN     NOT NULL,
    auth_consented      BOOLEAN     NOT NULL,
    account_ids         TEXT        NOT NULL,             -- JSON array of account ids
    status              TEXT        NOT NULL,             -- ACTIVE, REMOVED (a tombstone: a late item.linked is ignored)
    awaiting_profile    BOOLEAN     NOT NULL DEFAULT FALSE,
    linked_at           TIMESTAMPTZ,
    removed_at          TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX identity_item_user ON identity_item (client_user_id);

-- The user's KYC profile as the app sent it, sealed (AAD identity-profile:<client_user_id>). Deleted on
-- request and when the user's last Item is removed.
CREATE TABLE identity_profile (
    client_user_id TEXT PRIMARY KEY,
    key_id         TEXT        NOT NULL,
    ciphertext     TEXT        NOT NULL,
    fields         TEXT        NOT NULL,                  -- which fields the profile has, e.g. LEGAL_NAME,PHONE_NUMBER
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- /identity/get owners per account, versioned; sealed (AAD identity-owners:<item>:<account>).
CREATE TABLE owner_snapshot (
    item_id       TEXT        NOT NULL,
    account_id    TEXT        NOT NULL,
    version       INT         NOT NULL,
    owners_digest TEXT        NOT NULL,                   -- SHA-256 of the owners JSON: detects changes without opening
    key_id        TEXT        NOT NULL,
    ciphertext    TEXT        NOT NULL,
    request_id    TEXT,
    taken_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, account_id, version)
);

-- The current decision per (Item, account).
CREATE TABLE account_decision (
    item_id          TEXT        NOT NULL,
    account_id       TEXT        NOT NULL,
    decision_id      TEXT        NOT NULL,
    outcome          TEXT        NOT NULL,
    next_step        TEXT,
    method           TEXT        NOT NULL,
    reasons          TEXT        NOT NULL,                -- JSON array
    evidence         TEXT        NOT NULL,                -- JSON: scores, risk signals, statuses (no PII)
    policy_version   TEXT        NOT NULL,
    fingerprint      TEXT        NOT NULL,                -- what makes two decisions the same (no new event if equal)
    plaid_request_id TEXT,
    decided_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, account_id)
);

-- Every decision ever made, to explain one later.
CREATE TABLE decision_history (
    decision_id      TEXT PRIMARY KEY,
    item_id          TEXT        NOT NULL,
    account_id       TEXT        NOT NULL,
    outcome          TEXT        NOT NULL,
    next_step        TEXT,
    method           TEXT        NOT NULL,
    reasons          TEXT        NOT NULL,
    evidence         TEXT        NOT NULL,
    policy_version   TEXT        NOT NULL,
    plaid_request_id TEXT,
    cause            TEXT        NOT NULL,                -- e.g. item.linked, webhook IDENTITY.DEFAULT_UPDATE, api
    decided_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX decision_history_item ON decision_history (item_id, account_id, decided_at);

-- Fraud reviews requested; at most one open per (Item, account).
CREATE TABLE fraud_review (
    review_id      TEXT PRIMARY KEY,
    item_id        TEXT        NOT NULL,
    account_id     TEXT        NOT NULL,
    client_user_id TEXT        NOT NULL,
    reason         TEXT        NOT NULL,
    decision_id    TEXT        NOT NULL,
    status         TEXT        NOT NULL,                  -- OPEN, CLEARED, REJECTED
    reviewer       TEXT,
    note           TEXT,
    requested_at   TIMESTAMPTZ NOT NULL,
    resolved_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX fraud_review_one_open ON fraud_review (item_id, account_id) WHERE status = 'OPEN';

-- Identity consent requests sent to link-service (relink.requested, mode PRODUCT_CONSENT); one open per Item.
CREATE TABLE consent_request (
    item_id      TEXT PRIMARY KEY,
    relink_id    TEXT        NOT NULL,
    cause        TEXT        NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL
);

-- Webhooks that arrived before the item.linked of their Item (topics are not ordered with each other):
-- kept and replayed once the Item is registered.
CREATE TABLE parked_webhook (
    message_id TEXT PRIMARY KEY,
    item_id    TEXT        NOT NULL,
    envelope   TEXT        NOT NULL,
    parked_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX parked_webhook_item ON parked_webhook (item_id, parked_at);
