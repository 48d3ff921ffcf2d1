package dev.tartan.link.analytics;

import java.time.Instant;

/**
 * One thing that happened in a Link session, from the app's callbacks ({@code onEvent}, {@code onExit},
 * {@code onSuccess}) or Plaid's LINK webhooks ({@code EVENTS}, {@code SESSION_FINISHED}, {@code ITEM_ADD_RESULT}).
 * Callback kinds are stored under synthetic event names {@code ON_SUCCESS} and {@code ON_EXIT}.
 */
public record LinkEventRecord(
        String linkSessionId,
        String eventName,
        Instant timestamp,
        String viewName,
        String institutionId,
        String institutionName,
        String errorType,
        String errorCode,
        String exitStatus,
        String requestId) {
}
