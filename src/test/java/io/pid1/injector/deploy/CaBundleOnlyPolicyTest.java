package io.pid1.injector.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pid1.injector.tls.auto.AutoTls;
import io.pid1.injector.tls.auto.AutoTlsTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/overlays/self-managed-tls's ValidatingAdmissionPolicy, its CEL evaluated with Google's CEL
 * for Java as kube-apiserver evaluates it (variables first, each only when used): the webhook's
 * service account may change caBundle of its own MutatingWebhookConfiguration and nothing else.
 */
@EnableKubernetesMockClient(crud = true)
class CaBundleOnlyPolicyTest {

    private static final String BUNDLE = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==";

    KubernetesClient client;

    private static Rendered overlay() {
        return Rendered.of(Rendered.SELF_MANAGED_TLS);
    }

    private static ValidatingAdmissionPolicy policy() {
        return overlay().only(ValidatingAdmissionPolicy.class);
    }

    private static String serviceAccount() {
        ServiceAccount account = overlay().only(ServiceAccount.class);
        return "system:serviceaccount:" + account.getMetadata().getNamespace() + ":"
                + account.getMetadata().getName();
    }

    /** The webhook configuration as installed, with the bookkeeping the API server adds. */
    private static ObjectNode installed() {
        ObjectNode configuration =
                overlay().document("MutatingWebhookConfiguration").deepCopy();
        ((ObjectNode) configuration.path("metadata"))
                .put("resourceVersion", "7")
                .put("generation", 1);
        return configuration;
    }

    private static Map<String, Object> request(String operation, String resource, String name, String user) {
        return Map.of(
                "operation",
                operation,
                "name",
                name,
                "userInfo",
                Map.of("username", user),
                "resource",
                Map.of("group", "admissionregistration.k8s.io", "version", "v1", "resource", resource));
    }

    /**
     * The messages of the validations that do not hold, or null when the policy does not apply to the
     * request (a matchCondition is false). A CEL error counts as a denial (failurePolicy Fail).
     */
    private static List<String> denials(Map<String, Object> request, JsonNode object, JsonNode oldObject) {
        ValidatingAdmissionPolicy policy = policy();
        Map<String, Object> computed = new LinkedHashMap<>();
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("request", request);
        variables.put("object", Cel.value(object));
        variables.put("oldObject", Cel.value(oldObject));
        variables.put("variables", computed);
        for (MatchCondition condition : policy.getSpec().getMatchConditions()) {
            if (!Cel.outcome(condition.getExpression(), variables).equals("true")) {
                return null;
            }
        }
        for (Variable variable : policy.getSpec().getVariables()) {
            try {
                computed.put(variable.getName(), Cel.eval(variable.getExpression(), variables));
            } catch (CelEvaluationException e) {
                // Left out: an expression that uses it fails as it would in kube-apiserver.
            }
        }
        List<String> denied = new ArrayList<>();
        for (Validation validation : policy.getSpec().getValidations()) {
            String outcome = Cel.outcome(validation.getExpression(), variables);
            if (!outcome.equals("true")) {
                denied.add(validation.getMessage() + (outcome.equals("false") ? "" : " (" + outcome + ")"));
            }
        }
        return denied;
    }

    private static List<String> update(JsonNode changed) {
        return denials(
                request("UPDATE", "mutatingwebhookconfigurations", "pid1-injector", serviceAccount()),
                changed,
                installed());
    }

    private static ObjectNode webhook(ObjectNode configuration, int index) {
        return (ObjectNode) configuration.path("webhooks").path(index);
    }

    @Test
    void theWebhookMaySetTheCaBundleOfEachOfItsWebhooks() {
        ObjectNode changed = installed();
        for (int i = 0; i < changed.path("webhooks").size(); i++) {
            ((ObjectNode) webhook(changed, i).path("clientConfig")).put("caBundle", BUNDLE);
        }
        ((ObjectNode) changed.path("metadata"))
                .put("resourceVersion", "8")
                .put("generation", 2)
                .putArray("managedFields")
                .addObject()
                .put("manager", "fabric8-kubernetes-client");

        assertEquals(List.of(), update(changed));
    }

