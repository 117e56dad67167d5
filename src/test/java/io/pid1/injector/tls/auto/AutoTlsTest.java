package io.pid1.injector.tls.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pid1.injector.tls.Certificates;
import io.pid1.injector.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Self-managed TLS against fabric8's mock API server in CRUD mode: it stores what is created,
 * answers 409 to a second create and to an update with a stale resourceVersion, and applies JSON
 * patches. A real API server cannot run here; the mock is its stand-in, and RBAC is not checked by
 * it (the overlay's rules are checked in the deploy tests).
 */
@EnableKubernetesMockClient(crud = true)
class AutoTlsTest {

    static final String NAMESPACE = "pid1-system";
    static final AutoTlsTarget TARGET = new AutoTlsTarget(
            NAMESPACE, "pid1-injector", AutoTlsTarget.DEFAULT_SECRET, AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION);
    private static final String OTHER_BUNDLE =
            Base64.getEncoder().encodeToString("other".getBytes(StandardCharsets.US_ASCII));
    private static final String SECRET_PATH = "/api/v1/namespaces/" + NAMESPACE + "/secrets/" + TARGET.secret();
    private static final String CONFIGURATION_PATH =
            "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + TARGET.webhookConfiguration();

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void installTheWebhookConfiguration() {
        client.resource(webhookConfiguration()).create();
    }

    /** The base's two webhooks plus one of another project, which must be left alone. */
    static MutatingWebhookConfiguration webhookConfiguration() {
        return new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(TARGET.webhookConfiguration())
                .endMetadata()
                .withWebhooks(
                        webhook("mutate.pid1.io", TARGET.service(), "/mutate", null),
                        webhook("other.example.com", "other", "/mutate", OTHER_BUNDLE),
                        webhook("audit.pid1.io", TARGET.service(), "/audit", null))
                .build();
    }

    private static MutatingWebhook webhook(String name, String service, String path, String caBundle) {
        return new MutatingWebhookBuilder()
                .withName(name)
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withNewClientConfig()
                .withCaBundle(caBundle)
                .withNewService()
                .withName(service)
                .withNamespace(NAMESPACE)
                .withPath(path)
                .withPort(443)
                .endService()
                .endClientConfig()
                .build();
    }

    private MutatingWebhookConfiguration installed() {
        return client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(TARGET.webhookConfiguration())
                .get();
    }

    private Map<String, String> caBundles() {
        return installed().getWebhooks().stream()
                .collect(Collectors.toMap(
                        MutatingWebhook::getName,
                        w -> String.valueOf(w.getClientConfig().getCaBundle())));
    }

    private Secret stored() {
        return client.secrets().inNamespace(NAMESPACE).withName(TARGET.secret()).get();
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }

    static Secret secretOf(TlsMaterial material) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(TARGET.secret())
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData(TlsMaterial.CA_FILE, base64(material.caPem()))
                .addToData(TlsMaterial.CERT_FILE, base64(material.certificatePem()))
                .addToData(TlsMaterial.KEY_FILE, base64(material.keyPem()))
                .build();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void firstReplicaCreatesTheSecretAndSetsTheCaBundleOfBothWebhooks() throws Exception {
        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals("created", outcome.secret());
        assertEquals(List.of("mutate.pid1.io", "audit.pid1.io"), outcome.patched());
        Secret secret = stored();
        assertEquals("kubernetes.io/tls", secret.getType());
        assertEquals(outcome.material().caPem(), decoded(secret, TlsMaterial.CA_FILE));
        assertEquals(outcome.material().certificatePem(), decoded(secret, TlsMaterial.CERT_FILE));
        assertEquals(outcome.material().keyPem(), decoded(secret, TlsMaterial.KEY_FILE));
        assertEquals(
                Map.of(
                        "mutate.pid1.io",
                        outcome.material().caBundle(),
                        "audit.pid1.io",
                        outcome.material().caBundle(),
                        "other.example.com",
                        OTHER_BUNDLE),
                caBundles());
        assertEquals(outcome.material().caPem(), TlsMaterial.readFrom(dir).caPem(), "the server reads the files");
        assertTrue(Certificates.inspect(dir, TARGET.service(), NAMESPACE)
                .material()
                .isPresent());
    }

    @Test
    void secondReplicaReusesTheSecretAndChangesNothing(@TempDir Path second) {
        AutoTls.Outcome first = AutoTls.start(client, TARGET, dir);
        String secretVersion = stored().getMetadata().getResourceVersion();
        String configurationVersion = installed().getMetadata().getResourceVersion();

        AutoTls.Outcome again = AutoTls.start(client, TARGET, second);

        assertEquals("reused", again.secret());
        assertEquals(List.of(), again.patched());
        assertEquals(first.material().caPem(), again.material().caPem());
        assertEquals(first.material().keyPem(), again.material().keyPem());
        assertEquals(secretVersion, stored().getMetadata().getResourceVersion());
        assertEquals(configurationVersion, installed().getMetadata().getResourceVersion(), "no patch was sent");
    }

    @Test
    void replicasStartingTogetherShareOneCa(@TempDir Path other) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<AutoTls.Outcome>> starts = Stream.of(dir, other)
                    .map(d -> pool.submit(() -> {
                        together.await();
                        return AutoTls.start(client, TARGET, d);
                    }))
                    .toList();
            AutoTls.Outcome a = starts.get(0).get();
            AutoTls.Outcome b = starts.get(1).get();

            assertEquals(a.material().caPem(), b.material().caPem());
            assertEquals(a.material().caPem(), decoded(stored(), TlsMaterial.CA_FILE));
            assertEquals(
                    1, client.secrets().inNamespace(NAMESPACE).list().getItems().size());
            assertEquals(
                    1, Stream.of(a, b).filter(o -> o.secret().equals("created")).count(), a + " " + b);
            assertEquals(a.material().caBundle(), caBundles().get("audit.pid1.io"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void replicaThatLosesTheCreateRaceUsesTheWinnersSecret() {
        TlsMaterial winner = Certificates.create(TARGET.service(), NAMESPACE);
        client.resource(secretOf(winner)).create();
        server.expect()
                .get()
                .withPath(SECRET_PATH)
                .andReturn(
                        404,
                        new StatusBuilder().withCode(404).withReason("NotFound").build())
                .once();

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals("reused", outcome.secret());
        assertEquals(winner.caPem(), outcome.material().caPem());
        assertEquals(winner.caBundle(), caBundles().get("mutate.pid1.io"));
    }

    /** deploy/overlays/self-managed-tls ships the Secret empty and untyped, so the RBAC needs no create. */
    @Test
    void emptySecretFromTheManifestsIsFilledAndKeepsItsType() {
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(TARGET.secret())
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .withType("Opaque")
                        .build())
                .create();

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals("replaced", outcome.secret(), outcome.reason());
        Secret secret = stored();
        assertEquals("Opaque", secret.getType(), "the API server refuses to change a Secret's type");
        assertEquals(outcome.material().caPem(), decoded(secret, TlsMaterial.CA_FILE));
        assertEquals(outcome.material().keyPem(), decoded(secret, TlsMaterial.KEY_FILE));
        assertEquals(outcome.material().caBundle(), caBundles().get("mutate.pid1.io"), "no previous CA to trust");
    }

    static Stream<Secret> unusableSecrets() {
        Secret garbage = secretOf(Certificates.create(TARGET.service(), NAMESPACE));
        garbage.getData().put(TlsMaterial.KEY_FILE, base64("not a key"));
        return Stream.of(
                secretOf(Certificates.create(TARGET.service(), NAMESPACE, Duration.ofDays(10))),
                secretOf(Certificates.create("someone-else", NAMESPACE)),
                garbage);
    }

    @ParameterizedTest
    @MethodSource("unusableSecrets")
    void unusableSecretIsReplacedAndTheCaBundleStillTrustsTheOldCa(Secret unusable) {
        client.resource(unusable).create();
        String oldCa = decoded(unusable, TlsMaterial.CA_FILE);

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals("replaced", outcome.secret(), outcome.reason());
        assertNotEquals(oldCa, outcome.material().caPem());
        assertEquals(outcome.material().caPem(), decoded(stored(), TlsMaterial.CA_FILE));
        String both = base64(outcome.material().caPem() + oldCa);
        assertEquals(
                Map.of("mutate.pid1.io", both, "audit.pid1.io", both, "other.example.com", OTHER_BUNDLE),
                caBundles(),
                "replicas not yet restarted serve certificates of the old CA");
    }

    @Test
    void replicaStartedAfterAReplacementKeepsTheOldCaTrusted(@TempDir Path later) {
        client.resource(secretOf(Certificates.create(TARGET.service(), NAMESPACE, Duration.ofDays(10))))
                .create();
        AutoTls.start(client, TARGET, dir);
        Map<String, String> afterReplacement = caBundles();

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, later);

        assertEquals("reused", outcome.secret());
        assertEquals(List.of(), outcome.patched());
        assertEquals(afterReplacement, caBundles());
    }

    @Test
    void caBundleOfAnotherCaIsOverwritten() {
        MutatingWebhookConfiguration stale = webhookConfiguration();
        stale.getWebhooks()
                .get(0)
                .getClientConfig()
                .setCaBundle(Certificates.create(TARGET.service(), NAMESPACE).caBundle());
        client.resource(stale).update();

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals(List.of("mutate.pid1.io", "audit.pid1.io"), outcome.patched());
        assertEquals(outcome.material().caBundle(), caBundles().get("mutate.pid1.io"));
    }

    @Test
    void replicaThatLosesTheReplaceRaceUsesTheNewSecret() {
        Secret expiring = client.resource(
                        secretOf(Certificates.create(TARGET.service(), NAMESPACE, Duration.ofDays(10))))
                .create();
        TlsMaterial winner = Certificates.create(TARGET.service(), NAMESPACE);
        client.resource(secretOf(winner)).update();
        server.expect().get().withPath(SECRET_PATH).andReturn(200, expiring).once();

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals("reused", outcome.secret(), "the update with the stale resourceVersion was refused");
        assertEquals(winner.caPem(), outcome.material().caPem());
        assertEquals(winner.caPem(), decoded(stored(), TlsMaterial.CA_FILE));
    }

    /**
     * The configuration was reordered after this replica read it: its patch, with the old indices,
     * fails the {@code test} of a webhook's name (the API server answers 422; the mock cannot apply
     * a failing {@code test}, so that answer is scripted), and the replica reads and patches again.
     */
    @Test
    void webhookThatMovedBetweenReadAndPatchIsFoundAgain() {
        MutatingWebhookConfiguration reordered = webhookConfiguration();
        reordered.setWebhooks(List.of(
                reordered.getWebhooks().get(1),
                reordered.getWebhooks().get(2),
                reordered.getWebhooks().get(0)));
        client.resource(reordered).update();
        server.expect()
                .get()
                .withPath(CONFIGURATION_PATH)
                .andReturn(200, webhookConfiguration())
                .once();
        server.expect()
                .patch()
                .withPath(CONFIGURATION_PATH)
                .andReturn(
                        422,
                        new StatusBuilder()
                                .withCode(422)
                                .withReason("Invalid")
                                .withMessage("the server rejected our request due to an error in our request")
                                .build())
                .once();

        AutoTls.Outcome outcome = AutoTls.start(client, TARGET, dir);

        assertEquals(List.of("audit.pid1.io", "mutate.pid1.io"), outcome.patched());
        assertEquals(
                Map.of(
                        "mutate.pid1.io",
                        outcome.material().caBundle(),
                        "audit.pid1.io",
                        outcome.material().caBundle(),
                        "other.example.com",
                        OTHER_BUNDLE),
                caBundles());
    }

    @Test
    void missingWebhookConfigurationFailsInOneLine() {
        client.resource(webhookConfiguration()).delete();

        AutoTlsException e = assertThrows(AutoTlsException.class, () -> AutoTls.start(client, TARGET, dir));

        assertEquals("MutatingWebhookConfiguration pid1-injector does not exist", e.getMessage());
    }

    @Test
    void configurationWithoutOurWebhookFails() {
        AutoTlsTarget elsewhere =
                new AutoTlsTarget("elsewhere", TARGET.service(), TARGET.secret(), TARGET.webhookConfiguration());

        AutoTlsException e = assertThrows(AutoTlsException.class, () -> AutoTls.start(client, elsewhere, dir));

        assertTrue(e.getMessage().contains("calls Service elsewhere/pid1-injector"), e.getMessage());
    }

    @Test
    void refusalIsReportedInOneLineWithItsCode() {
        server.expect()
                .get()
                .withPath(SECRET_PATH)
                .andReturn(
                        403,
                        new StatusBuilder()
                                .withCode(403)
                                .withReason("Forbidden")
                                .withMessage("secrets \"pid1-injector-ca\" is forbidden")
                                .build())
                .once();

        AutoTlsException e = assertThrows(AutoTlsException.class, () -> AutoTls.start(client, TARGET, dir));

        assertTrue(e.getMessage().contains("answered 403: secrets \"pid1-injector-ca\" is forbidden"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
