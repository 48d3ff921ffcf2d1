package dev.tartan.link.analytics;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/** Appends Link events, each at most once (its key), inside the caller's transaction. */
@ApplicationScoped
public class LinkEventStore {

    /** @return whether the event was new */
    public Uni<Boolean> append(String key, String source, LinkEventRecord e, String clientUserId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO link_event (event_key, link_session_id, source, event_name, occurred_at, view_name, "
                                + "institution_id, institution_name, error_type, error_code, exit_status, request_id, client_user_id) "
                                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (event_key) DO NOTHING")
                .setParameter(1, key)
                .setParameter(2, e.linkSessionId())
                .setParameter(3, source)
                .setParameter(4, e.eventName())
                .setParameter(5, e.timestamp() == null ? Instant.now() : e.timestamp())
                .setParameter(6, e.viewName())
                .setParameter(7, e.institutionId())
                .setParameter(8, e.institutionName())
                .setParameter(9, e.errorType())
                .setParameter(10, e.errorCode())
                .setParameter(11, e.exitStatus())
                .setParameter(12, e.requestId())
                .setParameter(13, clientUserId)
                .executeUpdate())
                .map(n -> n > 0);
    }
}
