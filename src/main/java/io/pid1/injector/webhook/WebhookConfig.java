package io.pid1.injector.webhook;

import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.core.EngineSettings;
import io.pid1.injector.core.FixKind;
import io.pid1.injector.registry.RegistrySettings;
import io.pid1.injector.tls.auto.AutoTlsTarget;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.PropertiesConfigSourceLoader;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The webhook's {@code pid1.*} settings, each also read from its {@code PID1_*} environment variable
 * (docs/reference.md). The only reader of them: Quarkus maps it for the webhook, and {@link #fromEnvironment()}
 * reads it the same way for the code that runs before Quarkus boots (the CLI, {@code serve}'s TLS set-up).
 */
@ConfigMapping(prefix = "pid1")
public interface WebhookConfig {

    /** The properties file Quarkus reads, with its ordinal: system properties and environment override it. */
    String PROPERTIES = "application.properties";

    /**
     * This configuration as the webhook will see it, read before Quarkus boots: system properties, then
     * {@code PID1_*} environment variables, then {@code application.properties}.
     *
     * @throws IllegalArgumentException one line naming the setting whose value is invalid
     */
    static WebhookConfig fromEnvironment() {
        return read(new SmallRyeConfigBuilder().addSystemSources(), Map.of());
    }

    /** This configuration from {@code application.properties} and these properties only (for tests). */
    static WebhookConfig of(Map<String, String> properties) {
        return read(new SmallRyeConfigBuilder(), properties);
    }

    private static WebhookConfig read(SmallRyeConfigBuilder builder, Map<String, String> properties) {
        ClassLoader loader = WebhookConfig.class.getClassLoader();
        builder.addDefaultInterceptors()
                .withSources(PropertiesConfigSourceLoader.inClassPath(PROPERTIES, 250, loader))
                .withSources(new PropertiesConfigSource(properties, "given", 500))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(WebhookConfig.class)
                .withValidateUnknown(false);
        try {
            return builder.build().getConfigMapping(WebhookConfig.class);
        } catch (ConfigValidationException e) {
            throw new IllegalArgumentException(
                    IntStream.range(0, e.getProblemCount())
                            .mapToObj(i -> e.getProblem(i).getMessage().replaceFirst("^java\\.lang\\.\\w+: ", ""))
                            .collect(Collectors.joining("; ")),
                    e);
        }
    }

    /** {@code enforce}, or {@code audit}: every request is answered as on {@code /audit}. */
    @WithDefault("enforce")
    String mode();

    /** Image of the injected {@code pid1-init} container; default {@link EngineSettings#DEFAULT_INIT_IMAGE}. */
    Optional<String> initImage();

    /** The project's image, run as the {@code pid1-shim} sidecar with {@code pid1.io/init: shim}. */
    Optional<String> shimImage();

    /** The preStop drain when a pod does not choose one; default {@link EngineSettings#DEFAULT_DRAIN_SECONDS}. */
    OptionalInt drainSeconds();

    /** The fixes switched on; default {@link FixKind#defaults()}. */
    Optional<List<String>> fixes();

    /** Whether the API server takes native sidecars (Kubernetes 1.29+), for the {@code sidecars} fix; default true. */
    Optional<Boolean> nativeSidecars();

    /**
     * Pin a container's image to the digest its ENTRYPOINT/CMD was read from when a fix writes them into the
     * spec ({@code PID1_PIN_DIGEST}); {@code false} keeps the tag as written.
     */
    Optional<Boolean> pinDigest();

    /** A YAML file of extra catalog entries (same schema as the built-in catalog). */
    Optional<String> catalogFile();

    Registry registry();

    /** Image lookups ({@code PID1_REGISTRY_*}). */
    interface Registry {

        @WithDefault("true")
        boolean lookup();

        @WithDefault("" + RegistrySettings.DEFAULT_TIMEOUT_MS)
        int timeoutMs();

        /** A Docker {@code config.json} with registry credentials. */
        Optional<String> authFile();

        /** Comma list of {@code host:port} reached over plain HTTP. */
        Optional<String> insecure();

        /** Comma list of the registries images may come from; unset: any. */
        Optional<String> allow();

        /** Comma list of hosts that may be loopback, link-local or metadata addresses. */
        Optional<String> allowInternal();

        @WithDefault(RegistrySettings.DEFAULT_ARCHITECTURE)
        String defaultArch();

        /** These settings as the registry client takes them. */
        default RegistrySettings settings() {
            return new RegistrySettings(
                    lookup(),
                    Duration.ofMillis(timeoutMs()),
                    authFile().map(Path::of),
                    insecure().map(RegistrySettings::hosts).orElse(Set.of()),
                    defaultArch().toLowerCase(Locale.ROOT),
                    allow().map(RegistrySettings::hosts).orElse(Set.of()),
                    allowInternal().map(RegistrySettings::hosts).orElse(Set.of()));
        }
    }

    /** HTTPS port of {@code /mutate} and {@code /audit}. */
    int webhookPort();

    /** Plain-HTTP port of health and metrics. */
    int managementPort();

    /** Address both ports listen on. */
    String listenHost();

    /** The webhook's namespace for self-managed TLS; else the service account's namespace. */
    Optional<String> namespace();

    Tls tls();

    /** The serving certificate, reloaded when the files change. */
    interface Tls {

        /** PEM certificate; {@code serve} points it at {@code dir} when unset. */
        Optional<String> certFile();

        /** PEM private key. */
        Optional<String> keyFile();

        /**
         * PEM CAs whose client certificates may call the webhook ({@code PID1_TLS_CLIENT_CA_FILE}); when set, a
         * handshake without such a certificate fails. Unset: no client certificate is asked for.
         */
        Optional<String> clientCaFile();

        /** Where {@code serve} writes self-signed material when no files are given. */
        @WithDefault("pid1-tls")
        String dir();

        /** How often the files are checked for a new pair ({@link io.pid1.injector.tls.ServingFiles}). */
        @WithDefault("10s")
        Duration reloadPeriod();

        /** Self-managed TLS: {@code serve} takes the material from a shared Secret and sets the caBundle. */
        @WithDefault("false")
        boolean auto();

        /** The Secret the replicas share in self-managed TLS. */
        @WithDefault(AutoTlsTarget.DEFAULT_SECRET)
        String autoSecret();

        /** The MutatingWebhookConfiguration whose caBundle self-managed TLS sets. */
        @WithDefault(AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION)
        String autoWebhook();
    }

    Shutdown shutdown();

    /** The stop on SIGTERM ({@link GracefulStop}). */
    interface Shutdown {

        /** How long reviews are still answered with readiness DOWN. */
        Duration delay();

        /** How long, after the delay, the reviews in flight are awaited. */
        Duration timeout();
    }

    /**
     * The engine's settings: {@link EngineSettings#defaults()} where nothing is set.
     *
     * @throws IllegalArgumentException when {@code pid1.fixes} names an unknown fix
     */
    default EngineSettings engineSettings() {
        EngineSettings defaults = EngineSettings.defaults();
        Set<FixKind> fixes = EnumSet.noneOf(FixKind.class);
        for (String id : fixes().orElse(List.of())) {
            fixes.add(FixKind.byId(id)
                    .orElseThrow(() -> new IllegalArgumentException("pid1.fixes names unknown fix \"" + id + "\"")));
        }
        return new EngineSettings(
                fixes().isPresent() ? fixes : defaults.fixes(),
                defaults.init(),
                initImage().orElse(defaults.initImage()),
                shimImage().orElse(defaults.shimImage()),
                drainSeconds().orElse(defaults.drainSeconds()),
                nativeSidecars().orElse(defaults.nativeSidecars()),
                defaults.version(),
                pinDigest().orElse(defaults.pinDigest()));
    }

    /** The built-in catalog, with the entries of {@code pid1.catalog-file} when it is set. */
    default Catalog catalog() {
        return catalogFile().map(Path::of).map(Catalog::load).orElseGet(Catalog::builtin);
    }
}
