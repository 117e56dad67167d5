package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The webhook's own pod, in every deploy/ directory: restricted, hardened, available, drained. */
class WebhookPodTest {

    private static final String DIRECTORIES = "io.pid1.injector.deploy.Rendered#deployDirectories";
    private static final String SECRET_MOUNTED = "io.pid1.injector.deploy.Rendered#secretMountedDirectories";

    private static final int SHUTDOWN_SECONDS = shutdownSeconds();
    static final Set<String> RBAC_KINDS = Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");

    static Container webhook(Rendered rendered) {
        List<Container> containers = rendered.podSpec().getContainers();
        assertEquals(1, containers.size(), "one container");
        return containers.get(0);
    }

    static Optional<String> env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst();
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void passesPodSecurityRestricted(Path directory) {
        Rendered rendered = Rendered.of(directory);

        assertEquals(
                List.of(),
                RestrictedProfile.violations(rendered.deployment().getSpec().getTemplate()));
        assertEquals(
                "restricted",
                rendered.only(Namespace.class).getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void writesOnlyToItsTmpVolume(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = webhook(rendered);

        assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem());
        VolumeMount tmp = mount(container, "/tmp");
        assertNotNull(volume(rendered.podSpec(), tmp.getName()).getEmptyDir(), "/tmp is an emptyDir");
        assertTrue(env(container, "JAVA_TOOL_OPTIONS").orElse("").contains("-Xmx"), "a small fixed heap");
    }

    @ParameterizedTest
    @MethodSource(SECRET_MOUNTED)
    void readsItsCertificateFromTheMountedSecret(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = webhook(rendered);
        String cert = env(container, "PID1_TLS_CERT_FILE").orElseThrow();
        String key = env(container, "PID1_TLS_KEY_FILE").orElseThrow();
        String directoryOfCert = cert.substring(0, cert.lastIndexOf('/'));
        VolumeMount mount = mount(container, directoryOfCert);

        assertEquals(Boolean.TRUE, mount.getReadOnly());
        assertEquals(directoryOfCert + "/tls.key", key);
        assertEquals(directoryOfCert + "/tls.crt", cert);
        assertEquals(
                "pid1-injector-tls",
                volume(rendered.podSpec(), mount.getName()).getSecret().getSecretName());
        assertTrue(mount.getSubPath() == null, "a subPath mount is never refreshed by the kubelet");
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void requestsCpuAndMemoryAndCapsOnlyMemory(Path directory) {
        Map<String, Quantity> requests =
                webhook(Rendered.of(directory)).getResources().getRequests();
        Map<String, Quantity> limits =
                webhook(Rendered.of(directory)).getResources().getLimits();

        assertEquals(Set.of("cpu", "memory"), requests.keySet());
        assertEquals(Set.of("memory"), limits.keySet(), "a CPU limit throttles reviews while the node is idle");
        assertTrue(Quantity.getAmountInBytes(limits.get("memory"))
                        .compareTo(Quantity.getAmountInBytes(requests.get("memory")))
                >= 0);
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void isScheduledAsClusterCriticalWithinAQuotaForThatClass(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Deployment deployment = rendered.deployment();
        String priorityClass = rendered.podSpec().getPriorityClassName();
        ResourceQuota quota = rendered.only(ResourceQuota.class);
        ScopedResourceSelectorRequirement scope =
                quota.getSpec().getScopeSelector().getMatchExpressions().get(0);
        int surge = deployment
                .getSpec()
                .getStrategy()
                .getRollingUpdate()
                .getMaxSurge()
                .getIntVal();

        assertEquals("system-cluster-critical", priorityClass);
        assertEquals(
                deployment.getMetadata().getNamespace(), quota.getMetadata().getNamespace());
        assertEquals(
                List.of("PriorityClass", "In", List.of(priorityClass)),
                List.of(scope.getScopeName(), scope.getOperator(), scope.getValues()));
        assertTrue(
                new Quantity(quota.getSpec().getHard().get("pods").toString())
                                .getNumericalAmount()
                                .intValue()
                        >= deployment.getSpec().getReplicas() + surge,
                "a rollout's surge fits in the quota");
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void probesTheManagementPort(Path directory) {
        Container container = webhook(Rendered.of(directory));

        assertProbe(container, container.getLivenessProbe(), "/q/health/live");
        assertProbe(container, container.getReadinessProbe(), "/q/health/ready");
    }

    private static void assertProbe(Container container, Probe probe, String path) {
        assertNotNull(probe, path);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("HTTP", Optional.ofNullable(probe.getHttpGet().getScheme()).orElse("HTTP"));
        int port = Ports.containerPort(container, probe.getHttpGet().getPort());
        assertEquals(Integer.parseInt(env(container, "PID1_MANAGEMENT_PORT").orElse("9090")), port);
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void drainsBeforeItStopsWithinItsGracePeriod(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Container container = webhook(rendered);
        long drain = container.getLifecycle().getPreStop().getSleep().getSeconds();
        long grace = rendered.podSpec().getTerminationGracePeriodSeconds();

        assertTrue(drain >= 1, "a preStop drain");
        assertTrue(
                grace >= drain + SHUTDOWN_SECONDS,
                "grace " + grace + " < drain " + drain + " + shutdown " + SHUTDOWN_SECONDS);
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void staysAvailableThroughDisruptions(Path directory) {
        Rendered rendered = Rendered.of(directory);
        Deployment deployment = rendered.deployment();
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget budget = rendered.only(PodDisruptionBudget.class);
        PodSpec pod = rendered.podSpec();

        assertEquals(2, deployment.getSpec().getReplicas());
        assertEquals(
                0,
                deployment
                        .getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal());
        assertEquals(1, budget.getSpec().getMinAvailable().getIntVal());
        assertTrue(LabelSelectors.matches(budget.getSpec().getSelector(), podLabels), "the budget covers the pods");
        assertTrue(LabelSelectors.matches(deployment.getSpec().getSelector(), podLabels));
        List<LabelSelector> spread = pod.getTopologySpreadConstraints().stream()
                .map(c -> c.getLabelSelector())
                .toList();
        assertFalse(spread.isEmpty());
        spread.forEach(s -> assertTrue(LabelSelectors.matches(s, podLabels), "spread selects the pods"));
        var antiAffinity = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertFalse(antiAffinity.isEmpty());
        antiAffinity.forEach(term ->
                assertTrue(LabelSelectors.matches(term.getPodAffinityTerm().getLabelSelector(), podLabels)));
    }

    @ParameterizedTest
    @MethodSource(SECRET_MOUNTED)
    void talksToNoApiServer(Path directory) {
        Rendered rendered = Rendered.of(directory);
        ServiceAccount account = rendered.only(ServiceAccount.class);

        assertEquals(account.getMetadata().getName(), rendered.podSpec().getServiceAccountName());
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
        assertEquals(Boolean.FALSE, rendered.podSpec().getAutomountServiceAccountToken());
        assertEquals(
                List.of(),
                rendered.objects().stream()
                        .map(o -> o.getKind())
                        .filter(RBAC_KINDS::contains)
                        .toList());
    }

    @ParameterizedTest
    @MethodSource(DIRECTORIES)
    void optsItsOwnPodsOut(Path directory) {
        Map<String, String> annotations = Rendered.of(directory)
                .deployment()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations();

        assertEquals("false", annotations.get("pid1.io/inject"));
    }

    /** The server's graceful stop: pid1.shutdown.delay + pid1.shutdown.timeout in application.properties (like "20s"). */
    private static int shutdownSeconds() {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seconds(properties, "pid1.shutdown.delay") + seconds(properties, "pid1.shutdown.timeout");
    }

    private static int seconds(Properties properties, String name) {
        String value = properties.getProperty(name);
        assertTrue(value != null && value.matches("\\d+s"), name + " in seconds: " + value);
        return Integer.parseInt(value.substring(0, value.length() - 1));
    }

    static VolumeMount mount(Container container, String path) {
        return container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }
}
