package io.pid1.injector.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the manifests' CEL with Google's CEL for Java, the variables typed {@code dyn} and the
 * objects as plain maps: as kube-apiserver sees an object it has no schema for. Kubernetes' own
 * function libraries are not loaded; the expressions here use none.
 */
final class Cel {

    private static final List<String> VARIABLES = List.of("object", "oldObject", "request", "variables");
    private static final CelCompiler COMPILER = compiler();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private Cel() {}

    private static CelCompiler compiler() {
        var builder =
                CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        VARIABLES.forEach(name -> builder.addVar(name, SimpleType.DYN));
        return builder.build();
    }

    /** The value of {@code expression}; a CEL error (no such key, wrong type) is thrown. */
    static Object eval(String expression, Map<String, Object> variables) throws CelEvaluationException {
        CelAbstractSyntaxTree ast;
        try {
            ast = COMPILER.compile(expression).getAst();
        } catch (CelValidationException e) {
            throw new AssertionError("does not compile: " + expression + ": " + e.getMessage(), e);
        }
        return RUNTIME.createProgram(ast).eval(variables);
    }

    /** {@code true}, {@code false}, or the CEL error's message. */
    static String outcome(String expression, Map<String, Object> variables) {
        try {
            return String.valueOf(eval(expression, variables));
        } catch (CelEvaluationException e) {
            return "error: " + e.getMessage();
        }
    }

    /** A JSON tree as CEL values: maps, lists, strings, int64, double, bool, null. */
    static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(field -> map.put(field.getKey(), value(field.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(value(element)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    /** An object of the fabric8 model (or any tree) as CEL values, as the API server would serialize it. */
    static Object value(Object object) {
        return value(Rendered.YAML.valueToTree(object));
    }
}
