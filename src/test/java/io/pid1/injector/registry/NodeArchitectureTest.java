package io.pid1.injector.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeArchitectureTest {

    private static String affinity(String values) {
        return """
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                  {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": [%s]}]}]}}}""".formatted(values);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "                                                                  | amd64",
                "\"nodeSelector\": {\"kubernetes.io/arch\": \"arm64\"}            | arm64",
                "\"nodeSelector\": {\"beta.kubernetes.io/arch\": \"ppc64le\"}     | ppc64le",
                "\"nodeSelector\": {\"kubernetes.io/os\": \"linux\"}              | amd64",
                "AFFINITY \"arm64\"                                                | arm64",
                "AFFINITY \"arm64\", \"amd64\"                                     | amd64",
                "AFFINITY \"s390x\", \"arm64\"                                     | s390x",
            })
    void theArchitectureComesFromTheSelectorElseTheAffinityElseTheDefault(String spec, String expected) {
        String field = spec == null ? "" : spec.startsWith("AFFINITY ") ? affinity(spec.substring(9)) : spec;
        String pod = "{\"spec\": {" + field + (field.isEmpty() ? "" : ", ") + "\"containers\": []}}";
        assertEquals(expected, NodeArchitecture.of(Pods.parse(pod), "amd64"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "NotIn | amd64",
                "In    | arm64",
            })
    void onlyAnInExpressionPinsTheArchitecture(String operator, String expected) {
        String pod = """
                {"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                  "nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/arch", "operator": "%s", "values": ["arm64"]}]}]}}}}}
                """.formatted(operator);
        assertEquals(expected, NodeArchitecture.of(Pods.parse(pod), "amd64"));
    }
}
