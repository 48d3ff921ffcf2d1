package dev.tartan.item.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.item.churn.ActivityService;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.removal.RemovalRequests;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The app backend's API (role {@code app}; operators may use it too). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "items")
public class ItemResource {

    /** Body of POST .../activity. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ActivityRequest(String kind, Instant occurredAt) {
    }

    /** Body of POST .../removal: a {@link RemovalReason}, USER_REQUEST when absent. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RemovalRequest(String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RemovalAccepted(String requestId, int itemsSelected) {
    }

    private final ActivityService activity;
    private final RemovalRequests removals;
    private final JsonWebToken jwt;

    public ItemResource(ActivityService activity, RemovalRequests removals, JsonWebToken jwt) {
        this.activity = activity;
        this.removals = removals;
        this.jwt = jwt;
    }

    @GET
    @Path("users/{clientUserId}/items")
    @RolesAllowed({"app", "operator"})
    @WithSession
    @Operation(summary = "A user's Items with status and any pending re-link (for banners)")
    public Uni<List<ItemView>> itemsOfUser(@PathParam("clientUserId") String clientUserId) {
        return ItemEntity.<ItemEntity>list("clientUserId = ?1 order by linkedAt", clientUserId)
                .map(items -> items.stream().map(ItemView::of).toList());
    }

    @GET
    @Path("items/{itemId}")
    @RolesAllowed({"app", "operator"})
    @WithSession
    @Operation(summary = "One Item")
    public Uni<ItemView> item(@PathParam("itemId") String itemId) {
        return ItemEntity.<ItemEntity>findById(itemId).map(i -> {
            if (i == null) {
                throw new ApiExceptionMappers.ApiException(404, "ITEM_NOT_FOUND", "no Item " + itemId);
            }
            return ItemView.of(i);
        });
    }

    @POST
    @Path("users/{clientUserId}/activity")
    @RolesAllowed({"app"})
    @Operation(summary = "Record that the user was active (cancels scheduled inactivity removals)")
    public Uni<Response> recordActivity(@PathParam("clientUserId") String clientUserId, ActivityRequest body) {
        String kind = body == null || body.kind() == null ? "APP_SESSION" : body.kind();
        Instant at = body == null ? null : body.occurredAt();
        if (at != null && at.isAfter(Instant.now().plusSeconds(300))) {
            throw new ApiExceptionMappers.ApiException(400, "OCCURRED_AT_IN_FUTURE", "occurred_at is in the future: " + at);
        }
        return activity.record(clientUserId, kind, at).map(n -> Response.accepted().build());
    }

    @POST
    @Path("items/{itemId}/removal")
    @RolesAllowed({"app", "operator"})
    @Operation(summary = "Request removal of one Item (user request by default; fraud reasons are urgent)")
    public Uni<Response> removeItem(@PathParam("itemId") String itemId, RemovalRequest body) {
        RemovalReason reason = reason(body);
        String requestId = UUID.randomUUID().toString();
        return removals.requestForItem(itemId, reason, who(), requestId).map(found -> {
            if (!found) {
                throw new ApiExceptionMappers.ApiException(404, "ITEM_NOT_FOUND", "no Item " + itemId);
            }
            return Response.accepted(new RemovalAccepted(requestId, 1)).build();
        });
    }

    @POST
    @Path("users/{clientUserId}/removal")
    @RolesAllowed({"app", "operator"})
    @Operation(summary = "Request removal of every Item of a user (account closed, fraud)")
    public Uni<Response> removeUserItems(@PathParam("clientUserId") String clientUserId, RemovalRequest body) {
        RemovalReason reason = reason(body);
        String requestId = UUID.randomUUID().toString();
        return removals.requestForUser(clientUserId, reason, who(), requestId)
                .map(n -> Response.accepted(new RemovalAccepted(requestId, n)).build());
    }

    private String who() {
        return jwt == null || jwt.getName() == null ? "api" : "api:" + jwt.getName();
    }

    private static RemovalReason reason(RemovalRequest body) {
        if (body == null || body.reason() == null) {
            return RemovalReason.USER_REQUEST;
        }
        try {
            return RemovalReason.valueOf(body.reason());
        } catch (IllegalArgumentException e) {
            throw new ApiExceptionMappers.ApiException(400, "UNKNOWN_REMOVAL_REASON",
                    "reason must be one of " + List.of(RemovalReason.values()) + ", was " + body.reason());
        }
    }
}
