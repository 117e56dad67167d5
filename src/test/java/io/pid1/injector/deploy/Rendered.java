package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The objects of one Kustomize directory as {@code kubectl kustomize} renders it, each parsed into
 * its fabric8 model class (kinds without one, like cert-manager's, as generic resources).
 */
final class Rendered {

    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The overlay whose webhook makes its own TLS material through the API server. */
    static final Path SELF_MANAGED_TLS = Path.of("deploy", "overlays", "self-managed-tls");

    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry(
                    "admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", MutatingWebhookConfiguration.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("v1/ResourceQuota", ResourceQuota.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy", ValidatingAdmissionPolicy.class),
            Map.entry(
                    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding",
                    ValidatingAdmissionPolicyBinding.class));

    private static final boolean KUBECTL = Run.available("kubectl");
    private static final Map<Path, Rendered> CACHE = new ConcurrentHashMap<>();

    private final Path directory;
    private final List<JsonNode> documents;
    private final List<HasMetadata> objects;

    private Rendered(Path directory, List<JsonNode> documents) {
        this.directory = directory;
        this.documents = documents;
        this.objects = documents.stream().map(Rendered::model).toList();
    }

    /** Renders a directory (relative to the project) with {@code kubectl kustomize}, once per test run. */
    static Rendered of(Path directory) {
        assumeTrue(KUBECTL, "kubectl is not installed: the deploy/ manifests cannot be rendered");
        return CACHE.computeIfAbsent(directory, Rendered::render);
    }

    /** Renders a directory afresh, for directories a test writes. */
    static Rendered render(Path directory) {
        String yaml = Run.of("kubectl", "kustomize", directory.toString()).ok().stdout();
        return new Rendered(directory, parse(yaml));
    }

    /** The base and every overlay under deploy/. */
    static Stream<Path> deployDirectories() {
        try (Stream<Path> overlays = Files.list(Path.of("deploy", "overlays"))) {
            return Stream.concat(Stream.of(Path.of("deploy", "base")), overlays.sorted().toList().stream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directories whose webhook reads its TLS material from a mounted Secret: all but self-managed TLS. */
    static Stream<Path> secretMountedDirectories() {
        return deployDirectories().filter(directory -> !directory.equals(SELF_MANAGED_TLS));
    }

    private static List<JsonNode> parse(String yaml) {
        List<JsonNode> parsed = new ArrayList<>();
        try (MappingIterator<JsonNode> documents =
                YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    parsed.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(parsed);
    }

    private static HasMetadata model(JsonNode document) {
        String type = document.path("apiVersion").asText() + "/"
                + document.path("kind").asText();
        try {
            return YAML.treeToValue(document, MODELS.getOrDefault(type, GenericKubernetesResource.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects of a kind exactly as rendered, without a model's defaults or empty lists. */
    List<JsonNode> documents(String kind) {
        return documents.stream()
                .filter(d -> kind.equals(d.path("kind").asText()))
                .toList();
    }

    /** The one object of a kind exactly as rendered; fails when there is none or several. */
    JsonNode document(String kind) {
        List<JsonNode> found = documents(kind);
        if (found.size() != 1) {
            throw new AssertionError(directory + ": expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    Path directory() {
        return directory;
    }

    List<HasMetadata> objects() {
        return objects;
    }

    /** The one object of a model class; fails when there is none or several. */
    <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError(directory + ": expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Objects of a kind that has no model class here (cert-manager's Issuer, Certificate). */
    List<GenericKubernetesResource> generic(String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(r -> kind.equals(r.getKind()))
                .toList();
    }

    Deployment deployment() {
        return only(Deployment.class);
    }

    PodSpec podSpec() {
        return deployment().getSpec().getTemplate().getSpec();
    }

    MutatingWebhookConfiguration webhooks() {
        return only(MutatingWebhookConfiguration.class);
    }

    Service service() {
        return only(Service.class);
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
