package io.pid1.injector.webhook;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /mutate} and {@code POST /audit} (AdmissionReview {@code admission.k8s.io/v1}). */
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
    public Response mutate(byte[] body) {
        return answer(body, Endpoint.MUTATE);
    }

    @POST
    @Path("audit")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response audit(byte[] body) {
        return answer(body, Endpoint.AUDIT);
    }

    private Response answer(byte[] body, Endpoint endpoint) {
        if (body != null && body.length > BodyLimit.MAX_BYTES) {
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("pid1: body is larger than 6 MiB\n").build();
        }
        try {
            return Response.ok(service.handle(body, endpoint), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (ReviewException e) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("pid1: " + e.getMessage() + "\n").build();
        }
    }
}
