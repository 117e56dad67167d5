package io.pid1.injector.catalog;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One listen-flag value read as an address: {@code HOST:PORT}, {@code :PORT}, {@code PORT},
 * {@code HOST}, {@code [::]:PORT}, {@code tcp://HOST:PORT}, or a unix socket
 * ({@code unix:/run/app.sock}, {@code /run/app.sock}).
 */
record ListenAddress(Optional<String> host, OptionalInt port, boolean unixSocket) {

    private static final Pattern SCHEME = Pattern.compile("^[a-z][a-z0-9+.-]*://");
    private static final Pattern BRACKETED = Pattern.compile("^\\[([^]]*)](?::(.*))?$");

    /** The address {@code value} names; empty when it is not one (a file descriptor, a bad port). */
    static Optional<ListenAddress> parse(String value) {
        if (value.startsWith("unix:") || value.startsWith("/") || value.startsWith("./") || value.startsWith("@")) {
            return Optional.of(new ListenAddress(Optional.empty(), OptionalInt.empty(), true));
        }
        String address = value.contains("://") ? SCHEME.matcher(value).replaceFirst("") : value;
        if (value.startsWith("fd:") || address.isEmpty()) {
            return Optional.empty();
        }
        int query = address.indexOf('?');
        if (query >= 0) {
            address = address.substring(0, query);
        }
        if (address.startsWith("[")) {
            Matcher bracketed = BRACKETED.matcher(address);
            if (bracketed.matches()) {
                return hostAndPort(bracketed.group(1), bracketed.group(2));
            }
        }
        if (Digits.upTo(address, 5)) {
            return hostAndPort("", address);
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0 || address.indexOf(':') != colon) {
            return hostAndPort(address, null);
        }
        return hostAndPort(address.substring(0, colon), address.substring(colon + 1));
    }

    private static Optional<ListenAddress> hostAndPort(String host, String port) {
        Optional<String> knownHost = host.isEmpty() ? Optional.empty() : Optional.of(host);
        if (port == null) {
            return Optional.of(new ListenAddress(knownHost, OptionalInt.empty(), false));
        }
        if (!Digits.upTo(port, 5) || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) {
            return Optional.empty();
        }
        return Optional.of(new ListenAddress(knownHost, OptionalInt.of(Integer.parseInt(port)), false));
    }
}
