package dev.tartan.beacon.api;

import dev.tartan.beacon.backfill.BackfillService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The importer of existing users (operators): upload a CSV or JSON Lines file, then follow its progress. */
@Path("/beacon/backfill")
@Produces(MediaType.APPLICATION_JSON)
public class BackfillResource {

    private final BackfillService backfill;

    public BackfillResource(BackfillService backfill) {
        this.backfill = backfill;
    }

    /** Stages the file and starts (or, for a file already uploaded, resumes) its import; 202 with the progress. */
    @POST
    @RolesAllowed("operator")
    @Consumes({MediaType.TEXT_PLAIN, "text/csv", "application/x-ndjson", "application/jsonl", MediaType.APPLICATION_OCTET_STREAM})
    public Uni<Response> submit(@QueryParam("format") String format, @QueryParam("name") String name, String content) {
        if (content == null || content.isBlank()) {
            throw new ApiException(400, "BACKFILL_FILE_EMPTY", "the request body (the file) is empty");
        }
        return backfill.submit(name, format, content).map(p -> Response.status(202).entity(p).build());
    }

    /** Progress, then (when {@code finished}) the summary: created, reports filed, skipped, failed (with lines), uncertain. */
    @GET
    @Path("/{jobId}")
    @RolesAllowed("operator")
    public Uni<BackfillService.Progress> progress(@PathParam("jobId") String jobId) {
        return backfill.progress(jobId);
    }
}
