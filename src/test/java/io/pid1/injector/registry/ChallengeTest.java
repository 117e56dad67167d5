package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void bearerParametersAreRead() {
        Challenge challenge = Challenge.parse(
                        "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                                + "scope=\"repository:team/app:pull,push\"")
                .orElseThrow();
        assertEquals("bearer", challenge.scheme());
        assertEquals(
                Map.of(
                        "realm",
                        "https://auth.example/token",
                        "service",
                        "registry.example",
                        "scope",
                        "repository:team/app:pull,push"),
                challenge.params());
    }

    @Test
    void unquotedValuesEscapesAndCaseAreHandled() {
        Challenge challenge =
                Challenge.parse("BASIC Realm=plain, Error=\"say \\\"no\\\"\"").orElseThrow();
        assertEquals("basic", challenge.scheme());
        assertEquals(Optional.of("plain"), challenge.param("realm"));
        assertEquals(Optional.of("say \"no\""), challenge.param("error"));
    }

    @Test
    void bearerIsPreferredOverBasic() {
        assertEquals(
                "bearer",
                Challenge.pick(List.of("Basic realm=\"r\"", "Bearer realm=\"t\""))
                        .orElseThrow()
                        .scheme());
        assertEquals(
                "basic",
                Challenge.pick(List.of("Negotiate", "Basic realm=\"r\""))
                        .orElseThrow()
                        .scheme());
        assertEquals(Optional.empty(), Challenge.pick(List.of("Negotiate abc")));
    }
}