    static Stream<Arguments> changes() {
        String where = "may not change where a webhook is called";
        String which = "may not change which requests a webhook is sent";
        String how = "may not change how a webhook's answer is used";
        String list = "may not add, remove, rename or reorder webhooks";
        String meta = "may not change labels, annotations, finalizers or owners";
        return Stream.of(
                change(
                        "another Service",
                        c -> ((ObjectNode) webhook(c, 0).path("clientConfig").path("service")).put("name", "attacker"),
                        where),
                change(
                        "another path",
                        c -> ((ObjectNode) webhook(c, 1).path("clientConfig").path("service")).put("path", "/mutate"),
                        where),
                change(
                        "a URL instead of the Service",
                        c -> {
                            ObjectNode clientConfig = (ObjectNode) webhook(c, 0).path("clientConfig");
                            clientConfig.remove("service");
                            clientConfig.put("url", "https://attacker.example/mutate");
                        },
                        where),
                change(
                        "more operations",
                        c -> ((ArrayNode) webhook(c, 0).path("rules").path(0).path("operations")).add("UPDATE"),
                        which),
                change("every namespace", c -> webhook(c, 0).remove("namespaceSelector"), which),
                change("its own pods", c -> webhook(c, 0).remove("objectSelector"), which),
                change("no match conditions", c -> webhook(c, 1).remove("matchConditions"), which),
                change("matchPolicy Exact", c -> webhook(c, 0).put("matchPolicy", "Exact"), which),
                change("failurePolicy Fail", c -> webhook(c, 0).put("failurePolicy", "Fail"), how),
                change("a longer timeout", c -> webhook(c, 1).put("timeoutSeconds", 30), how),
                change("side effects", c -> webhook(c, 0).put("sideEffects", "Some"), how),
                change("reinvocation", c -> webhook(c, 0).put("reinvocationPolicy", "Never"), how),
                change(
                        "another webhook",
                        c -> ((ArrayNode) c.path("webhooks"))
                                .add(webhook(c, 0).deepCopy().put("name", "more.pid1.io")),
                        list),
                change("a webhook less", c -> ((ArrayNode) c.path("webhooks")).remove(1), list),
                change("renamed", c -> webhook(c, 1).put("name", "audit2.pid1.io"), list),
                change(
                        "reordered",
                        c -> {
                            ArrayNode webhooks = (ArrayNode) c.path("webhooks");
                            webhooks.add(webhooks.remove(0));
                        },
                        list),
                change(
                        "an annotation",
                        c -> ((ObjectNode) c.path("metadata"))
                                .putObject("annotations")
                                .put("cert-manager.io/inject-ca-from", "pid1-system/attacker"),
                        meta),
                change("a label", c -> ((ObjectNode) c.path("metadata").path("labels")).put("x", "y"), meta),
                change(
                        "a finalizer",
                        c -> ((ObjectNode) c.path("metadata"))
                                .putArray("finalizers")
                                .add("hold"),
                        meta));
    }

    private static Arguments change(String name, Consumer<ObjectNode> change, String denial) {
        return Arguments.of(Named.of(name, change), denial);
    }

    @ParameterizedTest
    @MethodSource("changes")
    void theWebhookMayChangeNothingElse(Consumer<ObjectNode> change, String denial) {
        ObjectNode changed = installed();
        ((ObjectNode) webhook(changed, 0).path("clientConfig")).put("caBundle", BUNDLE);
        change.accept(changed);

        List<String> denied = update(changed);

        assertTrue(denied.stream().anyMatch(message -> message.contains(denial)), String.valueOf(denied));
        assertTrue(
                denied.stream().noneMatch(message -> message.contains("(error")), "denied by a rule, not a CEL error");
    }

