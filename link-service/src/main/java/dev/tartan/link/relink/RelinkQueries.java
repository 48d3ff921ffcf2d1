package dev.tartan.link.relink;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** "What should I prompt this user about?" */
@ApplicationScoped
public class RelinkQueries {

    /** Open re-links of the user's Items not yet fixed in update mode, oldest deadline first; one per Item. */
    @WithSession
    public Uni<List<RelinkPromptView>> promptsFor(String clientUserId) {
        return RelinkPrompt.<RelinkPrompt>list("clientUserId = ?1 and resolvedAt is null and updateCompletedAt is null "
                        + "and itemId not in (select i.itemId from LinkedItem i where i.removedAt is not null) "
                        + "order by deadline asc nulls last, requestedAt asc", clientUserId)
                .map(list -> {
                    java.util.LinkedHashMap<String, RelinkPromptView> byItem = new java.util.LinkedHashMap<>();
                    list.forEach(p -> byItem.putIfAbsent(p.itemId, RelinkPromptView.of(p)));
                    return List.copyOf(byItem.values());
                });
    }
}
