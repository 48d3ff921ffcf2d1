package dev.tartan.link.api;

import dev.tartan.link.exchange.ExchangeRequest;
import dev.tartan.link.exchange.ExchangeResult;
import dev.tartan.link.exchange.ExchangeService;
import dev.tartan.link.relink.RelinkPromptView;
import dev.tartan.link.relink.RelinkQueries;
import dev.tartan.link.relink.UpdateCompletionRequest;
import dev.tartan.link.relink.UpdateCompletionResult;
import dev.tartan.link.relink.UpdateCompletionService;
import dev.tartan.link.token.IssuedToken;
import dev.tartan.link.token.LinkTokenRequest;
import dev.tartan.link.token.LinkTokenService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The app backend's Link API (JWT role {@code app}). */
@Path("/link")
@RolesAllowed("app")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class LinkResource {

    private final LinkTokenService tokens;
    private final ExchangeService exchanges;
    private final UpdateCompletionService completions;
    private final RelinkQueries relinks;

    public LinkResource(LinkTokenService tokens, ExchangeService exchanges, UpdateCompletionService completions,
                        RelinkQueries relinks) {
        this.tokens = tokens;
        this.exchanges = exchanges;
        this.completions = completions;
        this.relinks = relinks;
    }

    /** A Link token for any flow; 400 naming the field for anything Plaid would refuse. */
    @POST
    @Path("/tokens")
    public Uni<IssuedToken> createToken(LinkTokenRequest request) {
        return tokens.create(request);
    }

    /** Exchange Link's public token after onSuccess; 409 for a duplicate Item; retries answer the same. */
    @POST
    @Path("/exchanges")
    public Uni<ExchangeResult> exchange(ExchangeRequest request) {
        return exchanges.exchange(request);
    }

    /** onSuccess of an update-mode session: no exchange; publishes link.update-completed. */
    @POST
    @Path("/update-completions")
    public Uni<UpdateCompletionResult> updateCompleted(UpdateCompletionRequest request) {
        return completions.complete(request);
    }

    /** What to prompt this user about: Items waiting for update mode. */
    @GET
    @Path("/users/{clientUserId}/relink-prompts")
    public Uni<List<RelinkPromptView>> prompts(@PathParam("clientUserId") String clientUserId) {
        return relinks.promptsFor(clientUserId);
    }
}
