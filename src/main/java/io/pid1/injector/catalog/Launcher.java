package io.pid1.injector.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A wrapper that starts another program ({@code env}, {@code bundle exec}, {@code gosu USER},
 * {@code python -m}). After its executable and {@code words} come its options, then
 * {@code operands} words of its own, then the program.
 *
 * @param name         catalog key, shown in {@link Launch#wrappers()} ({@code bundle exec})
 * @param executables  basenames that start it; a trailing {@code *} matches a prefix ({@code python3*})
 * @param words        words that must follow the executable ({@code exec} for {@code bundle exec})
 * @param valueOptions its options that take a separate value ({@code -u NAME} for {@code env})
 * @param optionsTakeValues whether every option of its takes a separate value
 * @param operands     words of its own between its options and the program ({@code gosu USER}: 1)
 * @param assignments  whether {@code NAME=value} words before the program set the program's env
 * @param clearOptions options that empty the program's env ({@code env -i})
 * @param moduleOption the option that names a module to run instead of a program ({@code -m})
 * @param stopOptions  options after which no program follows ({@code python -c CODE})
 * @param handover     whether it execs, forwards signals, or forks
 * @param note         where the handover fact comes from
 */
public record Launcher(
        String name,
        List<String> executables,
        List<String> words,
        List<String> valueOptions,
        boolean optionsTakeValues,
        int operands,
        boolean assignments,
        List<String> clearOptions,
        Optional<String> moduleOption,
        List<String> stopOptions,
        Handover handover,
        String note) {

    /** Replaces absent values by empty ones. */
    public Launcher {
        executables = MissingFields.orEmpty(executables);
        words = MissingFields.orEmpty(words);
        valueOptions = MissingFields.orEmpty(valueOptions);
        clearOptions = MissingFields.orEmpty(clearOptions);
        moduleOption = MissingFields.orEmpty(moduleOption);
        stopOptions = MissingFields.orEmpty(stopOptions);
        note = note == null ? "" : note;
    }
}
