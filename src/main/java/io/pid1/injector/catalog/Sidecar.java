package io.pid1.injector.catalog;

import java.util.List;
import java.util.Locale;

/**
 * A program that runs beside an app in its pod (a log shipper, a database or auth proxy, a mesh's
 * proxy), recognised by its image repository or its command.
 *
 * @param name         catalog key, used in findings
 * @param role         what it does for the app
 * @param images       image repositories, matched at the end of the image's repository on a {@code /}
 *                     boundary, so {@code fluent/fluent-bit} matches {@code cr.fluentbit.io/fluent/fluent-bit:3.0}
 * @param executables  basenames of {@code command[0]} that run it
 * @param neededBy     words in an init container's command or args that say it needs this sidecar
 *                     ({@code migrate}): the sidecar then starts before that init container
 * @param mesh         for a mesh proxy, the mesh that injects it (it is left to the mesh)
 * @param nativeSwitch for a mesh proxy, the mesh's own switch to run it as a native sidecar
 */
public record Sidecar(
        String name,
        SidecarRole role,
        List<String> images,
        List<String> executables,
        List<String> neededBy,
        String mesh,
        String nativeSwitch) {

    /** Replaces absent lists by empty ones. */
    public Sidecar {
        images = MissingFields.orEmpty(images);
        executables = MissingFields.orEmpty(executables);
        neededBy = MissingFields.orEmpty(neededBy);
    }

    /**
     * Whether a container of the image {@code repository} ({@link #repository(String)}) running {@code program}
     * (the basename of its {@code command[0]}; null: the image's) is this sidecar.
     */
    boolean matches(String repository, String program) {
        for (String known : images) {
            int at = repository.length() - known.length();
            if (repository.endsWith(known) && (at == 0 || repository.charAt(at - 1) == '/')) {
                return true;
            }
        }
        return program != null && executables.contains(program);
    }

    /** Whether an init container running {@code argv} needs this sidecar up first. */
    public boolean neededBy(List<String> argv) {
        for (String word : argv) {
            String lower = word.toLowerCase(Locale.ROOT);
            if (neededBy.stream().anyMatch(lower::contains)) {
                return true;
            }
        }
        return false;
    }

    /** The repository of an image reference: without digest and tag, lower case. */
    static String repository(String image) {
        String name = image.strip().toLowerCase(Locale.ROOT);
        int digest = name.indexOf('@');
        if (digest >= 0) {
            name = name.substring(0, digest);
        }
        int tag = name.lastIndexOf(':');
        return tag > name.lastIndexOf('/') ? name.substring(0, tag) : name;
    }
}
