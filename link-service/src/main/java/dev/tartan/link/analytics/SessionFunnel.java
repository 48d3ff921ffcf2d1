package dev.tartan.link.analytics;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How far one Link session got, derived from its events (in any order, repeats harmless).
 *
 * <p>Milestones: <b>institution select</b> = the {@code SELECT_INSTITUTION} view, or a {@code SEARCH_INSTITUTION} /
 * {@code SELECT_INSTITUTION} event; <b>credential pane</b> = the {@code CREDENTIAL} or {@code OAUTH} view, or
 * {@code SUBMIT_CREDENTIALS} / {@code OPEN_OAUTH} (OAuth banks have no credential pane of their own);
 * <b>success</b> = {@code HANDOFF}, {@code onSuccess}, {@code ITEM_ADD_RESULT} or {@code SESSION_FINISHED} with
 * status {@code SUCCESS}; <b>exit</b> = no success and {@code EXIT}, {@code onExit} or {@code SESSION_FINISHED}
 * {@code EXITED}.
 */
public record SessionFunnel(
        String linkSessionId,
        Instant startedAt,
        String institutionId,
        String institutionName,
        boolean reachedInstitutionSelect,
        boolean reachedCredentialPane,
        boolean succeeded,
        boolean exited,
        String exitStatus,
        String errorCode) {

    static final Set<String> INSTITUTION_SELECT_VIEWS = Set.of("SELECT_INSTITUTION");
    static final Set<String> INSTITUTION_SELECT_EVENTS = Set.of("SEARCH_INSTITUTION", "SELECT_INSTITUTION");
    static final Set<String> CREDENTIAL_VIEWS = Set.of("CREDENTIAL", "OAUTH");
    static final Set<String> CREDENTIAL_EVENTS = Set.of("SUBMIT_CREDENTIALS", "OPEN_OAUTH");
    static final Set<String> SUCCESS_EVENTS = Set.of("HANDOFF", "ON_SUCCESS", "ITEM_ADD_RESULT");
    static final Set<String> EXIT_EVENTS = Set.of("EXIT", "ON_EXIT");
    public static final String SESSION_FINISHED = "SESSION_FINISHED";
    public static final String UNKNOWN = "unknown";
    public static final String NONE = "none";

    public static SessionFunnel of(String sessionId, List<LinkEventRecord> events) {
        List<LinkEventRecord> ordered = events.stream()
                .sorted(Comparator.comparing(LinkEventRecord::timestamp, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
        Instant started = null;
        String instId = null;
        String instName = null;
        boolean select = false;
        boolean credential = false;
        boolean success = false;
        boolean exit = false;
        String exitStatus = null;
        String errorCode = null;
        for (LinkEventRecord e : ordered) {
            String name = upper(e.eventName());
            String view = upper(e.viewName());
            if (e.timestamp() != null && (started == null || e.timestamp().isBefore(started))) {
                started = e.timestamp();
            }
            if (e.institutionId() != null && !e.institutionId().isBlank()) {
                instId = e.institutionId();
                if (e.institutionName() != null) {
                    instName = e.institutionName();
                }
            }
            select |= INSTITUTION_SELECT_VIEWS.contains(view) || INSTITUTION_SELECT_EVENTS.contains(name);
            credential |= CREDENTIAL_VIEWS.contains(view) || CREDENTIAL_EVENTS.contains(name);
            boolean finished = SESSION_FINISHED.equals(name);
            success |= SUCCESS_EVENTS.contains(name) || (finished && "SUCCESS".equalsIgnoreCase(e.exitStatus()));
            exit |= EXIT_EVENTS.contains(name) || (finished && "EXITED".equalsIgnoreCase(e.exitStatus()));
            if (EXIT_EVENTS.contains(name) && e.exitStatus() != null && !e.exitStatus().isBlank()) {
                exitStatus = e.exitStatus().toLowerCase(Locale.ROOT);
            }
            if (e.errorCode() != null && !e.errorCode().isBlank()) {
                errorCode = e.errorCode();
            }
        }
        boolean exited = exit && !success;
        return new SessionFunnel(sessionId, started, instId, instName, select, credential, success, exited,
                exited ? (exitStatus == null ? UNKNOWN : exitStatus) : null,
                exited ? (errorCode == null ? NONE : errorCode) : null);
    }

    private static String upper(String s) {
        return s == null ? "" : s.toUpperCase(Locale.ROOT);
    }
}