    @Test
    void theWebhookMayNotTouchAnyOtherWebhookConfiguration() {
        String own = "may only update MutatingWebhookConfiguration pid1-injector";
        ObjectNode other = installed();
        ((ObjectNode) other.path("metadata")).put("name", "someone-else");
        String user = serviceAccount();

        assertTrue(denials(request("UPDATE", "mutatingwebhookconfigurations", "someone-else", user), other, other)
                .get(0)
                .contains(own));
        assertTrue(denials(request("UPDATE", "validatingwebhookconfigurations", "pid1-injector", user), other, other)
                .get(0)
                .contains(own));
        assertTrue(denials(request("CREATE", "mutatingwebhookconfigurations", "someone-else", user), other, null)
                .get(0)
                .contains(own));
        assertTrue(denials(request("DELETE", "mutatingwebhookconfigurations", "pid1-injector", user), null, installed())
                .get(0)
                .contains(own));
    }

    @Test
    void otherUsersAreNotConcerned() {
        ObjectNode changed = installed();
        webhook(changed, 0).put("failurePolicy", "Fail");

        assertEquals(
                null,
                denials(
                        request("UPDATE", "mutatingwebhookconfigurations", "pid1-injector", "kubernetes-admin"),
                        changed,
                        installed()));
        assertEquals(
                null,
                denials(
                        request(
                                "UPDATE",
                                "mutatingwebhookconfigurations",
                                "pid1-injector",
                                "system:serviceaccount:other:pid1-injector"),
                        changed,
                        installed()));
    }

    @Test
    void isBoundToDenyEveryWebhookConfigurationChangeOfTheServiceAccount() {
        ValidatingAdmissionPolicy policy = policy();
        ValidatingAdmissionPolicyBinding binding = overlay().only(ValidatingAdmissionPolicyBinding.class);
        NamedRuleWithOperations rule =
                policy.getSpec().getMatchConstraints().getResourceRules().get(0);

        assertEquals(policy.getMetadata().getName(), binding.getSpec().getPolicyName());
        assertEquals(List.of("Deny"), binding.getSpec().getValidationActions());
        assertEquals(null, binding.getSpec().getMatchResources(), "all that the policy matches");
        assertEquals("Fail", policy.getSpec().getFailurePolicy(), "a policy that cannot be evaluated denies");
        assertEquals(List.of("*"), rule.getOperations());
        assertTrue(rule.getResources()
                .containsAll(List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations")));
        assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
        assertFalse(policy.getSpec().getMatchConditions().isEmpty());
        assertTrue(policy.getSpec().getMatchConditions().get(0).getExpression().contains("'" + serviceAccount() + "'"));
    }

    /** The JSON patch self-managed TLS really sends, applied by fabric8's mock API server, passes the policy. */
    @Test
    void thePatchSelfManagedTlsSendsIsAllowed(@TempDir Path dir) {
        Rendered rendered = overlay();
        client.resource(rendered.only(Secret.class)).create();
        client.resource(rendered.only(MutatingWebhookConfiguration.class)).create();
        String namespace = rendered.deployment().getMetadata().getNamespace();
        var configurations = client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION);
        JsonNode before = Rendered.YAML.valueToTree(configurations.get());

        AutoTls.start(
                client,
                new AutoTlsTarget(
                        namespace,
                        rendered.service().getMetadata().getName(),
                        AutoTlsTarget.DEFAULT_SECRET,
                        AutoTlsTarget.DEFAULT_WEBHOOK_CONFIGURATION),
                dir);
        JsonNode after = Rendered.YAML.valueToTree(configurations.get());

        assertFalse(before.equals(after), "the caBundle was set");
        assertEquals(
                List.of(),
                denials(
                        request("UPDATE", "mutatingwebhookconfigurations", "pid1-injector", serviceAccount()),
                        after,
                        before));
    }
}
