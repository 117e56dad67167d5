package io.pid1.injector.catalog;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.pid1.injector.text.OneLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads catalog YAML into entries, checks each entry, and merges a user file over the built-in one. */
final class CatalogLoader {

    private static final Set<String> SECTIONS = Set.of(
            "servers",
            "inits",
            "processManagers",
            "launchers",
            "projects",
            "entrypoints",
            "sidecars",
            "notMasterWorker");

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .addModule(new Jdk8Module())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private CatalogLoader() {}

    /**
     * The entries of one catalog file.
     *
     * @param source the file's name, for error messages
     * @throws InvalidCatalogException naming the entry and field when the file is not a valid catalog
     */
    static Entries read(String yaml, String source) {
        JsonNode root = parse(yaml, source);
        if (root.isMissingNode() || root.isNull()) {
            return new Entries(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        }
        if (!root.isObject()) {
            throw new InvalidCatalogException(source + ": expected sections " + SECTIONS + ", found "
                    + root.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SECTIONS.contains(name)) {
                throw new InvalidCatalogException(
                        source + ": unknown section \"" + name + "\", expected one of " + SECTIONS);
            }
        }
        EntryChecks checks = new EntryChecks(source);
        return new Entries(
                section(root, "servers", Server.class, source, checks::server),
                section(root, "inits", Init.class, source, checks::init),
                section(root, "processManagers", ProcessManager.class, source, checks::processManager),
                section(root, "launchers", Launcher.class, source, checks::launcher),
                section(root, "projects", ProjectCli.class, source, checks::project),
                section(root, "entrypoints", Entrypoint.class, source, checks::entrypoint),
                section(root, "sidecars", Sidecar.class, source, checks::sidecar),
                section(root, "notMasterWorker", NotMasterWorker.class, source, checks::notMasterWorker));
    }

    /** {@code base} with {@code extra}'s entries added; an entry of the same name replaces base's. */
    static Entries merge(Entries base, Entries extra) {
        return new Entries(
                byName(base.servers(), extra.servers(), Server::name),
                byName(base.inits(), extra.inits(), Init::name),
                byName(base.processManagers(), extra.processManagers(), ProcessManager::name),
                byName(base.launchers(), extra.launchers(), Launcher::name),
                byName(base.projects(), extra.projects(), ProjectCli::name),
                byName(base.entrypoints(), extra.entrypoints(), Entrypoint::name),
                byName(base.sidecars(), extra.sidecars(), Sidecar::name),
                byName(base.notMasterWorker(), extra.notMasterWorker(), NotMasterWorker::name));
    }

    /** Checks what needs the whole catalog: each project command names a known server. */
    static Entries checkReferences(Entries entries, String source) {
        for (ProjectCli project : entries.projects()) {
            if (entries.server(project.server()).isEmpty()) {
                throw new InvalidCatalogException(source + ": projects entry \"" + project.name()
                        + "\": field \"server\": no server named \"" + project.server() + "\" in the catalog");
            }
        }
        return entries;
    }

    private static JsonNode parse(String yaml, String source) {
        try {
            return YAML.readTree(yaml);
        } catch (JacksonException e) {
            String where =
                    e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new InvalidCatalogException(
                    source + ": not valid YAML" + where + ": " + OneLine.of(e.getOriginalMessage(), "invalid"), e);
        }
    }

    private static <T> List<T> section(
            JsonNode root, String section, Class<T> type, String source, EntryCheck<T> check) {
        JsonNode list = root.path(section);
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new InvalidCatalogException(source + ": section \"" + section + "\" must be a list of entries");
        }
        List<T> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String entry = section + " entry "
                    + (node.path("name").isTextual() ? "\"" + node.path("name").asText() + "\"" : "#" + (i + 1));
            T value = convert(node, type, source + ": " + entry);
            check.check(value, entry);
            entries.add(value);
        }
        return entries;
    }

    private static <T> T convert(JsonNode node, Class<T> type, String where) {
        if (!node.isObject()) {
            throw new InvalidCatalogException(where + ": must be a map of fields");
        }
        try {
            return YAML.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw new InvalidCatalogException(where + ": unknown field \"" + e.getPropertyName() + "\"", e);
        } catch (InvalidFormatException e) {
            throw new InvalidCatalogException(where + ": field \"" + field(e) + "\": " + problem(e), e);
        } catch (JsonMappingException e) {
            throw new InvalidCatalogException(
                    where + ": field \"" + field(e) + "\": " + OneLine.of(e.getOriginalMessage(), "invalid"), e);
        } catch (JacksonException e) {
            throw new InvalidCatalogException(where + ": " + OneLine.of(e.getOriginalMessage(), "invalid"), e);
        }
    }

    private static String problem(InvalidFormatException e) {
        Class<?> type = e.getTargetType();
        if (type != null && type.isEnum()) {
            return "must be one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(constant -> constant.toString().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "))
                    + ", was " + e.getValue();
        }
        return OneLine.of(e.getOriginalMessage(), "invalid");
    }

    private static String field(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        for (int i = path.size() - 1; i >= 0; i--) {
            if (path.get(i).getFieldName() != null) {
                return path.get(i).getFieldName();
            }
        }
        return "?";
    }

    private static <T> List<T> byName(List<T> base, List<T> extra, Function<T, String> name) {
        Map<String, T> merged = new LinkedHashMap<>();
        base.forEach(entry -> merged.put(name.apply(entry), entry));
        extra.forEach(entry -> merged.put(name.apply(entry), entry));
        return List.copyOf(merged.values());
    }

    /** A check of one entry; {@code entry} names it in the error message. */
    @FunctionalInterface
    private interface EntryCheck<T> {
        void check(T value, String entry);
    }
}
