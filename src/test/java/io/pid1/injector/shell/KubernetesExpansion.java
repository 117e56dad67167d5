package io.pid1.injector.shell;

import java.util.Map;

/**
 * What the kubelet does to {@code command}, {@code args} and env values: {@code $(NAME)} of a
 * defined variable becomes its value, {@code $$} becomes {@code $}, anything else stays.
 */
final class KubernetesExpansion {

    private KubernetesExpansion() {}

    static String expand(String input, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
            } else if (input.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (input.charAt(i + 1) == '(' && input.indexOf(')', i + 2) >= 0) {
                int close = input.indexOf(')', i + 2);
                String name = input.substring(i + 2, close);
                out.append(env.containsKey(name) ? env.get(name) : input.substring(i, close + 1));
                i = close + 1;
            } else {
                out.append(c).append(input.charAt(i + 1));
                i += 2;
            }
        }
        return out.toString();
    }
}
