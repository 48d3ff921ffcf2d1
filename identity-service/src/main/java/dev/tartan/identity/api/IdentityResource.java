package dev.tartan.identity.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.EventJson;
import dev.tartan.identity.profile.UserProfile;
import dev.tartan.identity.store.AccountDecisionEntity;
import dev.tartan.identity.store.FraudReviewEntity;
import dev.tartan.identity.verification.IdentityService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.List;

/** identity-service's HTTP API: profiles and on-demand checks (role {@code app}), reviews (role {@code operator}). */
@Path("/identity")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IdentityResource {

    private final IdentityService service;

    public IdentityResource(IdentityService service) {
        this.service = service;
    }

    /** The user's KYC profile (legal name, phone, e-mail, address); stored sealed. */
    public record ProfileRequest(UserProfile profile) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DecisionView(String itemId, String accountId, String decisionId, String decision, String nextStep,
                               String method, List<String> reasons, JsonNode evidence, String policyVersion,
                               String plaidRequestId, Instant decidedAt) {
        static DecisionView of(AccountDecisionEntity e) {
            try {
                return new DecisionView(e.itemId, e.accountId, e.decisionId, e.outcome, e.nextStep, e.method,
                        List.of(EventJson.mapper().readValue(e.reasons, String[].class)), EventJson.mapper().readTree(e.evidence),
                        e.policyVersion, e.plaidRequestId, e.decidedAt);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReviewView(String reviewId, String itemId, String accountId, String clientUserId, String reason,
                             String decisionId, String status, String reviewer, String note, Instant requestedAt, Instant resolvedAt) {
        static ReviewView of(FraudReviewEntity e) {
            return new ReviewView(e.reviewId, e.itemId, e.accountId, e.clientUserId, e.reason, e.decisionId, e.status,
                    e.reviewer, e.note, e.requestedAt, e.resolvedAt);
        }
    }

    public record ReviewOutcomeRequest(String outcome, String reviewer, String note) {
    }

    public record ApiError(String code, String message) {
    }

    @PUT
    @Path("/users/{clientUserId}/profile")
    @RolesAllowed("app")
    public Uni<Response> putProfile(@PathParam("clientUserId") String clientUserId, UserProfile profile) {
        if (profile == null || !profile.hasName() && !profile.hasPhone() && !profile.hasEmail() && !profile.hasAddress()) {
            return Uni.createFrom().item(error(400, "PROFILE_EMPTY", "a profile needs at least one of legal_name, phone_number, email_address, address"));
        }
        return service.putProfile(clientUserId, profile)
                .map(n -> Response.ok(java.util.Map.of("client_user_id", clientUserId, "items_verified", n)).build());
    }

    @DELETE
    @Path("/users/{clientUserId}/profile")
    @RolesAllowed("app")
    public Uni<Response> deleteProfile(@PathParam("clientUserId") String clientUserId) {
        return service.deleteProfile(clientUserId).map(deleted -> deleted
                ? Response.noContent().build()
                : error(404, "PROFILE_NOT_FOUND", "no profile stored for this user"));
    }

    /** Verify an Item's accounts now; the body may carry the profile to store first. */
    @POST
    @Path("/items/{itemId}/verifications")
    @RolesAllowed("app")
    public Uni<Response> verify(@PathParam("itemId") String itemId, ProfileRequest request) {
        return service.verifyOnDemand(itemId, request == null ? null : request.profile())
                .map(list -> list == null
                        ? error(404, "ITEM_NOT_FOUND", "identity-service holds no active Item " + itemId)
                        : Response.ok(list.stream().map(DecisionView::of).toList()).build());
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ItemStatusView(String itemId, String status, boolean identityConsented, boolean authConsented,
                                 boolean awaitingProfile, Instant linkedAt, Instant removedAt) {
    }

    /** What identity-service holds for an Item (no token, no PII). */
    @GET
    @Path("/items/{itemId}")
    @RolesAllowed({"app", "operator"})
    public Uni<Response> item(@PathParam("itemId") String itemId) {
        return service.item(itemId).map(e -> e == null
                ? error(404, "ITEM_NOT_FOUND", "identity-service holds no Item " + itemId)
                : Response.ok(new ItemStatusView(e.itemId, e.status, e.identityConsented, e.authConsented, e.awaitingProfile,
                e.linkedAt, e.removedAt)).build());
    }

    @GET
    @Path("/items/{itemId}/decisions")
    @RolesAllowed({"app", "operator"})
    public Uni<List<DecisionView>> decisions(@PathParam("itemId") String itemId) {
        return service.decisions(itemId).map(list -> list.stream().map(DecisionView::of).toList());
    }

    @GET
    @Path("/reviews")
    @RolesAllowed("operator")
    public Uni<List<ReviewView>> reviews(@QueryParam("status") String status) {
        return service.reviews(status).map(list -> list.stream().map(ReviewView::of).toList());
    }

    @POST
    @Path("/reviews/{reviewId}/outcome")
    @RolesAllowed("operator")
    public Uni<Response> reviewOutcome(@PathParam("reviewId") String reviewId, ReviewOutcomeRequest request) {
        if (request == null || request.outcome() == null
                || !(request.outcome().equalsIgnoreCase("cleared") || request.outcome().equalsIgnoreCase("rejected"))) {
            return Uni.createFrom().item(error(400, "INVALID_OUTCOME", "outcome must be cleared or rejected"));
        }
        boolean cleared = request.outcome().equalsIgnoreCase("cleared");
        return service.recordReview(reviewId, cleared, request.reviewer(), request.note()).map(r -> switch (r) {
            case NOT_FOUND -> error(404, "REVIEW_NOT_FOUND", "no review " + reviewId);
            case ALREADY_RESOLVED -> error(409, "REVIEW_ALREADY_RESOLVED", "review " + reviewId + " already has an outcome");
            case RECORDED -> Response.noContent().build();
        });
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status).entity(new ApiError(code, message)).build();
    }
}
