package io.pid1.injector.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} challenge: {@code Bearer realm="…",service="…",scope="…"} or {@code Basic realm="…"}.
 *
 * @param scheme lower case ({@code bearer}, {@code basic})
 * @param params parameter names in lower case
 */
record Challenge(String scheme, Map<String, String> params) {

    Challenge {
        params = Map.copyOf(params);
    }

    /** The first Bearer challenge among the headers, else the first Basic one. */
    static Optional<Challenge> pick(List<String> headers) {
        Optional<Challenge> basic = Optional.empty();
        for (String header : headers) {
            Optional<Challenge> challenge = parse(header);
            if (challenge.filter(c -> c.scheme().equals("bearer")).isPresent()) {
                return challenge;
            }
            if (basic.isEmpty()) {
                basic = challenge.filter(c -> c.scheme().equals("basic"));
            }
        }
        return basic;
    }

    /** Parses one header value; empty when it names no scheme. */
    static Optional<Challenge> parse(String header) {
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < text.length() && text.charAt(j) == '"') {
                for (j++; j < text.length() && text.charAt(j) != '"'; j++) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j));
                }
                j++;
            } else {
                for (; j < text.length() && text.charAt(j) != ','; j++) {
                    value.append(text.charAt(j));
                }
            }
            params.putIfAbsent(name, value.toString().strip());
            int comma = text.indexOf(',', j);
            i = comma < 0 ? text.length() : comma + 1;
        }
        return Optional.of(new Challenge(scheme, params));
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty());
    }
}
