package io.pid1.injector.cli.manifest;

import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.regex.Pattern;

/**
 * Quotes every string that a YAML 1.1 reader (kubectl's) would take for something else: besides
 * Jackson's own checks, numbers in any YAML 1.1 notation ({@code 1e3}, {@code 0x1F},
 * {@code 1_000}, {@code 1:30}, {@code .inf}) and timestamps ({@code 2024-01-01}). Strings such as
 * {@code 100m} or {@code 256Mi} stay plain.
 */
final class Yaml11Quoting extends StringQuotingChecker.Default {

    private static final Pattern NOT_A_STRING = Pattern.compile("[-+]?(\\.?[0-9][0-9_]*([.:][0-9_]*)*([eE][-+]?[0-9]+)?"
            + "|0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+"
            + "|\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \\t].*)?"
            + "|<<|=");

    @Override
    public boolean needToQuoteValue(String value) {
        return super.needToQuoteValue(value) || NOT_A_STRING.matcher(value).matches();
    }

    @Override
    public boolean needToQuoteName(String name) {
        return super.needToQuoteName(name) || NOT_A_STRING.matcher(name).matches();
    }
}
