package io.pid1.injector.catalog;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a server listens, from its listen flags' values.
 *
 * @param host      the first host a flag names
 * @param port      the first TCP port a flag names, else the default when no flag named an address
 * @param fromFlags whether the flags named an address at all
 */
record Listen(Optional<String> host, OptionalInt port, boolean fromFlags) {

    /** The listen address that {@code values} (in order; empty when unknown) give, or the default. */
    static Listen of(List<Optional<String>> values, OptionalInt defaultPort) {
        Optional<String> host = Optional.empty();
        OptionalInt port = OptionalInt.empty();
        boolean namesAddress = false;
        for (Optional<String> value : values) {
            Optional<ListenAddress> address = value.flatMap(ListenAddress::parse);
            if (address.isEmpty()
                    || address.get().unixSocket()
                    || address.get().port().isPresent()) {
                namesAddress = true;
            }
            if (host.isEmpty() && address.isPresent()) {
                host = address.get().host();
            }
            if (port.isEmpty() && address.isPresent()) {
                port = address.get().port();
            }
        }
        if (!namesAddress) {
            return new Listen(host, defaultPort, false);
        }
        return new Listen(host, port, true);
    }
}
