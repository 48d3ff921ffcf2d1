-- link-service's own schema. Access tokens only as AES-GCM ciphertext (SealedToken); Link tokens and public
-- tokens only as SHA-256 hashes (enough to recognise them again, useless to anyone who reads the table).

-- Every Link token issued, with what it is for and when it expires.
CREATE TABLE link_token (
    token_sha256              TEXT PRIMARY KEY,
    client_user_id            TEXT        NOT NULL,
    purpose                   TEXT        NOT NULL,      -- NEW_ITEM, AUTH, BEACON, UPDATE, IDENTITY_DOCUMENT_UPLOAD
    item_id                   TEXT,                      -- update flows
    update_mode               TEXT,                      -- LOGIN, ACCOUNT_SELECTION, PRODUCT_CONSENT
    account_selection_enabled BOOLEAN     NOT NULL DEFAULT false,
    products                  TEXT        NOT NULL,      -- JSON: the four product arrays
    country_codes             TEXT        NOT NULL,      -- JSON array
    request_id                TEXT,
    created_at                TIMESTAMPTZ NOT NULL,
    expires_at                TIMESTAMPTZ
);
CREATE INDEX link_token_user ON link_token (client_user_id, created_at);

-- Items this service linked: for duplicate checks and update-mode tokens.
CREATE TABLE linked_item (
    item_id          TEXT PRIMARY KEY,
    client_user_id   TEXT        NOT NULL,
    institution_id   TEXT,
    institution_name TEXT,
    accounts         TEXT        NOT NULL,               -- JSON array of LinkedAccount (no numbers, no balances)
    products         TEXT        NOT NULL,               -- JSON: the four product arrays of the token
    token_key_id     TEXT        NOT NULL,
    token_ciphertext TEXT        NOT NULL,
    link_session_id  TEXT,
    linked_at        TIMESTAMPTZ NOT NULL,
    removed_at       TIMESTAMPTZ
);
CREATE INDEX linked_item_user ON linked_item (client_user_id);

-- One row per exchanged public token: a retried exchange answers from here and publishes nothing.
CREATE TABLE public_token_exchange (
    public_token_sha256 TEXT PRIMARY KEY,
    client_user_id      TEXT        NOT NULL,
    item_id             TEXT        NOT NULL REFERENCES linked_item (item_id),
    link_session_id     TEXT,
    request_id          TEXT,
    exchanged_at        TIMESTAMPTZ NOT NULL
);

-- Update-mode sessions reported complete (one event per session and Item).
CREATE TABLE update_completion (
    completion_key  TEXT PRIMARY KEY,                    -- link_session_id || '/' || item_id
    item_id         TEXT        NOT NULL,
    client_user_id  TEXT        NOT NULL,
    link_session_id TEXT        NOT NULL,
    mode            TEXT        NOT NULL,
    completed_at    TIMESTAMPTZ NOT NULL
);

-- Re-links item-service asked the user for, until resolved.
CREATE TABLE relink_prompt (
    relink_id           TEXT PRIMARY KEY,
    item_id             TEXT        NOT NULL,
    client_user_id      TEXT        NOT NULL,
    institution_id      TEXT,
    institution_name    TEXT,
    mode                TEXT        NOT NULL,
    reason              TEXT,
    error_code          TEXT,
    deadline            TIMESTAMPTZ,
    products            TEXT,                            -- JSON array (PRODUCT_CONSENT)
    requested_at        TIMESTAMPTZ,
    reminders           INT         NOT NULL DEFAULT 0,
    last_reminded_at    TIMESTAMPTZ,
    update_completed_at TIMESTAMPTZ,                     -- the user finished update mode; awaiting item-service
    resolved_at         TIMESTAMPTZ,
    resolved_by         TEXT
);
CREATE INDEX relink_prompt_open ON relink_prompt (client_user_id) WHERE resolved_at IS NULL;
CREATE INDEX relink_prompt_item ON relink_prompt (item_id);

-- Link session events from the app's callbacks and the LINK webhooks.
CREATE TABLE link_event (
    event_key        TEXT PRIMARY KEY,                   -- Plaid's event_id, else a hash of the callback/webhook
    link_session_id  TEXT        NOT NULL,
    source           TEXT        NOT NULL,               -- CALLBACK or WEBHOOK
    event_name       TEXT        NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL,
    view_name        TEXT,
    institution_id   TEXT,
    institution_name TEXT,
    error_type       TEXT,
    error_code       TEXT,
    exit_status      TEXT,
    request_id       TEXT,
    client_user_id   TEXT,
    received_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX link_event_session ON link_event (link_session_id);
CREATE INDEX link_event_time ON link_event (occurred_at);
