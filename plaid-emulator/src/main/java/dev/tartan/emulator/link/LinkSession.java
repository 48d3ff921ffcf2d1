package dev.tartan.emulator.link;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A finished (simulated) Link session: what {@code /link/token/get} reports under {@code link_sessions} and what
 * Link's {@code onSuccess}/{@code onExit} would have carried.
 */
public record LinkSession(String linkSessionId, Instant startedAt, Instant finishedAt, boolean success,
                          String publicToken, Map<String, Object> institution, List<Map<String, Object>> accounts,
                          Map<String, Object> error, List<Map<String, Object>> events) {
}
