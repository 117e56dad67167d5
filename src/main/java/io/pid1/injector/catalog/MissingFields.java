package io.pid1.injector.catalog;

import java.util.List;
import java.util.Optional;

/** Turns values a YAML entry left out (null) into empty ones. */
final class MissingFields {

    private MissingFields() {}

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    static <T> Optional<T> orEmpty(Optional<T> optional) {
        return optional == null ? Optional.empty() : optional;
    }
}
