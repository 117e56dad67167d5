package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** certs/make-certs.sh, with the project's own {@code certs} command, produces an installable kustomization. */
class MakeCertsTest {

    private static final String SERVICE_DNS = "pid1-injector.pid1-system.svc";

    @TempDir
    static Path work;

    private static Path injector;

    /** A pid1-injector command that runs the CLI from the test classpath (no packaged jar needed). */
    @BeforeAll
    static void writeInjectorCommand() throws IOException {
        assumeTrue(Run.available("kubectl"), "kubectl is not installed: make-certs.sh writes the Secret with it");
        injector = work.resolve("pid1-injector");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(
                injector,
                "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                        + "' io.pid1.injector.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(injector, PosixFilePermissions.fromString("rwx------"));
    }

    private static Run makeCerts(String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "certs/make-certs.sh";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        return Run.of(Map.of("PID1_INJECTOR", injector.toString()), command);
    }

    @Test
    void installsTheChosenOverlayWithTheSecretAndCaBundle() throws Exception {
        Path out = work.resolve("install");
        makeCerts("--overlay", "deploy/overlays/cluster-wide", "--out", out.toString())
                .ok();
        Rendered rendered = Rendered.render(out);
        byte[] ca = Files.readAllBytes(out.resolve("ca.crt"));
        Secret secret = rendered.only(Secret.class);

        assertEquals("pid1-injector-tls", secret.getMetadata().getName());
        assertEquals("pid1-system", secret.getMetadata().getNamespace());
        assertEquals("kubernetes.io/tls", secret.getType());
        assertArrayEquals(
                Files.readAllBytes(out.resolve("tls.crt")),
                Base64.getDecoder().decode(secret.getData().get("tls.crt")));
        for (MutatingWebhook webhook : rendered.webhooks().getWebhooks()) {
            assertArrayEquals(
                    ca, Base64.getDecoder().decode(webhook.getClientConfig().getCaBundle()), webhook.getName());
        }
        assertEquals(
                "NotIn",
                rendered.webhooks()
                        .getWebhooks()
                        .get(0)
                        .getNamespaceSelector()
                        .getMatchExpressions()
                        .get(0)
                        .getOperator(),
                "the cluster-wide overlay was installed");
        X509Certificate serving =
                certificates(Files.readAllBytes(out.resolve("tls.crt"))).get(0);
        serving.verify(certificates(ca).get(0).getPublicKey());
        assertTrue(serving.getSubjectAlternativeNames().stream().anyMatch(san -> SERVICE_DNS.equals(san.get(1))));
    }

    @Test
    void jsonPatchSetsTheBundleOfBothWebhooksInOrder() throws IOException {
        Path out = work.resolve("patch");
        makeCerts("--out", out.toString()).ok();
        JsonNode patch =
                new ObjectMapper().readTree(out.resolve("cabundle.json").toFile());
        List<MutatingWebhook> webhooks =
                Rendered.of(Path.of("deploy", "base")).webhooks().getWebhooks();
        String bundle = Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve("ca.crt")));

        assertEquals(webhooks.size(), patch.size());
        for (int i = 0; i < webhooks.size(); i++) {
            assertEquals(
                    "/webhooks/" + i + "/clientConfig/caBundle",
                    patch.get(i).path("path").asText());
            assertEquals(bundle, patch.get(i).path("value").asText());
        }
    }

    @Test
    void rotationTrustsTheOldAndNewCaUntilTheFinalPatch() throws Exception {
        Path out = work.resolve("rotate");
        makeCerts("--out", out.toString()).ok();
        byte[] oldCa = Files.readAllBytes(out.resolve("ca.crt"));

        makeCerts("--out", out.toString(), "--also-trust", out.resolve("ca.crt").toString())
                .ok();
        byte[] newCa = Files.readAllBytes(out.resolve("ca.crt"));
        String bundle = Rendered.render(out)
                .webhooks()
                .getWebhooks()
                .get(0)
                .getClientConfig()
                .getCaBundle();
        JsonNode last =
                new ObjectMapper().readTree(out.resolve("cabundle-final.json").toFile());

        assertEquals(
                List.of(certificates(newCa).get(0), certificates(oldCa).get(0)),
                certificates(Base64.getDecoder().decode(bundle)));
        assertEquals(
                Base64.getEncoder().encodeToString(newCa),
                last.get(0).path("value").asText());
    }

    @Test
    void refusesADirectoryWithoutKustomization() {
        Run run = makeCerts(
                "--overlay", "deploy", "--out", work.resolve("refused").toString());

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("no kustomization.yaml"), run.stderr());
    }

    @SuppressWarnings("unchecked")
    private static List<X509Certificate> certificates(byte[] pem) throws Exception {
        return List.copyOf((Collection<X509Certificate>)
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
    }
}
