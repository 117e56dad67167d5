package io.pid1.injector.webhook;

import io.pid1.injector.catalog.Catalog;
import io.pid1.injector.core.FixKind;
import io.pid1.injector.core.InitMode;
import io.pid1.injector.core.PodFixer;
import io.pid1.injector.core.Settings;
import io.pid1.injector.registry.ImageResolver;
import io.pid1.injector.registry.RegistrySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The webhook's {@code pid1.*} settings (SPEC's {@code PID1_*} environment variables). */
@ConfigMapping(prefix = "pid1")
public interface WebhookConfig {

    /** {@code enforce}, or {@code audit}: every request is answered as on {@code /audit}. */
    @WithDefault("enforce")
    String mode();

    String initImage();

    /** The project's image, run as the {@code pid1-shim} sidecar with {@code pid1.io/init: shim}. */
    String shimImage();

    @WithDefault("5")
    int drainSeconds();

    List<String> fixes();

    /**
     * Pin a container's image to the digest its ENTRYPOINT/CMD was read from when a fix writes them into the
     * spec ({@code PID1_PIN_DIGEST}); {@code false} keeps the tag as written.
     */
    @WithDefault("true")
    boolean pinDigest();

    /** A YAML file of extra catalog entries (same schema as the built-in catalog). */
    Optional<String> catalogFile();

    Registry registry();

    /** Image lookups ({@code PID1_REGISTRY_*}). */
    interface Registry {

        @WithDefault("true")
        boolean lookup();

        @WithDefault("1500")
        int timeoutMs();

        /** A Docker {@code config.json} with registry credentials. */
        Optional<String> authFile();

        /** Comma list of {@code host:port} reached over plain HTTP. */
        Optional<String> insecure();

        /** Comma list of the registries images may come from; unset: any. */
        Optional<String> allow();

        /** Comma list of hosts that may be loopback, link-local or metadata addresses. */
        Optional<String> allowInternal();

        @WithDefault("amd64")
        String defaultArch();
    }

    /** HTTPS port of {@code /mutate} and {@code /audit}. */
    int webhookPort();

    /** Plain-HTTP port of health and metrics. */
    int managementPort();

    /** Address both ports listen on. */
    @WithDefault("0.0.0.0")
    String listenHost();

    /** The webhook's namespace for self-managed TLS; else the service account's namespace. */
    Optional<String> namespace();

    Tls tls();

    /** The serving certificate, reloaded when the files change. */
    interface Tls {

        /** PEM certificate; {@code serve} points it at {@code dir} when unset. */
        String certFile();

        /** PEM private key. */
        String keyFile();

        /**
         * PEM CAs whose client certificates may call the webhook ({@code PID1_TLS_CLIENT_CA_FILE}); when set, a
         * handshake without such a certificate fails. Unset: no client certificate is asked for.
         */
        Optional<String> clientCaFile();

        /** Where {@code serve} writes self-signed material when no files are given. */
        Optional<String> dir();

        /** How often the files are checked for a new pair ({@link io.pid1.injector.tls.ServingFiles}). */
        @WithDefault("10s")
        Duration reloadPeriod();

        /** Self-managed TLS: {@code serve} takes the material from a shared Secret and sets the caBundle. */
        @WithDefault("false")
        boolean auto();

        /** The Secret the replicas share in self-managed TLS. */
        @WithDefault("pid1-injector-ca")
        String autoSecret();

        /** The MutatingWebhookConfiguration whose caBundle self-managed TLS sets. */
        @WithDefault("pid1-injector")
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

    /** Makes the engine from this configuration. */
    @ApplicationScoped
    class Engine {

        @Produces
        @ApplicationScoped
        PodFixer podFixer(WebhookConfig config) {
            Set<FixKind> fixes = EnumSet.noneOf(FixKind.class);
            for (String id : config.fixes()) {
                fixes.add(FixKind.byId(id).orElseThrow(() -> new IllegalArgumentException(
                        "pid1.fixes names unknown fix \"" + id + "\"")));
            }
            Settings settings = new Settings(fixes, InitMode.TINI, config.initImage(), config.shimImage(), config.drainSeconds(),
                    Settings.defaults().version(), config.pinDigest());
            Catalog catalog = config.catalogFile().map(Path::of).map(Catalog::load).orElseGet(Catalog::builtin);
            return new PodFixer(catalog, settings);
        }

        @Produces
        @ApplicationScoped
        ImageResolver imageResolver(WebhookConfig config) {
            Registry registry = config.registry();
            Map<String, Optional<String>> properties = Map.of(
                    RegistrySettings.LOOKUP, Optional.of(String.valueOf(registry.lookup())),
                    RegistrySettings.TIMEOUT_MS, Optional.of(String.valueOf(registry.timeoutMs())),
                    RegistrySettings.AUTH_FILE, registry.authFile(),
                    RegistrySettings.INSECURE, registry.insecure(),
                    RegistrySettings.DEFAULT_ARCH, Optional.of(registry.defaultArch()),
                    RegistrySettings.ALLOW, registry.allow(),
                    RegistrySettings.ALLOW_INTERNAL, registry.allowInternal());
            return ImageResolver.create(RegistrySettings.from(p -> properties.getOrDefault(p, Optional.empty())));
        }
    }
}
