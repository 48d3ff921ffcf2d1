package dev.tartan.item.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.registry.UnknownItemWebhookEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/** Operations views (role {@code operator}). */
@Path("/operator")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("operator")
@Tag(name = "operator")
public class OperatorResource {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StatusCount(String status, String errorCode, long items) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record HeldWebhook(String eventId, String itemId, String webhookCode, Instant receivedAt, Instant storedAt) {
    }

    @GET
    @Path("items/counts")
    @WithSession
    @Operation(summary = "Items by status and error code")
    public Uni<List<StatusCount>> counts() {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT status, error_code, count(*) FROM item GROUP BY status, error_code ORDER BY status, error_code", Object[].class)
                .getResultList())
                .map(rows -> rows.stream().map(r -> new StatusCount((String) r[0], (String) r[1], ((Number) r[2]).longValue())).toList());
    }

    @GET
    @Path("items/longest-in-error")
    @WithSession
    @Operation(summary = "Items in error the longest (oldest error first)")
    public Uni<List<ItemView>> longestInError(@QueryParam("limit") @DefaultValue("50") int limit) {
        return ItemEntity.<ItemEntity>find("errorSince is not null and removedAt is null order by errorSince")
                .page(Page.ofSize(clamp(limit))).list().map(l -> l.stream().map(ItemView::of).toList());
    }

    @GET
    @Path("removals")
    @WithSession
    @Operation(summary = "The removal queue: Items selected for removal and not removed yet, next attempt first")
    public Uni<List<ItemView>> removalQueue(@QueryParam("limit") @DefaultValue("100") int limit) {
        return ItemEntity.<ItemEntity>find("removalId is not null and removedAt is null order by removalNextAttemptAt")
                .page(Page.ofSize(clamp(limit))).list().map(l -> l.stream().map(ItemView::of).toList());
    }

    @GET
    @Path("unknown-item-webhooks")
    @WithSession
    @Operation(summary = "Webhooks held for Items not registered yet")
    public Uni<List<HeldWebhook>> heldWebhooks(@QueryParam("limit") @DefaultValue("100") int limit) {
        return UnknownItemWebhookEntity.<UnknownItemWebhookEntity>find("order by storedAt").page(Page.ofSize(clamp(limit))).list()
                .map(l -> l.stream().map(w -> new HeldWebhook(w.eventId, w.itemId, w.webhookCode, w.receivedAt, w.storedAt)).toList());
    }

    private static int clamp(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000, was " + limit);
        }
        return limit;
    }
}
