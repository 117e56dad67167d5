/**
 * Image entrypoint resolution: what a container that sets no {@code command} really runs, read from its
 * registry over the OCI distribution API ({@link io.pid1.injector.registry.ImageResolver}).
 *
 * <p>Credentials: anonymous access, the Bearer token challenge and Basic credentials of a Docker
 * {@code config.json} ({@code PID1_REGISTRY_AUTH_FILE}, typically a mounted Secret of type
 * {@code kubernetes.io/dockerconfigjson}). Not done: reading each pod's {@code imagePullSecrets} from the API. As
 * an option it would have to stay off by default: it needs RBAC to {@code get} Secrets in every namespace the
 * webhook serves (a read-all-secrets grant for an admission webhook), one API call per admission on top of the
 * registry's, and a per-tenant cache key so one namespace's credentials never serve another's image.
 *
 * <p>Egress: the registry, its token service and its redirect targets are chosen by pod authors and registries, so
 * each URL passes {@link io.pid1.injector.registry.EgressPolicy} (HTTPS, no internal address) before it is fetched.
 */
package io.pid1.injector.registry;
