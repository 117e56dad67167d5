package io.pid1.injector.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The known master-worker servers, inits, process managers, launchers and sidecars, read from
 * {@code catalog.yaml} on the classpath and optionally from a user's file of the same schema.
 */
public final class Catalog {

    private static final String BUILTIN = "catalog.yaml";

    private final Entries entries;

    private Catalog(Entries entries) {
        this.entries = entries;
    }

    /** The built-in catalog ({@code catalog.yaml} on the classpath). */
    public static Catalog builtin() {
        return new Catalog(CatalogLoader.checkReferences(builtinEntries(), BUILTIN));
    }

    /**
     * The built-in catalog with the entries of {@code extraYaml} added; an entry with the name of
     * a built-in one replaces it.
     *
     * @throws InvalidCatalogException naming the file, entry and field when the file is invalid
     * @throws UncheckedIOException    when the file cannot be read
     */
    public static Catalog load(Path extraYaml) {
        String source = extraYaml.getFileName() == null
                ? extraYaml.toString()
                : extraYaml.getFileName().toString();
        try {
            return withExtra(Files.readString(extraYaml, StandardCharsets.UTF_8), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog file " + extraYaml + ": " + e.getMessage(), e);
        }
    }

    /**
     * The built-in catalog with the entries of the YAML text {@code extraYaml} added.
     *
     * @param source the text's origin, named in error messages
     * @throws InvalidCatalogException naming the source, entry and field when the text is invalid
     */
    public static Catalog withExtra(String extraYaml, String source) {
        Entries merged = CatalogLoader.merge(builtinEntries(), CatalogLoader.read(extraYaml, source));
        return new Catalog(CatalogLoader.checkReferences(merged, source));
    }

    /** The master-worker servers, built-in ones first, in file order. */
    public List<Server> servers() {
        return entries.servers();
    }

    /** The wrappers that start another program. */
    public List<Launcher> launchers() {
        return entries.launchers();
    }

    /** The inits that may already run in front of the program. */
    public List<Init> inits() {
        return entries.inits();
    }

    /** The process managers that supervise several programs. */
    public List<ProcessManager> processManagers() {
        return entries.processManagers();
    }

    /** The project commands that start one of the servers. */
    public List<ProjectCli> projects() {
        return entries.projects();
    }

    /** The known sidecars, built-in ones first, in file order. */
    public List<Sidecar> sidecars() {
        return entries.sidecars();
    }

    /** The known sidecar a container of {@code image} running {@code command} (empty: the image's) is. */
    public Optional<Sidecar> sidecar(String image, List<String> command) {
        String repository = Sidecar.repository(image);
        String program = command.isEmpty() ? null : ExecutablePatterns.basename(command.get(0));
        for (Sidecar sidecar : entries.sidecars()) {
            if (sidecar.matches(repository, program)) {
                return Optional.of(sidecar);
            }
        }
        return Optional.empty();
    }

    /**
     * Recognises what {@code argv} (as PID 1 would run it, exec form) starts.
     *
     * @param env the container's env (name to literal value, {@code null} when unknown), for
     *            variables such as {@code GUNICORN_CMD_ARGS} or {@code PORT}
     */
    public Launch recognise(List<String> argv, Map<String, String> env) {
        return new Recogniser(entries, argv, env).recognise();
    }

    /**
     * Where the program of {@code argv} starts: past the inits ({@code dumb-init --}) and the entrypoint
     * scripts known to exec their arguments ({@code /entrypoint bash …}) at its front; 0 when none is.
     */
    public int programIndex(List<String> argv) {
        return new Recogniser(entries, argv, Map.of()).skipInits();
    }

    /** The image entrypoint scripts known to hand their arguments on. */
    public List<Entrypoint> entrypoints() {
        return entries.entrypoints();
    }

    /**
     * The servers as a Markdown table (server | recognised by | graceful signal | graceful timeout |
     * default port | HTTP), one line per row, for the README.
     */
    public String describe() {
        return CatalogTable.render(entries);
    }

    /** The sidecars as a Markdown table (sidecar | role | recognised by | made a native sidecar), for the README. */
    public String describeSidecars() {
        return CatalogTable.renderSidecars(entries);
    }

    /**
     * The entries of {@code catalog.yaml}, read once per JVM (they are immutable): reading them cost the webhook's
     * warm-up 110 ms of CPU at every start (bench/README.md, "The webhook in the image").
     */
    private static Entries builtinEntries() {
        return Builtin.ENTRIES;
    }

    /** Holds {@link #builtinEntries()}: read when first asked for, by whichever thread asks first. */
    private static final class Builtin {
        static final Entries ENTRIES = read();
    }

    private static Entries read() {
        try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(BUILTIN)) {
            if (in == null) {
                throw new IllegalStateException(BUILTIN + " is missing from the classpath");
            }
            return CatalogLoader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILTIN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
