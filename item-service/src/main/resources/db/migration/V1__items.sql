-- item-service: the Item registry, re-link episodes, removals, user activity and webhooks for unknown Items.

CREATE TABLE item (
    item_id                   TEXT        PRIMARY KEY,
    client_user_id            TEXT        NOT NULL,
    institution_id            TEXT,
    institution_name          TEXT,
    accounts                  TEXT        NOT NULL DEFAULT '[]',   -- JSON array of LinkedAccount
    products                  TEXT        NOT NULL DEFAULT '[]',   -- JSON array: every product consented at link
    billed_products           TEXT        NOT NULL DEFAULT '[]',   -- JSON array: products Plaid bills (link's products, then /item/get)
    link_session_id           TEXT,
    token_key_id              TEXT,                                -- sealed access token; both null once removed
    token_ciphertext          TEXT,
    linked_at                 TIMESTAMPTZ NOT NULL,
    -- state machine
    status                    TEXT        NOT NULL,
    status_changed_at         TIMESTAMPTZ NOT NULL,
    error_type                TEXT,
    error_code                TEXT,
    error_reason              TEXT,
    error_since               TIMESTAMPTZ,
    last_recovered_at         TIMESTAMPTZ,
    consent_expires_at        TIMESTAMPTZ,
    pending_disconnect_at     TIMESTAMPTZ,
    pending_disconnect_reason TEXT,
    revoked_account_ids       TEXT        NOT NULL DEFAULT '[]',   -- JSON array
    new_accounts_pending      BOOLEAN     NOT NULL DEFAULT false,
    webhook_url               TEXT,
    last_webhook_code         TEXT,
    last_webhook_at           TIMESTAMPTZ,
    -- reconciliation: due when stale or suspicious (a contradictory webhook sets it to now)
    last_reconciled_at        TIMESTAMPTZ,
    reconcile_due_at          TIMESTAMPTZ,
    reconcile_reason          TEXT,
    -- churn: max(linked_at, the user's latest activity), kept on the Item so the sweep is one index range
    last_activity_at          TIMESTAMPTZ NOT NULL,
    -- the open re-link episode
    relink_id                 TEXT,
    relink_mode               TEXT,
    relink_reason             TEXT,
    relink_error_code         TEXT,
    relink_deadline           TIMESTAMPTZ,
    relink_requested_at       TIMESTAMPTZ,
    relink_reminders          INT         NOT NULL DEFAULT 0,
    relink_next_reminder_at   TIMESTAMPTZ,
    -- removal (removal_id set = selected; removed_at set = done)
    removal_id                TEXT,
    removal_reason            TEXT,
    removal_urgent            BOOLEAN,
    removal_requested_at      TIMESTAMPTZ,
    removal_scheduled_for     TIMESTAMPTZ,
    removal_next_attempt_at   TIMESTAMPTZ,
    removal_attempts          INT         NOT NULL DEFAULT 0,
    removal_last_error        TEXT,
    removal_request_id        TEXT,
    removed_at                TIMESTAMPTZ,
    version                   BIGINT      NOT NULL DEFAULT 0
);

CREATE INDEX item_by_user ON item (client_user_id);
-- churn sweep, one index per rule, each holding only Items not yet selected for removal
CREATE INDEX item_churn_inactive ON item (last_activity_at) WHERE removal_id IS NULL;
CREATE INDEX item_churn_reminders ON item (relink_reminders) WHERE removal_id IS NULL AND relink_id IS NOT NULL;
CREATE INDEX item_churn_error ON item (error_since) WHERE removal_id IS NULL AND error_since IS NOT NULL;
-- reminders due
CREATE INDEX item_reminder_due ON item (relink_next_reminder_at) WHERE relink_id IS NOT NULL AND removal_id IS NULL;
-- removal queue
CREATE INDEX item_removal_due ON item (removal_next_attempt_at) WHERE removal_id IS NOT NULL AND removed_at IS NULL;
-- reconciliation due
CREATE INDEX item_reconcile_due ON item (reconcile_due_at) WHERE removal_id IS NULL;

-- latest activity per user (API and tartan.users.activity)
CREATE TABLE user_activity (
    client_user_id TEXT        PRIMARY KEY,
    last_active_at TIMESTAMPTZ NOT NULL,
    last_kind      TEXT
);

-- webhooks for Items not registered yet; applied when item.linked arrives, reported once expired
CREATE TABLE unknown_item_webhook (
    event_id     TEXT        PRIMARY KEY,
    item_id      TEXT        NOT NULL,
    webhook_code TEXT        NOT NULL,
    envelope     TEXT        NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    stored_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX unknown_item_webhook_by_item ON unknown_item_webhook (item_id, received_at);
CREATE INDEX unknown_item_webhook_by_age ON unknown_item_webhook (stored_at);
