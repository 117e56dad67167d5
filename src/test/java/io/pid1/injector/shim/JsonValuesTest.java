package io.pid1.injector.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValuesTest {

    @Test
    void readsEveryKindOfValue() throws Exception {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "a\"\\/\b\f\n\r\tA\u00e9");
        expected.put("i", 42);
        expected.put("n", -7);
        expected.put("l", 2_147_483_648L);
        expected.put("b", new BigInteger("9223372036854775808"));
        expected.put("d", 0.3);
        expected.put("e", 1.5e3);
        expected.put("a", Arrays.asList(true, false, null, List.of(), Map.of()));
        assertEquals(
                expected,
                JsonValues.read(" {\"s\": \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\u00e9\", \"i\": 42, \"n\": -7,"
                        + " \"l\": 2147483648, \"b\": 9223372036854775808, \"d\": 0.3, \"e\": 15E2,"
                        + " \"a\": [true, false, null, [], {}]}\n"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\": 1,}",
                "[1,]",
                "{'a': 1}",
                "{a: 1}",
                "[01]",
                "[1.]",
                "[.5]",
                "[1e]",
                "[-]",
                "[+1]",
                "[NaN]",
                "[\"\\x\"]",
                "[\"\\u12\"]",
                "[\"a\tb\"]",
                "[tru]",
                "[true1]",
                "// c\n{}",
                "{\"a\" 1}",
                "[1 2]",
                "\"",
                "[\"\\u０041\"]"
            })
    void refusesWhatIsNotStrictJson(String json) {
        assertThrows(IOException.class, () -> JsonValues.read(json), json);
    }

    @Test
    void refusesNestingDeeperThanSixtyFour() throws Exception {
        JsonValues.read("[".repeat(64) + "]".repeat(64));
        assertThrows(IOException.class, () -> JsonValues.read("[".repeat(10_000) + "]".repeat(10_000)));
    }

    /** It reads what jackson-core's streaming parser, which it replaced, reads, and refuses what that refused. */
    @Test
    void agreesWithJackson() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pieces = {
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            " ",
            "\"a\"",
            "\"b\"",
            "\"\\u00e9\\n\"",
            "\"\\q\"",
            "1",
            "-0",
            "0.5",
            "1e3",
            "01",
            "-",
            "2147483648",
            "true",
            "null",
            "fals",
            "\"",
            "\\"
        };
        for (int i = 0; i < 50_000; i++) {
            StringBuilder json = new StringBuilder();
            for (int n = random.nextInt(12); n >= 0; n--) {
                json.append(pieces[random.nextInt(pieces.length)]);
            }
            Object ours;
            Object jacksons;
            try {
                ours = JsonValues.read(json.toString());
            } catch (IOException e) {
                ours = "refused";
            }
            try {
                jacksons = jackson(json.toString());
            } catch (IOException e) {
                jacksons = "refused";
            }
            assertEquals(jacksons, ours, "seed " + seed + ": " + json);
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The reader as it was, on jackson-core. */
    private static Object jackson(String json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() == null) {
                throw new IOException("no JSON value");
            }
            Object value = jacksonValue(parser);
            if (parser.nextToken() != null) {
                throw new IOException("unexpected text after the JSON value");
            }
            return value;
        }
    }

    private static Object jacksonValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() != JsonToken.END_OBJECT) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, jacksonValue(parser));
                }
                return object;
            case START_ARRAY:
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(jacksonValue(parser));
                }
                return array;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getNumberValue();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return parser.getBooleanValue();
            default:
                return null;
        }
    }
}
