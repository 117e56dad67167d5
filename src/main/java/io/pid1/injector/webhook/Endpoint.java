package io.pid1.injector.webhook;

/** The two admission endpoints: fix, or report only. */
enum Endpoint {
    MUTATE("mutate"),
    AUDIT("audit");

    final String id;

    Endpoint(String id) {
        this.id = id;
    }
}
