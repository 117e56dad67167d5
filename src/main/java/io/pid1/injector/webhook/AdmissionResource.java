package io.pid1.injector.webhook;

import io.pid1.injector.server.BodyLimit;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code POST /mutate} and {@code POST /audit} (AdmissionReview {@code admission.k8s.io/v1}). They start
 * on the I/O thread; {@link AdmissionService#handle} moves to a worker only what could hold that thread.
 * Every answer's entity is bytes, so RESTEasy picks its writer once, at build time, not per request.
 */
@Path("/")
public class AdmissionResource {

    private final AdmissionService service;

    AdmissionResource(AdmissionService service) {
        this.service = service;
    }

    @POST
    @Path("mutate")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<RestResponse<byte[]>> mutate(byte[] body, @RestQuery String timeout) {
        return answer(body, Endpoint.MUTATE, timeout);
    }

    @POST
    @Path("audit")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<RestResponse<byte[]>> audit(byte[] body, @RestQuery String timeout) {
        return answer(body, Endpoint.AUDIT, timeout);
    }

    /** {@code timeout} is kube-apiserver's {@code ?timeout=}: past it, the pod is admitted unchanged. */
    private CompletionStage<RestResponse<byte[]>> answer(byte[] body, Endpoint endpoint, String timeout) {
        if (body != null && body.length > BodyLimit.MAX_BYTES) {
            return CompletableFuture.completedFuture(
                    plain(Response.Status.REQUEST_ENTITY_TOO_LARGE, BodyLimit.TOO_LARGE));
        }
        return service.handle(body, endpoint, ReviewDeadline.after(timeout)).handle((answer, error) -> {
            if (error == null) {
                return RestResponse.ok(answer, MediaType.APPLICATION_JSON_TYPE);
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof ReviewException review) {
                return plain(Response.Status.BAD_REQUEST, review.getMessage());
            }
            throw error instanceof CompletionException wrapped ? wrapped : new CompletionException(error);
        });
    }

    private static RestResponse<byte[]> plain(Response.Status status, String reason) {
        return RestResponse.ResponseBuilder.create(status, ("pid1: " + reason + "\n").getBytes(StandardCharsets.UTF_8))
                .type(MediaType.TEXT_PLAIN_TYPE)
                .build();
    }
}
