package io.pid1.floor;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /mutate} as the webhook declares it (bytes in, bytes out), answering the bytes of
 * {@code floor.answer-file} (bench/floor.sh writes nginx's body there) without reading the review. It runs on
 * the I/O thread, as the webhook's reviews do: a plain {@code byte[]} method would otherwise go to a worker.
 */
@Path("/")
public class FixedAnswer {

    private final byte[] answer;

    FixedAnswer(@ConfigProperty(name = "floor.answer-file") java.nio.file.Path file) {
        try {
            answer = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @POST
    @Path("mutate")
    @NonBlocking
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] mutate(byte[] review) {
        return answer;
    }
}
