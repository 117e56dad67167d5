package io.pid1.injector.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link HookDuration}: how long an author's preStop hook waits before the stop signal. */
class HookDurationTest {

    @ParameterizedTest(name = "{0} waits {1}s")
    @CsvSource(delimiter = '|', textBlock = """
            {"sleep": {"seconds": 12}}                                                        | 12
            {"sleep": {"seconds": -3}}                                                        | 0
            {"exec": {"command": ["sleep", "15"]}}                                            | 15
            {"exec": {"command": ["/bin/sleep", "15s"]}}                                      | 15
            {"exec": {"command": ["/bin/sh", "-c", "sleep 20 && kill -TERM 1"]}}              | 20
            {"exec": {"command": ["bash", "-c", "sleep 5; nginx -s quit; sleep 10"]}}         | 15
            {"exec": {"command": ["sh", "-c", "exec sleep 8"]}}                               | 8
            {"exec": {"command": ["sh", "-c", "sleep $DRAIN"]}}                               | 0
            {"exec": {"command": ["/app/drain.sh"]}}                                          | 0
            {"exec": {"command": ["sleep", "999999"]}}                                        | 86400
            {"httpGet": {"path": "/drain", "port": 8080}}                                     | 0
            {}                                                                                | 0
            """)
    void readsTheSleepsAHookWaits(String hook, int seconds) throws JsonProcessingException {
        assertEquals(seconds, HookDuration.of(Json.MAPPER.readTree(hook)));
    }
}
